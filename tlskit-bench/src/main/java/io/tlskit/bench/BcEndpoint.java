package io.tlskit.bench;

import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsProtocol;

/** Plain BouncyCastle {@link TlsProtocol} in non-blocking mode as an {@link Endpoint}. */
public final class BcEndpoint implements Endpoint {
    public final TlsProtocol protocol;
    private final java.util.function.Supplier<TlsContext> context;

    public BcEndpoint(TlsProtocol protocol, java.util.function.Supplier<TlsContext> context) {
        this.protocol = protocol;
        this.context = context;
    }

    @Override
    public int flush(byte[] wire, int off, int len) {
        return protocol.readOutput(wire, off, len);
    }

    @Override
    public int receive(byte[] wire, int off, int len, byte[] sink, int sinkOff) throws Exception {
        if (len > 0) {
            protocol.offerInput(wire, off, len);
        }
        if (sink == null) {
            return 0;
        }
        int total = 0;
        int n;
        while ((n = Math.min(protocol.getAvailableInputBytes(), sink.length - sinkOff - total)) > 0) {
            total += protocol.readInput(sink, sinkOff + total, n);
        }
        return total;
    }

    @Override
    public int seal(byte[] data, int off, int len, byte[] wire, int wireOff) throws Exception {
        protocol.writeApplicationData(data, off, len);
        return protocol.readOutput(wire, wireOff, wire.length - wireOff);
    }

    @Override
    public boolean established() {
        return protocol.isConnected() && !protocol.isHandshaking();
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public String describe() {
        TlsContext ctx = context.get();
        SecurityParameters sp = ctx == null ? null : ctx.getSecurityParametersConnection();
        if (sp == null) {
            return "not established";
        }
        ProtocolVersion v = sp.getNegotiatedVersion();
        return (ProtocolVersion.TLSv13.equals(v) ? "TLSv1.3" : ProtocolVersion.TLSv12.equals(v) ? "TLSv1.2" : String.valueOf(v))
            + " " + Scenario.suiteName(sp.getCipherSuite()) + (sp.isResumedSession() ? " resumed" : " full");
    }

    public boolean resumed() {
        TlsContext ctx = context.get();
        return ctx != null && ctx.getSecurityParametersConnection() != null
            && ctx.getSecurityParametersConnection().isResumedSession();
    }
}
