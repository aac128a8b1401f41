package io.tlskit.mbedtls;

import static io.tlskit.mbedtls.MbedtlsPeer.line;
import static io.tlskit.mbedtls.MbedtlsPeer.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tlskit.ClientAuth;
import io.tlskit.HandshakeInfo;
import io.tlskit.MaxFragmentLength;
import io.tlskit.Psk;
import io.tlskit.PskStore;
import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import io.tlskit.VerifyMode;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tlskit against mbedTLS itself (the seed devices' TLS library), both directions, over real TCP
 * on 127.0.0.1: our own small C client and server in {@code peers/mbedtls} built against Debian's
 * libmbedtls-dev. Covers the two suites the devices use, TLS_PSK_WITH_AES_128_CCM_8 and
 * TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 (CA verification and hostname check on both sides), plus
 * the ServerHello gmt_unix_time and RFC 6066 max_fragment_length 512.
 */
class MbedtlsInteropTest {
    static final TestPki PKI = TestPki.INSTANCE;
    static final Duration STARTUP = Duration.ofSeconds(5);
    static final Duration DEADLINE = Duration.ofSeconds(15);

    static final String PSK_IDENTITY = "mbedtls-device-1";
    static final String PSK_HEX = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final Psk PSK = Psk.of(PSK_IDENTITY, HexFormat.of().parseHex(PSK_HEX));

    static final String PSK_CCM_8 = "TLS_PSK_WITH_AES_128_CCM_8";
    static final String MBED_PSK_CCM_8 = "TLS-PSK-WITH-AES-128-CCM-8";
    static final String ECDSA_CCM_8 = "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
    static final String MBED_ECDSA_CCM_8 = "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8";

    /** CCM_8 record overhead: 8-byte explicit nonce + 8-byte tag. */
    static final int CCM_8_OVERHEAD = 16;

    // ---------------------------------------------------------------- PSK, mbedTLS client -> tlskit

    @Test
    void pskCcm8MbedtlsClientToTlskitServer() throws Exception {
        TlsConfig server = TlsConfig.server().versions(TlsVersion.TLS_1_2).cipherSuites(PSK_CCM_8)
            .pskStore(PskStore.of(PSK)).sendServerTime(true).build();
        String message = "hello tlskit, this is mbedTLS over PSK-CCM_8";

        Exchange x = tlskitServer(server, List.of("psk_identity=" + PSK_IDENTITY, "psk=" + PSK_HEX,
            "ciphersuite=" + MBED_PSK_CCM_8, "message=" + message));

        assertThat(x.info.version()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(x.info.cipherSuite()).isEqualTo(PSK_CCM_8);
        assertThat(x.info.pskIdentity()).contains(PSK_IDENTITY);
        assertThat(x.received).isEqualTo(message);
        assertThat(x.peerExit).as(x.peerOutput).isZero();
        assertThat(x.peerOutput)
            .contains("HANDSHAKE OK version=TLSv1.2 ciphersuite=" + MBED_PSK_CCM_8 + "\n")
            .contains("ECHO tlskit echo: " + message + "\n")
            .contains("CLOSE_NOTIFY_SENT\n")
            .contains("PEER_CLOSE_NOTIFY\n")
            .contains("DONE\n")
            .doesNotContain("ERROR");
        // tlskit's server put its wall time into the ServerHello random (sendServerTime), and
        // mbedTLS read exactly that: the PAL feature seen from the seed's own library
        long serverTime = number(x.peerOutput, "RANDOM ", "server_time");
        long peerNow = number(x.peerOutput, "RANDOM ", "now");
        assertThat(serverTime).as(x.peerOutput).isCloseTo(peerNow, within(60L));
    }

    // ---------------------------------------------------------------- PSK, tlskit client -> mbedTLS

    @Test
    void pskCcm8TlskitClientToMbedtlsServer() throws Exception {
        TlsConfig client = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(PSK_CCM_8).psk(PSK).build();
        String message = "hello mbedTLS, this is tlskit over PSK-CCM_8";

        Exchange x = mbedtlsServer(client, null, message, List.of("psk_identity=" + PSK_IDENTITY, "psk=" + PSK_HEX,
            "ciphersuite=" + MBED_PSK_CCM_8));

        assertThat(x.info.version()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(x.info.cipherSuite()).isEqualTo(PSK_CCM_8);
        assertThat(x.info.pskIdentity()).contains(PSK_IDENTITY);
        assertThat(x.received).isEqualTo("mbedtls echo: " + message);
        assertThat(x.peerExit).as(x.peerOutput).isZero();
        assertThat(x.peerOutput)
            .contains("PSK_IDENTITY " + PSK_IDENTITY + "\n")
            .contains("HANDSHAKE OK version=TLSv1.2 ciphersuite=" + MBED_PSK_CCM_8 + "\n")
            .contains("RECEIVED " + message + "\n")
            .contains("PEER_CLOSE_NOTIFY\n")
            .contains("CONNECTION_DONE connection=1\n")
            .doesNotContain("ERROR");
        assertServerHelloTimeIsMbedtlsClock(x);
    }

    @Test
    void mbedtlsServerRejectsUnknownPskIdentity() throws Exception {
        TlsConfig client = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(PSK_CCM_8)
            .psk(Psk.of("intruder", HexFormat.of().parseHex(PSK_HEX))).build();

        Exchange x = mbedtlsServer(client, null, "never sent", List.of("psk_identity=" + PSK_IDENTITY, "psk=" + PSK_HEX,
            "ciphersuite=" + MBED_PSK_CCM_8));

        assertThat(x.failure).as(x.peerOutput).isNotNull();
        assertThat(x.failure.error()).as(x.failure.toString()).isEqualTo(TlsError.PSK_IDENTITY_UNKNOWN);
        assertThat(x.peerExit).isEqualTo(1);
        assertThat(x.peerOutput).contains("PSK_IDENTITY_UNKNOWN intruder\n").contains("ERROR -0x").doesNotContain("HANDSHAKE OK");
    }

    // ---------------------------------------------------------------- ECDHE-ECDSA, mbedTLS client -> tlskit

    @Test
    void ecdheEcdsaCcm8MbedtlsClientVerifiesTlskitServer() throws Exception {
        Path pki = PKI.files();
        TlsConfig server = TlsConfig.server().versions(TlsVersion.TLS_1_2).cipherSuites(ECDSA_CCM_8)
            .credentials(PKI.serverEcCredentials()).build();
        String message = "hello tlskit, this is mbedTLS over ECDHE-ECDSA-CCM_8";

        Exchange x = tlskitServer(server, List.of("ciphersuite=" + MBED_ECDSA_CCM_8, "ca=" + pki.resolve("ca.pem"),
            "server_name=localhost", "auth_mode=required", "message=" + message));

        assertThat(x.info.version()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(x.info.cipherSuite()).isEqualTo(ECDSA_CCM_8);
        assertThat(x.info.serverName()).as("SNI sent by mbedtls_ssl_set_hostname").contains("localhost");
        assertThat(x.received).isEqualTo(message);
        assertThat(x.peerExit).as(x.peerOutput).isZero();
        assertThat(x.peerOutput)
            .contains("HANDSHAKE OK version=TLSv1.2 ciphersuite=" + MBED_ECDSA_CCM_8 + "\n")
            .contains("VERIFY flags=0x00000000\n")
            .contains("PEER_CERT subject=CN=localhost")
            .contains("ECHO tlskit echo: " + message + "\n")
            .contains("PEER_CLOSE_NOTIFY\n")
            .doesNotContain("ERROR");
    }

    @Test
    void ecdheEcdsaCcm8MutualAuthMbedtlsClientCertificate() throws Exception {
        Path pki = PKI.files();
        TlsConfig server = TlsConfig.server().versions(TlsVersion.TLS_1_2).cipherSuites(ECDSA_CCM_8)
            .credentials(PKI.serverEcCredentials()).trustAnchors(PKI.trust()).clientAuth(ClientAuth.REQUIRED).build();

        Exchange x = tlskitServer(server, List.of("ciphersuite=" + MBED_ECDSA_CCM_8, "ca=" + pki.resolve("ca.pem"),
            "server_name=localhost", "auth_mode=required", "crt=" + pki.resolve("client.pem"), "key=" + pki.resolve("client.key"),
            "message=device says hi"));

        assertThat(x.info.cipherSuite()).isEqualTo(ECDSA_CCM_8);
        assertThat(x.info.peerCertificate()).contains(PKI.client.certificate());
        assertThat(x.info.verifyResult().orElseThrow().isValid()).isTrue();
        assertThat(x.received).isEqualTo("device says hi");
        assertThat(x.peerExit).as(x.peerOutput).isZero();
        assertThat(x.peerOutput).contains("VERIFY flags=0x00000000\n").contains("ECHO tlskit echo: device says hi\n");
    }

    @Test
    void mbedtlsClientRejectsTlskitServerForWrongHostname() throws Exception {
        Path pki = PKI.files();
        TlsConfig server = TlsConfig.server().versions(TlsVersion.TLS_1_2).cipherSuites(ECDSA_CCM_8)
            .credentials(PKI.serverEcCredentials()).build();

        Exchange x = tlskitServer(server, List.of("ciphersuite=" + MBED_ECDSA_CCM_8, "ca=" + pki.resolve("ca.pem"),
            "server_name=not-this-host.example", "auth_mode=required"));

        assertThat(x.failure).as("tlskit server must see the handshake fail").isNotNull();
        assertThat(x.peerExit).as(x.peerOutput).isEqualTo(1);
        // MBEDTLS_ERR_X509_CERT_VERIFY_FAILED with MBEDTLS_X509_BADCERT_CN_MISMATCH only
        assertThat(x.peerOutput).contains("ERROR -0x2700").contains("VERIFY flags=0x00000004\n").doesNotContain("HANDSHAKE OK");
    }

    // ---------------------------------------------------------------- ECDHE-ECDSA, tlskit client -> mbedTLS

    @Test
    void ecdheEcdsaCcm8TlskitClientVerifiesMbedtlsServer() throws Exception {
        Path pki = PKI.files();
        TlsConfig client = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(ECDSA_CCM_8)
            .trustAnchors(PKI.trust()).verifyMode(VerifyMode.REQUIRED).build();
        String message = "hello mbedTLS, this is tlskit over ECDHE-ECDSA-CCM_8";

        Exchange x = mbedtlsServer(client, "localhost", message, List.of("ciphersuite=" + MBED_ECDSA_CCM_8,
            "crt=" + pki.resolve("server-ec.pem"), "key=" + pki.resolve("server-ec.key")));

        assertThat(x.info.version()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(x.info.cipherSuite()).isEqualTo(ECDSA_CCM_8);
        assertThat(x.info.verifyResult().orElseThrow().isValid()).isTrue();
        assertThat(x.info.peerCertificate()).contains(PKI.serverEc.certificate());
        assertThat(x.received).isEqualTo("mbedtls echo: " + message);
        assertThat(x.peerExit).as(x.peerOutput).isZero();
        assertThat(x.peerOutput)
            .contains("HANDSHAKE OK version=TLSv1.2 ciphersuite=" + MBED_ECDSA_CCM_8 + "\n")
            .contains("RECEIVED " + message + "\n")
            .contains("PEER_CLOSE_NOTIFY\n")
            .doesNotContain("ERROR");
        assertServerHelloTimeIsMbedtlsClock(x);
    }

    @Test
    void ecdheEcdsaCcm8MutualAuthTlskitClientCertificate() throws Exception {
        Path pki = PKI.files();
        TlsConfig client = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(ECDSA_CCM_8)
            .trustAnchors(PKI.trust()).credentials(PKI.client.credentials()).build();

        Exchange x = mbedtlsServer(client, "localhost", "client cert check", List.of("ciphersuite=" + MBED_ECDSA_CCM_8,
            "crt=" + pki.resolve("server-ec.pem"), "key=" + pki.resolve("server-ec.key"), "ca=" + pki.resolve("ca.pem"),
            "auth_mode=required"));

        assertThat(x.info.cipherSuite()).isEqualTo(ECDSA_CCM_8);
        assertThat(x.received).isEqualTo("mbedtls echo: client cert check");
        assertThat(x.peerExit).as(x.peerOutput).isZero();
        assertThat(x.peerOutput).contains("VERIFY flags=0x00000000\n").contains("PEER_CERT subject=CN=device-1");
    }

    @Test
    void tlskitClientRejectsMbedtlsServerFromUntrustedCa() throws Exception {
        Path pki = PKI.files();
        TlsConfig client = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(ECDSA_CCM_8)
            .trustAnchors(PKI.trust()).build();

        Exchange x = mbedtlsServer(client, "localhost", "never sent", List.of("ciphersuite=" + MBED_ECDSA_CCM_8,
            "crt=" + pki.resolve("other-server.pem"), "key=" + pki.resolve("other-server.key")));

        assertThat(x.failure).as(x.peerOutput).isNotNull();
        assertThat(x.failure.error()).as(x.failure.toString()).isEqualTo(TlsError.CERT_UNKNOWN_CA);
        assertThat(x.peerExit).isEqualTo(1);
        // MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: tlskit told mbedTLS why
        assertThat(x.peerOutput).contains("ERROR -0x7780").doesNotContain("HANDSHAKE OK");
    }

    // ---------------------------------------------------------------- max_fragment_length 512

    @Test
    void maxFragmentLength512FromMbedtlsClient() throws Exception {
        TlsConfig server = TlsConfig.server().versions(TlsVersion.TLS_1_2).cipherSuites(PSK_CCM_8)
            .pskStore(PskStore.of(PSK)).build();
        int size = 3000; // several 512-byte fragments each way

        Exchange x = tlskitServer(server, List.of("psk_identity=" + PSK_IDENTITY, "psk=" + PSK_HEX,
            "ciphersuite=" + MBED_PSK_CCM_8, "max_frag_len=512", "message_size=" + size));

        assertThat(x.info.maxFragmentLength()).contains(512);
        assertThat(x.received).hasSize(size).isEqualTo(generated(size));
        assertThat(x.peerExit).as(x.peerOutput).isZero();
        assertThat(x.peerOutput).contains("MAX_FRAG_LEN in=512 out=512\n")
            .contains("ECHO_BYTES " + ("tlskit echo: ".length() + size) + "\n");
        // what tlskit put on the wire: no application_data record larger than 512 bytes + CCM_8 overhead
        long maxIn = number(x.peerOutput, "RECORDS ", "max_app_in");
        assertThat(maxIn).as(x.peerOutput).isPositive().isLessThanOrEqualTo(512 + CCM_8_OVERHEAD);
        assertThat(number(x.peerOutput, "RECORDS ", "in")).as("the 3 KB echo came in several records").isGreaterThan(6);
    }

    @Test
    void maxFragmentLength512FromTlskitClient() throws Exception {
        TlsConfig client = TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites(PSK_CCM_8).psk(PSK)
            .maxFragmentLength(MaxFragmentLength.BYTES_512).build();
        String message = generated(3000);

        Exchange x = mbedtlsServer(client, null, message, List.of("psk_identity=" + PSK_IDENTITY, "psk=" + PSK_HEX,
            "ciphersuite=" + MBED_PSK_CCM_8));

        assertThat(x.info.maxFragmentLength()).contains(512);
        assertThat(x.received).isEqualTo("mbedtls echo: " + message);
        assertThat(x.peerExit).as(x.peerOutput).isZero();
        assertThat(x.peerOutput).contains("MAX_FRAG_LEN in=512 out=512\n").contains("RECEIVED_BYTES 3000\n");
        long maxIn = number(x.peerOutput, "RECORDS ", "max_app_in");
        assertThat(maxIn).as(x.peerOutput).isPositive().isLessThanOrEqualTo(512 + CCM_8_OVERHEAD);
    }

    // ---------------------------------------------------------------- plumbing

    /** What one connection produced on both sides. */
    static final class Exchange {
        HandshakeInfo info;
        String received;
        TlsException failure;
        int peerExit;
        String peerOutput;
    }

    /** The line the C client generates for message_size=N. */
    static String generated(int size) {
        StringBuilder s = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            s.append((char) ('a' + i % 26));
        }
        return s.toString();
    }

    /**
     * Runs mbedtls_peer_client against a tlskit server on 127.0.0.1: the server handshakes, reads
     * one line, echoes it prefixed with "tlskit echo: ", waits for close_notify and answers it.
     */
    static Exchange tlskitServer(TlsConfig config, List<String> clientArgs) throws Exception {
        Path clientBinary = MbedtlsPeer.client();
        Exchange x = new Exchange();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setSoTimeout((int) DEADLINE.toMillis());
            List<String> command = new ArrayList<>();
            command.add(clientBinary.toString());
            command.add("port=" + listener.getLocalPort());
            command.add("timeout_ms=" + DEADLINE.toMillis());
            command.add("max_seconds=" + (DEADLINE.toSeconds() * 2));
            command.addAll(clientArgs);
            try (PeerProcess client = PeerProcess.start(command)) {
                try (Socket socket = listener.accept();
                     TlsConnection connection = TlsConnection.server(config, new SocketTransport(socket))) {
                    connection.readTimeout(DEADLINE);
                    try {
                        x.info = connection.handshake();
                    } catch (TlsException e) {
                        x.failure = e;
                    }
                    if (x.failure == null) {
                        x.received = readLine(connection, client);
                        connection.write(("tlskit echo: " + x.received + "\n").getBytes(StandardCharsets.UTF_8));
                        byte[] rest = new byte[64];
                        assertThat(connection.read(rest, 0, rest.length)).as("close_notify from mbedTLS, not data\n" + client.output())
                            .isEqualTo(-1);
                        connection.closeNotify();
                    }
                } catch (IOException | RuntimeException | AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nmbedTLS client output:\n" + client.output(), e);
                }
                x.peerExit = client.waitFor(DEADLINE);
                x.peerOutput = client.output();
            }
        }
        return x;
    }

    /**
     * Starts mbedtls_peer_server on a free 127.0.0.1 port and runs one tlskit client connection:
     * handshake, write the message line, read the echo, close_notify, read the server's close_notify.
     */
    static Exchange mbedtlsServer(TlsConfig config, String serverName, String message, List<String> serverArgs) throws Exception {
        Path serverBinary = MbedtlsPeer.server();
        int port = Peers.freePort();
        List<String> command = new ArrayList<>();
        command.add(serverBinary.toString());
        command.add("port=" + port);
        command.add("timeout_ms=" + DEADLINE.toMillis());
        command.add("max_seconds=" + (DEADLINE.toSeconds() * 2));
        command.addAll(serverArgs);
        Exchange x = new Exchange();
        try (PeerProcess server = PeerProcess.start(command)) {
            // not awaitPort: a probe connection would be the one connection the server serves
            server.awaitOutput("LISTENING port=" + port, STARTUP);
            try (TlsConnection connection = TlsConnection.client(config,
                SocketTransport.connect("127.0.0.1", port, DEADLINE), serverName)) {
                connection.readTimeout(DEADLINE);
                try {
                    x.info = connection.handshake();
                } catch (TlsException e) {
                    x.failure = e;
                }
                if (x.failure == null) {
                    connection.write((message + "\n").getBytes(StandardCharsets.UTF_8));
                    x.received = readLine(connection, server);
                    connection.closeNotify();
                    byte[] rest = new byte[64];
                    assertThat(connection.read(rest, 0, rest.length)).as("close_notify from mbedTLS, not data\n" + server.output())
                        .isEqualTo(-1);
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nmbedTLS server output:\n" + server.output(), e);
            }
            x.peerExit = server.waitFor(DEADLINE);
            x.peerOutput = server.output();
        }
        return x;
    }

    /** Reads up to '\n' (dropped); fails on end of stream. */
    static String readLine(TlsConnection connection, PeerProcess peer) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[1];
        while (true) {
            int n = connection.read(buffer, 0, 1);
            if (n < 0) {
                throw new AssertionError("end of stream before a full line; got '" + line.toString(StandardCharsets.UTF_8)
                    + "'\npeer output:\n" + peer.output());
            }
            if (buffer[0] == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(buffer[0]);
        }
    }

    /**
     * mbedTLS (MBEDTLS_HAVE_TIME, as Debian builds it) writes its clock into the first four bytes of
     * the ServerHello random; tlskit reports it as HandshakeInfo.serverHelloTime(). It must be the
     * very value the server used (its RANDOM line) and within a minute of our clock.
     */
    static void assertServerHelloTimeIsMbedtlsClock(Exchange x) {
        Instant serverHelloTime = x.info.serverHelloTime().orElseThrow(() -> new AssertionError("no serverHelloTime"));
        assertThat(serverHelloTime).isCloseTo(Instant.now(), within(60, ChronoUnit.SECONDS));
        assertThat(serverHelloTime.getEpochSecond()).as(x.peerOutput).isEqualTo(number(x.peerOutput, "RANDOM ", "server_time"));
        assertThat(line(x.peerOutput, "RANDOM ")).isPresent();
    }
}
