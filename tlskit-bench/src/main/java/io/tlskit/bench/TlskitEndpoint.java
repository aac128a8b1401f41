package io.tlskit.bench;

import io.tlskit.HandshakeInfo;
import io.tlskit.TlsEngine;

/** tlskit's sans-I/O {@link TlsEngine} as an {@link Endpoint}. */
public final class TlskitEndpoint implements Endpoint {
    public final TlsEngine engine;

    public TlskitEndpoint(TlsEngine engine) {
        this.engine = engine;
    }

    @Override
    public int flush(byte[] wire, int off, int len) {
        return engine.takeOutput(wire, off, len);
    }

    @Override
    public int receive(byte[] wire, int off, int len, byte[] sink, int sinkOff) throws Exception {
        engine.receive(wire, off, len);
        if (sink == null) {
            return 0;
        }
        int total = 0;
        int n;
        while ((n = engine.readPlaintext(sink, sinkOff + total, sink.length - sinkOff - total)) > 0) {
            total += n;
        }
        return total;
    }

    @Override
    public int seal(byte[] data, int off, int len, byte[] wire, int wireOff) throws Exception {
        int chunk = engine.maxPlaintextPerRecord();
        int out = 0;
        // at most one record's worth per write, then flush: what TlsEngine's javadoc asks of callers that care about memory
        for (int done = 0; done < len; done += chunk) {
            engine.writePlaintext(data, off + done, Math.min(chunk, len - done));
            out += engine.takeOutput(wire, wireOff + out, wire.length - wireOff - out);
        }
        return out;
    }

    @Override
    public boolean established() {
        if (engine.failure().isPresent()) {
            throw new IllegalStateException("tlskit engine failed", engine.failure().get());
        }
        return engine.isEstablished();
    }

    @Override
    public void goIdle() {
        engine.trimBuffers();
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public String describe() {
        HandshakeInfo info = engine.handshakeInfo().orElse(null);
        if (info == null) {
            return "not established";
        }
        return info.version().displayName() + " " + info.cipherSuite() + (info.resumed() ? " resumed" : " full")
            + info.verifyResult().map(r -> r.isValid() ? " verified" : " NOT-verified").orElse("");
    }

    /** Whether tlskit reports the handshake as resumed. */
    public boolean resumed() {
        return engine.handshakeInfo().map(HandshakeInfo::resumed).orElse(false);
    }
}
