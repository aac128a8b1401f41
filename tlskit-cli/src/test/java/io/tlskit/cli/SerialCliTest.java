package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.testing.FakeModem;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tlskit get/post/connect --via serial: through a fake SIM800 on a pseudo-terminal, to tlskit's
 * server and to openssl s_server -WWW, at 9,600 baud and with max_fragment_length 512, and the
 * one-line errors of a chat that never connects and a missing tty.
 */
class SerialCliTest {
    private static final String CHAT = String.join("\n",
        "abort CONNECT FAIL",
        "AT -> OK",
        "AT+CIPMODE=1 -> OK",
        "AT+CIPSTART=\"TCP\",\"$HOST\",$PORT -> CONNECT within 3s",
        "guard 1s");

    @TempDir
    Path tmp;

    private Path chat() throws Exception {
        return Files.writeString(tmp.resolve("sim800.chat"), CHAT);
    }

    @Test
    void getAndPostThroughTheModemFromTlskitServer() throws Exception {
        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()));
             FakeModem modem = FakeModem.start(Files.createDirectories(tmp.resolve("m1")), 0, FakeModem.Dial.CONNECT, -1)) {
            String via = "serial:" + modem.tty() + ",115200,chat=" + chat();
            CliRun post = CliRun.run("post", "--via", via, "--ca", home.resolve("ca.pem").toString(), "--max-fragment", "512",
                "--data", "temperature=21.5", "https://127.0.0.1:" + s.port() + "/echo");
            assertThat(post.exitCode).as(post + "\n--- server\n" + s.err()).isZero();
            assertThat(post.out).isEqualTo("temperature=21.5");
            assertThat(modem.commands()).contains("AT+CIPSTART=\"TCP\",\"127.0.0.1\"," + s.port());
        }
    }

    @Test
    void getFromOpensslWwwAt9600Baud() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("page.html"), "<p>hello over GPRS</p>\n");
        int port = Peers.freePort();
        Path pki = TestPki.INSTANCE.files();
        try (PeerProcess openssl = PeerProcess.startIn(www, List.of(Peers.require("openssl").toString(), "s_server", "-accept",
                 String.valueOf(port), "-cert", pki.resolve("server-ec.pem").toString(), "-key", pki.resolve("server-ec.key").toString(),
                 "-WWW")).awaitPort(port, Duration.ofSeconds(30));
             FakeModem modem = FakeModem.start(Files.createDirectories(tmp.resolve("m2")), 960, FakeModem.Dial.CONNECT, -1)) {
            CliRun get = CliRun.run("get", "--via", "serial:" + modem.tty() + ",9600,chat=" + chat(), "--ca",
                pki.resolve("ca.pem").toString(), "--tls", "1.2", "--max-fragment", "512", "https://localhost:" + port + "/page.html");
            assertThat(get.exitCode).as(get.toString()).isZero();
            assertThat(get.out).isEqualTo("<p>hello over GPRS</p>\n");
            assertThat(modem.bytesToDevice()).isPositive();
        }
    }

    @Test
    void aChatThatNeverConnectsAndAMissingTtyAreOneLineErrors() throws Exception {
        try (FakeModem modem = FakeModem.start(Files.createDirectories(tmp.resolve("m3")), 0, FakeModem.Dial.SILENT, -1)) {
            CliRun r = CliRun.run("get", "--via", "serial:" + modem.tty() + ",chat=" + chat(), "https://device.example/");
            r.assertOneLineError();
            assertThat(r.err).contains("did not answer 'CONNECT' to AT+CIPSTART=\"TCP\",\"device.example\",443 within 3s")
                .contains("[E505 MODEM_CHAT_FAILED]");
        }
        CliRun missing = CliRun.run("connect", "--via", "serial:/dev/ttyTLSKIT-NOPE,9600", "device.example:443");
        missing.assertOneLineError();
        assertThat(missing.err).contains("serial device /dev/ttyTLSKIT-NOPE does not exist").contains("[E504 SERIAL_LINE_UNAVAILABLE]");
        CliRun bad = CliRun.run("get", "--via", "usb:0", "https://device.example/");
        bad.assertOneLineError();
        assertThat(bad.err).contains("is not serial:DEVICE[,BAUD][,chat=FILE]");
    }
}
