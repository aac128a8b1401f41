package io.tlskit.netty;

import static io.tlskit.netty.NettyTesting.DEADLINE;
import static io.tlskit.netty.NettyTesting.PKI;
import static io.tlskit.netty.NettyTesting.await;
import static io.tlskit.netty.NettyTesting.clientConfig;
import static io.tlskit.netty.NettyTesting.exchangeLine;
import static io.tlskit.netty.NettyTesting.pki;
import static io.tlskit.netty.NettyTesting.readLine;
import static io.tlskit.netty.NettyTesting.serverConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.tlskit.HandshakeInfo;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsVersion;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TlsServer on 127.0.0.1 against real peers: openssl, gnutls-cli, tlskit's blocking client, raw sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsServerTest {
    private TlsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownGracefully(Duration.ZERO);
        }
    }

    private TlsServer echoServer(TlsServer.Builder builder) throws IOException {
        server = builder.bind("127.0.0.1", 0).childHandler(ch -> ch.pipeline().addLast(new NettyTesting.Echo())).start();
        return server;
    }

    private TlsServer echoServer() throws IOException {
        return echoServer(TlsServer.builder().config(serverConfig().build()));
    }

    // ---- interop --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void opensslClientEcho(String versionFlag) throws Exception {
        String openssl = Peers.require("openssl").toString();
        echoServer();
        try (PeerProcess peer = PeerProcess.start(openssl, "s_client", "-connect", "127.0.0.1:" + server.port(), "-nocommands",
            versionFlag, "-CAfile", pki("ca.pem"), "-servername", "localhost", "-verify_hostname", "localhost", "-verify_return_error")) {
            peer.write("hello from openssl " + versionFlag + "\n");
            peer.awaitOutput("hello from openssl " + versionFlag, DEADLINE);
            peer.closeStdin();
            assertThat(peer.waitFor(DEADLINE)).as(peer.output()).isZero();
            assertThat(peer.output()).contains("Verify return code: 0 (ok)").contains(versionFlag.equals("-tls1_2") ? "TLSv1.2" : "TLSv1.3");
        }
        await("handshake counted", DEADLINE, () -> server.stats().handshakesOk() == 1);
        await("connection closed", DEADLINE, () -> server.stats().active() == 0);
        assertThat(server.stats().handshakesFailed()).isZero();
    }

    @Test
    void gnutlsClientEcho() throws Exception {
        String gnutls = Peers.require("gnutls-cli").toString();
        echoServer();
        try (PeerProcess peer = PeerProcess.start(gnutls, "127.0.0.1", "-p", String.valueOf(server.port()),
            "--x509cafile", pki("ca.pem"), "--sni-hostname", "localhost", "--verify-hostname", "localhost")) {
            peer.write("hello from gnutls\n");
            peer.awaitOutput("hello from gnutls", DEADLINE);
            peer.closeStdin();
            assertThat(peer.waitFor(DEADLINE)).as(peer.output()).isZero();
            assertThat(peer.output()).contains("Handshake was completed");
        }
        await("handshake counted", DEADLINE, () -> server.stats().handshakesOk() == 1);
    }

    /** 5 MiB each way through one connection: chunking, backpressure (the echo stops reading when unwritable), ordering. */
    @Test
    void fiveMebibytesBothWays() throws Exception {
        echoServer();
        int size = 5 * 1024 * 1024;
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        try (TlsConnection connection = TlsConnection.connect(clientConfig().build(), "127.0.0.1", server.port())) {
            connection.readTimeout(DEADLINE);
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<byte[]> echoed = reader.submit(() -> {
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[32 * 1024];
                    long total = 0;
                    while (total < size) {
                        int n = connection.read(buffer, 0, buffer.length);
                        if (n < 0) {
                            throw new IOException("closed after " + total + " bytes");
                        }
                        digest.update(buffer, 0, n);
                        total += n;
                    }
                    return digest.digest();
                });
                for (int off = 0; off < size; off += 100_000) {
                    connection.write(data, off, Math.min(100_000, size - off));
                }
                byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
                assertThat(HexFormat.of().formatHex(echoed.get(20, TimeUnit.SECONDS))).isEqualTo(HexFormat.of().formatHex(expected));
            } finally {
                reader.shutdownNow();
            }
            connection.closeNotify();
        }
        assertThat(server.stats().handshakesFailed()).isZero();
    }

    /** The Netty client (TlsClient) against the Netty server. */
    @Test
    void nettyClientEcho() throws Exception {
        echoServer();
        BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        try (TlsClient client = TlsClient.create(clientConfig().build())) {
            io.netty.channel.Channel ch = client.connectSync("127.0.0.1", server.port(), c -> c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    lines.add(((ByteBuf) msg).toString(StandardCharsets.UTF_8));
                    ((ByteBuf) msg).release();
                }
            }));
            TlsHandler tls = ch.pipeline().get(TlsHandler.class);
            assertThat(tls.handshakeInfo().orElseThrow().peerCertificate()).contains(PKI.serverEc.certificate());
            ch.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("via netty\n", StandardCharsets.UTF_8)).sync();
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("via netty\n");
            ch.close().sync();
        }
        await("connection closed", DEADLINE, () -> server.stats().active() == 0);
        assertThat(server.stats().handshakeFailures()).isEmpty();
    }

    /**
     * A Netty client with auto-read off: the handshake still completes (the handler reads for it),
     * and afterwards data flows only as the application asks with read(), across partial records.
     */
    @Test
    void nettyClientWithoutAutoRead() throws Exception {
        echoServer();
        int size = 200_000;
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean wanted = new java.util.concurrent.atomic.AtomicBoolean();
        try (TlsClient client = TlsClient.create(clientConfig().build())) {
            io.netty.channel.Channel ch = client.connectSync("127.0.0.1", server.port(), c -> {
                c.config().setAutoRead(false);
                c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.addAndGet(((ByteBuf) msg).readableBytes());
                        ((ByteBuf) msg).release();
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        if (wanted.get() && received.get() < size) {
                            ctx.read();
                        }
                    }
                });
            });
            ch.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[size])).sync();
            Thread.sleep(200);
            assertThat(received.get()).as("nothing delivered before the application asked").isZero();
            wanted.set(true);
            ch.read();
            await("all echoed", DEADLINE, () -> received.get() == size);
            ch.close().sync();
        }
    }

    /** TlsClient against a server whose certificate the client does not trust: the handshake future fails with the code. */
    @Test
    void nettyClientRefusesAnUntrustedServer() throws Exception {
        echoServer(TlsServer.builder().config(TlsConfig.server().credentials(PKI.otherServer.credentials()).build()));
        try (TlsClient client = TlsClient.create(clientConfig().build())) {
            assertThatThrownBy(() -> client.connectSync("127.0.0.1", server.port()))
                .isInstanceOfSatisfying(io.tlskit.TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CERT_UNKNOWN_CA));
        }
        await("server saw the failure", DEADLINE, () -> server.stats().handshakesFailed() == 1);
        assertThat(server.stats().handshakesOk()).isZero();
    }

    // ---- load -----------------------------------------------------------------------------------

    @Test
    void twoHundredConcurrentClients() throws Exception {
        echoServer();
        TlsConfig client = clientConfig().build();
        int clients = 200;
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String line = "client " + i;
                results.add(pool.submit(() -> {
                    try (TlsConnection connection = TlsConnection.connect(client, "127.0.0.1", server.port())) {
                        String reply = exchangeLine(connection, line);
                        connection.closeNotify();
                        return reply;
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                assertThat(results.get(i).get(25, TimeUnit.SECONDS)).isEqualTo("client " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        await("all closed", DEADLINE, () -> server.stats().active() == 0);
        TlsServer.Stats stats = server.stats();
        assertThat(stats.accepted()).isEqualTo(clients);
        assertThat(stats.handshakesOk()).isEqualTo(clients);
        assertThat(stats.handshakeFailures()).isEmpty();
        assertThat(stats.rejected()).isZero();
        assertThat(stats.idleClosed()).isZero();
    }

    // ---- timeouts and limits --------------------------------------------------------------------

    @Test
    void silentConnectionIsClosedAtTheHandshakeTimeout() throws Exception {
        echoServer(TlsServer.builder().config(serverConfig().handshakeTimeout(Duration.ofMillis(300)).build()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            socket.setSoTimeout(5000);
            long start = System.nanoTime();
            int first = readQuietly(socket.getInputStream());
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(first).isEqualTo(-1);
            assertThat(elapsed).isBetween(250L, 3000L);
        }
        await("timeout counted", DEADLINE, () -> server.stats().handshakeFailures(TlsError.HANDSHAKE_TIMEOUT) == 1);
        assertThat(server.stats().idleClosed()).isZero();
    }

    /** A client that trickles a record byte by byte makes "progress" but still hits the handshake timeout. */
    @Test
    void tricklingClientIsClosedAtTheHandshakeTimeout() throws Exception {
        echoServer(TlsServer.builder().config(serverConfig().handshakeTimeout(Duration.ofMillis(600)).build())
            .idleTimeout(Duration.ofMillis(400)));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00}); // a handshake record of 512 bytes follows...
            long start = System.nanoTime();
            try {
                for (int i = 0; i < 100 && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5000; i++) {
                    Thread.sleep(100);
                    out.write(0x01);
                    out.flush();
                }
            } catch (IOException closedByServer) {
                // expected
            }
            socket.setSoTimeout(5000);
            assertThat(readQuietly(socket.getInputStream())).isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(500L, 4000L);
        }
        await("timeout counted", DEADLINE, () -> server.stats().handshakeFailures(TlsError.HANDSHAKE_TIMEOUT) == 1);
        assertThat(server.stats().idleClosed()).isZero();
    }

    @Test
    void idleConnectionIsClosedWithCloseNotify() throws Exception {
        echoServer(TlsServer.builder().config(serverConfig().build()).idleTimeout(Duration.ofMillis(500)));
        try (TlsConnection connection = TlsConnection.connect(clientConfig().build(), "127.0.0.1", server.port())) {
            assertThat(exchangeLine(connection, "still here")).isEqualTo("still here");
            long start = System.nanoTime();
            connection.readTimeout(Duration.ofSeconds(5));
            assertThat(connection.read(new byte[16], 0, 16)).isEqualTo(-1); // close_notify, not a cut
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(400L, 3000L);
        }
        await("idle close counted", DEADLINE, () -> server.stats().idleClosed() == 1);
        await("connection gone", DEADLINE, () -> server.stats().active() == 0);
        assertThat(server.stats().handshakeFailures()).isEmpty();
    }

    @Test
    void connectionLimitRejectsTheSixthUntilOneCloses() throws Exception {
        echoServer(TlsServer.builder().config(serverConfig().build()).maxConnections(5));
        TlsConfig client = clientConfig().build();
        List<TlsConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                TlsConnection c = TlsConnection.connect(client, "127.0.0.1", server.port());
                assertThat(exchangeLine(c, "n" + i)).isEqualTo("n" + i);
                open.add(c);
            }
            try (Socket sixth = new Socket()) {
                sixth.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
                sixth.setSoTimeout(5000);
                long start = System.nanoTime();
                assertThat(readQuietly(sixth.getInputStream())).isEqualTo(-1);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000L);
            }
            assertThat(server.stats().rejected()).isEqualTo(1);
            assertThatThrownBy(() -> TlsConnection.connect(client, "127.0.0.1", server.port()).close())
                .isInstanceOf(IOException.class);
            assertThat(server.stats().rejected()).isEqualTo(2);

            TlsConnection first = open.remove(0);
            first.closeNotify();
            first.close();
            await("a slot frees up", DEADLINE, () -> server.stats().active() == 4);
            TlsConnection again = TlsConnection.connect(client, "127.0.0.1", server.port());
            open.add(again);
            assertThat(exchangeLine(again, "admitted")).isEqualTo("admitted");
            TlsServer.Stats stats = server.stats();
            assertThat(stats.accepted()).isEqualTo(6);
            assertThat(stats.active()).isEqualTo(5);
            assertThat(stats.handshakesOk()).isEqualTo(6);
            assertThat(stats.handshakeFailures()).isEmpty(); // rejected connections never reach TLS
        } finally {
            for (TlsConnection c : open) {
                c.close();
            }
        }
    }

    // ---- resumption, config reload --------------------------------------------------------------

    /** The session cache and ticket keys live in TlsConfig, so a session from one event loop resumes on another. */
    @Test
    void resumptionAcrossEventLoops() throws Exception {
        BlockingQueue<Object[]> handshakes = NettyTesting.Recorder.queue();
        server = TlsServer.builder().bind("127.0.0.1", 0).config(serverConfig().build()).eventLoopThreads(2)
            .childHandler(ch -> ch.pipeline().addLast(new NettyTesting.Recorder(handshakes), new NettyTesting.Echo())).start();
        TlsConfig client = clientConfig(TlsVersion.TLS_1_2).build();
        try (TlsConnection first = TlsConnection.connect(client, "127.0.0.1", server.port())) {
            assertThat(first.handshakeInfo().resumed()).isFalse();
            assertThat(exchangeLine(first, "one")).isEqualTo("one");
            first.closeNotify();
        }
        try (TlsConnection second = TlsConnection.connect(client, "127.0.0.1", server.port())) {
            assertThat(second.handshakeInfo().resumed()).isTrue();
            assertThat(exchangeLine(second, "two")).isEqualTo("two");
            second.closeNotify();
        }
        Object[] one = handshakes.poll(5, TimeUnit.SECONDS);
        Object[] two = handshakes.poll(5, TimeUnit.SECONDS);
        assertThat((EventLoop) two[0]).isNotSameAs(one[0]);
        assertThat(NettyTesting.Recorder.info(one).resumed()).isFalse();
        assertThat(NettyTesting.Recorder.info(two).resumed()).isTrue();
    }

    /** openssl s_client -sess_out / -sess_in: the second connection lands on the other event loop and resumes. */
    @Test
    void opensslResumptionAcrossEventLoops() throws Exception {
        String openssl = Peers.require("openssl").toString();
        BlockingQueue<Object[]> handshakes = NettyTesting.Recorder.queue();
        server = TlsServer.builder().bind("127.0.0.1", 0).config(serverConfig().build()).eventLoopThreads(2)
            .childHandler(ch -> ch.pipeline().addLast(new NettyTesting.Recorder(handshakes), new NettyTesting.Echo())).start();
        java.nio.file.Path session = java.nio.file.Files.createTempFile("tlskit-session", ".pem");
        try {
            String[] base = {openssl, "s_client", "-connect", "127.0.0.1:" + server.port(), "-tls1_2", "-CAfile", pki("ca.pem"),
                "-servername", "localhost", "-verify_return_error"};
            PeerProcess.Result first = PeerProcess.run(DEADLINE, concat(base, "-sess_out", session.toString()));
            assertThat(first.exitCode).as(first.output).isZero();
            assertThat(first.output).contains("New, ");
            PeerProcess.Result second = PeerProcess.run(DEADLINE, concat(base, "-sess_in", session.toString()));
            assertThat(second.exitCode).as(second.output).isZero();
            assertThat(second.output).contains("Reused, ");
        } finally {
            java.nio.file.Files.deleteIfExists(session);
        }
        Object[] one = handshakes.poll(5, TimeUnit.SECONDS);
        Object[] two = handshakes.poll(5, TimeUnit.SECONDS);
        assertThat((EventLoop) two[0]).isNotSameAs(one[0]);
        assertThat(NettyTesting.Recorder.info(two).resumed()).isTrue();
    }

    /** A new config (e.g. a reloaded certificate) applies to new connections; an open one keeps working. */
    @Test
    void configSupplierSwapAffectsOnlyNewConnections() throws Exception {
        AtomicReference<TlsConfig> current = new AtomicReference<>(serverConfig().build());
        echoServer(TlsServer.builder().configSupplier(current::get));
        TlsConfig client = clientConfig().resumption(false).build();
        try (TlsConnection old = TlsConnection.connect(client, "127.0.0.1", server.port())) {
            assertThat(old.handshakeInfo().peerCertificate()).contains(PKI.serverEc.certificate());
            current.set(TlsConfig.server().credentials(PKI.serverRsa.credentials()).build());
            try (TlsConnection fresh = TlsConnection.connect(client, "127.0.0.1", server.port())) {
                assertThat(fresh.handshakeInfo().peerCertificate()).contains(PKI.serverRsa.certificate());
                assertThat(exchangeLine(fresh, "new")).isEqualTo("new");
            }
            assertThat(exchangeLine(old, "old")).isEqualTo("old");
        }
    }

    // ---- shutdown, bad peers ----------------------------------------------------------------------

    @Test
    void gracefulShutdownLetsASlowRequestFinishAndRefusesNewConnections() throws Exception {
        server = TlsServer.builder().bind("127.0.0.1", 0).config(serverConfig().build())
            .childHandler(ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    // a slow request: answer after 800 ms, then close (HTTP/1.0 style)
                    ctx.executor().schedule(() -> ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE), 800, TimeUnit.MILLISECONDS);
                }
            })).start();
        int port = server.port();
        try (TlsConnection connection = TlsConnection.connect(clientConfig().build(), "127.0.0.1", port)) {
            connection.readTimeout(DEADLINE);
            connection.write("slow\n".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(100);
            long start = System.nanoTime();
            CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> server.shutdownGracefully(Duration.ofSeconds(5)));
            await("listener closed", DEADLINE, () -> !canConnect(port));
            assertThat(readLine(connection)).isEqualTo("slow");
            assertThat(connection.read(new byte[1], 0, 1)).isEqualTo(-1);
            assertThat(shutdown.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4000L);
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        server = null;
    }

    @Test
    void garbageIsAProtocolErrorAndTheServerKeepsServing() throws Exception {
        echoServer();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            while (readQuietly(in) >= 0) {
                // the alert, if any, then end of stream
            }
        }
        await("protocol error counted", DEADLINE, () -> server.stats().handshakeFailures(TlsError.PROTOCOL_ERROR) == 1);
        try (TlsConnection next = TlsConnection.connect(clientConfig().build(), "127.0.0.1", server.port())) {
            HandshakeInfo info = next.handshakeInfo();
            assertThat(info).isNotNull();
            assertThat(exchangeLine(next, "still serving")).isEqualTo("still serving");
        }
        assertThat(server.stats().handshakesOk()).isEqualTo(1);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static int readQuietly(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1; // a reset is a close too
        }
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
