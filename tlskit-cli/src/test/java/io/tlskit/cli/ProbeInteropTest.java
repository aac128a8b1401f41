package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlskit probe} against real servers on 127.0.0.1 (tlskit, OpenSSL, GnuTLS, nginx,
 * Mosquitto), against servers that misbehave, and against something that is not TLS. Each probe's
 * table is also written to target/probe/NAME.txt (docs/probe.md shows them).
 */
class ProbeInteropTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final Path PKI = TestPki.INSTANCE.files();
    private static final String CA = PKI.resolve("ca.pem").toString();
    private static final String CERT = PKI.resolve("server-ec.pem").toString();
    private static final String KEY = PKI.resolve("server-ec.key").toString();

    @TempDir
    Path tmp;

    @Test
    void tlskitServer() throws Exception {
        try (CliRun.Server s = new CliRun.Server("--port", "0", "--cert", CERT, "--key", KEY)) {
            String out = probe("tlskit", s.port());
            assertThat(out).containsPattern("TLS 1.3 +accepted").containsPattern("TLS 1.2 +accepted").containsPattern("TLS 1.1 +no \\(")
                    .contains("TLS 1.2 cipher suites (server's order of preference)")
                    .containsPattern("1  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").contains("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8")
                    .doesNotContain("TLS_ECDHE_RSA_").containsPattern("TLS 1.3 +x25519, secp256r1")
                    .contains("chains to --ca " + CA).contains("key EC P-256").contains("names DNS:localhost")
                    .containsPattern("Resumption by ID +yes").containsPattern("Resumption by ticket +yes")
                    .containsPattern("max_fragment_length +512 accepted, 1024 accepted, 2048 accepted, 4096 accepted")
                    .containsPattern("ALPN +http/1.1").containsPattern("name +matches");

            assertThat(out).contains("can connect: TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, secp256r1");

            CliRun json = CliRun.run("probe", "localhost:" + s.port(), "--ca", CA, "--json");
            assertThat(json.out).startsWith("{").contains("\"tls12CipherSuites\": [\"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\"")
                    .contains("\"chainsToTrust\": true").contains("\"resumptionByTicket\": \"yes\"").contains("\"alpn\": [\"http/1.1\"]");
        }
    }

    @Test
    void aPskDeviceConnectsWithItsKeyAndIsToldWhenTheKeyDiffers() throws Exception {
        String key = "000102030405060708090a0b0c0d0e0f";
        try (CliRun.Server s = new CliRun.Server("--port", "0", "--cert", CERT, "--key", KEY, "--psk", "dev1:" + key)) {
            CliRun ok = CliRun.run("probe", "localhost:" + s.port(), "--ca", CA, "--profile", "mbedtls-device", "--psk", "dev1:" + key);
            assertThat(ok.exitCode).as(ok.toString()).isZero();
            assertThat(ok.out).contains("can connect: TLS 1.2, TLS_PSK_WITH_AES_128_CCM_8");
            CliRun wrong = CliRun.run("probe", "localhost:" + s.port(), "--ca", CA, "--profile", "mbedtls-device", "--psk",
                    "dev1:ffffffffffffffffffffffffffffffff");
            assertThat(wrong.exitCode).as(wrong.toString()).isEqualTo(1);
            assertThat(wrong.out).contains("cannot connect").contains("but with another key");
        }
    }

    @Test
    void openSslServerAndAnMbedTlsDeviceThatCannotConnect() throws Exception {
        Path openssl = Peers.require("openssl");
        int port = Peers.freePort();
        try (PeerProcess server = PeerProcess.start(openssl.toString(), "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", CERT, "-key", KEY, "-www", "-quiet").awaitPort(port, T)) {
            String out = probe("openssl", port);
            assertThat(out).containsPattern("TLS 1.3 +accepted").containsPattern("TLS 1.2 +accepted")
                    .contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384").contains("(the server follows the client's order)")
                    .containsPattern("TLS 1.2 +x25519, secp256r1").containsPattern("Resumption by ticket +yes")
                    .contains("chains to --ca");

            assertThat(out).contains("cannot connect")
                    .contains("why                    no TLS 1.2 cipher suite in common: the client offers [TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8]")
                    .contains("fix                    client: add TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
                    .contains("fix                    server: enable TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8");
        }
    }

    @Test
    void aServerWithNoGroupInCommonIsExplainedNotCrashedOn() throws Exception {
        Path openssl = Peers.require("openssl");
        int port = Peers.freePort();
        try (PeerProcess server = PeerProcess.start(openssl.toString(), "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", CERT, "-key", KEY, "-www", "-quiet", "-groups", "secp384r1").awaitPort(port, T)) {
            CliRun device = CliRun.run("probe", "localhost:" + port, "--ca", CA, "--profile", "mbedtls-device",
                    "--ciphers", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            assertThat(device.exitCode).as(device.toString()).isEqualTo(1);
            assertThat(device.out).containsPattern("TLS 1.3 +secp384r1\n")
                    .contains("no key-exchange group in common for TLS 1.2: the client offers [secp256r1], the server accepts [secp384r1]")
                    .contains("fix                    server: enable secp256r1");
        }
    }

    @Test
    void gnuTlsServer() throws Exception {
        Path gnutls = Peers.require("gnutls-serv");
        int port = Peers.freePort();
        // gnutls-serv 3.7 cannot bind 127.0.0.1 only (see GnuTlsServerInteropTest); the probe connects to 127.0.0.1
        try (PeerProcess server = PeerProcess.start(gnutls.toString(), "--port", String.valueOf(port), "--x509certfile", CERT,
                "--x509keyfile", KEY, "--disable-client-cert", "--http").awaitPort(port, T)) {
            String out = probe("gnutls", port);
            assertThat(out).containsPattern("TLS 1.3 +accepted").containsPattern("TLS 1.2 +accepted")
                    .contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384").containsPattern("Resumption by ID +yes")
                    .containsPattern("max_fragment_length +512 accepted");
        }
    }

    @Test
    void nginxServer() throws Exception {
        Path nginx = FleetTest.findSbin("nginx");
        int port = Peers.freePort();
        Path conf = tmp.resolve("nginx.conf");
        Files.createDirectories(tmp.resolve("logs"));
        Files.writeString(conf, String.join("\n",
                "daemon off;", "master_process off;", "pid " + tmp.resolve("nginx.pid") + ";", "error_log stderr warn;",
                "events { worker_connections 64; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + tmp + "/body; proxy_temp_path " + tmp + "/proxy; fastcgi_temp_path " + tmp + "/fcgi;",
                "  uwsgi_temp_path " + tmp + "/uwsgi; scgi_temp_path " + tmp + "/scgi;",
                "  server {",
                "    listen 127.0.0.1:" + port + " ssl;",
                "    ssl_certificate " + CERT + ";", "    ssl_certificate_key " + KEY + ";",
                "    ssl_protocols TLSv1.2 TLSv1.3;", "    ssl_session_cache shared:probe:1m;", "    ssl_prefer_server_ciphers on;",
                "    location / { return 200 'nginx\\n'; }",
                "  }",
                "}", ""));
        try (PeerProcess server = PeerProcess.start(nginx.toString(), "-e", "stderr", "-p", tmp.toString(), "-c", conf.toString())
                .awaitPort(port, T)) {
            String out = probe("nginx", port);
            assertThat(out).containsPattern("TLS 1.3 +accepted").containsPattern("TLS 1.2 +accepted")
                    .contains("TLS 1.2 cipher suites (server's order of preference)").containsPattern("Resumption by ID +yes")
                    .containsPattern("Resumption by ticket +yes").contains("chains to --ca");
        }
    }

    @Test
    void mosquittoBroker() throws Exception {
        Path mosquitto = FleetTest.findSbin("mosquitto");
        int port = Peers.freePort();
        Path conf = tmp.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n", "root".equals(System.getProperty("user.name")) ? "user root" : "",
                "per_listener_settings false", "allow_anonymous true", "persistence false",
                "listener " + port + " 127.0.0.1", "certfile " + CERT, "keyfile " + KEY, ""));
        try (PeerProcess server = PeerProcess.start(mosquitto.toString(), "-c", conf.toString()).awaitPort(port, T)) {
            String out = probe("mosquitto", port);
            assertThat(out).containsPattern("TLS 1.2 +accepted").contains("chains to --ca").containsPattern("Client certificate +not requested");
            assertThat(out).contains("Client check: an mbedTLS 2.28 device");
        }
    }

    @Test
    void aServerThatClosesOnEveryClientHelloIsReportedNotCrashedOn() throws Exception {
        try (ServerSocket closer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = serve(closer, socket -> {
                socket.getInputStream().read(new byte[512]);
                socket.close();
            });
            CliRun r = CliRun.run("probe", "127.0.0.1:" + closer.getLocalPort(), "--timeout", "10s");
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.out).contains("no (the server closed the connection without an alert)")
                    .contains("the server accepted neither TLS 1.2 nor TLS 1.3");
            t.interrupt();
        }
    }

    @Test
    void aTargetThatIsNotTlsIsOneLineNamingWhatItSaid() throws Exception {
        try (ServerSocket ssh = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            serve(ssh, socket -> {
                OutputStream out = socket.getOutputStream();
                out.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.getInputStream().read(new byte[512]);
                socket.close();
            });
            CliRun r = CliRun.run("probe", "127.0.0.1:" + ssh.getLocalPort()).assertOneLineError();
            assertThat(r.err).contains("127.0.0.1:" + ssh.getLocalPort() + " does not speak TLS: it answered a TLS ClientHello with "
                    + "'SSH-2.0-OpenSSH_9.2p1 Debian-2': check the port");
        }
        CliRun refused = CliRun.run("probe", "127.0.0.1:" + Peers.freePort()).assertOneLineError();
        assertThat(refused.err).contains("cannot connect to 127.0.0.1:").contains("is the server running");
        CliRun.run("probe", "localhost").assertOneLineError();
    }

    /** Probes with the mbedTLS-device client check; exit 0 when such a device connects, 1 when not. */
    private String probe(String name, int port) throws Exception {
        CliRun r = CliRun.run("probe", "localhost:" + port, "--ca", CA, "--profile", "mbedtls-device");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(r.out.contains("result                 can connect") ? 0 : 1);
        assertThat(r.err).as(r.toString()).isEmpty();
        Path dir = Files.createDirectories(Path.of("target", "probe"));
        Files.writeString(dir.resolve(name + ".txt"), r.out.replace(String.valueOf(port), "PORT").replace(CA, "ca.pem"));
        return r.out;
    }

    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private static Thread serve(ServerSocket server, Handler handler) {
        Thread t = new Thread(() -> {
            List<Thread> open = new ArrayList<>();
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread c = new Thread(() -> {
                        try (Socket socket = s) {
                            handler.handle(socket);
                        } catch (Exception ignored) {
                            // the probe hung up
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                    open.add(c);
                } catch (Exception e) {
                    return;
                }
            }
        }, "probe-test-server");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
