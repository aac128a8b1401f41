package io.tlskit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A blocking TLS connection over any {@link Transport}: the mbedtls_ssl_handshake / read / write /
 * close_notify equivalent. One thread may read while another writes.
 */
public final class TlsConnection implements Closeable {
    private static final int MAX_WAIT_MILLIS = Integer.MAX_VALUE;
    /** How long a connection waits for data before it trims its buffers. */
    static final int IDLE_TRIM_MILLIS = 1000;

    private final TlsEngine engine;
    private final Transport transport;
    private final Object engineLock = new Object();
    private final Object writeLock = new Object();
    /** 8 KiB: a full record arrives in two reads, and thousands of idle connections stay small. */
    private static final int READ_BUFFER = 8 * 1024;
    /** What an idle connection blocks on after {@link #IDLE_TRIM_MILLIS}; a read that fills it restores the full buffer. */
    private static final int IDLE_READ_BUFFER = 256;
    /** Only the reading thread replaces it (idle trim, regrowth); others use it under engineLock after a read. */
    private volatile byte[] readBuffer = new byte[READ_BUFFER];
    private volatile int readTimeoutMillis;
    private boolean closed;

    private TlsConnection(TlsEngine engine, Transport transport) {
        this.engine = engine;
        this.transport = transport;
    }

    /** A client over an already open transport; {@code serverName} is used for SNI and the hostname check. */
    public static TlsConnection client(TlsConfig config, Transport transport, String serverName) throws TlsException {
        String name = serverName != null ? serverName : config.serverName();
        return new TlsConnection(TlsEngine.client(config, name, name == null ? transport.describe() : name), transport);
    }

    public static TlsConnection server(TlsConfig config, Transport transport) throws TlsException {
        return new TlsConnection(TlsEngine.server(config), transport);
    }

    /**
     * Opens TCP to host:port and completes the handshake. The config's server name wins over
     * {@code host} for SNI and verification (useful when connecting by IP address).
     */
    public static TlsConnection connect(TlsConfig config, String host, int port) throws TlsException {
        SocketTransport socket = SocketTransport.connect(host, port, config.handshakeTimeout());
        String name = config.serverName() != null ? config.serverName() : host;
        TlsEngine engine;
        try {
            engine = TlsEngine.client(config, name, name + ":" + port);
        } catch (TlsException | RuntimeException e) {
            try {
                socket.close();
            } catch (java.io.IOException ignored) {
                // the engine's failure is what matters
            }
            throw e;
        }
        TlsConnection connection = new TlsConnection(engine, socket);
        try {
            connection.handshake();
            return connection;
        } catch (TlsException e) {
            connection.closeTransportQuietly();
            throw e;
        }
    }

    public TlsEngine engine() {
        return engine;
    }

    public Transport transport() {
        return transport;
    }

    /** How long {@link #read} waits for data; 0 (the default) waits forever. */
    public TlsConnection readTimeout(Duration timeout) {
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return this;
    }

    /** Runs the handshake to completion within the config's handshake timeout. */
    public HandshakeInfo handshake() throws TlsException {
        long now = engine.config().time().monotonicMillis();
        flush();
        while (true) {
            synchronized (engineLock) {
                if (!engine.isHandshaking()) {
                    break;
                }
            }
            long remaining = engine.handshakeDeadlineMillis() - engine.config().time().monotonicMillis();
            if (remaining <= 0) {
                synchronized (engineLock) {
                    engine.checkTimeout();
                }
            }
            int n;
            try {
                byte[] buffer = readBuffer;
                n = transport.read(buffer, 0, buffer.length, (int) Math.max(1, Math.min(remaining, MAX_WAIT_MILLIS)));
            } catch (InterruptedIOException timeout) {
                continue; // the deadline check above turns this into HANDSHAKE_TIMEOUT
            } catch (IOException e) {
                throw new TlsException(TlsError.IO_ERROR, "transport " + transport.describe() + " failed during the handshake: " + e.getMessage(), e);
            }
            feed(n);
        }
        if (engine.failure().isPresent()) {
            throw engine.failure().get();
        }
        HandshakeInfo info = engine.handshakeInfo().orElseThrow(() -> new TlsException(TlsError.CLOSED,
            "the peer closed the connection right after the handshake"));
        HandshakeObserver.LOG.debug("handshake with {} took {} ms", transport.describe(), engine.config().time().monotonicMillis() - now);
        return info;
    }

    /** Hands {@code n} received bytes (or end of stream when n &lt; 0) to the engine and sends its answer. */
    private void feed(int n) throws TlsException {
        try {
            synchronized (engineLock) {
                if (n < 0) {
                    engine.receiveEof();
                } else {
                    engine.receive(readBuffer, 0, n);
                }
            }
        } catch (TlsException e) {
            flushQuietly(); // the alert explaining the failure goes to the peer
            throw e;
        }
        try {
            flush();
        } catch (TlsException e) {
            // our answer to the peer's close_notify need not arrive (the peer, or a modem, has hung up):
            // what it sent before closing is still to be read
            synchronized (engineLock) {
                if (!engine.isInboundDone() || engine.failure().isPresent()) {
                    throw e;
                }
            }
        }
    }

    /** Reads application data: the count, or -1 after the peer's close_notify. */
    public int read(byte[] buffer, int offset, int length) throws TlsException {
        ensureHandshake();
        while (true) {
            synchronized (engineLock) {
                int n = engine.readPlaintext(buffer, offset, length);
                if (n > 0) {
                    return n;
                }
                if (engine.isInboundDone()) {
                    if (engine.failure().isPresent()) {
                        throw engine.failure().get();
                    }
                    return -1;
                }
            }
            int n = readApplicationRecords();
            feed(n);
            if (n < 0) {
                return -1;
            }
        }
    }

