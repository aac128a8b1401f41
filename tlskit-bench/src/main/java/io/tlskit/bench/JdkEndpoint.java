package io.tlskit.bench;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The JDK's {@link SSLEngine} as an {@link Endpoint}: the usual wrap/unwrap loop, delegated tasks
 * run inline on the calling thread. Records are wrapped straight into the caller's wire array and
 * unwrapped straight into the caller's sink, as a careful SSLEngine user does; only the bytes of an
 * incomplete record are copied aside.
 */
public final class JdkEndpoint implements Endpoint {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    public final SSLEngine engine;
    private final ByteBuffer pendingIn;   // bytes unwrap could not take yet (flip mode: write)
    private final ByteBuffer scratchApp;  // handshake-time unwrap target
    private boolean finished;

    public JdkEndpoint(SSLEngine engine) throws SSLException {
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.pendingIn = ByteBuffer.allocate(2 * packet);
        this.scratchApp = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private void track(SSLEngineResult r) {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            finished = true;
        }
    }

    @Override
    public int flush(byte[] wire, int off, int len) throws Exception {
        ByteBuffer dst = ByteBuffer.wrap(wire, off, len);
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
                continue;
            }
            if (hs != HandshakeStatus.NEED_WRAP) {
                break;
            }
            SSLEngineResult r = engine.wrap(EMPTY, dst);
            track(r);
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                if (dst.position() == off) {
                    throw new IllegalStateException("wire buffer too small for SSLEngine.wrap");
                }
                break;
            }
            if (r.getStatus() == Status.CLOSED) {
                break;
            }
            if (r.bytesProduced() == 0 && r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                throw new IllegalStateException("SSLEngine.wrap made no progress");
            }
        }
        return dst.position() - off;
    }

    @Override
    public int receive(byte[] wire, int off, int len, byte[] sink, int sinkOff) throws Exception {
        ByteBuffer src;
        boolean fromPending = pendingIn.position() > 0;
        if (fromPending) {
            pendingIn.put(wire, off, len);
            pendingIn.flip();
            src = pendingIn;
        } else {
            src = ByteBuffer.wrap(wire, off, len);
        }
        ByteBuffer dst = sink == null ? scratchApp : ByteBuffer.wrap(sink, sinkOff, sink.length - sinkOff);
        int produced = 0;
        try {
            while (src.hasRemaining()) {
                if (sink == null) {
                    scratchApp.clear();
                }
                SSLEngineResult r = engine.unwrap(src, dst);
                track(r);
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                produced += r.bytesProduced();
                if (r.getStatus() == Status.BUFFER_UNDERFLOW || r.getStatus() == Status.CLOSED) {
                    break;
                }
                if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                    throw new IllegalStateException("sink too small for SSLEngine.unwrap");
                }
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break; // the engine wants to wrap first
                }
            }
        } finally {
            if (fromPending) {
                pendingIn.compact();
            } else if (src.hasRemaining()) {
                pendingIn.put(src);
            }
        }
        if (sink == null && produced > 0) {
            throw new IllegalStateException("unexpected application data during the handshake");
        }
        return produced;
    }

    @Override
    public int seal(byte[] data, int off, int len, byte[] wire, int wireOff) throws Exception {
        ByteBuffer src = ByteBuffer.wrap(data, off, len);
        ByteBuffer dst = ByteBuffer.wrap(wire, wireOff, wire.length - wireOff);
        while (src.hasRemaining()) {
            SSLEngineResult r = engine.wrap(src, dst);
            if (r.getStatus() != Status.OK) {
                throw new IllegalStateException("SSLEngine.wrap: " + r);
            }
        }
        return dst.position() - wireOff;
    }

    @Override
    public boolean established() {
        return finished && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public boolean hasBufferedInput() {
        return pendingIn.position() > 0;
    }

    @Override
    public String describe() {
        return engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite();
    }
}
