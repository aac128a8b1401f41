package io.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.pki.VerifyFlag;
import io.tlskit.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client engine against server engine in memory, one test per setting. */
class TlsEngineTest {
    static final TestPki PKI = TestPki.INSTANCE;
    static final Psk PSK = Psk.of("device1", hex("000102030405060708090a0b0c0d0e0f"));

    static TlsConfig.Builder client() {
        return TlsConfig.client().trustAnchors(PKI.trust());
    }

    static TlsConfig.Builder server() {
        return TlsConfig.server().credentials(PKI.serverEcCredentials());
    }

    static byte[] hex(String h) {
        return java.util.HexFormat.of().parseHex(h);
    }

    @Test
    void tls13HandshakeExchangesDataBothWaysAndReportsFacts() throws Exception {
        EnginePair pair = EnginePair.of(client().alpn("h2", "http/1.1").build(), "localhost",
            server().alpn("http/1.1").build()).handshake();

        HandshakeInfo c = pair.client.handshakeInfo().orElseThrow();
        HandshakeInfo s = pair.server.handshakeInfo().orElseThrow();
        assertThat(c.version()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(c.cipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(c.peerCertificate()).contains(PKI.serverEc.certificate());
        assertThat(c.verifyResult().orElseThrow().isValid()).isTrue();
        assertThat(c.alpn()).contains("http/1.1");
        assertThat(s.serverName()).contains("localhost");
        assertThat(s.alpn()).contains("http/1.1");
        assertThat(c.resumed()).isFalse();

        byte[] big = new byte[100_000];
        new Random(1).nextBytes(big);
        assertThat(EnginePair.transfer(pair.client, pair.server, big)).isEqualTo(big);
        assertThat(EnginePair.transfer(pair.server, pair.client, big)).isEqualTo(big);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"})
    void tls12EcdsaSuites(String suite) throws Exception {
        EnginePair pair = EnginePair.of(client().cipherSuites(suite).build(), "localhost", server().build()).handshake();
        assertThat(pair.client.handshakeInfo().orElseThrow().cipherSuite()).isEqualTo(suite);
        assertThat(pair.server.handshakeInfo().orElseThrow().version()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(EnginePair.transfer(pair.client, pair.server, "ping".getBytes(StandardCharsets.US_ASCII))).containsExactly('p', 'i', 'n', 'g');
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void rsaServerCertificate(String version) throws Exception {
        TlsConfig serverConfig = TlsConfig.server().credentials(PKI.serverRsa.credentials()).build();
        EnginePair pair = EnginePair.of(client().versions(TlsVersion.parse(version)).build(), "localhost", serverConfig).handshake();
        HandshakeInfo info = pair.client.handshakeInfo().orElseThrow();
        assertThat(info.version()).isEqualTo(TlsVersion.parse(version));
        assertThat(info.cipherSuite()).satisfiesAnyOf(s -> assertThat(s).contains("ECDHE_RSA"), s -> assertThat(s).startsWith("TLS_AES"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_PSK_WITH_AES_128_CCM_8", "TLS_PSK_WITH_AES_256_CCM_8", "TLS_PSK_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"})
    void tls12PskSuites(String suite) throws Exception {
        TlsConfig clientConfig = TlsConfig.client().psk(PSK).cipherSuites(suite).build();
        TlsConfig serverConfig = TlsConfig.server().pskStore(PskStore.of(PSK)).pskHint("tlskit-hint").cipherSuites(suite).build();
        EnginePair pair = EnginePair.of(clientConfig, null, serverConfig).handshake();
        HandshakeInfo c = pair.client.handshakeInfo().orElseThrow();
        HandshakeInfo s = pair.server.handshakeInfo().orElseThrow();
        assertThat(c.cipherSuite()).isEqualTo(suite);
        assertThat(s.pskIdentity()).contains("device1");
        assertThat(c.peerChain()).isEmpty();
        if (!suite.startsWith("TLS_ECDHE")) {
            assertThat(c.pskHint()).contains("tlskit-hint");
        }
        assertThat(EnginePair.transfer(pair.server, pair.client, new byte[5000])).hasSize(5000);
    }

    @Test
    void tls13ExternalPsk() throws Exception {
        TlsConfig clientConfig = TlsConfig.client().psk(PSK).versions(TlsVersion.TLS_1_3).build();
        TlsConfig serverConfig = TlsConfig.server().pskStore(PskStore.of(PSK)).versions(TlsVersion.TLS_1_3).build();
        EnginePair pair = EnginePair.of(clientConfig, null, serverConfig).handshake();
        assertThat(pair.client.handshakeInfo().orElseThrow().version()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(pair.server.handshakeInfo().orElseThrow().pskIdentity()).contains("device1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void clientCertificateRequired(String version) throws Exception {
        TlsConfig serverConfig = server().clientAuth(ClientAuth.REQUIRED).trustAnchors(PKI.trust()).build();
        EnginePair ok = EnginePair.of(client().versions(TlsVersion.parse(version)).credentials(PKI.client.credentials()).build(),
            "localhost", serverConfig).handshake();
        assertThat(ok.server.handshakeInfo().orElseThrow().peerCertificate()).contains(PKI.client.certificate());
        assertThat(ok.server.handshakeInfo().orElseThrow().verifyResult().orElseThrow().isValid()).isTrue();

        EnginePair missing = EnginePair.of(client().versions(TlsVersion.parse(version)).build(), "localhost", serverConfig).pump();
        assertThat(missing.serverFailure.error()).isEqualTo(TlsError.CLIENT_CERT_REQUIRED);
        assertThat(missing.serverFailure.getMessage()).contains("requires one");
        assertThat(missing.clientFailure.error()).isEqualTo(TlsError.CLIENT_CERT_REQUIRED);
        assertThat(missing.clientFailure.getMessage()).contains("--cert");
    }

    @Test
    void clientCertificateOptionalAcceptsClientsWithout() throws Exception {
        TlsConfig serverConfig = server().clientAuth(ClientAuth.OPTIONAL).trustAnchors(PKI.trust()).build();
        EnginePair pair = EnginePair.of(client().build(), "localhost", serverConfig).handshake();
        assertThat(pair.server.handshakeInfo().orElseThrow().peerChain()).isEmpty();
    }

    @Test
    void sessionIdResumption() throws Exception {
        TlsConfig serverConfig = server().versions(TlsVersion.TLS_1_2).tickets(false).build();
        TlsConfig clientConfig = client().tickets(false).build();
        EnginePair first = EnginePair.of(clientConfig, "localhost", serverConfig).handshake();
        assertThat(first.client.handshakeInfo().orElseThrow().resumed()).isFalse();
        EnginePair second = EnginePair.of(clientConfig, "localhost", serverConfig).handshake();
        assertThat(second.client.handshakeInfo().orElseThrow().resumed()).isTrue();
        assertThat(second.server.handshakeInfo().orElseThrow().resumed()).isTrue();
        assertThat(serverConfig.sessionCache().size()).isEqualTo(1);
    }

    @Test
    void ticketResumptionWorksAcrossServersSharingTicketKeys() throws Exception {
        TicketKeys keys = new TicketKeys(new java.security.SecureRandom(), TimeSource.system(), Duration.ofHours(1));
        TlsConfig serverA = server().versions(TlsVersion.TLS_1_2).ticketKeys(keys).build();
        TlsConfig serverB = server().versions(TlsVersion.TLS_1_2).ticketKeys(keys).build(); // empty session cache
        TlsConfig clientConfig = client().build();
        EnginePair.of(clientConfig, "localhost", serverA).handshake();
        EnginePair second = EnginePair.of(clientConfig, "localhost", serverB).handshake();
        assertThat(second.client.handshakeInfo().orElseThrow().resumed()).isTrue();
        assertThat(second.server.handshakeInfo().orElseThrow().resumed()).isTrue();
        assertThat(second.client.handshakeInfo().orElseThrow().peerCertificate()).contains(PKI.serverEc.certificate());
        assertThat(serverB.sessionCache().size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void outputCanBeTakenIntoHeapAndDirectByteBuffersInParts(boolean direct) throws Exception {
        EnginePair pair = EnginePair.of(client().build(), "localhost", server().build()).handshake();
        byte[] data = new byte[3000];
        new Random(5).nextBytes(data);
        pair.server.writePlaintext(data, 0, data.length);
        int pending = pair.server.pendingOutput();
        java.nio.ByteBuffer wire = direct ? java.nio.ByteBuffer.allocateDirect(pending + 10) : java.nio.ByteBuffer.allocate(pending + 10);
        wire.position(3).limit(103);
        assertThat(pair.server.takeOutput(wire)).isEqualTo(100);
        assertThat(wire.position()).isEqualTo(103);
        wire.limit(wire.capacity());
        assertThat(pair.server.takeOutput(wire)).isEqualTo(pending - 100);
        assertThat(pair.server.pendingOutput()).isZero();
        wire.flip().position(3);
        pair.client.receive(wire);
        byte[] got = new byte[data.length];
        assertThat(pair.client.readPlaintext(got, 0, got.length)).isEqualTo(data.length);
        assertThat(got).isEqualTo(data);
    }

    @Test
    void maxFragmentLength512() throws Exception {
        EnginePair pair = EnginePair.of(client().maxFragmentLength(MaxFragmentLength.BYTES_512).build(), "localhost",
            server().build()).handshake();
        assertThat(pair.client.handshakeInfo().orElseThrow().maxFragmentLength()).contains(512);
        assertThat(pair.server.maxPlaintextPerRecord()).isEqualTo(512);
        pair.serverRecordSizes.clear();
        byte[] data = new byte[4000];
        pair.server.writePlaintext(data, 0, data.length);
        byte[] wire = pair.server.takeOutput();
        pair.client.receive(wire, 0, wire.length);
        assertThat(pair.client.availablePlaintext()).isEqualTo(4000);
        // every record fits 512 bytes of plaintext plus the AEAD overhead
        int i = 0;
        while (i < wire.length) {
            int len = ((wire[i + 3] & 0xFF) << 8) | (wire[i + 4] & 0xFF);
            assertThat(len).isLessThanOrEqualTo(512 + 256);
            i += 5 + len;
        }
    }

    @Test
    void handshakeTimeoutIsEnforced() throws Exception {
        TlsEngine engine = TlsEngine.client(client().handshakeTimeout(Duration.ofMillis(100)).build(), "localhost", null);
        assertThat(engine.takeOutput()).isNotEmpty(); // ClientHello
        engine.checkTimeout(); // not yet
        Thread.sleep(150);
        assertThatThrownBy(engine::checkTimeout).isInstanceOfSatisfying(TlsException.class, e -> {
            assertThat(e.error()).isEqualTo(TlsError.HANDSHAKE_TIMEOUT);
            assertThat(e.getMessage()).contains("100ms").contains("never answered");
        });
    }

    @Test
    void serverSendsItsTimeInServerHelloWhenAsked() throws Exception {
        EnginePair pair = EnginePair.of(client().versions(TlsVersion.TLS_1_2).build(), "localhost",
            server().sendServerTime(true).build()).handshake();
        Instant time = pair.client.handshakeInfo().orElseThrow().serverHelloTime().orElseThrow();
        assertThat(Duration.between(time, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void optionalVerificationCompletesAndReportsTheFailure() throws Exception {
        TlsConfig serverConfig = TlsConfig.server().credentials(PKI.otherServer.credentials()).build();
        EnginePair pair = EnginePair.of(client().verifyMode(VerifyMode.OPTIONAL).build(), "localhost", serverConfig).handshake();
        assertThat(pair.client.handshakeInfo().orElseThrow().verifyResult().orElseThrow().flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2", "1.3"})
    void keyExchangeGroupCanBeChosen(String version) throws Exception {
        EnginePair x25519 = EnginePair.of(client().versions(TlsVersion.parse(version)).build(), "localhost", server().build()).handshake();
        assertThat(x25519.server.handshakeInfo().orElseThrow().keyExchangeGroup()).contains("x25519");
        EnginePair p256 = EnginePair.of(client().versions(TlsVersion.parse(version)).groups("P-256").build(), "localhost",
            server().build()).handshake();
        assertThat(p256.server.handshakeInfo().orElseThrow().keyExchangeGroup()).contains("secp256r1");
        if (version.equals("1.3")) {
            assertThat(p256.client.handshakeInfo().orElseThrow().keyExchangeGroup()).contains("secp256r1");
        }
        EnginePair serverChooses = EnginePair.of(client().versions(TlsVersion.parse(version)).build(), "localhost",
            server().groups("secp384r1").build()).handshake();
        assertThat(serverChooses.server.handshakeInfo().orElseThrow().keyExchangeGroup()).contains("secp384r1");
    }

    @Test
    void unknownGroupIsAConfigError() {
        assertThatThrownBy(() -> client().groups("secp1024").build()).isInstanceOf(ConfigException.class)
            .hasMessageContaining("secp1024").hasMessageContaining("x25519");
    }

    @Test
    void trimmedBuffersStillCarryData() throws Exception {
        EnginePair pair = EnginePair.of(client().build(), "localhost", server().build()).handshake();
        byte[] burst = new byte[40_000];
        new Random(7).nextBytes(burst);
        assertThat(EnginePair.transfer(pair.client, pair.server, burst)).isEqualTo(burst);
        pair.client.trimBuffers();
        pair.server.trimBuffers();
        assertThat(EnginePair.transfer(pair.server, pair.client, burst)).isEqualTo(burst);
    }

    @Test
    void closeNotifyEndsTheStreamCleanly() throws Exception {
        EnginePair pair = EnginePair.of(client().build(), "localhost", server().build()).handshake();
        pair.client.closeNotify();
        pair.pump();
        assertThat(pair.server.isInboundDone()).isTrue();
        pair.server.receiveEof(); // no TRUNCATED after close_notify
        assertThat(pair.client.isInboundDone()).isTrue();
    }
}
