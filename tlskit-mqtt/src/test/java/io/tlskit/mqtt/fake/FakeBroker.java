package io.tlskit.mqtt.fake;

import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.mqtt.MqttDecoder;
import io.tlskit.mqtt.MqttPacket;
import io.tlskit.mqtt.MqttProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scriptable fake MQTT broker for tests: a plain {@link ServerSocket} on 127.0.0.1 (optionally
 * with tlskit's {@link TlsConnection#server} on each accepted socket) that sends exactly the bytes a
 * test gives it and records everything the client sends.
 *
 * <pre>{@code
 * try (FakeBroker broker = FakeBroker.plain()) {
 *     ... MqttClient.builder().broker(broker.uri()) ... client.connect();
 *     FakeBroker.Connection c = broker.accept();
 *     MqttPacket.Connect connect = c.expectConnect();
 *     c.send(Packets.connack(connect.version(), false));
 *     MqttPacket.Publish p = c.expect(MqttPacket.Publish.class);
 *     c.send(Packets.bytes(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));   // misbehave
 *     assertThat(c.awaitClosedByClient()).isTrue();
 * }
 * }</pre>
 *
 * <p>The client's bytes are split into packets with {@link MqttDecoder} (peer "client", the version
 * learnt from the CONNECT), each kept with its exact bytes. Every wait is bounded by
 * {@link #TIMEOUT} (or the timeout given): a test against a misbehaving client fails, it never hangs.
 */
public final class FakeBroker implements AutoCloseable {
    /** The bound on every wait: accept, TLS handshake, next packet, close. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ServerSocket server;
    private final TlsConfig tls;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();

    private FakeBroker(TlsConfig tls) throws IOException {
        this.tls = tls;
        this.server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        this.server.setSoTimeout((int) TIMEOUT.toMillis());
    }

    /** A broker speaking MQTT over plain TCP (mqtt://). */
    public static FakeBroker plain() throws IOException {
        return new FakeBroker(null);
    }

    /** A broker speaking MQTT over TLS (mqtts://) with the given server config. */
    public static FakeBroker tls(TlsConfig serverConfig) throws IOException {
        return new FakeBroker(serverConfig);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** mqtt://127.0.0.1:PORT or mqtts://127.0.0.1:PORT. */
    public String uri() {
        return (tls != null ? "mqtts" : "mqtt") + "://127.0.0.1:" + port();
    }

    /** Accepts the next connection (and runs the TLS handshake) within {@link #TIMEOUT}. */
    public Connection accept() throws IOException {
        Socket socket;
        try {
            socket = server.accept();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the client did not connect to the fake broker within " + TIMEOUT.toMillis() + " ms", e);
        }
        socket.setTcpNoDelay(true);
        Connection c = new Connection(socket);
        connections.add(c);
        try {
            c.start();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** True when the client opened no (further) connection within {@code wait}. */
    public boolean noConnectionWithin(Duration wait) throws IOException {
        server.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try (Socket s = server.accept()) {
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        } finally {
            server.setSoTimeout((int) TIMEOUT.toMillis());
        }
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            c.close();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** One packet the client sent, with its exact bytes on the wire. */
    public record Received(MqttPacket packet, byte[] raw) {
        public String hex() {
            return HexFormat.of().formatHex(raw);
        }

        @Override
        public String toString() {
            return packet.type() + " " + hex();
        }
    }

    /** One accepted connection: a reader thread records what the client sends; the test sends bytes. */
    public final class Connection implements AutoCloseable {
        private static final Received END = new Received(new MqttPacket.PingReq(), new byte[0]);

        private final Socket socket;
        private volatile TlsConnection tlsConnection;
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream undecoded = new ByteArrayOutputStream();
        private final MqttDecoder decoder = new MqttDecoder(null, MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, "client");
        private final LinkedBlockingQueue<Received> queue = new LinkedBlockingQueue<>();
        private final List<Received> history = new CopyOnWriteArrayList<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Exception readFailure;
        private volatile boolean closedByUs;

        private Connection(Socket socket) {
            this.socket = socket;
        }

        private void start() throws IOException {
            if (tls != null) {
                socket.setSoTimeout((int) TIMEOUT.toMillis()); // bounds the handshake's reads
                TlsConnection c = TlsConnection.server(tls, new SocketTransport(socket));
                c.handshake();
                tlsConnection = c;
            }
            Thread reader = new Thread(this::readLoop, "fake-broker-" + port() + "-read");
            reader.setDaemon(true);
            reader.start();
        }

        private void readLoop() {
            byte[] buffer = new byte[16 * 1024];
            try {
                SocketTransport plain = tlsConnection == null ? new SocketTransport(socket) : null;
                while (true) {
                    int n = plain != null ? plain.read(buffer, 0, buffer.length, 0) : tlsConnection.read(buffer, 0, buffer.length);
                    if (n < 0) {
                        break;
                    }
                    if (n > 0) {
                        record(buffer, n);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closedByUs) {
                    readFailure = e; // a reset or a TLS error still counts as "the client closed"
                }
            } finally {
                ended.countDown();
                queue.add(END);
            }
        }

        private synchronized void record(byte[] buffer, int n) throws MqttProtocolException {
            all.write(buffer, 0, n);
            undecoded.write(buffer, 0, n);
            decoder.feed(buffer, 0, n);
            MqttPacket p;
            while ((p = decoder.next()) != null) {
                byte[] pending = undecoded.toByteArray();
                int consumed = pending.length - decoder.buffered();
                Received r = new Received(p, Arrays.copyOf(pending, consumed));
                undecoded.reset();
                undecoded.write(pending, consumed, pending.length - consumed);
                history.add(r);
                queue.add(r);
            }
        }

        /** Sends the bytes as they are (one write per argument, each flushed). */
        public void send(byte[]... chunks) throws IOException {
            for (byte[] chunk : chunks) {
                if (tlsConnection != null) {
                    tlsConnection.write(chunk, 0, chunk.length);
                } else {
                    socket.getOutputStream().write(chunk);
                    socket.getOutputStream().flush();
                }
            }
        }

        /** The next packet the client sent, within {@link #TIMEOUT}; fails if the client closed or stayed silent. */
        public Received next() throws InterruptedException {
            return next(TIMEOUT);
        }

        public Received next(Duration timeout) throws InterruptedException {
            Received r = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("the client sent no packet within " + timeout.toMillis() + " ms; so far: " + history);
            }
            if (r == END) {
                queue.add(END);
                throw new AssertionError("the client closed the connection instead of sending a packet"
                        + (readFailure != null ? " (" + readFailure + ")" : "") + "; it sent: " + history);
            }
            return r;
        }

        /** The next packet, which must be of {@code type} (PINGREQs in between are skipped). */
        public <T extends MqttPacket> T expect(Class<T> type) throws InterruptedException {
            return type.cast(expectRaw(type).packet());
        }

        /** Like {@link #expect} but with the packet's bytes. */
        public Received expectRaw(Class<? extends MqttPacket> type) throws InterruptedException {
            while (true) {
                Received r = next();
                if (r.packet() instanceof MqttPacket.PingReq && type != MqttPacket.PingReq.class) {
                    continue;
                }
                if (!type.isInstance(r.packet())) {
                    throw new AssertionError("expected " + type.getSimpleName() + " from the client but got " + r
                            + "; it sent: " + history);
                }
                return r;
            }
        }

        public MqttPacket.Connect expectConnect() throws InterruptedException {
            return expect(MqttPacket.Connect.class);
        }

        /**
         * Waits for the client to close the connection (EOF, reset or TLS close) and returns the packets
         * it sent first that no test has taken yet (PINGREQs left out); fails after {@code timeout}.
         */
        public List<Received> awaitClosedByClient(Duration timeout) throws InterruptedException {
            if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the client did not close the connection within " + timeout.toMillis()
                        + " ms; it sent: " + history);
            }
            List<Received> rest = new ArrayList<>();
            Received r;
            while ((r = queue.poll()) != null) {
                if (r != END && !(r.packet() instanceof MqttPacket.PingReq)) {
                    rest.add(r);
                }
            }
            queue.add(END);
            return rest;
        }

        public List<Received> awaitClosedByClient() throws InterruptedException {
            return awaitClosedByClient(TIMEOUT);
        }

        /** Whether the connection ended (the client closed it, or it broke). */
        public boolean ended() {
            return ended.getCount() == 0;
        }

        /** Everything the client sent, as packets in order. */
        public List<Received> history() {
            return List.copyOf(history);
        }

        /** Everything the client sent, byte for byte. */
        public synchronized byte[] receivedBytes() {
            return all.toByteArray();
        }

        /** Why reading ended abnormally (reset, TLS error, undecodable bytes), if it did. */
        public Exception readFailure() {
            return readFailure;
        }

        @Override
        public void close() {
            closedByUs = true;
            TlsConnection c = tlsConnection;
            if (c != null) {
                c.close();
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