    /**
     * Waits for bytes from the transport within the read timeout. A connection that stays quiet for
     * {@link #IDLE_TRIM_MILLIS} gives back the buffer memory its last burst grew, so thousands of
     * idle connections stay small.
     */
    private int readApplicationRecords() throws TlsException {
        long deadline = readTimeoutMillis == 0 ? Long.MAX_VALUE : System.nanoTime() / 1_000_000L + readTimeoutMillis;
        boolean trimmed = false;
        while (true) {
            long left = deadline == Long.MAX_VALUE ? 0 : deadline - System.nanoTime() / 1_000_000L;
            if (deadline != Long.MAX_VALUE && left <= 0) {
                throw new TlsException(TlsError.READ_TIMEOUT, "no data from " + transport.describe() + " within " + readTimeoutMillis + " ms");
            }
            int wait = trimmed ? (int) Math.min(Integer.MAX_VALUE, left) : (int) (left == 0 ? IDLE_TRIM_MILLIS : Math.min(left, IDLE_TRIM_MILLIS));
            try {
                byte[] buffer = readBuffer;
                int n = transport.read(buffer, 0, buffer.length, wait);
                if (n == buffer.length && buffer.length < READ_BUFFER) {
                    readBuffer = java.util.Arrays.copyOf(buffer, READ_BUFFER); // traffic again: back to the full buffer
                }
                return n;
            } catch (InterruptedIOException quiet) {
                if (!trimmed) {
                    synchronized (engineLock) {
                        engine.trimBuffers();
                    }
                    readBuffer = new byte[IDLE_READ_BUFFER];
                    trimmed = true;
                }
            } catch (IOException e) {
                throw new TlsException(TlsError.IO_ERROR, "transport " + transport.describe() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Writes application data in records no larger than the negotiated limit, flushing each. */
    public void write(byte[] data, int offset, int length) throws TlsException {
        ensureHandshake();
        int done = 0;
        while (done < length) {
            int chunk;
            synchronized (engineLock) {
                chunk = Math.min(length - done, engine.maxPlaintextPerRecord());
                engine.writePlaintext(data, offset + done, chunk);
            }
            done += chunk;
            try {
                flush();
            } catch (TlsException e) {
                throw peerAlertOr(e);
            }
        }
    }

    /**
     * A write that fails because the peer closed often hides why: the peer sent a fatal alert (for
     * example certificate_required in TLS 1.3, which arrives after our handshake finished) before it
     * closed. Read briefly for that alert so the caller learns the cause, not "broken pipe".
     */
    private TlsException peerAlertOr(TlsException writeFailure) {
        if (writeFailure.error() != TlsError.IO_ERROR) {
            return writeFailure;
        }
        try {
            byte[] buffer = new byte[IDLE_READ_BUFFER * 4]; // own buffer: the reading thread may be using (or trimming) readBuffer
            int n = transport.read(buffer, 0, buffer.length, 200);
            if (n > 0) {
                synchronized (engineLock) {
                    engine.receive(buffer, 0, n);
                }
            }
        } catch (TlsException alert) {
            return alert;
        } catch (IOException ignored) {
            // nothing more to learn from a dead transport
        }
        return writeFailure;
    }

    public void write(byte[] data) throws TlsException {
        write(data, 0, data.length);
    }

    /** Sends close_notify. The transport stays open so the peer's close_notify can still be read. */
    public void closeNotify() throws TlsException {
        synchronized (engineLock) {
            engine.closeNotify();
        }
        flush();
    }

    /** Sends close_notify (best effort) and closes the transport. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            closeNotify();
        } catch (TlsException e) {
            HandshakeObserver.LOG.debug("close_notify to {} not sent: {}", transport.describe(), e.getMessage());
        }
        closeTransportQuietly();
    }

    public HandshakeInfo handshakeInfo() throws TlsException {
        return ensureHandshake();
    }

    public InputStream getInputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = TlsConnection.this.read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : TlsConnection.this.read(b, off, len);
            }

            @Override
            public int available() {
                synchronized (engineLock) {
                    return engine.availablePlaintext();
                }
            }

            @Override
            public void close() {
                TlsConnection.this.close();
            }
        };
    }

    public OutputStream getOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                TlsConnection.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                TlsConnection.this.write(b, off, len);
            }

            @Override
            public void close() {
                TlsConnection.this.close();
            }
        };
    }

    private HandshakeInfo ensureHandshake() throws TlsException {
        synchronized (engineLock) {
            if (engine.handshakeInfo().isPresent()) {
                return engine.handshakeInfo().get();
            }
        }
        return handshake();
    }

    private void flush() throws TlsException {
        synchronized (writeLock) {
            byte[] out;
            synchronized (engineLock) {
                out = engine.takeOutput();
            }
            if (out.length == 0) {
                return;
            }
            try {
                transport.write(out, 0, out.length);
                transport.flush();
            } catch (IOException e) {
                throw new TlsException(TlsError.IO_ERROR, "cannot send to " + transport.describe() + ": " + e.getMessage(), e);
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (TlsException ignored) {
            // the peer is gone; the original failure is what matters
        }
    }

    private void closeTransportQuietly() {
        try {
            transport.close();
        } catch (IOException ignored) {
            // closing a broken transport can fail; nothing is left to release
        }
    }
}
