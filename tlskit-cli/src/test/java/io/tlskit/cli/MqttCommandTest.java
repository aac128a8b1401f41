package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.pki.CertificateIssuer;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code tlskit mqtt pub|sub} in-process against a real Mosquitto (TLS, mutual TLS, TLS-PSK and
 * password listeners), with mosquitto_pub/mosquitto_sub on the other side, and the one-line
 * errors for wrong CA, wrong PSK, expired client certificate, refused credentials, an unreachable
 * broker and a silent one.
 */
class MqttCommandTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final String PSK_HEX = "00112233445566778899aabbccddeeff";

    @TempDir
    static Path dir;
    static Broker broker;
    static Path pki;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.INSTANCE.files();
        broker = new Broker(dir);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String ca() {
        return pki.resolve("ca.pem").toString();
    }

    private static String topic() {
        return "cli/" + UUID.randomUUID().toString().substring(0, 8);
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"3.1.1", "5"})
    void pubFromStdinReachesMosquittoSub(String version) throws Exception {
        String topic = topic();
        List<String> sub = new ArrayList<>(List.of("-d", "-V", version.equals("5") ? "mqttv5" : "mqttv311", "-q", "1", "-t", topic,
                "-C", "3", "-h", "localhost", "-p", String.valueOf(broker.tlsPort), "--cafile", ca()));
        try (PeerProcess mosquittoSub = PeerProcess.start(Broker.command("mosquitto_sub", sub))) {
            mosquittoSub.awaitOutput("SUBACK", T);
            CliRun r = CliRun.run(new ByteArrayInputStream("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8)),
                    "mqtt", "pub", "--broker", "mqtts://localhost:" + broker.tlsPort, "--ca", ca(), "--topic", topic,
                    "--qos", "1", "--mqtt", version, "--timeout", "15s");
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.err).isEmpty();
            assertThat(mosquittoSub.waitFor(T)).isZero();
            assertThat(mosquittoSub.output()).contains("one").contains("two").contains("three");
        }
    }

    @Test
    void subPrintsJsonWithBase64ForBinaryPayloadsOverMutualTls() throws Exception {
        String topic = topic();
        Path binary = dir.resolve("binary.bin");
        Files.write(binary, new byte[] {0, 1, 2, (byte) 0xFF});
        PeerProcess.run(T, Broker.command("mosquitto_pub", List.of("-h", "localhost", "-p", String.valueOf(broker.tlsPort),
                "--cafile", ca(), "-t", topic + "/bin", "-f", binary.toString(), "-r", "-q", "1")).toArray(String[]::new)).orThrow();
        PeerProcess.run(T, Broker.command("mosquitto_pub", List.of("-h", "localhost", "-p", String.valueOf(broker.tlsPort),
                "--cafile", ca(), "-t", topic + "/text", "-m", "héllo \"x\"", "-r", "-q", "1")).toArray(String[]::new)).orThrow();
        CliRun r = CliRun.run("mqtt", "sub", "--broker", "mqtts://localhost:" + broker.mtlsPort, "--ca", ca(),
                "--cert", pki.resolve("client.pem").toString(), "--key", pki.resolve("client.key").toString(),
                "--topic", topic + "/#", "--qos", "2", "--count", "2", "--json", "--timeout", "15s");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out.lines()).hasSize(2);
        assertThat(r.out).contains("{\"topic\":\"" + topic + "/bin\",\"qos\":1,\"retain\":true,\"payload\":\"AAEC/w==\",\"base64\":true}");
        assertThat(r.out).contains("{\"topic\":\"" + topic + "/text\",\"qos\":1,\"retain\":true,\"payload\":\"héllo \\\"x\\\"\",\"base64\":false}");
    }

    @Test
    void pubAndSubOverPskWithCcm8() throws Exception {
        String topic = topic();
        CompletableFuture<CliRun> sub = CompletableFuture.supplyAsync(() -> CliRun.run("mqtt", "sub",
                "--broker", "mqtts://127.0.0.1:" + broker.pskPort, "--psk", "dev1:" + PSK_HEX,
                "--ciphers", "TLS_PSK_WITH_AES_128_CCM_8", "--topic", topic, "--qos", "2", "--count", "1", "--timeout", "15s"));
        // publish until the subscriber (whose SUBACK we cannot see) has one
        long deadline = System.nanoTime() + T.toNanos();
        while (!sub.isDone() && System.nanoTime() < deadline) {
            CliRun p = CliRun.run("mqtt", "pub", "--broker", "mqtts://127.0.0.1:" + broker.pskPort, "--psk", "dev1:" + PSK_HEX,
                    "--tls", "1.2", "--topic", topic, "--message", "psk works", "--qos", "2", "--mqtt", "3.1.1");
            assertThat(p.exitCode).as(p.toString()).isZero();
            Thread.sleep(100);
        }
        CliRun r = sub.get(T.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).isEqualTo("psk works" + System.lineSeparator());
    }

    @Test
    void wrongCaIsOneLineError() {
        CliRun r = CliRun.run("mqtt", "pub", "--broker", "mqtts://localhost:" + broker.tlsPort,
                "--ca", pki.resolve("other-ca.pem").toString(), "--topic", "x", "--message", "m", "--timeout", "10s");
        r.assertOneLineError();
        assertThat(r.err).contains("--ca");
    }

    @Test
    void wrongPskIsOneLineError() {
        CliRun r = CliRun.run("mqtt", "pub", "--broker", "mqtts://127.0.0.1:" + broker.pskPort,
                "--psk", "dev1:ffeeddccbbaa99887766554433221100", "--topic", "x", "--message", "m", "--timeout", "10s");
        r.assertOneLineError();
        assertThat(r.err.toLowerCase()).contains("psk");
    }

    @Test
    void expiredClientCertificateIsOneLineError() throws Exception {
        Instant now = Instant.now();
        TestPki.writePair(dir, "expired", TestPki.INSTANCE.issuer.issue(TestPki.INSTANCE.ca, CertificateSpec.builder()
                .subject("expired-device").usage(CertificateSpec.Usage.CLIENT).keyType(CertificateIssuer.KeyType.EC_P256)
                .notBefore(now.minus(Duration.ofDays(30))).notAfter(now.minus(Duration.ofDays(1))).build()));
        CliRun r = CliRun.run("mqtt", "pub", "--broker", "mqtts://localhost:" + broker.mtlsPort, "--ca", ca(),
                "--cert", dir.resolve("expired.pem").toString(), "--key", dir.resolve("expired.key").toString(),
                "--topic", "x", "--message", "m", "--timeout", "10s");
        r.assertOneLineError();
        assertThat(r.err.toLowerCase()).contains("expired");
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"3.1.1", "5"})
    void refusedCredentialsAreOneLineError(String version) throws Exception {
        Path pw = dir.resolve("wrong-password");
        Files.writeString(pw, "not-the-password\n");
        CliRun r = CliRun.run("mqtt", "pub", "--broker", "mqtts://localhost:" + broker.passwordPort, "--ca", ca(),
                "--username", Broker.USER, "--password-file", pw.toString(), "--mqtt", version,
                "--topic", "x", "--message", "m", "--timeout", "10s");
        r.assertOneLineError();
        assertThat(r.err).contains("refused the connection").containsPattern("0x8[67]").contains("user name");
        // and the right password works
        Path good = dir.resolve("password");
        Files.writeString(good, Broker.PASSWORD + "\n");
        CliRun ok = CliRun.run("mqtt", "pub", "--broker", "mqtts://localhost:" + broker.passwordPort, "--ca", ca(),
                "--username", Broker.USER, "--password-file", good.toString(), "--mqtt", version,
                "--topic", "x", "--message", "m", "--qos", "1", "--timeout", "10s");
        assertThat(ok.exitCode).as(ok.toString()).isZero();
    }

    @Test
    void unreachableBrokerIsOneLineError() {
        int port = Peers.freePort();
        CliRun r = CliRun.run("mqtt", "pub", "--broker", "mqtts://127.0.0.1:" + port, "--ca", ca(),
                "--topic", "x", "--message", "m", "--timeout", "5s");
        r.assertOneLineError();
        assertThat(r.err).contains("127.0.0.1:" + port).contains("refused");
    }

    @Test
    void silentBrokerTimesOutWithOneLineError() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            CliRun r = CliRun.run("mqtt", "sub", "--broker", "mqtts://127.0.0.1:" + silent.getLocalPort(), "--ca", ca(),
                    "--topic", "x", "--timeout", "1500ms");
            long ms = (System.nanoTime() - start) / 1_000_000;
            r.assertOneLineError();
            assertThat(r.err).contains("timed out");
            assertThat(ms).isLessThan(6_000);
        }
    }

    @Test
    void usageErrors() {
        CliRun r = CliRun.run("mqtt", "pub", "--broker", "localhost:8883", "--topic", "x", "--message", "m");
        r.assertOneLineError();
        assertThat(r.err).contains("mqtts://");
        CliRun q = CliRun.run("mqtt", "pub", "--broker", "mqtts://localhost:1", "--topic", "x", "--message", "m", "--qos", "3");
        q.assertOneLineError();
        assertThat(q.err).contains("--qos 3");
        CliRun s = CliRun.run("mqtt", "pub", "--broker", "mqtts://localhost:1", "--topic", "x", "--message", "m", "--store", dir.toString());
        s.assertOneLineError();
        assertThat(s.err).contains("--client-id");
    }

    @Test
    void jsonEscapesAndDetectsBinary() {
        assertThat(MqttJson.text(new byte[] {'a', 0})).isNull();
        assertThat(MqttJson.text("ok\ttab".getBytes(StandardCharsets.UTF_8))).isEqualTo("ok\ttab");
        assertThat(MqttJson.text(new byte[] {(byte) 0xC3})).isNull();
    }

    /** A Mosquitto with four TLS listeners in a temp dir (the tlskit-mqtt tests have the full helper). */
    static final class Broker implements AutoCloseable {
        static final String USER = "alice";
        static final String PASSWORD = "s3cret";
        final int tlsPort = Peers.freePort();
        final int mtlsPort = Peers.freePort();
        final int pskPort = Peers.freePort();
        final int passwordPort = Peers.freePort();
        final Process process;
        final Path dir;

        Broker(Path dir) throws Exception {
            this.dir = dir;
            Path binary = Peers.find("mosquitto");
            if (binary == null && Files.isExecutable(Path.of("/usr/sbin/mosquitto"))) {
                binary = Path.of("/usr/sbin/mosquitto");
            }
            if (binary == null) {
                binary = Peers.require("mosquitto");
            }
            Peers.require("mosquitto_sub");
            Path pki = TestPki.INSTANCE.files();
            Files.writeString(dir.resolve("psk.txt"), "dev1:" + PSK_HEX + "\n");
            Path passwd = dir.resolve("passwd");
            Files.writeString(passwd, "");
            PeerProcess.run(T, Peers.require("mosquitto_passwd").toString(), "-b", passwd.toString(), USER, PASSWORD).orThrow();
            String files = "cafile " + pki.resolve("ca.pem") + "\ncertfile " + pki.resolve("server-ec.pem") + "\nkeyfile "
                    + pki.resolve("server-ec.key") + "\n";
            String conf = ("root".equals(System.getProperty("user.name")) ? "user root\n" : "")
                    + "per_listener_settings true\npersistence false\nlog_dest file " + dir.resolve("mosquitto.log") + "\n"
                    + "listener " + tlsPort + " 127.0.0.1\nallow_anonymous true\n" + files
                    + "listener " + mtlsPort + " 127.0.0.1\nallow_anonymous true\n" + files
                    + "require_certificate true\nuse_identity_as_username true\n"
                    + "listener " + pskPort + " 127.0.0.1\nallow_anonymous true\npsk_hint tlskit\npsk_file " + dir.resolve("psk.txt")
                    + "\nciphers PSK-AES128-CCM8\ntls_version tlsv1.2\n"
                    + "listener " + passwordPort + " 127.0.0.1\nallow_anonymous false\npassword_file " + passwd + "\n" + files;
            Path confFile = dir.resolve("mosquitto.conf");
            Files.writeString(confFile, conf);
            process = new ProcessBuilder(binary.toString(), "-c", confFile.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
            for (int port : List.of(tlsPort, mtlsPort, pskPort, passwordPort)) {
                awaitPort(port);
            }
        }

        private void awaitPort(int port) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + T.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.out")));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(30);
                }
            }
            throw new IOException("mosquitto does not listen on " + port);
        }

        static List<String> command(String program, List<String> args) {
            List<String> c = new ArrayList<>();
            Path stdbuf = Peers.find("stdbuf");
            if (stdbuf != null) {
                c.addAll(List.of(stdbuf.toString(), "-oL", "-eL"));
            }
            c.add(Peers.require(program).toString());
            c.addAll(args);
            return c;
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
