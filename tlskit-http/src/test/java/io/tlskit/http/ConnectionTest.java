package io.tlskit.http;

import static io.tlskit.http.HttpTesting.DEADLINE;
import static io.tlskit.http.HttpTesting.closedByServer;
import static io.tlskit.http.HttpTesting.connect;
import static io.tlskit.http.HttpTesting.get;
import static io.tlskit.http.HttpTesting.readResponse;
import static io.tlskit.http.HttpTesting.send;
import static io.tlskit.http.HttpTesting.serverConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.TlsConnection;
import io.tlskit.http.HttpTesting.Response;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP/1.1 connection semantics with a raw tlskit TLS client: pipelining, keep-alive, close, HEAD, 100-continue. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionTest {
    private HttpTesting.Started s;
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final AtomicInteger echoCalls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        s = new HttpTesting.Started(HttpsServer.builder().tls(serverConfig().build())
            .route("GET", "/n/*", req -> HttpResponse.ok(req.path() + " #" + req.requestNumber() + "\n"))
            // completes only when released, on another thread: the fast ones behind it must wait their turn
            .routeAsync("GET", "/slow", req -> CompletableFuture.supplyAsync(() -> {
                try {
                    releaseSlow.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HttpResponse.ok("slow\n");
            }))
            .routeAsync("GET", "/fast", req -> CompletableFuture.completedFuture(HttpResponse.ok("fast\n")))
            .route("POST", "/echo", req -> {
                echoCalls.incrementAndGet();
                return HttpResponse.bytes(200, "text/plain", req.body());
            })
            .route("GET", "/boom", req -> {
                throw new IllegalStateException("handler failure (expected in this test)");
            }));
    }

    @AfterEach
    void stop() {
        releaseSlow.countDown();
        s.close();
    }

    @Test
    void threePipelinedGetsInOneWriteComeBackInOrder() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, get("/n/a") + get("/n/b") + get("/n/c"));
            InputStream in = c.getInputStream();
            assertThat(readResponse(in, false).text()).isEqualTo("/n/a #1\n");
            assertThat(readResponse(in, false).text()).isEqualTo("/n/b #2\n");
            assertThat(readResponse(in, false).text()).isEqualTo("/n/c #3\n");
        }
    }

    @Test
    void handlersCompletingOutOfOrderStillAnswerInOrder() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, get("/slow") + get("/fast") + get("/n/x"));
            Thread.sleep(300); // the fast ones are done by now, and must wait
            assertThat(c.engine() != null).isTrue();
            releaseSlow.countDown();
            InputStream in = c.getInputStream();
            assertThat(readResponse(in, false).text()).isEqualTo("slow\n");
            assertThat(readResponse(in, false).text()).isEqualTo("fast\n");
            assertThat(readResponse(in, false).text()).isEqualTo("/n/x #3\n");
        }
    }

    @Test
    void pipelinedPostsWithBodiesAndChunks() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n"
                + get("/n/after"));
            InputStream in = c.getInputStream();
            assertThat(readResponse(in, false).text()).isEqualTo("hello");
            assertThat(readResponse(in, false).text()).isEqualTo("abcde");
            assertThat(readResponse(in, false).text()).isEqualTo("/n/after #3\n");
        }
    }

    @Test
    void theResponseWaitsForTheWholeBody() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
            c.readTimeout(Duration.ofMillis(400));
            assertThat(closedByServer(c, Duration.ofMillis(400))).as("no answer yet, connection open").isFalse();
            assertThat(echoCalls.get()).isZero();
            c.readTimeout(DEADLINE);
            send(c, "67890");
            assertThat(readResponse(c.getInputStream(), false).text()).isEqualTo("1234567890");
        }
    }

    @Test
    void expectContinueGets100ThenTheResponse() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            InputStream in = c.getInputStream();
            assertThat(HttpTesting.readLine(in)).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(HttpTesting.readLine(in)).isEmpty();
            send(c, "ping");
            assertThat(readResponse(in, false).text()).isEqualTo("ping");
        }
    }

    @Test
    void expectContinueWithATooLargeBodyIs413WithoutContinue() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n");
            Response r = readResponse(c.getInputStream(), false);
            assertThat(r.status).isEqualTo(413);
            assertThat(r.header("Connection")).isEqualTo("close");
        }
    }

    @Test
    void connectionCloseFromTheClientIsHonoured() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, "GET /n/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + get("/n/ignored"));
            Response r = readResponse(c.getInputStream(), false);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(closedByServer(c, DEADLINE)).isTrue();
        }
        assertThat(s.server.stats().requests()).isEqualTo(1);
    }

    @Test
    void http10ClosesUnlessKeepAlive() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, "GET /n/1 HTTP/1.0\r\n\r\n");
            Response r = readResponse(c.getInputStream(), false);
            assertThat(r.status).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(closedByServer(c, DEADLINE)).isTrue();
        }
        try (TlsConnection c = connect(s.port)) {
            send(c, "GET /n/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            Response r = readResponse(c.getInputStream(), false);
            assertThat(r.header("Connection")).isEqualTo("keep-alive");
            send(c, "GET /n/2 HTTP/1.0\r\n\r\n");
            assertThat(readResponse(c.getInputStream(), false).text()).isEqualTo("/n/2 #2\n");
        }
    }

    @Test
    void headHasContentLengthButNoBodyAndTheNextResponseFollowsDirectly() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, "HEAD /n/abc HTTP/1.1\r\nHost: x\r\n\r\n" + get("/n/next"));
            InputStream in = c.getInputStream();
            Response head = readResponse(in, true);
            assertThat(head.status).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(String.valueOf("/n/abc #1\n".length()));
            assertThat(readResponse(in, false).text()).isEqualTo("/n/next #2\n");
        }
    }

    @Test
    void errorsNotFoundMethodNotAllowedAndHandlerFailure() throws Exception {
        try (TlsConnection c = connect(s.port)) {
            send(c, get("/missing") + "DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n" + get("/boom") + get("/n/still"));
            InputStream in = c.getInputStream();
            Response notFound = readResponse(in, false);
            assertThat(notFound.status).isEqualTo(404);
            assertThat(notFound.header("Date")).isNotBlank();
            assertThat(notFound.header("Server")).startsWith("tlskit");
            Response notAllowed = readResponse(in, false);
            assertThat(notAllowed.status).isEqualTo(405);
            assertThat(notAllowed.header("Allow")).isEqualTo("POST");
            Response boom = readResponse(in, false);
            assertThat(boom.status).isEqualTo(500);
            assertThat(boom.text()).doesNotContain("expected in this test");
            assertThat(readResponse(in, false).status).isEqualTo(200);
        }
    }

    @Test
    void malformedRequestsGet400AndTheConnectionCloses() throws Exception {
        String[] bad = {
            "GARBAGE\r\n\r\n",
            "GET /x  HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /x HTTP/1.1\r\n\r\n", // no Host
            "GET /x HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        };
        for (String request : bad) {
            try (TlsConnection c = connect(s.port)) {
                send(c, get("/n/first") + request);
                InputStream in = c.getInputStream();
                assertThat(readResponse(in, false).status).as(request).isEqualTo(200);
                Response r = readResponse(in, false);
                assertThat(r.status).as(request).isEqualTo(400);
                assertThat(r.header("Connection")).isEqualTo("close");
                assertThat(closedByServer(c, DEADLINE)).isTrue();
            }
        }
        try (TlsConnection c = connect(s.port)) {
            send(c, "GET /x HTTP/2.0\r\nHost: x\r\n\r\n");
            assertThat(readResponse(c.getInputStream(), false).status).isEqualTo(505);
        }
    }

    @Test
    void requestBodySmugglingIsNotPossible() throws Exception {
        // a chunked body that hides a second request: it must be read as body, not as a request
        try (TlsConnection c = connect(s.port)) {
            String hidden = get("/n/hidden");
            send(c, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(hidden.length()) + "\r\n" + hidden + "\r\n0\r\n\r\n");
            assertThat(readResponse(c.getInputStream(), false).text()).isEqualTo(hidden);
            c.readTimeout(Duration.ofMillis(300));
            assertThat(closedByServer(c, Duration.ofMillis(300))).isFalse();
        }
    }
}
