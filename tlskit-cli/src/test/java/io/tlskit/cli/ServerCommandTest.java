package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.TimeSource;
import io.tlskit.pki.CertificateIssuer;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.Credentials;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.PemReader;
import io.tlskit.pki.PemWriter;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tlskit server} against real clients: curl and openssl s_client. */
class ServerCommandTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static PeerProcess.Result curl(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = Peers.require("curl").toString();
        all[1] = "-sS";
        System.arraycopy(args, 0, all, 2, args.length);
        return PeerProcess.run(T, all);
    }

    @Test
    void firstRunMakesALocalCaAndCurlTrustsIt() throws Exception {
        Peers.require("curl");
        Path home = tmp.resolve("home");
        int port = Peers.freePort();
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(port))) {
            Path ca = home.resolve("ca.pem");
            assertThat(s.out()).contains("tlskit server listening on https://localhost:" + port + "/")
                    .contains("trust this CA: " + ca)
                    .contains("curl --cacert " + ca + " https://localhost:" + port + "/");
            for (String f : new String[] {"ca.pem", "ca.key", "server.pem", "server.key"}) {
                assertThat(home.resolve(f)).exists();
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("ca.key")))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("server.key")))).isEqualTo("rw-------");
            assertThat(PemReader.certificates(ca).get(0).getSubjectX500Principal().getName()).isEqualTo("CN=tlskit local CA");

            PeerProcess.Result page = curl("--cacert", ca.toString(), "https://localhost:" + port + "/").orThrow();
            assertThat(page.output).contains("Successful connection using TLS_").contains("TLSv1.3").contains("http/1.1");

            PeerProcess.Result json = curl("--cacert", ca.toString(), "--tlsv1.2", "--tls-max", "1.2",
                    "https://127.0.0.1:" + port + "/status.json").orThrow();
            assertThat(json.output).contains("\"protocol\": \"TLSv1.2\"").contains("\"cipherSuite\": \"TLS_ECDHE_ECDSA_WITH_")
                    .contains("\"serverName\": null"); // no SNI for an IP address

            // two URLs in one curl call: one TCP connection, second request on the same TLS connection
            PeerProcess.Result two = curl("--cacert", ca.toString(), "-w", "\nconnects=%{num_connects}\n",
                    "https://localhost:" + port + "/status.json", "https://localhost:" + port + "/status.json").orThrow();
            assertThat(two.output).contains("connects=1").contains("connects=0").contains("\"requestOnConnection\": 2");

            // HEAD: headers with the length, no body
            PeerProcess.Result head = curl("--cacert", ca.toString(), "-I", "https://localhost:" + port + "/status.json").orThrow();
            assertThat(head.output).startsWith("HTTP/1.1 200").contains("Content-Length: ").doesNotContain("cipherSuite");

            PeerProcess.Result missing = curl("--cacert", ca.toString(), "-o", "/dev/null", "-w", "%{http_code}",
                    "https://localhost:" + port + "/no-such-page").orThrow();
            assertThat(missing.output).isEqualTo("404");
            assertThat(s.stop()).isZero();
        }
    }

    @Test
    void secondRunReusesTheCaAndRenewsAnExpiringServerCertificate() throws Exception {
        Path home = tmp.resolve("home");
        String[] args = {"--home", home.toString(), "--port", String.valueOf(Peers.freePort())};
        try (CliRun.Server s = new CliRun.Server(args)) {
            assertThat(s.out()).contains("created the local CA");
        }
        String caFingerprint = CertCommand.Show.fingerprint(PemReader.certificates(home.resolve("ca.pem")).get(0));
        byte[] serverPem = Files.readAllBytes(home.resolve("server.pem"));

        try (CliRun.Server s = new CliRun.Server(args)) {
            assertThat(s.out()).doesNotContain("created").doesNotContain("reissued");
        }
        assertThat(CertCommand.Show.fingerprint(PemReader.certificates(home.resolve("ca.pem")).get(0))).isEqualTo(caFingerprint);
        assertThat(Files.readAllBytes(home.resolve("server.pem"))).isEqualTo(serverPem);

        // a server certificate that expires in 3 days is replaced, by one from the same CA
        Credentials ca = Credentials.load(home.resolve("ca.pem"), home.resolve("ca.key"), null);
        Instant now = Instant.now();
        IssuedCertificate expiring = new CertificateIssuer(TimeSource.system(), new SecureRandom()).issue(ca,
                CertificateSpec.builder().subject("localhost").sans("DNS:localhost", "IP:127.0.0.1", "IP:::1")
                        .notBefore(now.minus(30, ChronoUnit.DAYS)).notAfter(now.plus(3, ChronoUnit.DAYS)).build());
        PemWriter.writeCertificate(home.resolve("server.pem"), expiring.certificate());
        PemWriter.writePrivateKey(home.resolve("server.key"), expiring.privateKey(), null);
        try (CliRun.Server s = new CliRun.Server(args)) {
            assertThat(s.out()).contains("reissued " + home.resolve("server.pem") + " because it expires on");
        }
        assertThat(PemReader.certificates(home.resolve("server.pem")).get(0).getNotAfter().toInstant())
                .isAfter(now.plus(300, ChronoUnit.DAYS));
        assertThat(CertCommand.Show.fingerprint(PemReader.certificates(home.resolve("ca.pem")).get(0))).isEqualTo(caFingerprint);
    }

    @Test
    void aFailedHandshakeIsOneLogLineAndTheServerKeepsServing() throws Exception {
        Path openssl = Peers.require("openssl");
        Peers.require("curl");
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()))) {
            int port = s.port();
            // openssl aborts the handshake: it does not trust our CA
            Path otherCa = TestPki.INSTANCE.files().resolve("other-ca.pem");
            PeerProcess.Result aborted = PeerProcess.run(T, openssl.toString(), "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-CAfile", otherCa.toString(), "-verify_return_error");
            assertThat(aborted.exitCode).isNotZero();
            s.awaitErr("tls failed [PEER_ALERT]", T);
            // plain text to the TLS port
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.setSoTimeout(10_000);
                assertThat(plain.getInputStream().read(new byte[100])).isLessThanOrEqualTo(7); // an alert at most, then closed
            }
            s.awaitErr("plain text to a TLS port", T);
            // one line per failed handshake, naming the client; nothing else
            // (a test JVM started under nohup also gets the one startup note that SIGHUP is ignored)
            String[] lines = java.util.Arrays.stream(s.err().strip().split("\n"))
                .filter(l -> !l.startsWith("tlskit server: SIGHUP is ignored")).toArray(String[]::new);
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("INFO netty - tls failed [PEER_ALERT] ").contains(" remote=/127.0.0.1:");
            assertThat(lines[1]).startsWith("INFO netty - tls failed [").contains("plain text to a TLS port").contains(" remote=/127.0.0.1:");

            PeerProcess.Result page = curl("--cacert", home.resolve("ca.pem").toString(), "https://localhost:" + port + "/").orThrow();
            assertThat(page.output).contains("Successful connection using TLS_");
            assertThat(s.server.handshakeFailures()).isEqualTo(2);
        }
    }

    @Test
    void wwwServesFilesButNeverOutsideTheDirectory() throws Exception {
        Peers.require("curl");
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), "hello from www\n");
        Files.createDirectories(www.resolve("sub"));
        Files.writeString(www.resolve("sub/index.html"), "<p>sub index</p>\n");
        Files.writeString(tmp.resolve("secret.txt"), "TOP SECRET\n");
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()),
                "--www", www.toString())) {
            String base = "https://localhost:" + s.port();
            String ca = home.resolve("ca.pem").toString();
            PeerProcess.Result file = curl("--cacert", ca, "-D", "-", base + "/hello.txt").orThrow();
            assertThat(file.output).contains("Content-Type: text/plain; charset=utf-8").contains("hello from www");
            assertThat(curl("--cacert", ca, base + "/sub/").orThrow().output).contains("sub index");
            // without index.html the status page stays on /
            assertThat(curl("--cacert", ca, base + "/").orThrow().output).contains("Successful connection using");

            for (String attack : new String[] {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
                "/..%2fsecret.txt", "/%2E%2E%2Fsecret.txt", "//etc/passwd"}) {
                PeerProcess.Result r = curl("--cacert", ca, "--path-as-is", "-w", "\n%{http_code}", base + attack).orThrow();
                // an encoded slash is refused outright (400), before any path is looked up; the rest are not found
                String expected = attack.toLowerCase(java.util.Locale.ROOT).contains("%2f") ? "400" : "404";
                assertThat(r.output).as(attack).doesNotContain("TOP SECRET").doesNotContain("root:").endsWith(expected);
            }
        }
    }

    @Test
    void echoReturnsTheRequestBodyAndClientCertificatesAreShown() throws Exception {
        Peers.require("curl");
        Path pki = TestPki.INSTANCE.files();
        try (CliRun.Server s = new CliRun.Server("--port", String.valueOf(Peers.freePort()),
                "--cert", pki.resolve("server-ec.pem").toString(), "--key", pki.resolve("server-ec.key").toString(),
                "--ca", pki.resolve("ca.pem").toString(), "--client-auth", "required")) {
            assertThat(s.out()).contains("serving the certificate CN=localhost").doesNotContain("trust this CA");
            String base = "https://localhost:" + s.port();
            String[] tls = {"--cacert", pki.resolve("ca.pem").toString(), "--cert", pki.resolve("client.pem").toString(),
                "--key", pki.resolve("client.key").toString()};
            PeerProcess.Result json = curl(concat(tls, base + "/status.json")).orThrow();
            assertThat(json.output).contains("\"clientCertificate\": \"CN=device-1\"");
            PeerProcess.Result echo = curl(concat(tls, "--data-binary", "line one\nline <two>", base + "/echo")).orThrow();
            assertThat(echo.output).isEqualTo("line one\nline <two>");
            PeerProcess.Result chunked = curl(concat(tls, "-H", "Transfer-Encoding: chunked", "--data-binary", "chunky", base + "/echo")).orThrow();
            assertThat(chunked.output).isEqualTo("chunky");
            // without a client certificate the handshake fails and is logged
            PeerProcess.Result anonymous = curl("--cacert", pki.resolve("ca.pem").toString(), base + "/");
            assertThat(anonymous.exitCode).isNotZero();
            s.awaitErr("tls failed [CLIENT_CERT_REQUIRED]", T);
        }
    }

    @Test
    void theStatusPageEscapesWhatTheClientControls() throws Exception {
        Peers.require("curl");
        Path pki = TestPki.INSTANCE.files();
        // a client certificate whose subject is markup; the page shows it as text, the JSON as a string
        IssuedCertificate nasty = TestPki.INSTANCE.issue(CertificateSpec.builder().subject("<script>\"&'")
                .usage(CertificateSpec.Usage.CLIENT).build());
        PemWriter.writeCertificate(tmp.resolve("nasty.pem"), nasty.certificate());
        PemWriter.writePrivateKey(tmp.resolve("nasty.key"), nasty.privateKey(), null);
        try (CliRun.Server s = new CliRun.Server("--port", "0",
                "--cert", pki.resolve("server-ec.pem").toString(), "--key", pki.resolve("server-ec.key").toString(),
                "--ca", pki.resolve("ca.pem").toString(), "--client-auth", "optional")) {
            String base = "https://localhost:" + s.port();
            String[] tls = {"--cacert", pki.resolve("ca.pem").toString(), "--cert", tmp.resolve("nasty.pem").toString(),
                "--key", tmp.resolve("nasty.key").toString()};
            String html = curl(concat(tls, base + "/")).orThrow().output;
            assertThat(html).contains("<th>Client certificate</th><td>CN=").contains("&lt;script").contains("&quot;&amp;&#39;")
                    .doesNotContain("<script");
            String json = curl(concat(tls, base + "/status.json")).orThrow().output;
            assertThat(json).contains("\"clientCertificate\": \"CN=").contains("\\u003cscript").doesNotContain("<script");
        }
    }

    @Test
    void idleConnectionsAreClosedAndExtraConnectionsRefused() throws Exception {
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()),
                "--idle-timeout", "300ms", "--max-connections", "1")) {
            try (Socket first = new Socket("127.0.0.1", s.port())) {
                // the first connection holds the only slot (its handshake has not started)
                Thread.sleep(200);
                try (Socket second = new Socket("127.0.0.1", s.port())) {
                    second.setSoTimeout(5000);
                    assertThat(second.getInputStream().read()).isEqualTo(-1);
                }
                assertThat(s.server.rejected()).isEqualTo(1);
            }
            // an established connection that sends nothing is closed after the idle timeout
            io.tlskit.TlsConfig config = io.tlskit.TlsConfig.client()
                    .trustAnchors(io.tlskit.pki.TrustAnchors.fromFile(home.resolve("ca.pem"))).build();
            long start = System.nanoTime();
            io.tlskit.TlsConnection c = null;
            for (int i = 0; i < 50 && c == null; i++) {
                try {
                    c = io.tlskit.TlsConnection.connect(config, "localhost", s.port());
                } catch (io.tlskit.TlsException slotStillTaken) {
                    Thread.sleep(100);
                    start = System.nanoTime();
                }
            }
            assertThat(c).isNotNull();
            try (io.tlskit.TlsConnection conn = c) {
                conn.readTimeout(Duration.ofSeconds(10));
                InputStream in = conn.getInputStream();
                assertThat(in.read()).isEqualTo(-1); // close_notify from the server
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aConnectionClosesAfterMaxRequestsPerConnection() throws Exception {
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()),
                "--max-requests-per-connection", "2")) {
            String url = "https://localhost:" + s.port() + "/status.json";
            PeerProcess.Result three = curl("--cacert", home.resolve("ca.pem").toString(), "-D", "-", "-o", "/dev/null",
                    "-w", "connects=%{num_connects}\n", url, url, url).orThrow();
            assertThat(three.output).containsSubsequence("Connection: keep-alive", "connects=1", "Connection: close", "connects=0",
                    "Connection: keep-alive", "connects=1");
        }
    }

    @Test
    void servesTheSameOnNativeEpollAndOnNio() throws Exception {
        Path home = tmp.resolve("home");
        for (String io : new String[] {"epoll", "nio"}) {
            try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", "0", "--io", io)) {
                assertThat(s.out()).contains("listening on https://localhost:" + s.port() + "/ (" + io + ")");
                String url = "https://localhost:" + s.port() + "/status.json";
                PeerProcess.Result two = curl("--cacert", home.resolve("ca.pem").toString(), "-o", "/dev/null",
                        "-w", "%{http_code} connects=%{num_connects}\n", url, url).orThrow();
                assertThat(two.output).as(io).containsSubsequence("200 connects=1", "200 connects=0");
            }
        }
        CliRun bad = CliRun.run("server", "--home", home.toString(), "--port", "0", "--io", "kqueue");
        bad.assertOneLineError();
        assertThat(bad.err).contains("--io must be auto, epoll or nio");
    }

    @Test
    void threadsSetsTheEventLoopsAndEveryOneServes() throws Exception {
        Path home = tmp.resolve("home");
        java.util.Set<String> before = ioThreads();
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", "0", "--threads", "3")) {
            String url = "https://localhost:" + s.port() + "/status.json";
            // 12 connections: with epoll the kernel spreads them over the 3 loops' listening sockets
            for (int i = 0; i < 12; i++) {
                curl("--cacert", home.resolve("ca.pem").toString(), "-o", "/dev/null", "-w", "%{http_code}\n", url).orThrow();
            }
            java.util.Set<String> started = ioThreads();
            started.removeAll(before);
            assertThat(started).as("event loop threads of this server").hasSize(3);
        }
        CliRun bad = CliRun.run("server", "--home", home.toString(), "--port", "0", "--threads", "-1");
        bad.assertOneLineError();
        assertThat(bad.err).contains("--threads must be 0 (one per CPU core) or more");
    }

    /** Names of the live event-loop threads in this JVM ("tlskit-io-POOL-N": a new pool per server). */
    private static java.util.Set<String> ioThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("tlskit-io-"))
                .map(Thread::getName).collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }

    @Test
    void listensOnIpv6Loopback() throws Exception {
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--bind", "::1", "--port", "0")) {
            assertThat(s.out()).contains("listening on https://localhost:" + s.port() + "/");
            CliRun get = CliRun.run("get", "--ca", home.resolve("ca.pem").toString(), "https://[::1]:" + s.port() + "/status.json");
            assertThat(get.exitCode).as(get.toString()).isZero();
            assertThat(get.out).contains("\"client\": \"[0:0:0:0:0:0:0:1]:");
        }
    }

    @Test
    void aTakenPortIsOneLineError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun r = CliRun.run("server", "--home", tmp.resolve("home").toString(), "--port", String.valueOf(taken.getLocalPort()));
            r.assertOneLineError();
            assertThat(r.err).contains("cannot listen").contains("--port");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
