package io.tlskit.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.ChatScript;
import io.tlskit.MaxFragmentLength;
import io.tlskit.SerialTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.TlsVersion;
import io.tlskit.http.HttpResponse;
import io.tlskit.http.HttpsServer;
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
 * The forum's device: HTTPS through a SIM800 in transparent mode on a UART, here a fake SIM800 on a
 * pseudo-terminal at 9,600 baud, with max_fragment_length 512, to tlskit's server and to openssl
 * s_server -WWW, and the modem hanging up in the middle of a response.
 */
class HttpsClientOverModemTest {
    private static final TestPki PKI = TestPki.INSTANCE;
    private static final ChatScript SIM800 = ChatScript.parse(String.join("\n",
        "AT -> OK", "ATE0 -> OK", "AT+CIPMODE=1 -> OK", "AT+CIPSTART=\"TCP\",\"$HOST\",$PORT -> CONNECT within 5s"), "sim800.chat");

    @TempDir
    Path tmp;

    private static HttpsClient overModem(FakeModem modem, TlsConfig tls) {
        return HttpsClient.builder(tls).readTimeout(Duration.ofSeconds(60))
            .transport((host, port, timeout) -> SerialTransport.open(modem.tty(), 9600, SIM800, "127.0.0.1", port)).build();
    }

    private static TlsConfig device() {
        return TlsConfig.client().versions(TlsVersion.TLS_1_2).trustAnchors(PKI.trust()).alpn("http/1.1")
            .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").maxFragmentLength(MaxFragmentLength.BYTES_512).build();
    }

    @Test
    void getsAPageFromTlskitsServerAt9600Baud() throws Exception {
        byte[] page = "x".repeat(1500).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        HttpsServer https = HttpsServer.builder().bind("127.0.0.1", 0)
            .tls(TlsConfig.server().credentials(PKI.serverEcCredentials()).build())
            .route("GET", "/page", r -> HttpResponse.bytes(200, "text/plain", page)).build();
        int port = https.start();
        try (FakeModem modem = FakeModem.start(tmp, 960, FakeModem.Dial.CONNECT, -1); HttpsClient http = overModem(modem, device())) {
            ClientResponse r = http.get("https://localhost:" + port + "/page");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(page);
            assertThat(modem.bytesToDevice()).isGreaterThan(page.length);
        } finally {
            https.shutdownGracefully(Duration.ofMillis(200));
        }
    }

    @Test
    void getsAFileFromOpensslWwwAndAHangUpMidResponseIsTruncated() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("small.txt"), "hello from s_server\n");
        int port = Peers.freePort();
        try (PeerProcess openssl = PeerProcess.startIn(www, List.of(Peers.require("openssl").toString(), "s_server", "-accept",
                 String.valueOf(port), "-cert", PKI.files().resolve("server-ec.pem").toString(), "-key",
                 PKI.files().resolve("server-ec.key").toString(), "-WWW")).awaitPort(port, Duration.ofSeconds(30));
             FakeModem modem = FakeModem.start(Files.createDirectories(tmp.resolve("m1")), 0, FakeModem.Dial.CONNECT, -1);
             HttpsClient http = overModem(modem, device())) {
            assertThat(http.get("https://localhost:" + port + "/small.txt").bodyText()).isEqualTo("hello from s_server\n");
        }

        byte[] big = new byte[30_000];
        HttpsServer https = HttpsServer.builder().bind("127.0.0.1", 0)
            .tls(TlsConfig.server().credentials(PKI.serverEcCredentials()).build())
            .route("GET", "/big", r -> HttpResponse.bytes(200, "application/octet-stream", big)).build();
        int httpsPort = https.start();
        try (FakeModem modem = FakeModem.start(Files.createDirectories(tmp.resolve("m2")), 0, FakeModem.Dial.CONNECT, 8_000);
             HttpsClient http = overModem(modem, device())) {
            assertThatThrownBy(() -> http.get("https://localhost:" + httpsPort + "/big"))
                .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.TRUNCATED))
                .hasMessageContaining("without close_notify");
        } finally {
            https.shutdownGracefully(Duration.ofMillis(200));
        }
    }
}
