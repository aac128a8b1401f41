package io.tlskit.cli;

import io.tlskit.http.HttpsServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running {@code tlskit server}: the HTTPS server and its certificate reloader. {@link #close()}
 * stops it gracefully (what Ctrl-C does); the command then prints its summary and returns.
 */
public final class RunningServer implements AutoCloseable {
    /** How long a stop waits for requests in flight before it closes what is left. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final HttpsServer http;
    private final CertificateReloader reloader;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    RunningServer(HttpsServer http, CertificateReloader reloader) {
        this.http = http;
        this.reloader = reloader;
    }

    public int port() {
        return http.port();
    }

    /** "epoll" or "nio". */
    public String ioTransport() {
        return http.ioTransport();
    }

    /** The HTTPS server (its counters: {@link HttpsServer#stats()}). */
    public HttpsServer http() {
        return http;
    }

    public HttpsServer.Stats stats() {
        return http.stats();
    }

    /** Connections accepted, including those closed at once by --max-connections. */
    public long connections() {
        HttpsServer.Stats s = http.stats();
        return s.tls().accepted() + s.tls().rejected();
    }

    public long requests() {
        return http.stats().requests();
    }

    public long handshakeFailures() {
        return http.stats().tls().handshakesFailed();
    }

    /** Connections closed at once because --max-connections were already open. */
    public long rejected() {
        return http.stats().tls().rejected();
    }

    CertificateReloader reloader() {
        return reloader;
    }

    /**
     * Stops accepting, lets requests in flight finish for up to {@link #GRACE}, then closes what is
     * left. Callers after the first wait until the first one is done.
     */
    @Override
    public void close() {
        if (stopping.compareAndSet(false, true)) {
            try {
                reloader.close();
                http.shutdownGracefully(GRACE);
            } finally {
                stopped.countDown();
            }
        } else {
            awaitStopped(GRACE.plusSeconds(10));
        }
    }

    /** Waits until the server has stopped; false on timeout. */
    public boolean awaitStopped(Duration timeout) {
        try {
            return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
