package io.tlskit.mqtt;

import io.tlskit.HandshakeInfo;
import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsException;
import io.tlskit.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One connection attempt and, if it succeeds, the connection to a broker. Its reader thread opens
 * the transport, runs the TLS handshake and then blocks in read (any {@link Transport} can do that,
 * not only sockets), handing what it read to {@link Events}. Writes are made by the caller (the
 * client's command loop) with {@link #write}; a write blocked longer than its limit (a frozen
 * broker that stopped reading) is ended by the shared watchdog closing the transport, so the
 * command loop never hangs on a dead peer.
 */
final class MqttLink {
    /** What the reader thread reports; the client turns each into a command (run on the reader itself when the loop is free). */
    interface Events {
        void linkUp(MqttLink link);

        void bytes(MqttLink link, byte[] data);

        /** Published messages the broker has not acknowledged yet (read by the reader thread: {@link ReadPacer}). */
        int unacknowledged();

        /** The link ended; cause is null when the peer closed the stream. Not called after {@link #abort}. */
        void linkDown(MqttLink link, Exception cause);
    }

    /** Idle readers block on this much; bytes already decrypted behind it are taken in one go. */
    private static final int TLS_READ_CHUNK = 512;
    private static final int PLAIN_READ_BUFFER = 4 * 1024;

    final BrokerUri broker;
    private final String name;
    private final Supplier<Transport> transportSupplier;
    private final TlsConfig tlsConfig;
    private final Duration connectTimeout;
    private final Events events;

    private volatile Transport transport;
    private volatile TlsConnection tls;
    volatile boolean transportOpen;
    volatile boolean handshakeDone;
    volatile HandshakeInfo handshake;
    private volatile boolean aborted;
    /** System.nanoTime() when the current write began, 0 when none runs. */
    private volatile long writeSince;
    private volatile long writeLimitNanos = Long.MAX_VALUE;
    private volatile long stalledMillis;
    private volatile Thread reader;

    // inside the client's command loop only
    boolean connected;
    boolean downHandled;

    MqttLink(BrokerUri broker, String name, Supplier<Transport> transportSupplier, TlsConfig tlsConfig,
             Duration connectTimeout, Events events) {
        this.broker = broker;
        this.name = name;
        this.transportSupplier = transportSupplier;
        this.tlsConfig = tlsConfig;
        this.connectTimeout = connectTimeout;
        this.events = events;
    }

