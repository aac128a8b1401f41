package io.tlskit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.netty.TlsServer;
import io.tlskit.testing.TestPki;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The named probes of tlskit-core's conformance suite against the Netty {@link TlsServer} (what
 * `tlskit server` runs): the engine's answers must reach the wire through TlsHandler's direct
 * buffers too, including the alerts written before BouncyCastle has a record version. Ends with a
 * good client on the same server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettyServerConformanceTest {
    private TlsServer server;

    @BeforeAll
    void start() throws Exception {
        server = TlsServer.builder().bind("127.0.0.1", 0)
            .config(TlsConfig.server().credentials(TestPki.INSTANCE.serverEcCredentials()).build())
            .childHandler(ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.writeAndFlush(msg); // echo
                }
            }))
            .start();
    }

    @AfterAll
    void keepsServing() throws Exception {
        try (TlsConnection client = TlsConnection.connect(TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust())
                .serverName("localhost").build(), "127.0.0.1", server.port())) {
            client.readTimeout(Duration.ofSeconds(10));
            client.write("still serving\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("still serving");
            client.closeNotify();
        } finally {
            server.shutdownGracefully(Duration.ZERO);
        }
    }

    static List<Probe> probes() {
        return ServerProbes.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    void probe(Probe probe) throws Exception {
        RawConnection.Reply reply;
        try (RawConnection connection = RawConnection.open(server.port())) {
            connection.send(probe.flight());
            if (probe.halfClose()) {
                connection.finish();
            }
            reply = probe.onDefault() instanceof Expect.HelloThenAlert ? connection.readToClose() : connection.readReply();
        }
        try {
            ServerConformanceSuite.assertWire(probe.onDefault(), reply);
        } catch (AssertionError e) {
            throw new AssertionError("[" + probe.name() + "] expected " + probe.onDefault() + ": " + e.getMessage().strip(), e);
        }
    }
}
