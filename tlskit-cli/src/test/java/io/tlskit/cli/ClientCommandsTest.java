package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** connect, get and post against openssl s_server and tlskit server; the command line itself. */
class ClientCommandsTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static PeerProcess sServer(int port, String cert, String key, String... extra) throws Exception {
        Path pki = TestPki.INSTANCE.files();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(Peers.require("openssl").toString(), "s_server",
                "-accept", String.valueOf(port), "-cert", pki.resolve(cert).toString(), "-key", pki.resolve(key).toString()));
        cmd.addAll(java.util.List.of(extra));
        return PeerProcess.start(cmd).awaitPort(port, T);
    }

    @Test
    void connectCopiesBothWaysAndPrintsTheHandshake() throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = sServer(port, "server-ec.pem", "server-ec.key", "-rev")) {
            PipedOutputStream stdin = new PipedOutputStream();
            PipedInputStream in = new PipedInputStream(stdin);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"connect",
                "--ca", TestPki.INSTANCE.files().resolve("ca.pem").toString(), "localhost:" + port},
                    in, new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8)));
            stdin.write("hello tlskit\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            long deadline = System.nanoTime() + T.toNanos();
            while (!out.toString(StandardCharsets.UTF_8).contains("tikslt olleh") && System.nanoTime() < deadline && !exit.isDone()) {
                Thread.sleep(20);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).as("stderr: %s", err).contains("tikslt olleh");
            stdin.close(); // end of input: close_notify
            assertThat(exit.get(15, TimeUnit.SECONDS)).as("stderr: %s", err).isZero();
            String e = err.toString(StandardCharsets.UTF_8);
            assertThat(e).contains("protocol:      TLSv1.3").contains("cipher suite:  TLS_").contains("verification:  OK")
                    .contains("server name:   localhost");
        }
    }

    @Test
    void connectWithTls12AndIpv6Literal() throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = sServer(port, "server-rsa.pem", "server-rsa.key", "-www")) {
            CliRun r = CliRun.run(new java.io.ByteArrayInputStream("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                    "connect", "--tls", "1.2", "--ciphers", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "--ca", TestPki.INSTANCE.files().resolve("ca.pem").toString(), "[::1]:" + port);
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.err).contains("protocol:      TLSv1.2").contains("cipher suite:  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
                    .contains("verification:  OK");
        }
    }

    @Test
    void connectToAServerFromAnotherCaIsOneLineError() throws Exception {
        int port = Peers.freePort();
        try (PeerProcess server = sServer(port, "other-server.pem", "other-server.key", "-www")) {
            CliRun r = CliRun.run("connect", "--ca", TestPki.INSTANCE.files().resolve("ca.pem").toString(), "localhost:" + port);
            r.assertOneLineError();
            assertThat(r.err).contains("not among").contains("--ca");
        }
    }

    @Test
    void preSharedKeysBothWaysWithOpenssl() throws Exception {
        Path openssl = Peers.require("openssl");
        String hex = "000102030405060708090a0b0c0d0e0f";
        int port = Peers.freePort();
        try (PeerProcess server = PeerProcess.start(openssl.toString(), "s_server", "-accept", String.valueOf(port), "-nocert",
                "-psk", hex, "-psk_identity", "device1", "-www").awaitPort(port, T)) {
            CliRun r = CliRun.run(new java.io.ByteArrayInputStream("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                    "connect", "--psk", "device1:" + hex, "--tls", "1.2", "--ciphers", "TLS_PSK_WITH_AES_128_GCM_SHA256", "localhost:" + port);
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.err).contains("cipher suite:  TLS_PSK_WITH_AES_128_GCM_SHA256").contains("PSK identity:  device1")
                    .contains("verification:  none (PSK)").doesNotContain(hex);
            assertThat(r.out).startsWith("HTTP/1.0 200 ok");
        }
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()),
                "--psk", "device1:" + hex, "--psk", "device2:" + hex.replace('0', 'f'))) {
            try (PeerProcess client = PeerProcess.start(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + s.port(),
                    "-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256", "-psk", hex, "-psk_identity", "device1", "-quiet", "-ign_eof")) {
                client.write("GET /status.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                client.awaitOutput("\"pskIdentity\": \"device1\"", T);
                assertThat(client.output()).contains("\"cipherSuite\": \"TLS_PSK_WITH_AES_128_GCM_SHA256\"");
            }
        }
    }

    @Test
    void getAndPostAgainstTlskitServer() throws Exception {
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()))) {
            String ca = home.resolve("ca.pem").toString();
            String base = "https://localhost:" + s.port();
            CliRun get = CliRun.run("get", "--ca", ca, base + "/");
            assertThat(get.exitCode).as(get.toString()).isZero();
            assertThat(get.out).contains("Successful connection using TLS_").contains("<td>TLSv1.3</td>");
            assertThat(get.err).isEmpty();

            CliRun verbose = CliRun.run("get", "-v", "--tls", "1.2", "--ca", ca, base + "/status.json");
            assertThat(verbose.exitCode).as(verbose.toString()).isZero();
            assertThat(verbose.out).contains("\"protocol\": \"TLSv1.2\"");
            assertThat(verbose.err).contains("protocol:      TLSv1.2").contains("< HTTP/1.1 200 OK").contains("< Content-Type: application/json");

            CliRun post = CliRun.run("post", "--ca", ca, "--data", "temperature=21.5", "--content-type", "text/plain", base + "/echo");
            assertThat(post.exitCode).as(post.toString()).isZero();
            assertThat(post.out).isEqualTo("temperature=21.5");

            Path file = tmp.resolve("body.bin");
            byte[] bytes = new byte[100_000];
            new java.util.Random(7).nextBytes(bytes);
            Files.write(file, bytes);
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            int code = Main.run(new String[] {"post", "--ca", ca, "--data", "@" + file, base + "/echo"},
                    new java.io.PrintStream(raw, true), new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
            assertThat(code).isZero();
            assertThat(raw.toByteArray()).isEqualTo(bytes);

            CliRun missing = CliRun.run("get", "--ca", ca, base + "/nothing");
            assertThat(missing.exitCode).isZero();
            assertThat(missing.out).contains("404 Not Found");
            CliRun failing = CliRun.run("get", "--fail", "--ca", ca, base + "/nothing");
            assertThat(failing.exitCode).isEqualTo(22);
            assertThat(failing.out).isEmpty();
            assertThat(failing.err.strip()).isEqualTo("tlskit: error: HTTP 404 Not Found from " + base + "/nothing");

            // the JDK trust store does not know the local CA
            CliRun untrusted = CliRun.run("get", base + "/");
            untrusted.assertOneLineError();
            assertThat(untrusted.err).contains("not among").contains("--ca");
            // verification is against the URL host
            CliRun wrongName = CliRun.run("get", "--ca", ca, "--server-name", "example.com", base + "/");
            wrongName.assertOneLineError();
        }
    }

    @Test
    void getReadsChunkedAndCloseDelimitedBodiesFromOpenssl() throws Exception {
        // s_server -www answers HTTP/1.0 with a body that ends when it closes the connection
        int port = Peers.freePort();
        try (PeerProcess server = sServer(port, "server-ec.pem", "server-ec.key", "-www")) {
            CliRun r = CliRun.run("get", "--ca", TestPki.INSTANCE.files().resolve("ca.pem").toString(), "https://localhost:" + port + "/");
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.out).contains("Ciphers supported in s_server binary").contains("</HTML>");
        }
    }

    @Test
    void wrongKeyPasswordIsOneLineErrorThatNamesThePassword() throws Exception {
        Path pki = TestPki.INSTANCE.files();
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "right\n");
        CliRun issued = CliRun.run("cert", "issue", "--ca-cert", pki.resolve("ca.pem").toString(), "--ca-key",
                pki.resolve("ca.pem").getParent().resolve("server-ec.key").toString(), "--cn", "x", "--out", tmp.resolve("x").toString());
        assertThat(issued.exitCode).isNotZero(); // key of another certificate: KEY_CERT_MISMATCH
        Path ca = tmp.resolve("ca");
        assertThat(CliRun.run("cert", "ca", "--out", ca.toString()).exitCode).isZero();
        assertThat(CliRun.run("cert", "issue", "--ca-cert", ca.resolve("ca.pem").toString(), "--ca-key", ca.resolve("ca.key").toString(),
                "--cn", "localhost", "--key-password-file", pw.toString(), "--out", tmp.resolve("srv").toString()).exitCode).isZero();
        Path wrong = tmp.resolve("wrong");
        Files.writeString(wrong, "WRONG-PASSWORD\n");
        CliRun r = CliRun.run("server", "--port", "0", "--cert", tmp.resolve("srv.pem").toString(), "--key", tmp.resolve("srv.key").toString(),
                "--key-password-file", wrong.toString());
        r.assertOneLineError();
        assertThat(r.err).containsIgnoringCase("password").doesNotContain("WRONG-PASSWORD");
        CliRun none = CliRun.run("server", "--port", "0", "--cert", tmp.resolve("srv.pem").toString(), "--key", tmp.resolve("srv.key").toString());
        none.assertOneLineError();
        assertThat(none.err).contains("--key-password-file");
    }

    @Test
    void commandLineBasics() {
        CliRun version = CliRun.run("--version");
        assertThat(version.exitCode).isZero();
        assertThat(version.out.lines().findFirst().orElseThrow()).matches("tlskit \\d+\\.\\d+\\.\\d+.*");
        assertThat(version.out).containsPattern("\nBouncyCastle 1\\.\\d+, Netty 4\\.\\d+\\.\\d+\\.Final\n").contains("\ncrypto backend: hybrid");
        for (String cmd : new String[] {"server", "connect", "get", "post", "cert", "cert ca", "cert issue", "cert check", "cert show",
            "cert ticket-keys", "probe"}) {
            String[] args = (cmd + " --help").split(" ");
            CliRun help = CliRun.run(args);
            assertThat(help.exitCode).as(cmd).isZero();
            assertThat(help.out).as(cmd).contains("Usage: tlskit " + cmd);
        }
        CliRun unknown = CliRun.run("connect", "--no-such-option", "localhost:1");
        unknown.assertOneLineError();
        assertThat(unknown.exitCode).isEqualTo(2);
        CliRun.run("connect", "--tls", "1.1", "localhost:443").assertOneLineError();
        CliRun.run("connect", "--ciphers", "TLS_NOPE", "localhost:443").assertOneLineError();
        CliRun.run("connect", "::1:443").assertOneLineError();
        CliRun.run("get", "http://localhost/").assertOneLineError();
        CliRun.run("connect", "127.0.0.1:" + Peers.freePort()).assertOneLineError();
        CliRun clientAuthOnClient = CliRun.run("get", "--client-auth", "required", "https://localhost/");
        clientAuthOnClient.assertOneLineError();
    }

    @Test
    void hostPortParsing() {
        assertThat(ConnectCommand.HostPort.parse("[::1]:8443", 443).host).isEqualTo("::1");
        assertThat(ConnectCommand.HostPort.parse("[::1]:8443", 443).port).isEqualTo(8443);
        assertThat(ConnectCommand.HostPort.parse("[fe80::1]", 443).port).isEqualTo(443);
        assertThat(ConnectCommand.HostPort.parse("example.com", 443).toString()).isEqualTo("example.com:443");
        assertThat(ConnectCommand.HostPort.parse("10.0.0.1:1", 443).toString()).isEqualTo("10.0.0.1:1");
        assertThatThrownBy(() -> ConnectCommand.HostPort.parse("host:99999", 443)).hasMessageContaining("not a port");
        assertThatThrownBy(() -> ConnectCommand.HostPort.parse("[::1", 443)).hasMessageContaining("[::1]:8443");
        assertThat(HttpCommands.Target.parse("https://[::1]:8443/a?b=c").host).isEqualTo("::1");
        assertThat(HttpCommands.Target.parse("https://[::1]:8443/a?b=c").pathAndQuery).isEqualTo("/a?b=c");
        assertThat(HttpCommands.Target.parse("https://example.com").authority()).isEqualTo("example.com");
        assertThat(CertCommand.Show.ipText("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(CertCommand.Show.ipText("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
    }
}
