package io.tlskit.pal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.HandshakeInfo;
import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsVersion;
import io.tlskit.mbedtls.MbedtlsPeer;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What servers put in the first four bytes of the TLS 1.2 ServerHello random, read on the wire by
 * the mbedTLS client (its RANDOM line) and by tlskit: tlskit with sendServerTime the config's
 * clock (BouncyCastle alone would write System.currentTimeMillis()), tlskit without it and
 * OpenSSL 3 random bytes, mbedTLS its real clock.
 */
class ServerHelloTimeOnTheWireTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
    private static final Pattern SERVER_TIME = Pattern.compile("RANDOM client_time=\\d+ server_time=(\\d+)");
    private static final PalPki PKI = PalPki.INSTANCE;

    private static TlsConfig.Builder server() {
        return TlsConfig.server().versions(TlsVersion.TLS_1_2).cipherSuites(SUITE).credentials(PKI.liveServer().credentials());
    }

    /** The server_time the mbedTLS client read from the ServerHello. */
    private static long mbedtlsSawServerTime(int port) throws Exception {
        Path files = PKI.files();
        PeerProcess.Result r = PeerProcess.run(T, MbedtlsPeer.client().toString(), "port=" + port, "server_name=localhost",
            "ca=" + files.resolve("ca.pem"), "ciphersuite=TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8", "message=ping");
        Matcher m = SERVER_TIME.matcher(r.output);
        assertThat(m.find()).as(r.output).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static boolean farFromNow(long seconds) {
        return Math.abs(seconds - Instant.now().getEpochSecond()) > Duration.ofDays(1).toSeconds();
    }

    @Test
    void tlskitSendsItsConfiguredClockOnlyWhenAsked() throws Exception {
        Instant pinned = Instant.parse("2031-01-01T00:00:00Z");
        try (PalServer pinnedServer = new PalServer(server().sendServerTime(true).timeSource(TimeSource.fixed(pinned)).build());
             PalServer realServer = new PalServer(server().sendServerTime(true).build());
             PalServer randomServer = new PalServer(server().build())) {
            assertThat(mbedtlsSawServerTime(pinnedServer.port())).isEqualTo(pinned.getEpochSecond());
            long real = mbedtlsSawServerTime(realServer.port());
            assertThat(Math.abs(real - Instant.now().getEpochSecond())).isLessThan(300);
            List<Long> random = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                random.add(mbedtlsSawServerTime(randomServer.port()));
            }
            assertThat(random).as("three randoms, at least one not near now").anyMatch(ServerHelloTimeOnTheWireTest::farFromNow);
        }
    }

    @Test
    void openssl3SendsRandomBytesAndMbedtlsItsClock() throws Exception {
        Path files = PKI.files();
        TlsConfig client = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(SUITE).trustAnchors(PKI.trust())
            .resumption(false).build();
        int port = Peers.freePort();
        try (PeerProcess openssl = PeerProcess.start(Peers.require("openssl").toString(), "s_server", "-accept", String.valueOf(port),
                "-cert", files.resolve("live.pem").toString(), "-key", files.resolve("live.key").toString(), "-tls1_2",
                "-cipher", "ECDHE-ECDSA-AES128-CCM8", "-www").awaitPort(port, T)) {
            List<Long> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (TlsConnection tls = TlsConnection.connect(client, "localhost", port)) {
                    seen.add(tls.handshakeInfo().serverHelloTime().orElseThrow().getEpochSecond());
                }
            }
            assertThat(seen).anyMatch(ServerHelloTimeOnTheWireTest::farFromNow);
        }
        int mbedPort = Peers.freePort();
        try (PeerProcess mbedtls = PeerProcess.start(MbedtlsPeer.server().toString(), "port=" + mbedPort,
                "crt=" + files.resolve("live.pem"), "key=" + files.resolve("live.key"),
                "ciphersuite=TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8").awaitOutput("LISTENING", T);
             TlsConnection tls = TlsConnection.connect(client, "localhost", mbedPort)) {
            HandshakeInfo info = tls.handshakeInfo();
            assertThat(Duration.between(info.serverHelloTime().orElseThrow(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(5));
        }
    }
}
