package io.tlskit.pal;

import static io.tlskit.pal.PalPki.FUTURE;
import static io.tlskit.pal.PalPki.HALF_DAY;
import static io.tlskit.pal.PalPki.SERVER_NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.ConfigException;
import io.tlskit.HandshakeInfo;
import io.tlskit.Psk;
import io.tlskit.SocketTransport;
import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsEngine;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import io.tlskit.crypto.EntropySources;
import io.tlskit.mbedtls.MbedtlsPeer;
import io.tlskit.pki.PeerVerifier;
import io.tlskit.pki.VerifyFlag;
import io.tlskit.pki.VerifyResult;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.time.SecureTime;
import io.tlskit.time.SecureTimeReport;
import io.tlskit.time.TimeStrength;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pelion/Izuma PAL TLS unit tests (mbed-client-pal Test/PAL_Modules/TLS/pal_tls_test.c), one
 * method per PAL case and named after it, against local stand-ins for the PAL's live server:
 * tlskit's own server with its clock pinned to {@link PalPki#SERVER_NOW} and sending it in the
 * ServerHello, the mbedTLS peer (which sends its real clock), and openssl s_server (which sends
 * random bytes where the time would be). Each asserts what the PAL test asserts: the result, the
 * verify bits, whether the device clock and the saved time changed, and strong or weak.
 */
class PalTlsConformanceTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String PAL_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
    private static final Psk PSK = Psk.of("pal-device", HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
    private static final PalPki PKI = PalPki.INSTANCE;

    @TempDir
    Path dir;
    private PalServer server;
    private SecureTime clock;

    @BeforeEach
    void startServer() throws Exception {
        server = new PalServer(TlsConfig.server().versions(TlsVersion.TLS_1_2).cipherSuites(PAL_SUITE)
            .credentials(PKI.server.credentials()).sendServerTime(true).timeSource(TimeSource.fixed(SERVER_NOW)).build());
        clock = SecureTime.open(dir.resolve("clock"), TimeSource.fixed(Instant.EPOCH));   // a device without RTC
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** The PAL client: TLS 1.2, the PAL suite, the PAL CA, its own certificate, the device clock. */
    private TlsConfig.Builder device() {
        return TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(PAL_SUITE).trustAnchors(PKI.trust())
            .credentials(PKI.client.credentials()).secureTime(clock);
    }

    /** Handshake, verify, write a request, read the answer (the PAL's CoAP ping/pong). */
    private static HandshakeInfo pingPong(TlsConfig config, int port) throws Exception {
        try (TlsConnection tls = TlsConnection.connect(config, "localhost", port)) {
            HandshakeInfo info = tls.handshakeInfo();
            tls.write("ping\n".getBytes(StandardCharsets.UTF_8));
            tls.readTimeout(T);
            String answer = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(answer).isEqualTo("pong ping");
            return info;
        }
    }

    /** Writes the clock file as the PAL test writes SOTP directly, and reboots the device clock from it. */
    private void saveTime(Instant saved, Instant lastTimeBack) throws Exception {
        Files.writeString(dir.resolve("clock"), "saved-time=" + saved.getEpochSecond() + "\nlast-time-back="
            + lastTimeBack.getEpochSecond() + "\n");
        clock = SecureTime.open(dir.resolve("clock"), TimeSource.fixed(Instant.EPOCH));
    }

    private static void assertNear(Instant actual, Instant expected) {
        assertThat(Duration.between(expected, actual).abs()).as("%s near %s", actual, expected).isLessThan(Duration.ofMinutes(5));
    }

    // ---- 1-4: configuration ------------------------------------------------------------------

    @Test
    void tlsConfiguration() {
        TlsConfig config = TlsConfig.client().psk(PSK).build();
        assertThat(config).isNotNull();
        assertThat(config.isClient()).isTrue();
        assertThat(config.cipherSuiteNames()).isNotEmpty();
    }

    @Test
    void tlsInitTLS() throws Exception {
        assertThatThrownBy(() -> TlsConfig.client().entropySource(null))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CONFIG_INVALID));
        SecureRandom trng = new SecureRandom();
        TlsConfig config = TlsConfig.client().psk(PSK).entropySource(EntropySources.of("trng", true, trng::nextBytes)).build();
        TlsEngine context = TlsEngine.client(config, "localhost", null);
        assertThat(context.isHandshaking()).isTrue();
        context.closeNotify();
    }

    @Test
    void tlsPrivateAndPublicKeys() throws Exception {
        TlsConfig config = device().build();
        assertThat(config.credentials().leaf()).isEqualTo(PKI.client.certificate());
        TlsEngine.client(config, "localhost", null).closeNotify();
        assertThatThrownBy(() -> io.tlskit.pki.Credentials.of(PKI.client.chain(), PKI.server.privateKey()))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.KEY_CERT_MISMATCH));
    }

    @Test
    void tlsCACertandPSK() throws Exception {
        TlsConfig config = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites("TLS_PSK_WITH_AES_128_CCM_8")
            .psk(PSK).trustAnchors(PKI.trust()).build();
        assertThat(config.psk().identity()).isEqualTo("pal-device");
        TlsEngine.client(config, "localhost", null).closeNotify();
    }

    // ---- 5-6: TCP handshakes -----------------------------------------------------------------

    @Test
    void tlsHandshakeTCP() throws Exception {
        clock.setTime(SERVER_NOW);
        HandshakeInfo info = pingPong(device().build(), server.port());
        assertThat(info.cipherSuite()).isEqualTo(PAL_SUITE);
        assertThat(info.verifyResult()).hasValueSatisfying(r -> assertThat(r.isValid()).isTrue());

        // the mbedTLS peer with the PAL's PSK suite
        int port = Peers.freePort();
        try (PeerProcess mbedtls = PeerProcess.start(MbedtlsPeer.server().toString(), "port=" + port,
                "ciphersuite=TLS-PSK-WITH-AES-128-CCM-8", "psk_identity=pal-device", "psk=00112233445566778899aabbccddeeff",
                "prefix=pong ").awaitOutput("LISTENING", T)) {
            TlsConfig psk = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites("TLS_PSK_WITH_AES_128_CCM_8").psk(PSK).build();
            assertThat(pingPong(psk, port).cipherSuite()).isEqualTo("TLS_PSK_WITH_AES_128_CCM_8");
            assertThat(mbedtls.waitFor(T)).as(mbedtls.output()).isZero();
        }

        // openssl s_server with the PAL certificate (valid around the real clock) and the PAL suite
        int sslPort = Peers.freePort();
        Path files = PKI.files();
        try (PeerProcess openssl = PeerProcess.start(Peers.require("openssl").toString(), "s_server", "-accept", String.valueOf(sslPort),
                "-cert", files.resolve("live.pem").toString(), "-key", files.resolve("live.key").toString(), "-tls1_2",
                "-cipher", "ECDHE-ECDSA-AES128-CCM8", "-rev").awaitPort(sslPort, T)) {
            TlsConfig plain = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(PAL_SUITE).trustAnchors(PKI.trust()).build();
            try (TlsConnection tls = TlsConnection.connect(plain, "localhost", sslPort)) {
                assertThat(tls.handshakeInfo().verifyResult()).hasValueSatisfying(r -> assertThat(r.isValid()).isTrue());
                tls.write("ping\n".getBytes(StandardCharsets.UTF_8));
                tls.readTimeout(T);
                assertThat(new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isEqualTo("gnip");
            }
        }
    }

    @Test
    void tlsHandshakeTCP_nonBlocking() throws Exception {
        clock.setTime(SERVER_NOW);
        TlsEngine engine = TlsEngine.client(device().build(), "localhost", null);
        try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress("127.0.0.1", server.port()));
            channel.register(selector, SelectionKey.OP_CONNECT);
            ByteBuffer in = ByteBuffer.allocate(16 * 1024 + 512);
            ByteBuffer out = ByteBuffer.allocate(32 * 1024);
            StringBuilder answer = new StringBuilder();
            boolean sent = false;
            while (!answer.toString().endsWith("\n")) {
                engine.checkTimeout();    // the device's handshake deadline, on its monotonic clock
                if (selector.select(100) == 0) {
                    continue;
                }
                selector.selectedKeys().clear();
                if (channel.isConnectionPending() && channel.finishConnect()) {
                    channel.register(selector, SelectionKey.OP_READ);
                }
                if (!channel.isConnected()) {
                    continue;
                }
                int n = channel.read(in);
                if (n > 0) {
                    in.flip();
                    engine.receive(in);
                    in.clear();
                }
                if (engine.isEstablished() && !sent) {
                    engine.writePlaintext("ping\n".getBytes(StandardCharsets.UTF_8), 0, 5);
                    sent = true;
                }
                byte[] plain = new byte[256];
                int got;
                while ((got = engine.readPlaintext(plain, 0, plain.length)) > 0) {
                    answer.append(new String(plain, 0, got, StandardCharsets.UTF_8));
                }
                out.clear();
                engine.takeOutput(out);
                out.flip();
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            }
            assertThat(answer.toString()).isEqualTo("pong ping\n");
            assertThat(engine.handshakeInfo()).hasValueSatisfying(i -> assertThat(i.verifyResult().get().isValid()).isTrue());
        }
    }

    // ---- 7-9: DTLS (issue 12) ----------------------------------------------------------------

    /*
     * Steps: config in DTLS mode (TlsVersion.DTLS_1_2) with the PAL suite and certificates; a
     * DtlsConnection over UDP to a stand-in DTLS server (tlskit's, and the mbedTLS peer with
     * dtls=1); handshake timeout 30 s; verify result valid; write "ping", read "pong ping".
     */
    @Test
    @Disabled("needs DTLS (issue 12)")
    void tlsHandshakeUDP() {
    }

    /* Steps: as tlsHandshakeUDP on a non-blocking UDP channel driving the DTLS engine. */
    @Test
    @Disabled("needs DTLS (issue 12)")
    void tlsHandshakeUDP_NonBlocking() {
    }

    /*
     * Steps: a DTLS client with a 100 ms handshake timeout against a silent UDP endpoint on
     * 127.0.0.1 (a bound socket that never answers) must fail with HANDSHAKE_TIMEOUT within about
     * a second (bounded generously, no timing assert beyond the error).
     */
    @Test
    @Disabled("needs DTLS (issue 12)")
    void tlsHandshakeUDPTimeOut() {
    }

    // ---- 10-15, 19: secure time --------------------------------------------------------------

    @Test
    void tlsHandshakeTCP_FutureLWM2M() throws Exception {
        clock.setTime(Instant.EPOCH);     // "back in the past"; no trusted time server
        HandshakeInfo info = pingPong(device().build(), server.port());
        SecureTimeReport time = info.secureTime().orElseThrow();
        assertThat(time.resultAtClock().flags()).containsExactly(VerifyFlag.FUTURE);
        assertThat(time.resultAtClock().mbedtlsFlags()).isEqualTo(0x200);
        assertThat(time.rescued()).isTrue();
        assertThat(time.serverHelloTime()).contains(SERVER_NOW);
        assertThat(info.verifyResult().get().isValid()).isTrue();
        assertThat(time.timeUpdate().orElseThrow().description()).startsWith("weak time: moved the clock forward");
        assertNear(clock.now(), SERVER_NOW);
        assertThat(clock.savedTime()).isEqualTo(SERVER_NOW);
        assertThat(clock.strength()).isEqualTo(TimeStrength.WEAK);

        // the mbedTLS peer sends its real clock: the same rescue against a certificate valid around it
        SecureTime fresh = SecureTime.open(dir.resolve("clock-mbedtls"), TimeSource.fixed(Instant.EPOCH));
        int port = Peers.freePort();
        Path files = PKI.files();
        try (PeerProcess mbedtls = PeerProcess.start(MbedtlsPeer.server().toString(), "port=" + port,
                "crt=" + files.resolve("live.pem"), "key=" + files.resolve("live.key"),
                "ciphersuite=TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8", "prefix=pong ").awaitOutput("LISTENING", T)) {
            TlsConfig viaMbedtls = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(PAL_SUITE)
                .trustAnchors(PKI.trust()).secureTime(fresh).build();
            HandshakeInfo mbed = pingPong(viaMbedtls, port);
            assertThat(mbed.secureTime().orElseThrow().rescued()).isTrue();
            assertNear(fresh.now(), Instant.now());
            assertNear(fresh.savedTime(), Instant.now());
        }

        // openssl s_server puts random bytes where the time would be (OpenSSL >= 1.1): no rescue. Its
        // certificate is valid for two hours only, so a random "time" cannot land inside it by chance
        // (a 31-day certificate would be rescued about once in 2,000 handshakes: the PAL's hazard with such servers)
        SecureTime viaOpenssl = SecureTime.open(dir.resolve("clock-openssl"), TimeSource.fixed(Instant.EPOCH));
        int sslPort = Peers.freePort();
        try (PeerProcess openssl = PeerProcess.start(Peers.require("openssl").toString(), "s_server", "-accept", String.valueOf(sslPort),
                "-cert", files.resolve("brief.pem").toString(), "-key", files.resolve("brief.key").toString(), "-tls1_2",
                "-cipher", "ECDHE-ECDSA-AES128-CCM8", "-rev").awaitPort(sslPort, T)) {
            TlsConfig config = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(PAL_SUITE).trustAnchors(PKI.trust())
                .secureTime(viaOpenssl).build();
            assertThatThrownBy(() -> TlsConnection.connect(config, "localhost", sslPort))
                .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CERT_NOT_YET_VALID))
                .hasMessageContaining("Secure time did not correct the clock");
            assertThat(viaOpenssl.now()).isEqualTo(Instant.EPOCH);
        }
    }

    @Test
    void tlsHandshakeTCP_FutureLWM2M_NoTimeUpdate() throws Exception {
        Instant saved = SERVER_NOW.minus(HALF_DAY);     // saved time and clock half a day behind the server
        saveTime(saved, Instant.EPOCH);
        HandshakeInfo info = pingPong(device().build(), server.port());
        assertThat(info.verifyResult().get().isValid()).isTrue();
        assertThat(info.secureTime().orElseThrow().rescued()).isFalse();
        assertThat(clock.savedTime()).isEqualTo(saved);     // inside the latencies: not stored
        assertNear(clock.now(), SERVER_NOW);                // the clock in RAM follows (weak, forward)
    }

    @Test
    void tlsHandshakeTCP_ExpiredLWM2MCert() throws Exception {
        saveTime(SERVER_NOW, Instant.EPOCH);
        clock.setTime(FUTURE);
        assertThatThrownBy(() -> pingPong(device().build(), server.port()))
            .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CERT_EXPIRED))
            .hasMessageContaining("expired on").hasMessageContaining("only the trusted time server may set it back");
        assertNear(clock.now(), FUTURE);     // the server's time was not taken
        // as in the PAL, reading a clock this far past the saved time saves it (PAL_LAST_SAVED_TIME_LATENCY_SEC)
        assertThat(clock.savedTime()).isAfterOrEqualTo(FUTURE);
    }

    @Test
    void tlsHandshakeTCP_ExpiredServerCert_Trusted() throws Exception {
        clock.trustTimeServer(PKI.ca.certificate());
        clock.apply(FUTURE, TimeStrength.STRONG);      // pal_osSetStrongTime(futureTime)
        HandshakeInfo info = pingPong(device().build(), server.port());
        SecureTimeReport time = info.secureTime().orElseThrow();
        assertThat(time.trustedTimeServer()).isTrue();
        assertThat(time.resultAtClock().flags()).containsExactly(VerifyFlag.EXPIRED);
        assertThat(time.rescued()).isTrue();
        assertThat(clock.now()).isBefore(FUTURE);
        assertNear(clock.now(), SERVER_NOW);
        assertThat(clock.strength()).isEqualTo(TimeStrength.STRONG);
        assertThat(clock.savedTime()).isBeforeOrEqualTo(FUTURE).isEqualTo(SERVER_NOW);
        assertThat(clock.lastTimeBack()).isBeforeOrEqualTo(FUTURE).isEqualTo(SERVER_NOW);
    }

    @Test
    void tlsHandshakeTCP_FutureTrustedServer_NoTimeUpdate() throws Exception {
        saveTime(SERVER_NOW, Instant.EPOCH);
        clock.trustTimeServer(PKI.ca.certificate());
        clock.setTime(SERVER_NOW.minus(HALF_DAY));
        HandshakeInfo info = pingPong(device().build(), server.port());
        assertThat(info.secureTime().orElseThrow().trustedTimeServer()).isTrue();
        assertThat(clock.savedTime()).isEqualTo(SERVER_NOW);
        assertThat(clock.strength()).isEqualTo(TimeStrength.STRONG);
    }

    @Test
    void tlsHandshakeTCP_NearPastTrustedServer_NoTimeUpdate() throws Exception {
        saveTime(SERVER_NOW, Instant.EPOCH);
        clock.trustTimeServer(PKI.ca.certificate());
        clock.setTime(SERVER_NOW.plus(HALF_DAY));
        HandshakeInfo info = pingPong(device().build(), server.port());
        assertThat(info.secureTime().orElseThrow().trustedTimeServer()).isTrue();
        assertThat(clock.savedTime()).isEqualTo(SERVER_NOW);
        assertNear(clock.now(), SERVER_NOW);     // strong time moves the clock back, without a storage write
    }

    @Test
    void tlsHandshakeTCP_ExpiredServerCert_UnTrusted() throws Exception {
        server.close();
        server = new PalServer(TlsConfig.server().versions(TlsVersion.TLS_1_2).cipherSuites(PAL_SUITE)
            .credentials(PKI.otherServer.credentials()).sendServerTime(true).timeSource(TimeSource.fixed(SERVER_NOW)).build());
        clock.setTime(FUTURE);
        assertThatThrownBy(() -> pingPong(device().build(), server.port()))
            .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED))
            .hasMessageContaining("not among").hasMessageContaining("expired on")
            .hasMessageContaining("which no time can fix");
        assertNear(clock.now(), FUTURE);
    }

    // ---- 16-17: threads ----------------------------------------------------------------------

    @Test
    void parallelTCPHandshakes_threads() throws Exception {
        clock.setTime(SERVER_NOW);
        TlsConfig config = device().maxConcurrentHandshakes(1).build();     // PAL_MAX_NUM_OF_TLS_CTX = 1
        CountDownLatch firstHasContext = new CountDownLatch(1);
        CountDownLatch secondTried = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<HandshakeInfo> first = threads.submit(() -> {
                try (TlsConnection tls = TlsConnection.client(config,
                        SocketTransport.connect("127.0.0.1", server.port(), T), "localhost")) {
                    firstHasContext.countDown();
                    secondTried.await(30, TimeUnit.SECONDS);
                    return tls.handshake();
                }
            });
            Future<TlsException> second = threads.submit(() -> {
                firstHasContext.await(30, TimeUnit.SECONDS);
                try {
                    TlsConnection.connect(config, "localhost", server.port()).close();
                    return null;
                } catch (TlsException e) {
                    return e;
                } finally {
                    secondTried.countDown();
                }
            });
            assertThat(second.get(60, TimeUnit.SECONDS)).isNotNull()
                .satisfies(e -> assertThat(e.error()).isEqualTo(TlsError.RESOURCE));
            assertThat(first.get(60, TimeUnit.SECONDS).verifyResult().get().isValid()).isTrue();
        } finally {
            threads.shutdownNow();
        }
        pingPong(config, server.port());     // the slot is free again
    }

    @Test
    void TCPHandshakeWhileCertVerify_threads() throws Exception {
        clock.setTime(Instant.EPOCH);
        PeerVerifier certVerify = new PeerVerifier(PKI.trust(), clock);
        AtomicReference<VerifyResult> duringHandshake = new AtomicReference<>();
        clock.addListener(new SecureTime.Listener() {
            @Override
            public void verifyingAtServerTime(Instant serverTime) {
                // thread B verifies while thread A's handshake verifies at the server's time
                Thread b = new Thread(() -> duringHandshake.set(certVerify.verify(List.of(PKI.ca.certificate()), null,
                    PeerVerifier.Purpose.SERVER)), "pal-cert-verify");
                b.start();
                try {
                    b.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ExecutorService threadA = Executors.newSingleThreadExecutor();
        try {
            HandshakeInfo info = threadA.submit(() -> pingPong(device().build(), server.port())).get(60, TimeUnit.SECONDS);
            assertThat(info.secureTime().orElseThrow().rescued()).isTrue();
        } finally {
            threadA.shutdownNow();
        }
        VerifyResult during = duringHandshake.get();
        assertThat(during).isNotNull();
        assertThat(during.flags()).containsExactly(VerifyFlag.FUTURE);     // B saw the device time, not A's server time
        assertThat(during.verifiedAt()).isEqualTo(Instant.EPOCH);
        assertThat(clock.now()).isAfter(Instant.EPOCH);
        assertThat(certVerify.verify(List.of(PKI.ca.certificate()), null, PeerVerifier.Purpose.SERVER).isValid()).isTrue();
    }

    // ---- 18: session resumption --------------------------------------------------------------

    @Test
    void tlsHandshake_SessionResume() throws Exception {
        clock.setTime(SERVER_NOW);
        TlsConfig notStoring = device().resumption(false).build();
        assertThat(pingPong(notStoring, server.port()).resumed()).isFalse();
        assertThat(pingPong(notStoring, server.port()).resumed()).isFalse();

        TlsConfig storing = device().build();
        assertThat(pingPong(storing, server.port()).resumed()).isFalse();
        assertThat(storing.clientSessions().size()).isEqualTo(1);
        assertThat(pingPong(storing, server.port()).resumed()).isTrue();

        storing.clientSessions().remove("localhost:" + server.port());     // removeSslSession
        assertThat(pingPong(storing, server.port()).resumed()).isFalse();
    }

    /*
     * Steps (the DTLS half of PAL case 18): a DTLS client storing sessions and its connection ID;
     * the first DTLS handshake stores the session, the next resumes it (abbreviated handshake, same
     * CID); after the session is removed the next is a full handshake.
     */
    @Test
    @Disabled("needs DTLS (issue 12)")
    void tlsHandshake_SessionResume_DTLS() {
    }
}
