package io.tlskit.http;

import static io.tlskit.http.HttpTesting.DEADLINE;
import static io.tlskit.http.HttpTesting.await;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Misbehaving clients and shutdown: the lwIP no-progress rule, the head deadline, vanishing clients, graceful close. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultsTest {
    @TempDir
    Path tmp;
    private HttpTesting.Started s;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    private static long fdCount() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** One header byte per second with a 700 ms idle timeout: no progress for 700 ms, closed. */
    @Test
    void headerBytesOncePerSecondAreClosedByTheIdleRule() throws Exception {
        s = new HttpTesting.Started(HttpsServer.builder().tls(serverConfig().build()).idleTimeout(Duration.ofMillis(700)));
        try (TlsConnection c = connect(s.port)) {
            long start = System.nanoTime();
            byte[] request = get("/").getBytes();
            boolean closed = false;
            for (int i = 0; i < request.length && !closed; i++) {
                try {
                    c.write(request, i, 1);
                } catch (Exception e) {
                    closed = true;
                    break;
                }
                closed = closedByServer(c, Duration.ofMillis(1000));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(closed).isTrue();
            assertThat(millis).isBetween(600L, 2500L);
        }
        await("idle close counted", DEADLINE, () -> s.server.stats().idleClosed() == 1);
    }

    /**
     * Progress every 250 ms keeps the idle rule quiet, but the head must be complete within twice
     * the idle timeout (1.4 s): 408 and closed, not kept forever.
     */
    @Test
    void aTricklingHeadIsCutOffByTheHeadDeadline() throws Exception {
        s = new HttpTesting.Started(HttpsServer.builder().tls(serverConfig().build()).idleTimeout(Duration.ofMillis(700)));
        try (TlsConnection c = connect(s.port)) {
            send(c, get("/status.json")); // a normal request first: the deadline is per request head
            assertThat(readResponse(c.getInputStream(), false).status).isEqualTo(200);
            long start = System.nanoTime();
            String slow = "GET /status.json HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200);
            Response answer = null;
            c.readTimeout(Duration.ofMillis(250));
            for (int i = 0; i < slow.length() && answer == null; i++) {
                try {
                    c.write(slow.substring(i, i + 1).getBytes());
                } catch (Exception e) {
                    break;
                }
                try {
                    answer = readResponse(c.getInputStream(), false);
                } catch (io.tlskit.TlsException e) {
                    if (e.error() != io.tlskit.TlsError.READ_TIMEOUT) {
                        break;
                    }
                }
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(answer).isNotNull();
            assertThat(answer.status).isEqualTo(408);
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(millis).isBetween(1300L, 3000L);
            assertThat(closedByServer(c, DEADLINE)).isTrue();
        }
        assertThat(s.server.stats().headerTimeouts()).isEqualTo(1);
        assertThat(s.server.stats().idleClosed()).isZero();
    }

    /** A handler that takes longer than the idle timeout is not cut off: the server is the slow one. */
    @Test
    void aSlowHandlerIsNotAnIdleClient() throws Exception {
        s = new HttpTesting.Started(HttpsServer.builder().tls(serverConfig().build()).idleTimeout(Duration.ofMillis(300))
            .route("GET", "/slow", req -> {
                Thread.sleep(1000);
                return HttpResponse.ok("done\n");
            }));
        try (TlsConnection c = connect(s.port)) {
            send(c, get("/slow"));
            assertThat(readResponse(c.getInputStream(), false).text()).isEqualTo("done\n");
            long start = System.nanoTime();
            assertThat(closedByServer(c, DEADLINE)).isTrue(); // then idle again: closed after 300 ms
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
        }
    }

    /**
     * A client that stops reading a large file and then disappears does not stall anyone: others are
     * served meanwhile, and the connection and its file are released (connections and descriptors
     * back to where they were).
     */
    @Test
    void aClientVanishingMidResponseDoesNotStallOthers() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        byte[] big = new byte[32 * 1024 * 1024];
        Files.write(www.resolve("big.bin"), big);
        s = new HttpTesting.Started(HttpsServer.builder().tls(serverConfig().build()).staticFiles(www).eventLoopThreads(1));
        long fdsBefore = fdCount();
        try (TlsConnection greedy = connect(s.port)) {
            send(greedy, get("/big.bin"));
            InputStream in = greedy.getInputStream();
            in.readNBytes(4096); // a few KB, then stop reading
            // same (single) I/O thread: the others must still be served
            for (int i = 0; i < 5; i++) {
                try (TlsConnection other = connect(s.port)) {
                    send(other, get("/status.json"));
                    assertThat(readResponse(other.getInputStream(), false).status).isEqualTo(200);
                }
            }
        } // closes the socket with ~32 MiB unread
        await("the vanished client's connection released", DEADLINE, () -> s.server.stats().activeConnections() == 0);
        await("descriptors back to the baseline", DEADLINE, () -> fdCount() <= fdsBefore);
        AccessLogEntry entry = null;
        for (AccessLogEntry e : s.log) {
            if (e.path().equals("/big.bin")) {
                entry = e;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.bytes()).isLessThan(big.length);
    }

    /** shutdownGracefully: a request in flight is answered (with Connection: close), an idle keep-alive is closed at once. */
    @Test
    void gracefulShutdownFinishesInFlightRequests() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        s = new HttpTesting.Started(HttpsServer.builder().tls(serverConfig().build())
            .route("GET", "/work", req -> {
                entered.countDown();
                Thread.sleep(700);
                return HttpResponse.ok("finished\n");
            }));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (TlsConnection busy = connect(s.port); TlsConnection idle = connect(s.port)) {
            send(idle, get("/status.json"));
            assertThat(readResponse(idle.getInputStream(), false).status).isEqualTo(200);
            send(busy, get("/work"));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            Future<Boolean> clean = pool.submit(() -> s.server.shutdownGracefully(Duration.ofSeconds(5)));
            assertThat(closedByServer(idle, Duration.ofMillis(500))).as("idle keep-alive closed at once").isTrue();
            Response r = readResponse(busy.getInputStream(), false);
            assertThat(r.text()).isEqualTo("finished\n");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(closedByServer(busy, DEADLINE)).isTrue();
            assertThat(clean.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
        } finally {
            pool.shutdownNow();
        }
        s = null;
    }

    @Test
    void connectionsOverTheLimitAreRefused() throws Exception {
        s = new HttpTesting.Started(HttpsServer.builder().tls(serverConfig().build()).maxConnections(2));
        try (TlsConnection a = connect(s.port); TlsConnection b = connect(s.port)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> connect(s.port).close()).isInstanceOf(java.io.IOException.class);
            send(a, get("/status.json"));
            assertThat(readResponse(a.getInputStream(), false).status).isEqualTo(200);
            send(b, get("/status.json"));
            assertThat(readResponse(b.getInputStream(), false).status).isEqualTo(200);
        }
        await("slots free again", DEADLINE, () -> s.server.stats().activeConnections() == 0);
        try (TlsConnection c = connect(s.port)) {
            send(c, get("/status.json"));
            assertThat(readResponse(c.getInputStream(), false).status).isEqualTo(200);
        }
    }
}
