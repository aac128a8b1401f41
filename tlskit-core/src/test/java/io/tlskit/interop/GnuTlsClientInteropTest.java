package io.tlskit.interop;

import static io.tlskit.interop.Interop.DEADLINE;
import static io.tlskit.interop.Interop.PKI;
import static io.tlskit.interop.Interop.PSK_HEX;
import static io.tlskit.interop.Interop.PSK_HINT;
import static io.tlskit.interop.Interop.PSK_IDENTITY;
import static io.tlskit.interop.Interop.failingClient;
import static io.tlskit.interop.Interop.find;
import static io.tlskit.interop.Interop.findAll;
import static io.tlskit.interop.Interop.gnutls;
import static io.tlskit.interop.Interop.gnutlsCipher;
import static io.tlskit.interop.Interop.gnutlsClient;
import static io.tlskit.interop.Interop.gnutlsVersion;
import static io.tlskit.interop.Interop.pki;
import static io.tlskit.interop.Interop.pskServer;
import static io.tlskit.interop.Interop.randomLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.ClientAuth;
import io.tlskit.HandshakeInfo;
import io.tlskit.TicketKeys;
import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import io.tlskit.interop.Interop.ServerCert;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code gnutls-cli} against the tlskit server ({@link TlsTestServer}). Each test checks gnutls-cli's
 * "- Description: (TLS1.2-X.509)-(ECDHE-SECP256R1)-(ECDSA-SHA256)-(AES-128-GCM)" line and its
 * verification status against tlskit's HandshakeInfo, and the echoed marker line.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GnuTlsClientInteropTest {

    @BeforeAll
    static void peers() {
        Peers.require("gnutls-cli");
    }

    /** Verify the server as "localhost" against the test CA, and send SNI localhost. */
    private static String[] verifying(String... more) {
        List<String> args = new ArrayList<>(List.of("--x509cafile", pki("ca.pem"),
            "--sni-hostname", "localhost", "--verify-hostname", "localhost"));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    private static String description(String output) {
        return find(output, "^- Description: (.+)$");
    }

    private static String gnutlsVersionName(TlsVersion version) {
        return version == TlsVersion.TLS_1_3 ? "TLS1.3" : "TLS1.2";
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLS_1_3, EC", "TLS_1_3, RSA", "TLS_1_2, EC", "TLS_1_2, RSA"})
    void versionAndServerCertificate(TlsVersion version, ServerCert cert) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsConfig.server().credentials(cert.credentials()).build())) {
            String output = gnutlsClient(server.port(), "ping", "] ping", verifying("--priority", gnutlsVersion(version)));

            HandshakeInfo info = server.awaitHandshakes(1, DEADLINE).get(0);
            assertThat(info.version()).isEqualTo(version);
            if (version == TlsVersion.TLS_1_2) {
                assertThat(info.cipherSuite()).startsWith("TLS_ECDHE_" + cert.keyWord + "_WITH_");
            }
            assertThat(info.serverName()).contains("localhost");
            assertThat(output).contains("- Status: The certificate is trusted.")
                .contains(TlsTestServer.marker(info) + " ping");
            assertThat(description(output)).startsWith("(" + gnutlsVersionName(version) + "-X.509)")
                .contains("(" + (cert == ServerCert.EC ? "ECDSA" : "RSA"))
                .endsWith("-(" + gnutlsCipher(info.cipherSuite()) + ")");
            assertThat(server.received).containsExactly("ping");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsVersion.class, names = {"TLS_1_2", "TLS_1_3"})
    void clientCertificateRequiredAndSeenByServer(TlsVersion version) throws Exception {
        TlsConfig config = TlsConfig.server().credentials(PKI.serverEcCredentials())
            .clientAuth(ClientAuth.REQUIRED).trustAnchors(PKI.trust()).build();
        try (TlsTestServer server = TlsTestServer.start(config)) {
            String output = gnutlsClient(server.port(), "authenticated", "] authenticated", verifying("--priority", gnutlsVersion(version),
                "--x509certfile", pki("client.pem"), "--x509keyfile", pki("client.key")));

            HandshakeInfo info = server.awaitHandshakes(1, DEADLINE).get(0);
            assertThat(info.version()).isEqualTo(version);
            assertThat(info.peerCertificate()).contains(PKI.client.certificate());
            assertThat(info.verifyResult().orElseThrow().isValid()).isTrue();
            assertThat(output).contains("- Successfully sent 1 certificate(s) to server.").contains("peer=CN=device-1");

            // without a certificate: refused, recorded, and the server keeps serving
            List<String> anonymous = new ArrayList<>(List.of(Peers.require("gnutls-cli").toString(), "127.0.0.1", "-p",
                String.valueOf(server.port())));
            anonymous.addAll(Arrays.asList(verifying("--priority", gnutlsVersion(version))));
            PeerProcess.Result result = failingClient(anonymous.toArray(String[]::new));
            TlsException failure = server.awaitFailures(1, DEADLINE).get(0);
            assertThat(failure.error()).as(failure + "\n" + result).isEqualTo(TlsError.CLIENT_CERT_REQUIRED);
            assertThat(result.output).contains("- Successfully sent 0 certificate(s) to server.");
            assertThat(server.handshakes).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Interop.PSK_AES_128_CCM_8, Interop.PSK_AES_256_CCM_8, Interop.PSK_AES_128_CBC_SHA256})
    void pskSuitesAndIdentityHint(String suite) throws Exception {
        Interop.GnuTlsSuite g = gnutls(suite);
        try (TlsTestServer server = TlsTestServer.start(pskServer(suite).build())) {
            String line = randomLine(1000, suite.hashCode());
            String output = gnutlsClient(server.port(), line, "] " + line,
                "--pskusername", PSK_IDENTITY, "--pskkey", PSK_HEX, "--priority", g.priority());

            HandshakeInfo info = server.awaitHandshakes(1, DEADLINE).get(0);
            assertThat(info.cipherSuite()).isEqualTo(suite);
            assertThat(info.pskIdentity()).contains(PSK_IDENTITY);
            assertThat(output).contains("- PSK authentication. PSK hint '" + PSK_HINT + "'")
                .contains("- PSK authentication. Connected as '" + PSK_IDENTITY + "'");
            String expected = "(TLS1.2-X.509)-(PSK)-(" + g.cipher() + ")" + (g.mac().equals("AEAD") ? "" : "-(" + g.mac() + ")");
            assertThat(description(output)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Interop.ECDSA_AES_128_CCM_8, Interop.ECDSA_AES_128_GCM, Interop.ECDSA_AES_256_GCM})
    void ecdheEcdsaSuites(String suite) throws Exception {
        Interop.GnuTlsSuite g = gnutls(suite);
        try (TlsTestServer server = TlsTestServer.start(TlsConfig.server().credentials(PKI.serverEcCredentials()).build())) {
            String line = randomLine(3000, suite.hashCode());
            String output = gnutlsClient(server.port(), line, "] " + line, verifying("--priority", g.priority()));

            assertThat(server.awaitHandshakes(1, DEADLINE).get(0).cipherSuite()).isEqualTo(suite);
            assertThat(description(output)).startsWith("(TLS1.2-X.509)-(ECDHE-").endsWith("-(" + g.cipher() + ")");
        }
    }

    /** gnutls-cli --resume: connects, then reconnects resuming the session ID (tickets refused with --noticket). */
    @Test
    void resumeBySessionId() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsConfig.server().credentials(PKI.serverEcCredentials()).build())) {
            String output = gnutlsClient(server.port(), "again", "] again",
                verifying("--priority", gnutlsVersion(TlsVersion.TLS_1_2), "--resume", "--noticket"));

            List<HandshakeInfo> infos = server.awaitHandshakes(2, DEADLINE);
            // one full handshake, one resumed: the server's connection threads record them in either order
            assertThat(infos).extracting(HandshakeInfo::resumed).containsExactlyInAnyOrder(false, true);
            assertThat(output).contains("*** This is a resumed session").contains(" Reused peer=- mfl=-] again");
        }
    }

    /**
     * gnutls-cli --resume with a session ticket. Every connection gets a fresh server config that
     * shares only the ticket keys (an empty session cache), so only the ticket can resume.
     */
    @Test
    void resumeByTicket() throws Exception {
        TicketKeys keys = new TicketKeys(new SecureRandom(), TimeSource.system(), Duration.ofHours(1));
        try (TlsTestServer server = TlsTestServer.start(
            () -> TlsConfig.server().credentials(PKI.serverEcCredentials()).ticketKeys(keys).build())) {
            String output = gnutlsClient(server.port(), "again", "] again",
                verifying("--priority", gnutlsVersion(TlsVersion.TLS_1_2), "--resume"));

            List<HandshakeInfo> infos = server.awaitHandshakes(2, DEADLINE);
            assertThat(infos.get(1).resumed()).isTrue();
            assertThat(output).contains("*** This is a resumed session").contains(" Reused peer=- mfl=-] again");
            assertThat(findAll(output, "^- Description: (.+)$")).hasSize(2);
        }
    }

    @Test
    void pskServerWithoutCommonSuiteExplainsAndKeepsServing() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(pskServer(Interop.PSK_AES_256_CCM_8).build())) {
            PeerProcess.Result bad = failingClient(Peers.require("gnutls-cli").toString(), "127.0.0.1", "-p", String.valueOf(server.port()),
                "--pskusername", PSK_IDENTITY, "--pskkey", PSK_HEX, "--priority", gnutls(Interop.PSK_AES_128_CCM_8).priority());
            assertThat(bad.exitCode).isNotZero();
            assertThat(bad.output).contains("Handshake failed");

            TlsException failure = server.awaitFailures(1, DEADLINE).get(0);
            assertThat(failure.error()).as(failure.toString()).isEqualTo(TlsError.NO_COMMON_CIPHER_SUITE);
            assertThat(failure.getMessage())
                .matches("(?s).*client offered \\[[^]]*TLS_PSK_WITH_AES_128_CCM_8[^]]*].*accepts \\[TLS_PSK_WITH_AES_256_CCM_8].*");

            String good = gnutlsClient(server.port(), "next", "] next",
                "--pskusername", PSK_IDENTITY, "--pskkey", PSK_HEX, "--priority", gnutls(Interop.PSK_AES_256_CCM_8).priority());
            assertThat(description(good)).isEqualTo("(TLS1.2-X.509)-(PSK)-(AES-256-CCM-8)");
            assertThat(server.awaitHandshakes(1, DEADLINE).get(0).cipherSuite()).isEqualTo(Interop.PSK_AES_256_CCM_8);
            assertThat(server.failures).hasSize(1);
        }
    }
}
