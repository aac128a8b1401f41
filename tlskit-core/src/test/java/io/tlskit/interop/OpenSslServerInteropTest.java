package io.tlskit.interop;

import static io.tlskit.interop.Interop.DEADLINE;
import static io.tlskit.interop.Interop.PKI;
import static io.tlskit.interop.Interop.PSK_HEX;
import static io.tlskit.interop.Interop.PSK_HINT;
import static io.tlskit.interop.Interop.PSK_IDENTITY;
import static io.tlskit.interop.Interop.client;
import static io.tlskit.interop.Interop.exchangeLine;
import static io.tlskit.interop.Interop.find;
import static io.tlskit.interop.Interop.openssl;
import static io.tlskit.interop.Interop.opensslServer;
import static io.tlskit.interop.Interop.opensslVersionFlag;
import static io.tlskit.interop.Interop.pki;
import static io.tlskit.interop.Interop.pskClient;
import static io.tlskit.interop.Interop.randomLine;
import static io.tlskit.interop.Interop.reversed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.HandshakeInfo;
import io.tlskit.MaxFragmentLength;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import io.tlskit.interop.Interop.ServerCert;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tlskit client against {@code openssl s_server} (-rev: every line comes back reversed). Each test
 * checks what both ends say was negotiated: tlskit's HandshakeInfo and s_server's own report.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenSslServerInteropTest {

    @BeforeAll
    static void peers() {
        Peers.require("openssl");
    }

    private static String serverProtocol(PeerProcess server) {
        return find(server.output(), "^Protocol version: (\\S+)");
    }

    private static String serverCipher(PeerProcess server) {
        return find(server.output(), "^Ciphersuite: (\\S+)");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLS_1_3, EC", "TLS_1_3, RSA", "TLS_1_2, EC", "TLS_1_2, RSA"})
    void versionAndServerCertificate(TlsVersion version, ServerCert cert) throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = opensslServer(port, "-naccept", "1", opensslVersionFlag(version),
            "-cert", cert.cert(), "-key", cert.key())) {
            HandshakeInfo info;
            try (TlsConnection connection = TlsConnection.connect(client().versions(version).build(), "127.0.0.1", port)) {
                info = connection.handshakeInfo();
                String line = "hello-" + version + "-" + cert;
                assertThat(exchangeLine(connection, line)).isEqualTo(reversed(line));
            }
            assertThat(info.version()).isEqualTo(version);
            if (version == TlsVersion.TLS_1_2) {
                assertThat(info.cipherSuite()).startsWith("TLS_ECDHE_" + cert.keyWord + "_WITH_");
            } else {
                assertThat(info.cipherSuite()).matches("TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)");
            }
            assertThat(info.peerCertificate()).contains(cert == ServerCert.EC ? PKI.serverEc.certificate() : PKI.serverRsa.certificate());
            assertThat(info.verifyResult().orElseThrow().isValid()).isTrue();
            assertThat(info.resumed()).isFalse();

            assertThat(server.waitFor(DEADLINE)).isZero();
            assertThat(serverProtocol(server)).isEqualTo(version.displayName());
            assertThat(serverCipher(server)).isEqualTo(openssl(info.cipherSuite()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsVersion.class, names = {"TLS_1_2", "TLS_1_3"})
    void clientCertificateIsSentAndVerifiedByOpenSsl(TlsVersion version) throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = opensslServer(port, "-naccept", "1", opensslVersionFlag(version),
            "-cert", pki("server-ec.pem"), "-key", pki("server-ec.key"),
            "-Verify", "1", "-verify_return_error", "-CAfile", pki("ca.pem"))) {
            TlsConfig config = client().versions(version).credentials(PKI.client.credentials()).build();
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                assertThat(connection.handshakeInfo().version()).isEqualTo(version);
                assertThat(exchangeLine(connection, "with-client-cert")).isEqualTo(reversed("with-client-cert"));
            }
            assertThat(server.waitFor(DEADLINE)).isZero();
            assertThat(find(server.output(), "^Peer certificate: (.+)$")).isEqualTo("CN = device-1");
            assertThat(server.output()).contains("Verification: OK");
            assertThat(serverProtocol(server)).isEqualTo(version.displayName());
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsVersion.class, names = {"TLS_1_2", "TLS_1_3"})
    void missingClientCertificateIsReportedAsClientCertRequired(TlsVersion version) throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = opensslServer(port, "-naccept", "1", opensslVersionFlag(version),
            "-cert", pki("server-ec.pem"), "-key", pki("server-ec.key"),
            "-Verify", "1", "-verify_return_error", "-CAfile", pki("ca.pem"))) {
            TlsConfig config = client().versions(version).build();
            // TLS 1.2 fails in the handshake; in TLS 1.3 the client finishes first and the server's
            // certificate_required alert arrives with the first read.
            assertThatThrownBy(() -> {
                try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                    exchangeLine(connection, "should not be answered");
                }
            }).isInstanceOfSatisfying(TlsException.class, e -> {
                assertThat(e.error()).as(e.toString()).isEqualTo(TlsError.CLIENT_CERT_REQUIRED);
                assertThat(e.alertDirection()).contains(TlsException.AlertDirection.RECEIVED);
            });
            server.waitFor(DEADLINE);
            assertThat(server.output()).containsIgnoringCase("peer did not return a certificate");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Interop.PSK_AES_128_CCM_8, Interop.PSK_AES_256_CCM_8, Interop.PSK_AES_128_CBC_SHA256})
    void pskSuitesAndIdentityHint(String suite) throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = opensslServer(port, "-naccept", "1", "-tls1_2", "-nocert",
            "-psk", PSK_HEX, "-psk_identity", PSK_IDENTITY, "-psk_hint", PSK_HINT, "-cipher", openssl(suite))) {
            HandshakeInfo info;
            try (TlsConnection connection = TlsConnection.connect(pskClient(suite).build(), "127.0.0.1", port)) {
                info = connection.handshakeInfo();
                String line = randomLine(1000, suite.hashCode());
                assertThat(exchangeLine(connection, line)).isEqualTo(reversed(line));
            }
            assertThat(info.version()).isEqualTo(TlsVersion.TLS_1_2);
            assertThat(info.cipherSuite()).isEqualTo(suite);
            assertThat(info.pskIdentity()).contains(PSK_IDENTITY);
            assertThat(info.pskHint()).contains(PSK_HINT);
            assertThat(info.peerChain()).isEmpty();

            assertThat(server.waitFor(DEADLINE)).isZero();
            assertThat(serverCipher(server)).isEqualTo(openssl(suite));
            assertThat(server.output()).doesNotContain("PSK warning");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Interop.ECDSA_AES_128_CCM_8, Interop.ECDSA_AES_128_GCM, Interop.ECDSA_AES_256_GCM})
    void ecdheEcdsaSuites(String suite) throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = opensslServer(port, "-naccept", "1", "-tls1_2",
            "-cert", pki("server-ec.pem"), "-key", pki("server-ec.key"), "-cipher", openssl(suite))) {
            HandshakeInfo info;
            try (TlsConnection connection = TlsConnection.connect(client().cipherSuites(suite).build(), "127.0.0.1", port)) {
                info = connection.handshakeInfo();
                String line = randomLine(3000, suite.hashCode());
                assertThat(exchangeLine(connection, line)).isEqualTo(reversed(line));
            }
            assertThat(info.version()).isEqualTo(TlsVersion.TLS_1_2);
            assertThat(info.cipherSuite()).isEqualTo(suite);
            assertThat(server.waitFor(DEADLINE)).isZero();
            assertThat(serverCipher(server)).isEqualTo(openssl(suite));
        }
    }

    /**
     * TLS 1.2 resumption: the second {@code connect} with the same config resumes. For session IDs
     * tickets are off on both sides; for tickets s_server keeps no session cache, so only the
     * ticket can resume.
     */
    @ParameterizedTest
    @ValueSource(strings = {"session-id", "ticket"})
    void tls12ResumptionOnSecondConnect(String mechanism) throws Exception {
        boolean tickets = mechanism.equals("ticket");
        int port = Peers.freePort();
        try (PeerProcess server = opensslServer(port, "-naccept", "2", "-tls1_2",
            "-cert", pki("server-ec.pem"), "-key", pki("server-ec.key"), tickets ? "-no_cache" : "-no_ticket")) {
            TlsConfig config = client().versions(TlsVersion.TLS_1_2).tickets(tickets).build();
            HandshakeInfo first;
            HandshakeInfo second;
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                first = connection.handshakeInfo();
                assertThat(exchangeLine(connection, "first")).isEqualTo("tsrif");
            }
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                second = connection.handshakeInfo();
                assertThat(exchangeLine(connection, "second")).isEqualTo("dnoces");
            }
            assertThat(first.resumed()).isFalse();
            assertThat(second.resumed()).as("second handshake resumed by " + mechanism).isTrue();
            assertThat(second.cipherSuite()).isEqualTo(first.cipherSuite());
            assertThat(second.peerCertificate()).contains(PKI.serverEc.certificate());

            assertThat(server.waitFor(DEADLINE)).isZero();
            assertThat(server.output()).contains("1 session cache hits");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsVersion.class, names = {"TLS_1_2", "TLS_1_3"})
    void maxFragmentLength512(TlsVersion version) throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = opensslServer(port, "-naccept", "1", opensslVersionFlag(version),
            "-cert", pki("server-ec.pem"), "-key", pki("server-ec.key"))) {
            TlsConfig config = client().versions(version).maxFragmentLength(MaxFragmentLength.BYTES_512).build();
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                HandshakeInfo info = connection.handshakeInfo();
                assertThat(info.version()).isEqualTo(version);
                assertThat(info.maxFragmentLength()).contains(512);
                assertThat(connection.engine().maxPlaintextPerRecord()).isEqualTo(512);
                // 4 KiB each way: OpenSSL must cut its answer into records of at most 512 bytes
                // (tlskit rejects larger ones with record_overflow) and accept ours.
                String line = randomLine(4096, 512);
                assertThat(exchangeLine(connection, line)).isEqualTo(reversed(line));
            }
            assertThat(server.waitFor(DEADLINE)).isZero();
        }
    }
}
