package io.tlskit.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.http.HttpResponse;
import io.tlskit.http.HttpsServer;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HttpsClient against tlskit's HttpsServer, a scripted tlskit TLS server and openssl s_server -WWW. */
class HttpsClientTest {
    private static final TestPki PKI = TestPki.INSTANCE;
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static TlsConfig client() {
        return TlsConfig.client().trustAnchors(PKI.trust()).alpn("http/1.1").build();
    }

    private static TlsConfig server() {
        return TlsConfig.server().credentials(PKI.serverEcCredentials()).build();
    }

    @Test
    void getPostHeadAndKeepAliveAgainstTlskitsServer() throws Exception {
        HttpsServer https = HttpsServer.builder().bind("127.0.0.1", 0).tls(server())
            .route("GET", "/hello", r -> HttpResponse.text(200, "hello " + r.header("X-Device").orElse("?")))
            .route("POST", "/echo", r -> HttpResponse.bytes(201, "application/octet-stream", r.body()))
            .build();
        int port = https.start();
        try (HttpsClient http = HttpsClient.builder(client()).build()) {
            String base = "https://localhost:" + port;
            ClientResponse hello = http.send(ClientRequest.get(base + "/hello").header("X-Device", "sensor-1"));
            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.bodyText()).startsWith("hello sensor-1");
            assertThat(hello.reusedConnection()).isFalse();

            byte[] payload = new byte[40_000];
            new java.util.Random(7).nextBytes(payload);
            ClientResponse echo = http.post(base + "/echo", "application/octet-stream", payload);
            assertThat(echo.status()).isEqualTo(201);
            assertThat(echo.body()).isEqualTo(payload);
            assertThat(echo.reusedConnection()).isTrue();

            ClientResponse head = http.head(base + "/hello");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.reusedConnection()).isTrue();
            assertThat(http.get(base + "/missing").status()).isEqualTo(404);
        } finally {
            https.shutdownGracefully(Duration.ofMillis(200));
        }
    }

    @Test
    void chunkedLengthAndCloseFramedBodies() throws Exception {
        try (ScriptedServer s = new ScriptedServer(server())
                .on("/chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n7\r\n, world\r\n0\r\nT: 1\r\n\r\n")
                .on("/length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfixed")
                .on("/until-close", "HTTP/1.0 200 OK\r\n\r\nall of it" + ScriptedServer.CLOSE)
                .on("/until-cut", "HTTP/1.0 200 OK\r\n\r\nmost of it" + ScriptedServer.CUT);
             HttpsClient http = HttpsClient.builder(client()).build()) {
            String base = "https://localhost:" + s.port();
            assertThat(http.get(base + "/chunked").bodyText()).isEqualTo("hello, world");
            ClientResponse length = http.get(base + "/length");
            assertThat(length.bodyText()).isEqualTo("fixed");
            assertThat(length.reusedConnection()).isTrue();
            assertThat(s.connections.get()).isEqualTo(1);
            ClientResponse close = http.get(base + "/until-close");
            assertThat(close.bodyText()).isEqualTo("all of it");
            assertThat(close.endedWithoutCloseNotify()).isFalse();
            ClientResponse cut = http.get(base + "/until-cut");
            assertThat(cut.bodyText()).isEqualTo("most of it");
            assertThat(cut.endedWithoutCloseNotify()).isTrue();
            assertThat(http.get(base + "/length").reusedConnection()).isFalse();     // close-framed bodies end the connection
        }
    }

    @Test
    void aCutInsideAFramedBodyIsTruncatedAndRedirectsAreOffByDefault() throws Exception {
        try (ScriptedServer s = new ScriptedServer(server())
                .on("/short", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b" + ScriptedServer.CUT)
                .on("/moved", "HTTP/1.1 302 Found\r\nLocation: /target\r\nContent-Length: 5\r\n\r\nmoved")
                .on("/see-other", "HTTP/1.1 303 See Other\r\nLocation: /target\r\nContent-Length: 0\r\n\r\n")
                .on("/target", "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ntarget")
                .on("/plain", "HTTP/1.1 301 Moved\r\nLocation: http://localhost/\r\nContent-Length: 0\r\n\r\n");
             HttpsClient http = HttpsClient.builder(client()).build();
             HttpsClient following = HttpsClient.builder(client()).followRedirects(3).build()) {
            String base = "https://localhost:" + s.port();
            assertThatThrownBy(() -> http.get(base + "/short"))
                .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.TRUNCATED));
            ClientResponse moved = http.get(base + "/moved");
            assertThat(moved.status()).isEqualTo(302);
            assertThat(moved.bodyText()).isEqualTo("moved");
            assertThat(following.get(base + "/moved").bodyText()).isEqualTo("target");
            ClientResponse seeOther = following.post(base + "/see-other", "text/plain", "x".getBytes(StandardCharsets.UTF_8));
            assertThat(seeOther.bodyText()).isEqualTo("target");
            assertThat(s.requestLines).contains("GET /target HTTP/1.1");
            assertThatThrownBy(() -> following.get(base + "/plain")).isInstanceOf(HttpClientException.class)
                .hasMessageContaining("not https");
        }
    }

    @Test
    void badResponsesAndRequestsAreOneSentence() throws Exception {
        try (ScriptedServer s = new ScriptedServer(server())
                .on("/garbage", "SMTP ready\r\n\r\n")
                .on("/badlength", "HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n");
             HttpsClient http = HttpsClient.builder(client()).maxResponseBytes(4).build()) {
            String base = "https://localhost:" + s.port();
            assertThatThrownBy(() -> http.get(base + "/garbage")).isInstanceOf(HttpClientException.class)
                .hasMessage("not an HTTP/1.x status line: 'SMTP ready'");
            assertThatThrownBy(() -> http.get(base + "/badlength")).hasMessage("bad Content-Length 'lots'");
        }
        assertThatThrownBy(() -> ClientRequest.get("http://example.com/")).hasMessageContaining("is not an https:// URL");
        assertThatThrownBy(() -> ClientRequest.get("https://x/").header("X", "a\r\nInjected: 1"))
            .hasMessageContaining("line break");
    }

    @Test
    void streamsTheBodyOfOpensslWww() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("page.txt"), "served by openssl\n".repeat(2000));
        int port = Peers.freePort();
        List<String> cmd = new ArrayList<>(List.of(Peers.require("openssl").toString(), "s_server", "-accept", String.valueOf(port),
            "-cert", PKI.files().resolve("server-ec.pem").toString(), "-key", PKI.files().resolve("server-ec.key").toString(), "-WWW"));
        try (PeerProcess openssl = PeerProcess.startIn(www, cmd).awaitPort(port, T);
             HttpsClient http = HttpsClient.builder(client()).build()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            ClientResponse r = http.send(ClientRequest.get("https://localhost:" + port + "/page.txt"), body);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyLength()).isEqualTo(body.size()).isEqualTo(18L * 2000);
            assertThat(body.toString(StandardCharsets.UTF_8)).startsWith("served by openssl\n");
        }
    }
}
