package io.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.testing.FakeModem;
import io.tlskit.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS over a serial line behind a (fake) SIM800 on a pseudo-terminal, and the ways it goes wrong. */
class SerialTransportTest {
    private static final TestPki PKI = TestPki.INSTANCE;
    private static final String CHAT = String.join("\n",
        "# SIM800 into transparent mode",
        "timeout 5s",
        "abort ERROR",
        "abort CONNECT FAIL",
        "AT -> OK",
        "ATE0 -> OK",
        "AT+CIPMODE=1 -> OK",
        "AT+CIPSTART=\"TCP\",\"$HOST\",$PORT -> CONNECT within 3s",
        "hangup-on CLOSED",
        "guard 1s");

    @TempDir
    Path tmp;

    /** A tlskit TLS server that answers each line with "pong LINE", then sends {@code tail} bytes. */
    private static ServerSocket echoServer(int tailBytes) throws IOException {
        ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = listener.accept();
                 TlsConnection tls = TlsConnection.server(TlsConfig.server().credentials(PKI.serverEcCredentials()).build(),
                     new SocketTransport(s))) {
                BufferedReader in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
                String line = in.readLine();
                tls.write(("pong " + line + "\n").getBytes(StandardCharsets.UTF_8));
                if (tailBytes > 0) {
                    tls.write(new byte[tailBytes]);
                }
                in.readLine();
            } catch (IOException e) {
                // the client went away
            }
        }, "serial-echo-server");
        t.setDaemon(true);
        t.start();
        return listener;
    }

    private static TlsConfig client() {
        return TlsConfig.client().trustAnchors(PKI.trust()).maxFragmentLength(MaxFragmentLength.BYTES_512).build();
    }

    @Test
    void tlsThroughTheModemAndACleanHangUp() throws Exception {
        try (ServerSocket server = echoServer(0); FakeModem modem = FakeModem.start(tmp, 0, FakeModem.Dial.CONNECT, -1)) {
            SerialTransport line = SerialTransport.open(modem.tty(), 115200, ChatScript.parse(CHAT, "sim800.chat"),
                "127.0.0.1", server.getLocalPort());
            try (TlsConnection tls = TlsConnection.client(client(), line, "localhost")) {
                HandshakeInfo info = tls.handshake();
                assertThat(info.maxFragmentLength()).contains(512);
                tls.write("ping\n".getBytes(StandardCharsets.UTF_8));
                tls.readTimeout(Duration.ofSeconds(20));
                assertThat(new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isEqualTo("pong ping");
            }
            assertThat(modem.commands()).containsSubsequence("AT", "ATE0", "AT+CIPMODE=1",
                "AT+CIPSTART=\"TCP\",\"127.0.0.1\"," + server.getLocalPort(), "ATH");
        }
    }

    @Test
    void theModemHangingUpMidResponseIsTruncated() throws Exception {
        try (ServerSocket server = echoServer(20_000); FakeModem modem = FakeModem.start(tmp, 0, FakeModem.Dial.CONNECT, 6_000)) {
            SerialTransport line = SerialTransport.open(modem.tty(), null, ChatScript.parse(CHAT, "sim800.chat"),
                "127.0.0.1", server.getLocalPort());
            try (TlsConnection tls = TlsConnection.client(client(), line, "localhost")) {
                tls.handshake();
                tls.write("ping\n".getBytes(StandardCharsets.UTF_8));
                tls.readTimeout(Duration.ofSeconds(20));
                byte[] buffer = new byte[4096];
                assertThatThrownBy(() -> {
                    while (tls.read(buffer, 0, buffer.length) >= 0) {
                        // read until the line drops
                    }
                }).isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.TRUNCATED))
                    .hasMessageStartingWith("the peer closed the connection without close_notify");
                assertThat(line.carrierLost()).isTrue();
            }
        }
    }

    @Test
    void aChatThatNeverGetsConnectIsOneSentence() throws Exception {
        try (FakeModem modem = FakeModem.start(tmp, 0, FakeModem.Dial.SILENT, -1)) {
            assertThatThrownBy(() -> SerialTransport.open(modem.tty(), null, ChatScript.parse(CHAT, "sim800.chat"), "10.1.2.3", 443))
                .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.MODEM_CHAT_FAILED))
                .hasMessage("the modem on " + modem.tty() + " did not answer 'CONNECT' to AT+CIPSTART=\"TCP\",\"10.1.2.3\",443 within"
                    + " 3s (it said OK / OK / OK): check its power, SIM and signal, and the answers expected in sim800.chat");
        }
        Path dir = Files.createDirectories(tmp.resolve("second"));
        try (FakeModem modem = FakeModem.start(dir, 0, FakeModem.Dial.CONNECT_FAIL, -1)) {
            assertThatThrownBy(() -> SerialTransport.open(modem.tty(), null, ChatScript.parse(CHAT, "sim800.chat"), "10.1.2.3", 443))
                .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.MODEM_CHAT_FAILED))
                .hasMessageContaining("answered 'CONNECT FAIL' to AT+CIPSTART");
        }
    }

    @Test
    void aMissingOrWrongDeviceIsOneSentence() throws Exception {
        Path missing = Path.of("/dev/ttyTLSKIT-NOPE");
        assertThatThrownBy(() -> SerialTransport.open(missing, 9600))
            .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.SERIAL_LINE_UNAVAILABLE))
            .hasMessage("serial device /dev/ttyTLSKIT-NOPE does not exist: check the path (ls /dev/tty*) and that the adapter or"
                + " modem is plugged in");
        Path plainFile = Files.writeString(tmp.resolve("not-a-tty"), "x");
        assertThatThrownBy(() -> SerialTransport.open(plainFile, 9600))
            .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.SERIAL_LINE_UNAVAILABLE))
            .hasMessageStartingWith("cannot configure serial device " + plainFile).hasMessageEndingWith("is it a terminal device, and does it support 9600 baud?");
    }

    @Test
    void chatScriptsSayWhichLineIsWrong() {
        assertThatThrownBy(() -> ChatScript.parse("AT -> OK\nATDT123\n", "modem.chat"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("modem.chat line 2 'ATDT123' needs a value: write e.g. 'timeout 5s' or 'AT -> OK'");
        assertThatThrownBy(() -> ChatScript.parse("AT -> OK within soon\n", "modem.chat"))
            .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> ChatScript.parse("# nothing\n", "modem.chat")).hasMessageContaining("has no 'COMMAND -> ANSWER' step");
        ChatScript s = ChatScript.parse(CHAT, "x").forTarget("h.example", 443);
        assertThat(s.steps().get(3).send()).isEqualTo("AT+CIPSTART=\"TCP\",\"h.example\",443");
        assertThat(s.steps().get(3).within()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.hangupOn()).containsExactly("CLOSED");
    }
}
