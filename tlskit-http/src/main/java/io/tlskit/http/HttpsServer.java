package io.tlskit.http;

import io.tlskit.TlsConfig;
import io.tlskit.netty.TlsServer;
import io.tlskit.pki.Credentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTPS/1.1 server on {@link TlsServer}: routes, static files, the tlskit status page,
 * keep-alive and pipelining, request limits, an idle policy and an access log.
 *
 * <pre>{@code
 * HttpsServer server = HttpsServer.builder()
 *     .bind("127.0.0.1", 8443)
 *     .tls(TlsConfig.server().credentials(Credentials.load(cert, key, null)).build())
 *     .route("GET", "/hello", req -> HttpResponse.ok("hello " + req.remoteAddress() + "\n"))
 *     .routeAsync("POST", "/api/*", req -> service.handle(req.body()))
 *     .staticFiles(Path.of("www"))
 *     .build();
 * int port = server.start();
 * ...
 * server.shutdownGracefully(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Who answers a request, first match wins: a route (exact path, then the longest "/prefix/*";
 * a path with routes for other methods only answers 405 with Allow), the status page ("/" unless
 * the static directory has an index.html, and "/status.json"), the static directory (GET and HEAD),
 * else 404.
 *
 * <p>Connections: HTTP/1.1 keep-alive with pipelining (responses in request order, at most
 * {@value HttpConnection#MAX_PIPELINED} requests waiting per connection; then the server stops
 * reading until they are answered), {@code Connection: close} in either direction, HTTP/1.0 closes
 * unless it asked for keep-alive. A handler runs once the whole body has arrived. Idle policy (the
 * lwIP httpd rule): a connection without progress (bytes in or out) for the idle timeout is closed
 * unless the server itself is still working on a request; a request head must be complete within
 * the header timeout (default twice the idle timeout) even if it trickles in (408, then close).
 *
 * <p>Limits, answered and then closed: a request-target over {@code maxUriLength} (414), a header
 * section over {@code maxHeaderBytes} (431), a body over {@code maxBodyBytes} (413; a Content-Length
 * is checked before the body is read, a chunked body as it arrives), a malformed request (400).
 */
public final class HttpsServer implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger("io.tlskit.http");
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final Set<String> GET_HEAD = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(java.util.List.of("GET", "HEAD")));

    private final TlsServer tlsServer;
    private final Router router;
    private final StaticFiles files;
    private final boolean statusPage;
    final long idleTimeoutMillis;
    final long headerTimeoutMillis;
    final int maxUriLength;
    final int maxHeaderBytes;
    final long maxBodyBytes;
    final int maxRequestsPerConnection;
    final ResponseHeadEncoder heads;
    private final Consumer<AccessLogEntry> accessLog;
    private final Executor handlerExecutor;
    private final ExecutorService ownExecutor;

    private final AtomicLong connectionIds = new AtomicLong();
    final LongAdder requests = new LongAdder();
    final LongAdder idleClosed = new LongAdder();
    final LongAdder headerTimeouts = new LongAdder();
    final LongAdder rejectedRequests = new LongAdder();

    private HttpsServer(Builder b, Supplier<TlsConfig> tls, StaticFiles files) {
        this.router = b.router;
        this.files = files;
        this.statusPage = b.statusPage;
        this.idleTimeoutMillis = b.idleTimeout.toMillis();
        this.headerTimeoutMillis = b.headerTimeout != null ? b.headerTimeout.toMillis()
            : idleTimeoutMillis > 0 ? 2 * idleTimeoutMillis : 30_000;
        this.maxUriLength = b.maxUriLength;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxRequestsPerConnection = b.maxRequestsPerConnection;
        this.heads = new ResponseHeadEncoder(b.serverHeader);
        this.accessLog = b.accessLog;
        if (b.handlerExecutor != null) {
            this.handlerExecutor = b.handlerExecutor;
            this.ownExecutor = null;
        } else {
            int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            int pool = POOLS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "tlskit-http-" + pool + "-handler-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
            executor.allowCoreThreadTimeOut(true);
            this.handlerExecutor = executor;
            this.ownExecutor = executor;
        }
        this.tlsServer = b.transport
            .configSupplier(tls)
            .idleTimeout(Duration.ZERO) // the HTTP layer runs its own idle policy (it knows when it is busy)
            .childHandler(ch -> {
                HttpConnection connection = new HttpConnection(this, connectionIds.incrementAndGet());
                if (idleTimeoutMillis > 0) {
                    ch.pipeline().addBefore(TlsServer.TLS, "http-idle", new IdleCloser(this, connection, idleTimeoutMillis));
                }
                ch.pipeline().addLast("http", connection);
            })
            .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; returns the port (useful with port 0). */
    public int start() throws IOException {
        return tlsServer.start();
    }

    /** "epoll" or "nio": the socket layer chosen at {@link #start()}. */
    public String ioTransport() {
        return tlsServer.ioTransport();
    }

    /** The bound port, or -1 before {@link #start()}. */
    public int port() {
        return tlsServer.port();
    }

    /**
     * Stops accepting, lets requests in flight finish (their connections then close), closes idle
     * keep-alive connections at once, and after {@code deadline} closes what is left. True if every
     * connection finished in time.
     */
    public boolean shutdownGracefully(Duration deadline) {
        boolean clean = tlsServer.shutdownGracefully(deadline);
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
        return clean;
    }

    /** {@link #shutdownGracefully} with five seconds. */
    @Override
    public void close() {
        shutdownGracefully(Duration.ofSeconds(5));
    }

    public Stats stats() {
        return new Stats(requests.sum(), idleClosed.sum(), headerTimeouts.sum(), rejectedRequests.sum(), tlsServer.stats());
    }

    // ---- used by connections --------------------------------------------------------------------

    /** Whether access log entries are wanted at all: building one costs more than the rest of a small response. */
    boolean logsAccess() {
        return accessLog != null && (accessLog != AccessLogEntry.DEFAULT_SINK || AccessLogEntry.enabled());
    }

    void log(AccessLogEntry entry) {
        try {
            accessLog.accept(entry);
        } catch (RuntimeException e) {
            LOG.warn("the access log failed: {}", e.toString());
        }
    }

    /** Finds who answers the request and starts it; completes on any thread. */
    CompletionStage<HttpResponse> respond(HttpRequest request) {
        String method = request.method();
        String path = request.path();
        Router.Match match = router.find(method, path);
        if (match != null) {
            return match.handler == null ? done(methodNotAllowed(method, match.allow)) : invoke(match.handler, request);
        }
        boolean getOrHead = method.equals("GET") || method.equals("HEAD");
        if (statusPage && path.equals("/status.json")) {
            return done(getOrHead ? HttpResponse.status(200).header("Cache-Control", "no-store").json(StatusPage.json(request))
                : methodNotAllowed(method, GET_HEAD));
        }
        if (statusPage && path.equals("/") && (files == null || !files.hasRootIndex())) {
            return done(getOrHead ? HttpResponse.status(200).header("Cache-Control", "no-store").html(StatusPage.html(request))
                : methodNotAllowed(method, GET_HEAD));
        }
        if (files != null) {
            return done(getOrHead ? files.serve(request) : methodNotAllowed(method, GET_HEAD));
        }
        return done(HttpResponse.error(404));
    }

    private static CompletionStage<HttpResponse> done(HttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private static HttpResponse methodNotAllowed(String method, Set<String> allow) {
        String list = String.join(", ", allow);
        return HttpResponse.status(405).header("Allow", list)
            .text("405 Method Not Allowed: " + method + " is not allowed here; use " + list + "\n");
    }

    private CompletionStage<HttpResponse> invoke(Object handler, HttpRequest request) {
        if (handler instanceof AsyncHttpHandler) {
            try {
                CompletionStage<HttpResponse> stage = ((AsyncHttpHandler) handler).handle(request);
                if (stage == null) {
                    throw new NullPointerException("the handler returned no CompletionStage");
                }
                return stage;
            } catch (Exception | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        HttpHandler sync = (HttpHandler) handler;
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return sync.handle(request);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, handlerExecutor);
        } catch (RejectedExecutionException e) {
            LOG.warn("no handler thread for {} {}: {}", method(request), request.path(), e.toString());
            return done(HttpResponse.error(503));
        }
    }

    private static String method(HttpRequest r) {
        return r.method();
    }

    /** Counters since the start; a snapshot. */
    public static final class Stats {
        private final long requests;
        private final long idleClosed;
        private final long headerTimeouts;
        private final long rejectedRequests;
        private final TlsServer.Stats tls;

        Stats(long requests, long idleClosed, long headerTimeouts, long rejectedRequests, TlsServer.Stats tls) {
            this.requests = requests;
            this.idleClosed = idleClosed;
            this.headerTimeouts = headerTimeouts;
            this.rejectedRequests = rejectedRequests;
            this.tls = tls;
        }

        /** Requests whose head was parsed. */
        public long requests() {
            return requests;
        }

        /** Connections closed for making no progress. */
        public long idleClosed() {
            return idleClosed;
        }

        /** Connections closed because a request head did not complete within the header timeout. */
        public long headerTimeouts() {
            return headerTimeouts;
        }

        /** Requests refused as malformed or over a limit (400, 413, 414, 431, ...). */
        public long rejectedRequests() {
            return rejectedRequests;
        }

        /** Connection and handshake counters of the TLS layer. */
        public TlsServer.Stats tls() {
            return tls;
        }

        /** Connections open now. */
        public int activeConnections() {
            return tls.active();
        }

        @Override
        public String toString() {
            return "requests=" + requests + " idleClosed=" + idleClosed + " headerTimeouts=" + headerTimeouts
                + " rejectedRequests=" + rejectedRequests + " " + tls;
        }
    }

    public static final class Builder {
        /** Bind address, connection limit and I/O threads: TlsServer's own settings and checks. */
        private final TlsServer.Builder transport = TlsServer.builder().bind("0.0.0.0", 8443);
        private Supplier<TlsConfig> tls;
        private final Map<String, Credentials> certificates = new LinkedHashMap<>();
        private final Router router = new Router();
        private Path staticDir;
        private boolean statusPage = true;
        private Duration idleTimeout = Duration.ofSeconds(8);
        private Duration headerTimeout;
        private int maxHeaderBytes = 16 * 1024;
        private long maxBodyBytes = 1024 * 1024;
        private int maxUriLength = 8 * 1024;
        private int maxRequestsPerConnection = 1000;
        private String serverHeader = defaultServerHeader();
        private Consumer<AccessLogEntry> accessLog = AccessLogEntry.DEFAULT_SINK;
        private Executor handlerExecutor;

        private Builder() {
        }

        private static String defaultServerHeader() {
            String v = HttpsServer.class.getPackage().getImplementationVersion();
            return v == null ? "tlskit" : "tlskit/" + v;
        }

        /** Address and port (default 0.0.0.0:8443; port 0 picks a free one, see {@link #start()}). */
        public Builder bind(String bindHost, int bindPort) {
            transport.bind(bindHost, bindPort);
            return this;
        }

        /** The TLS server config for every connection (certificates, versions, client auth, PSK, handshake timeout...). */
        public Builder tls(TlsConfig config) {
            Objects.requireNonNull(config, "config");
            if (config.isClient()) {
                throw new IllegalArgumentException("HttpsServer needs a server config (TlsConfig.server())");
            }
            return tls(() -> config);
        }

        /**
         * Asked once per new connection: return a new config to reload certificates; connections
         * already open keep the config they started with.
         */
        public Builder tls(Supplier<TlsConfig> supplier) {
            this.tls = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        /**
         * Instead of {@link #tls}: serve this certificate when the client asks for {@code hostName}
         * (SNI); the first one registered also answers clients that send no or an unknown name. For
         * more (client auth, versions, PSK), build the TlsConfig with
         * {@code TlsConfig.server().credentials(hostName, credentials)} and pass it to {@link #tls}.
         */
        public Builder certificate(String hostName, Credentials credentials) {
            Objects.requireNonNull(hostName, "hostName");
            Objects.requireNonNull(credentials, "credentials");
            certificates.put(hostName, credentials);
            return this;
        }

        /** A route for an exact path ("/api/items") or a prefix ("/api/*", which also matches "/api"). */
        public Builder route(String method, String path, HttpHandler handler) {
            router.add(method, path, handler);
            return this;
        }

        /** A route whose handler answers asynchronously (see {@link AsyncHttpHandler}). */
        public Builder routeAsync(String method, String path, AsyncHttpHandler handler) {
            router.add(method, path, handler);
            return this;
        }

        /** Serve files below this directory for GET and HEAD (after routes and the status page). */
        public Builder staticFiles(Path dir) {
            this.staticDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The status page on "/" and "/status.json" (default on). */
        public Builder statusPage(boolean enabled) {
            this.statusPage = enabled;
            return this;
        }

        /** Close a connection without progress for this long (default 8 s, lwIP httpd; zero: never). */
        public Builder idleTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("idle timeout must be zero (off) or positive, was " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** A request head must arrive completely within this long after its first byte (default twice the idle timeout). */
        public Builder headerTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("header timeout must be positive, was " + timeout);
            }
            this.headerTimeout = timeout;
            return this;
        }

        /** At most this many connections at once; more are closed at once (default unlimited). */
        public Builder maxConnections(int max) {
            transport.maxConnections(max);
            return this;
        }

        /** Largest header section (and trailer section), in bytes (default 16 KiB; more: 431). */
        public Builder maxHeaderBytes(int max) {
            this.maxHeaderBytes = positive(max, "maxHeaderBytes");
            return this;
        }

        /** Largest request body (default 1 MiB; more: 413). */
        public Builder maxBodyBytes(long max) {
            if (max < 0 || max > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxBodyBytes must be 0.." + (Integer.MAX_VALUE - 16) + ", was " + max);
            }
            this.maxBodyBytes = max;
            return this;
        }

        /** Longest request-target (default 8 KiB; more: 414). */
        public Builder maxUriLength(int max) {
            this.maxUriLength = positive(max, "maxUriLength");
            return this;
        }

        /** Requests served on one connection before the server closes it (default 1000). */
        public Builder maxRequestsPerConnection(int max) {
            this.maxRequestsPerConnection = positive(max, "maxRequestsPerConnection");
            return this;
        }

        /** The Server header (default "tlskit" plus the version when known). */
        public Builder serverHeader(String value) {
            if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                throw new IllegalArgumentException("invalid Server header: " + value);
            }
            this.serverHeader = value;
            return this;
        }

        /**
         * Where access log entries go (default: {@link AccessLogEntry#format()} at INFO on
         * {@value AccessLogEntry#LOGGER}, built only while that logger is enabled); null: no access log.
         */
        public Builder accessLog(Consumer<AccessLogEntry> sink) {
            this.accessLog = sink;
            return this;
        }

        /**
         * Runs {@link HttpHandler}s (default: a pool of max(4, 2 x processors) daemon threads owned
         * by the server). {@code Runnable::run} runs them on the I/O thread: only for handlers that
         * never block.
         */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Use Linux's native epoll instead of NIO when netty-transport-native-epoll (linux classifier)
         * is on the class path and loads; NIO otherwise. Off by default; {@code tlskit server} turns it on.
         */
        public Builder preferEpoll(boolean prefer) {
            transport.preferEpoll(prefer);
            return this;
        }

        /** I/O threads (0, the default: Netty's default of twice the processors). */
        public Builder eventLoopThreads(int threads) {
            transport.eventLoopThreads(threads);
            return this;
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        public HttpsServer build() throws IOException {
            Supplier<TlsConfig> config = tls;
            if (!certificates.isEmpty()) {
                if (config != null) {
                    throw new IllegalStateException("use either tls(...) or certificate(...): for both, put the certificates into the "
                        + "TlsConfig with TlsConfig.server().credentials(hostName, credentials)");
                }
                TlsConfig.Builder b = TlsConfig.server();
                certificates.forEach(b::credentials);
                TlsConfig built = b.build();
                config = () -> built;
            }
            if (config == null) {
                throw new IllegalStateException("HttpsServer needs tls(TlsConfig) or certificate(hostName, credentials)");
            }
            StaticFiles files = staticDir == null ? null : new StaticFiles(staticDir);
            return new HttpsServer(this, config, files);
        }

        /** Builds and starts; the port is {@link HttpsServer#port()}. */
        public HttpsServer start() throws IOException {
            HttpsServer server = build();
            server.start();
            return server;
        }
    }
}