    void start() {
        Thread t = new Thread(this::readLoop, "tlskit-mqtt-" + name + "-read");
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    /** Waits up to {@code millis} for the reader thread to end (after {@link #abort}): close() leaves no thread behind. */
    void awaitReaderExit(long millis) throws InterruptedException {
        Thread t = reader;
        if (t != null && t != Thread.currentThread()) {
            t.join(millis);
        }
    }

    /** Connected (handshake done) and not aborted: writes may go out. */
    boolean ready() {
        return handshakeDone && !aborted;
    }

    boolean aborted() {
        return aborted;
    }

    /** How long the write the watchdog ended had been blocked, or 0 if it ended none. */
    long stalledMillis() {
        return stalledMillis;
    }

    private void readLoop() {
        Exception failure = null;
        try {
            open();
            if (aborted) {
                return;
            }
            SharedExecutors.watch(this);
            events.linkUp(this);
            TlsConnection c = tls;
            if (c != null) {
                readTls(c);
            } else {
                readPlain();
            }
        } catch (Exception e) {
            failure = e;
        } finally {
            if (!aborted) {
                events.linkDown(this, failure);
            }
            abort();
        }
    }

    /**
     * Blocks on a small buffer (an idle client keeps no large one), then takes everything the TLS
     * layer has already decrypted in one array: one command per burst of packets, not per record.
     */
    private void readTls(TlsConnection c) throws IOException {
        InputStream in = c.getInputStream();
        byte[] small = new byte[TLS_READ_CHUNK];
        while (!aborted) {
            int n = c.read(small, 0, small.length);
            if (n < 0) {
                return;
            }
            int more = in.available();
            byte[] data = java.util.Arrays.copyOf(small, n + more);
            while (n < data.length) {
                int r = c.read(data, n, data.length - n); // available: does not block
                if (r < 0) {
                    data = java.util.Arrays.copyOf(data, n);
                    break;
                }
                n += r;
            }
            events.bytes(this, data);
            ReadPacer.pauseAfter(data.length, events.unacknowledged());
        }
    }

    private void readPlain() throws IOException {
        byte[] buffer = new byte[PLAIN_READ_BUFFER];
        while (!aborted) {
            int n = transport.read(buffer, 0, buffer.length, 0);
            if (n < 0) {
                return;
            }
            if (n > 0) {
                events.bytes(this, java.util.Arrays.copyOf(buffer, n));
                ReadPacer.pauseAfter(n, events.unacknowledged());
            }
        }
    }

    private void open() throws IOException {
        Transport t;
        if (transportSupplier != null) {
            try {
                t = transportSupplier.get();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (RuntimeException e) {
                throw new IOException("the transport supplier failed: " + e.getMessage(), e);
            }
        } else {
            t = SocketTransport.connect(broker.host(), broker.port(), connectTimeout);
        }
        transport = t;
        transportOpen = true;
        if (aborted) {
            closeTransport();
            return;
        }
        if (broker.tls()) {
            TlsConfig cfg = tlsConfig != null ? tlsConfig : TlsConfig.client().build();
            String serverName = cfg.serverName() != null ? cfg.serverName() : broker.host();
            TlsConnection c = TlsConnection.client(cfg, t, serverName);
            tls = c;
            handshake = c.handshake();
        }
        handshakeDone = true;
    }

    /**
     * Writes and flushes (on the caller's thread). If the write is still blocked after
     * {@code limitMillis} the watchdog aborts the link and this throws; see {@link #stalledMillis}.
     */
    void write(byte[] bytes, long limitMillis) throws IOException {
        write(bytes, bytes.length, true, limitMillis);
    }

    /**
     * Writes {@code bytes[0..length)} of a buffer the caller reuses, like {@link #write(byte[], long)}.
     * TLS has encrypted them when this returns, so no copy is made; a plain transport gets its own
     * copy, since a custom one may keep the array it was given.
     */
    void writeReused(byte[] bytes, int length, long limitMillis) throws IOException {
        write(bytes, length, false, limitMillis);
    }

    private void write(byte[] bytes, int length, boolean owned, long limitMillis) throws IOException {
        if (aborted) {
            throw new IOException("the connection closed");
        }
        writeLimitNanos = limitMillis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : limitMillis * 1_000_000;
        writeSince = Math.max(1, System.nanoTime());
        try {
            TlsConnection c = tls;
            if (c != null) {
                c.write(bytes, 0, length);
            } else {
                byte[] own = owned ? bytes : java.util.Arrays.copyOf(bytes, length);
                transport.write(own, 0, length);
                transport.flush();
            }
        } finally {
            writeSince = 0;
        }
    }

    /** Called by the watchdog thread. */
    void checkWriteDeadline(long nowNanos) {
        long since = writeSince;
        long limit = writeLimitNanos;
        if (since != 0 && limit != Long.MAX_VALUE && nowNanos - since > limit && !aborted) {
            stalledMillis = Math.max(1, (nowNanos - since) / 1_000_000);
            abort();
        }
    }

    /** Sends close_notify (best effort, within limitMillis) and closes the transport. */
    void closeGracefully(long limitMillis) {
        TlsConnection c = tls;
        if (c != null && handshakeDone && !aborted) {
            writeLimitNanos = limitMillis * 1_000_000;
            writeSince = Math.max(1, System.nanoTime());
            try {
                c.closeNotify();
            } catch (TlsException ignored) {
                // the peer may be gone already
            } finally {
                writeSince = 0;
            }
        }
        abort();
    }

    /** Closes the transport at once, which unblocks the reader and a blocked write. Any thread. */
    void abort() {
        if (aborted) {
            return;
        }
        aborted = true;
        SharedExecutors.unwatch(this);
        closeTransport();
    }

    private void closeTransport() {
        Transport t = transport;
        if (t != null) {
            try {
                t.close();
            } catch (IOException ignored) {
                // closing a broken transport can fail; nothing is left to release
            }
        }
    }

    @Override
    public String toString() {
        return broker.toString();
    }
}
