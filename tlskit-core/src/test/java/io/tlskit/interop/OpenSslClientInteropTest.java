package io.tlskit.interop;

import static io.tlskit.interop.Interop.DEADLINE;
import static io.tlskit.interop.Interop.PKI;
import static io.tlskit.interop.Interop.PSK_HEX;
import static io.tlskit.interop.Interop.PSK_HINT;
import static io.tlskit.interop.Interop.PSK_IDENTITY;
import static io.tlskit.interop.Interop.failingClient;
import static io.tlskit.interop.Interop.find;
import static io.tlskit.interop.Interop.openssl;
import static io.tlskit.interop.Interop.opensslClient;
import static io.tlskit.interop.Interop.opensslVersionFlag;
import static io.tlskit.interop.Interop.pki;
import static io.tlskit.interop.Interop.pskServer;
import static io.tlskit.interop.Interop.randomLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.ClientAuth;
import io.tlskit.HandshakeInfo;
import io.tlskit.TimeSource;
import io.tlskit.TicketKeys;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import io.tlskit.interop.Interop.ServerCert;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code openssl s_client} against the tlskit server ({@link TlsTestServer}: every line comes back
 * prefixed with a marker naming version, suite, resumption, client certificate and fragment limit).
 * Each test checks s_client's own report ("New, TLSv1.2, Cipher is ...") against tlskit's HandshakeInfo.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenSslClientInteropTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void peers() {
        Peers.require("openssl");
    }

    private static String[] verifying(String... more) {
        List<String> args = new ArrayList<>(List.of("-CAfile", pki("ca.pem"), "-servername", "localhost",
            "-verify_hostname", "localhost", "-verify_return_error"));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    /**
     * What s_client reports: "New|Reused PROTOCOL CIPHER" (OpenSSL cipher name). The protocol comes
     * from the SSL-Session block ("Protocol  : TLSv1.2"), not from the "New, TLSv1.0, Cipher is ..."
     * line, whose version is the cipher's minimum version; TLS 1.3 prints no SSL-Session block at
     * connect time, but there the summary version is TLSv1.3.
     */
    private static String negotiated(String output) {
        String kind = find(output, "^(New|Reused), \\S+, Cipher is \\S+$");
        String cipher = find(output, "^(?:New|Reused), \\S+, Cipher is (\\S+)$");
        String protocol = output.contains("    Protocol  : ")
            ? find(output, "^\\s+Protocol\\s+: (\\S+)$") : find(output, "^(?:New|Reused), (TLSv1\\.3), Cipher is ");
        return kind + " " + protocol + " " + cipher;
    }

    private static String expected(String newOrReused, HandshakeInfo info) {
        return newOrReused + " " + info.version().displayName() + " " + openssl(info.cipherSuite());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLS_1_3, EC", "TLS_1_3, RSA", "TLS_1_2, EC", "TLS_1_2, RSA"})
    void versionAndServerCertificate(TlsVersion version, ServerCert cert) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsConfig.server().credentials(cert.credentials()).build())) {
            String output = opensslClient(server.port(), "ping", "] ping", verifying(opensslVersionFlag(version)));

            HandshakeInfo info = server.awaitHandshakes(1, DEADLINE).get(0);
            assertThat(info.version()).isEqualTo(version);
            if (version == TlsVersion.TLS_1_2) {
                assertThat(info.cipherSuite()).startsWith("TLS_ECDHE_" + cert.keyWord + "_WITH_");
            }
            assertThat(info.serverName()).contains("localhost");
            assertThat(info.peerChain()).isEmpty();
            assertThat(negotiated(output)).isEqualTo(expected("New", info));
            assertThat(output).contains("Verify return code: 0 (ok)")
                .contains(TlsTestServer.marker(info) + " ping");
            assertThat(server.received).containsExactly("ping");
            assertThat(server.failures).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsVersion.class, names = {"TLS_1_2", "TLS_1_3"})
    void clientCertificateRequiredAndSeenByServer(TlsVersion version) throws Exception {
        TlsConfig config = TlsConfig.server().credentials(PKI.serverEcCredentials())
            .clientAuth(ClientAuth.REQUIRED).trustAnchors(PKI.trust()).build();
        try (TlsTestServer server = TlsTestServer.start(config)) {
            String output = opensslClient(server.port(), "authenticated", "] authenticated",
                verifying(opensslVersionFlag(version), "-cert", pki("client.pem"), "-key", pki("client.key")));

            HandshakeInfo info = server.awaitHandshakes(1, DEADLINE).get(0);
            assertThat(info.version()).isEqualTo(version);
            assertThat(info.peerCertificate()).contains(PKI.client.certificate());
            assertThat(info.peerCertificate().orElseThrow().getSubjectX500Principal().getName()).isEqualTo("CN=device-1");
            assertThat(info.verifyResult().orElseThrow().isValid()).isTrue();
            assertThat(output).contains("peer=CN=device-1").contains(version.displayName());

            // the same server refuses a client without a certificate, records why, and keeps serving
            PeerProcess.Result anonymous = failingClient(command(server.port(), verifying(opensslVersionFlag(version))));
            TlsException failure = server.awaitFailures(1, DEADLINE).get(0);
            assertThat(failure.error()).as(failure.toString()).isEqualTo(TlsError.CLIENT_CERT_REQUIRED);
            if (version == TlsVersion.TLS_1_2) {
                // in TLS 1.3 s_client has finished (and may have exited) before the alert arrives
                assertThat(anonymous.output).contains("alert handshake failure");
            }
            assertThat(server.handshakes).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Interop.PSK_AES_128_CCM_8, Interop.PSK_AES_256_CCM_8, Interop.PSK_AES_128_CBC_SHA256})
    void pskSuitesAndIdentityHint(String suite) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(pskServer(suite).build())) {
            String line = randomLine(1000, suite.hashCode());
            String output = opensslClient(server.port(), line, "] " + line,
                "-tls1_2", "-psk", PSK_HEX, "-psk_identity", PSK_IDENTITY, "-cipher", openssl(suite));

            HandshakeInfo info = server.awaitHandshakes(1, DEADLINE).get(0);
            assertThat(info.cipherSuite()).isEqualTo(suite);
            assertThat(info.version()).isEqualTo(TlsVersion.TLS_1_2);
            assertThat(info.pskIdentity()).contains(PSK_IDENTITY);
            assertThat(negotiated(output)).isEqualTo(expected("New", info));
            assertThat(find(output, "^\\s*PSK identity hint: (.*)$")).isEqualTo(PSK_HINT);
            assertThat(find(output, "^\\s*PSK identity: (.*)$")).isEqualTo(PSK_IDENTITY);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Interop.ECDSA_AES_128_CCM_8, Interop.ECDSA_AES_128_GCM, Interop.ECDSA_AES_256_GCM})
    void ecdheEcdsaSuites(String suite) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsConfig.server().credentials(PKI.serverEcCredentials()).build())) {
            String line = randomLine(3000, suite.hashCode());
            String output = opensslClient(server.port(), line, "] " + line, verifying("-tls1_2", "-cipher", openssl(suite)));

            HandshakeInfo info = server.awaitHandshakes(1, DEADLINE).get(0);
            assertThat(info.cipherSuite()).isEqualTo(suite);
            assertThat(negotiated(output)).isEqualTo("New TLSv1.2 " + openssl(suite));
        }
    }

    @Test
    void tls12ResumptionBySessionId() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsConfig.server().credentials(PKI.serverEcCredentials()).build())) {
            String session = tmp.resolve("session.pem").toString();
            String first = opensslClient(server.port(), "one", "] one", verifying("-tls1_2", "-no_ticket", "-sess_out", session));
            String second = opensslClient(server.port(), "two", "] two", verifying("-tls1_2", "-no_ticket", "-sess_in", session));

            List<HandshakeInfo> infos = server.awaitHandshakes(2, DEADLINE);
            assertThat(first).doesNotContain("TLS session ticket:");
            assertThat(negotiated(first)).startsWith("New TLSv1.2 ");
            assertThat(negotiated(second)).isEqualTo(expected("Reused", infos.get(1)));
            // one full handshake, one resumed: the server's connection threads record them in either order
            assertThat(infos).extracting(HandshakeInfo::resumed).containsExactlyInAnyOrder(false, true);
            assertThat(second).contains(" Reused peer=- mfl=-] two");
        }
    }

    /**
     * Every connection gets a fresh server config (a restarted server) sharing only the ticket keys:
     * its session cache is empty, so only the session ticket can resume.
     */
    @Test
    void tls12ResumptionByTicket() throws Exception {
        TicketKeys keys = new TicketKeys(new SecureRandom(), TimeSource.system(), Duration.ofHours(1));
        try (TlsTestServer server = TlsTestServer.start(() -> ticketServer(keys))) {
            String session = tmp.resolve("session.pem").toString();
            String first = opensslClient(server.port(), "one", "] one", verifying("-tls1_2", "-sess_out", session));
            String second = opensslClient(server.port(), "two", "] two", verifying("-tls1_2", "-sess_in", session));

            List<HandshakeInfo> infos = server.awaitHandshakes(2, DEADLINE);
            assertThat(first).contains("TLS session ticket:");
            assertThat(negotiated(first)).startsWith("New TLSv1.2 ");
            assertThat(negotiated(second)).isEqualTo(expected("Reused", infos.get(1)));
            assertThat(infos.get(1).resumed()).isTrue();
            assertThat(second).contains(" Reused peer=- mfl=-] two");
        }
    }

    /** A restarted server with new ticket keys cannot resume: a full handshake, and no error. */
    @Test
    void ticketFromAnotherServerFallsBackToFullHandshake() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(
            () -> ticketServer(new TicketKeys(new SecureRandom(), TimeSource.system(), Duration.ofHours(1))))) {
            String session = tmp.resolve("session.pem").toString();
            String first = opensslClient(server.port(), "one", "] one", verifying("-tls1_2", "-sess_out", session));
            String second = opensslClient(server.port(), "two", "] two", verifying("-tls1_2", "-sess_in", session));

            assertThat(first).contains("TLS session ticket:");
            assertThat(negotiated(second)).startsWith("New TLSv1.2 ");
            assertThat(server.awaitHandshakes(2, DEADLINE).get(1).resumed()).isFalse();
            assertThat(server.failures).isEmpty();
        }
    }

    private static TlsConfig ticketServer(TicketKeys keys) {
        return TlsConfig.server().credentials(PKI.serverEcCredentials()).ticketKeys(keys).build();
    }

    @ParameterizedTest
    @EnumSource(value = TlsVersion.class, names = {"TLS_1_2", "TLS_1_3"})
    void maxFragmentLength512(TlsVersion version) throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsConfig.server().credentials(PKI.serverEcCredentials()).build())) {
            // the answer (marker + 2000 bytes) must reach s_client in records of at most 512 bytes
            String line = randomLine(2000, 7);
            String output = opensslClient(server.port(), line, "] " + line,
                verifying(opensslVersionFlag(version), "-maxfraglen", "512"));

            HandshakeInfo info = server.awaitHandshakes(1, DEADLINE).get(0);
            assertThat(info.version()).isEqualTo(version);
            assertThat(info.maxFragmentLength()).contains(512);
            assertThat(output).contains(" mfl=512] " + line);
            assertThat(server.received).containsExactly(line);
        }
    }

    @Test
    void pskServerWithoutCommonSuiteExplainsAndKeepsServing() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(pskServer(Interop.PSK_AES_256_CCM_8).build())) {
            PeerProcess.Result bad = failingClient(command(server.port(),
                "-tls1_2", "-psk", PSK_HEX, "-psk_identity", PSK_IDENTITY, "-cipher", openssl(Interop.PSK_AES_128_CCM_8)));
            assertThat(bad.exitCode).isNotZero();
            assertThat(bad.output).contains("alert handshake failure");

            TlsException failure = server.awaitFailures(1, DEADLINE).get(0);
            assertThat(failure.error()).as(failure.toString()).isEqualTo(TlsError.NO_COMMON_CIPHER_SUITE);
            assertThat(failure.getMessage())
                .matches("(?s).*client offered \\[[^]]*TLS_PSK_WITH_AES_128_CCM_8[^]]*].*accepts \\[TLS_PSK_WITH_AES_256_CCM_8].*");

            String good = opensslClient(server.port(), "next", "] next",
                "-tls1_2", "-psk", PSK_HEX, "-psk_identity", PSK_IDENTITY, "-cipher", openssl(Interop.PSK_AES_256_CCM_8));
            assertThat(negotiated(good)).isEqualTo("New TLSv1.2 PSK-AES256-CCM8");
            assertThat(server.awaitHandshakes(1, DEADLINE).get(0).cipherSuite()).isEqualTo(Interop.PSK_AES_256_CCM_8);
            assertThat(server.failures).hasSize(1);
        }
    }

    private static String[] command(int port, String... args) {
        List<String> command = new ArrayList<>(List.of(Peers.require("openssl").toString(), "s_client",
            "-connect", "127.0.0.1:" + port, "-nocommands"));
        command.addAll(Arrays.asList(args));
        return command.toArray(String[]::new);
    }
}
