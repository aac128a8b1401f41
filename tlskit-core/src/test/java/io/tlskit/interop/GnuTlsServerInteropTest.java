package io.tlskit.interop;

import static io.tlskit.interop.Interop.DEADLINE;
import static io.tlskit.interop.Interop.PKI;
import static io.tlskit.interop.Interop.PSK_HINT;
import static io.tlskit.interop.Interop.PSK_IDENTITY;
import static io.tlskit.interop.Interop.client;
import static io.tlskit.interop.Interop.exchangeLine;
import static io.tlskit.interop.Interop.findAll;
import static io.tlskit.interop.Interop.gnutls;
import static io.tlskit.interop.Interop.gnutlsCipher;
import static io.tlskit.interop.Interop.gnutlsPskFile;
import static io.tlskit.interop.Interop.gnutlsServer;
import static io.tlskit.interop.Interop.gnutlsVersion;
import static io.tlskit.interop.Interop.pki;
import static io.tlskit.interop.Interop.pskClient;
import static io.tlskit.interop.Interop.randomLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.HandshakeInfo;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import io.tlskit.interop.Interop.ServerCert;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.io.IOException;
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
 * tlskit client against {@code gnutls-serv --echo} (every line comes back unchanged). Each test
 * checks tlskit's HandshakeInfo against what gnutls-serv prints for the connection ("- Version:",
 * "- Cipher:", "- MAC:", "Connected as", "This is a resumed session").
 *
 * <p>gnutls-serv 3.7 cannot be told to listen on 127.0.0.1 only; it binds all interfaces for the
 * few hundred milliseconds each test runs. The client side connects to 127.0.0.1.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GnuTlsServerInteropTest {

    @BeforeAll
    static void peers() {
        Peers.require("gnutls-serv");
    }

    /** Waits until gnutls-serv has reported {@code n} connections (it prints "- Channel bindings" last). */
    private static String awaitConnections(PeerProcess server, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (findAll(server.output(), "^(- Channel bindings)").size() < n) {
            if (System.nanoTime() > deadline || !server.isAlive()) {
                throw new IOException("gnutls-serv did not report " + n + " connection(s):\n" + server.output());
            }
            Thread.sleep(20);
        }
        return server.output();
    }

    private static String gnutlsVersionName(TlsVersion version) {
        return version == TlsVersion.TLS_1_3 ? "TLS1.3" : "TLS1.2";
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLS_1_3, EC", "TLS_1_3, RSA", "TLS_1_2, EC", "TLS_1_2, RSA"})
    void versionAndServerCertificate(TlsVersion version, ServerCert cert) throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = gnutlsServer(port, "--x509certfile", cert.cert(), "--x509keyfile", pki(cert.fileName + ".key"),
            "--priority", gnutlsVersion(version), "--disable-client-cert")) {
            HandshakeInfo info;
            try (TlsConnection connection = TlsConnection.connect(client().versions(version).build(), "127.0.0.1", port)) {
                info = connection.handshakeInfo();
                String line = "hello-gnutls-" + version + "-" + cert;
                assertThat(exchangeLine(connection, line)).isEqualTo(line);
            }
            assertThat(info.version()).isEqualTo(version);
            if (version == TlsVersion.TLS_1_2) {
                assertThat(info.cipherSuite()).startsWith("TLS_ECDHE_" + cert.keyWord + "_WITH_");
            }
            assertThat(info.peerCertificate()).contains(cert == ServerCert.EC ? PKI.serverEc.certificate() : PKI.serverRsa.certificate());

            String output = awaitConnections(server, 1);
            assertThat(findAll(output, "^- Version: (\\S+)")).containsExactly(gnutlsVersionName(version));
            assertThat(findAll(output, "^- Cipher: (\\S+)")).containsExactly(gnutlsCipher(info.cipherSuite()));
            assertThat(output).contains("- Server Signature: " + (cert == ServerCert.EC ? "ECDSA" : "RSA"))
                .contains("- Given server name[1]: localhost");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsVersion.class, names = {"TLS_1_2", "TLS_1_3"})
    void clientCertificateIsSentAndVerifiedByGnuTls(TlsVersion version) throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = requireClientCertServer(port, version)) {
            TlsConfig config = client().versions(version).credentials(PKI.client.credentials()).build();
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                assertThat(connection.handshakeInfo().version()).isEqualTo(version);
                assertThat(exchangeLine(connection, "with-client-cert")).isEqualTo("with-client-cert");
            }
            String output = awaitConnections(server, 1);
            assertThat(output).contains("- Status: The certificate is trusted.");
            assertThat(findAll(output, "^\\s+Subject: (.+)$")).first().isEqualTo("CN=device-1");
        }
    }

    private static PeerProcess requireClientCertServer(int port, TlsVersion version) throws IOException {
        return gnutlsServer(port, "--x509certfile", pki("server-ec.pem"), "--x509keyfile", pki("server-ec.key"),
            "--x509cafile", pki("ca.pem"), "--require-client-cert", "--verify-client-cert", "--priority", gnutlsVersion(version));
    }

    /** TLS 1.3: the client finishes first; GnuTLS's certificate_required alert arrives with the first read. */
    @Test
    void missingClientCertificateTls13IsReportedOnFirstRead() throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = requireClientCertServer(port, TlsVersion.TLS_1_3)) {
            TlsConfig config = client().versions(TlsVersion.TLS_1_3).build();
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                connection.readTimeout(DEADLINE);
                assertThatThrownBy(() -> connection.read(new byte[100], 0, 100)).isInstanceOfSatisfying(TlsException.class, e -> {
                    assertThat(e.error()).as(e.toString()).isEqualTo(TlsError.CLIENT_CERT_REQUIRED);
                    assertThat(e.alertDirection()).contains(TlsException.AlertDirection.RECEIVED);
                });
            }
            server.awaitOutput("Error in handshake", DEADLINE);
        }
    }

    /**
     * GnuTLS answers a missing client certificate in TLS 1.2 with a decode_error alert (OpenSSL
     * sends handshake_failure, which tlskit already maps to CLIENT_CERT_REQUIRED).
     */
    @Test
    void missingClientCertificateTls12IsReportedAsClientCertRequired() throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = requireClientCertServer(port, TlsVersion.TLS_1_2)) {
            TlsConfig config = client().versions(TlsVersion.TLS_1_2).build();
            assertThatThrownBy(() -> TlsConnection.connect(config, "127.0.0.1", port).close())
                .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).as(e.toString()).isEqualTo(TlsError.CLIENT_CERT_REQUIRED));
        }
    }

    /**
     * TLS 1.3, writing first (as HTTP and MQTT clients do) after the server has already rejected the
     * handshake and closed: the write fails on the reset connection, and the alert explaining why
     * never reaches the caller.
     */
    @Test
    void missingClientCertificateTls13IsReportedWhenWritingFirst() throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = requireClientCertServer(port, TlsVersion.TLS_1_3)) {
            TlsConfig config = client().versions(TlsVersion.TLS_1_3).build();
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                server.awaitOutput("Error in handshake", DEADLINE);
                Thread.sleep(100); // let the server's close reach us
                assertThatThrownBy(() -> exchangeLine(connection, "written before reading"))
                    .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).as(e.toString()).isEqualTo(TlsError.CLIENT_CERT_REQUIRED));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Interop.PSK_AES_128_CCM_8, Interop.PSK_AES_256_CCM_8, Interop.PSK_AES_128_CBC_SHA256})
    void pskSuitesAndIdentityHint(String suite) throws Exception {
        int port = Peers.freePort();
        Interop.GnuTlsSuite g = gnutls(suite);
        try (PeerProcess server = gnutlsServer(port, "--pskpasswd", gnutlsPskFile().toString(), "--pskhint", PSK_HINT,
            "--priority", g.priority())) {
            HandshakeInfo info;
            try (TlsConnection connection = TlsConnection.connect(pskClient(suite).build(), "127.0.0.1", port)) {
                info = connection.handshakeInfo();
                String line = randomLine(1000, suite.hashCode());
                assertThat(exchangeLine(connection, line)).isEqualTo(line);
            }
            assertThat(info.cipherSuite()).isEqualTo(suite);
            assertThat(info.pskHint()).contains(PSK_HINT);
            assertThat(info.pskIdentity()).contains(PSK_IDENTITY);

            String output = awaitConnections(server, 1);
            assertThat(output).contains("- PSK authentication. Connected as '" + PSK_IDENTITY + "'");
            assertThat(findAll(output, "^- Cipher: (\\S+)")).containsExactly(g.cipher());
            assertThat(findAll(output, "^- MAC: (\\S+)")).containsExactly(g.mac());
            assertThat(findAll(output, "^- Key Exchange: (\\S+)")).containsExactly("PSK");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Interop.ECDSA_AES_128_CCM_8, Interop.ECDSA_AES_128_GCM, Interop.ECDSA_AES_256_GCM})
    void ecdheEcdsaSuites(String suite) throws Exception {
        int port = Peers.freePort();
        Interop.GnuTlsSuite g = gnutls(suite);
        try (PeerProcess server = gnutlsServer(port, "--x509certfile", pki("server-ec.pem"), "--x509keyfile", pki("server-ec.key"),
            "--priority", g.priority(), "--disable-client-cert")) {
            HandshakeInfo info;
            try (TlsConnection connection = TlsConnection.connect(client().cipherSuites(suite).build(), "127.0.0.1", port)) {
                info = connection.handshakeInfo();
                String line = randomLine(3000, suite.hashCode());
                assertThat(exchangeLine(connection, line)).isEqualTo(line);
            }
            assertThat(info.cipherSuite()).isEqualTo(suite);
            String output = awaitConnections(server, 1);
            assertThat(findAll(output, "^- Cipher: (\\S+)")).containsExactly(g.cipher());
            assertThat(findAll(output, "^- Key Exchange: (\\S+)")).containsExactly("ECDHE-ECDSA");
        }
    }

    /**
     * TLS 1.2 resumption against GnuTLS: by session ID (tickets off on both sides) and by ticket
     * (gnutls-serv --nodb keeps no session database, so only the ticket can resume).
     */
    @ParameterizedTest
    @ValueSource(strings = {"session-id", "ticket"})
    void tls12ResumptionOnSecondConnect(String mechanism) throws Exception {
        boolean tickets = mechanism.equals("ticket");
        int port = Peers.freePort();
        try (PeerProcess server = gnutlsServer(port, "--x509certfile", pki("server-ec.pem"), "--x509keyfile", pki("server-ec.key"),
            "--priority", gnutlsVersion(TlsVersion.TLS_1_2), "--disable-client-cert", tickets ? "--nodb" : "--noticket")) {
            TlsConfig config = client().versions(TlsVersion.TLS_1_2).tickets(tickets).build();
            HandshakeInfo first;
            HandshakeInfo second;
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                first = connection.handshakeInfo();
                assertThat(exchangeLine(connection, "first")).isEqualTo("first");
            }
            try (TlsConnection connection = TlsConnection.connect(config, "127.0.0.1", port)) {
                second = connection.handshakeInfo();
                assertThat(exchangeLine(connection, "second")).isEqualTo("second");
            }
            assertThat(first.resumed()).isFalse();
            assertThat(second.resumed()).as("resumed by " + mechanism).isTrue();
            assertThat(second.cipherSuite()).isEqualTo(first.cipherSuite());

            String output = awaitConnections(server, 2);
            List<String> resumed = findAll(output, "^\\*\\*\\* (This is a resumed session)");
            assertThat(resumed).hasSize(1);
        }
    }
}
