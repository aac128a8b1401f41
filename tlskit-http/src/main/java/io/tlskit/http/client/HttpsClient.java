package io.tlskit.http.client;

import io.tlskit.HandshakeInfo;
import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.Transport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A blocking HTTPS/1.1 client over {@link TlsConnection}, on TCP or any other {@link Transport}
 * (a serial line, a modem's transparent mode): GET, HEAD, POST and other methods, headers and
 * bodies, Content-Length and chunked responses, keep-alive reuse of the connection, redirects only
 * when asked for, read timeouts. Thread-safe; each request holds its connection exclusively.
 *
 * <pre>{@code
 * try (HttpsClient http = HttpsClient.builder(config).build()) {
 *     ClientResponse r = http.send(ClientRequest.get("https://device.local/status.json"));
 * }
 * }</pre>
 */
public final class HttpsClient implements Closeable {
    /** Opens the byte transport to host:port (TCP by default). */
    @FunctionalInterface
    public interface TransportFactory {
        Transport open(String host, int port, Duration timeout) throws IOException;
    }

    private static final int MAX_IDLE_PER_TARGET = 2;

    private final TlsConfig tls;
    private final TransportFactory transports;
    private final Duration readTimeout;
    private final int maxRedirects;
    private final boolean keepAlive;
    private final long maxResponseBytes;
    private final String userAgent;
    private final Consumer<String> trace;
    private final Map<String, Deque<Connection>> idle = new HashMap<>();
    private boolean closed;

    private HttpsClient(Builder b) {
        this.tls = b.tls;
        this.transports = b.transports;
        this.readTimeout = b.readTimeout;
        this.maxRedirects = b.maxRedirects;
        this.keepAlive = b.keepAlive;
        this.maxResponseBytes = b.maxResponseBytes;
        this.userAgent = b.userAgent;
        this.trace = b.trace;
    }

    public static Builder builder(TlsConfig tls) {
        return new Builder(tls);
    }

    public ClientResponse get(String url) throws IOException {
        return send(ClientRequest.get(url));
    }

    public ClientResponse head(String url) throws IOException {
        return send(ClientRequest.head(url));
    }

    public ClientResponse post(String url, String contentType, byte[] body) throws IOException {
        return send(ClientRequest.post(url, contentType, body));
    }

    /** Sends the request and reads the whole response, body included (up to maxResponseBytes). */
    public ClientResponse send(ClientRequest request) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ClientResponse head = send(request, body);
        return new ClientResponse(head.status(), head.reason(), head.headers(), body.toByteArray(), head.bodyLength(),
            head.endedWithoutCloseNotify(), head.reusedConnection());
    }

    /** Sends the request and streams the final response's body into {@code body}; the response holds no body. */
    public ClientResponse send(ClientRequest request, OutputStream body) throws IOException {
        Objects.requireNonNull(body, "body");
        ClientRequest current = request;
        for (int redirects = 0; ; redirects++) {
            boolean mayFollow = redirects < maxRedirects;
            ClientResponse response = exchange(current, body, mayFollow);
            URI target = mayFollow ? redirectTarget(current, response) : null;
            if (target == null) {
                return response;
            }
            boolean toGet = response.status() == 303 || (response.status() <= 302 && current.method().equals("POST"));
            current = current.redirectedTo(target, toGet);
        }
    }

    private static URI redirectTarget(ClientRequest request, ClientResponse response) throws HttpClientException {
        int s = response.status();
        if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
            return null;
        }
        String location = response.header("Location").orElse(null);
        if (location == null) {
            return null;
        }
        URI target = request.url().resolve(location.trim());
        if (!"https".equalsIgnoreCase(target.getScheme())) {
            throw new HttpClientException(request.authority() + " redirects to " + target + ", which is not https: refusing to follow");
        }
        return target;
    }

    private ClientResponse exchange(ClientRequest request, OutputStream body, boolean mayFollow) throws IOException {
        String key = request.host() + ":" + request.port();
        Connection conn = takeIdle(key);
        if (conn != null) {
            try {
                return exchangeOn(conn, key, request, body, mayFollow, true);
            } catch (IOException e) {
                // a kept-alive connection the server had already closed: once more on a fresh one
                if (conn.in.count > 0 || !request.idempotent()) {
                    throw e;
                }
                trace("* kept-alive connection to " + key + " was closed by the server; reconnecting");
            }
        }
        return exchangeOn(open(request), key, request, body, mayFollow, false);
    }

    private ClientResponse exchangeOn(Connection conn, String key, ClientRequest request, OutputStream body, boolean mayFollow,
            boolean reused) throws IOException {
        boolean reusable = false;
        try {
            byte[] bytes = request.encode(userAgent, keepAlive);
            if (trace != null) {
                String text = new String(bytes, StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                text.substring(0, Math.max(0, end)).lines().forEach(l -> trace("> " + l));
            }
            conn.tls.write(bytes);
            ResponseReader.Head head;
            do {
                head = ResponseReader.readHead(conn.in);
                if (head == null) {
                    throw new TlsException(TlsError.TRUNCATED, request.authority() + " closed the connection without an HTTP response");
                }
                if (trace != null) {
                    trace("< " + head.version + " " + head.status + " " + head.reason);
                    for (String[] h : head.headers) {
                        trace("< " + h[0] + ": " + h[1]);
                    }
                }
            } while (head.status >= 100 && head.status < 200 && head.status != 101);
            boolean noBody = request.method().equals("HEAD") || head.status == 204 || head.status == 304;
            boolean redirect = mayFollow && head.status >= 300 && head.status < 400 && head.header("Location") != null;
            OutputStream sink = redirect ? OutputStream.nullOutputStream() : body;
            ResponseReader.Body read = ResponseReader.readBody(conn.in, head, noBody, sink, maxResponseBytes);
            boolean framed = noBody || head.chunked() || head.contentLength() >= 0;
            reusable = keepAlive && framed && head.keepAlive();
            return new ClientResponse(head.status, head.reason, head.headers, new byte[0], read.length, read.endedByClose, reused);
        } finally {
            if (reusable) {
                putIdle(key, conn);
            } else {
                conn.close();
            }
        }
    }

    private Connection open(ClientRequest request) throws IOException {
        Duration timeout = tls.handshakeTimeout();
        Transport transport = transports.open(request.host(), request.port(), timeout);
        String name = tls.serverName() != null ? tls.serverName() : request.host();
        TlsConnection connection;
        try {
            connection = TlsConnection.client(tls, transport, name);
            HandshakeInfo info = connection.handshake();
            if (trace != null) {
                trace("* connected to " + request.authority() + " over " + transport.describe());
                info.toString().lines().forEach(l -> trace("* " + l));
            }
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
        if (!readTimeout.isZero()) {
            connection.readTimeout(readTimeout);
        }
        return new Connection(connection);
    }

    private synchronized Connection takeIdle(String key) {
        Deque<Connection> q = idle.get(key);
        return q == null ? null : q.pollFirst();
    }

    private void putIdle(String key, Connection conn) {
        synchronized (this) {
            if (!closed) {
                Deque<Connection> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
                if (q.size() < MAX_IDLE_PER_TARGET) {
                    q.addFirst(conn);
                    return;
                }
            }
        }
        conn.close();
    }

    private void trace(String line) {
        if (trace != null) {
            trace.accept(line);
        }
    }

    /** Closes the kept-alive connections (with close_notify). */
    @Override
    public void close() {
        Deque<Connection> all = new ArrayDeque<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(Connection::close);
    }

    /** A TLS connection and its buffered, counting input. */
    private static final class Connection {
        final TlsConnection tls;
        final CountingInput in;

        Connection(TlsConnection tls) {
            this.tls = tls;
            this.in = new CountingInput(new BufferedInputStream(tls.getInputStream(), 16 * 1024));
        }

        void close() {
            tls.close();
        }
    }

    /** Counts the bytes read, to tell a connection that died before answering from one that died mid-response. */
    private static final class CountingInput extends FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** Builder for {@link HttpsClient}. */
    public static final class Builder {
        private final TlsConfig tls;
        private TransportFactory transports = (host, port, timeout) -> SocketTransport.connect(host, port, timeout);
        private Duration readTimeout = Duration.ofSeconds(30);
        private int maxRedirects;
        private boolean keepAlive = true;
        private long maxResponseBytes = 16L * 1024 * 1024;
        private String userAgent = "tlskit";
        private Consumer<String> trace;

        private Builder(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            if (!tls.isClient()) {
                throw new IllegalArgumentException("HttpsClient needs a config from TlsConfig.client()");
            }
        }

        /** How to reach a server: TCP by default; a serial line or a modem through your own factory. */
        public Builder transport(TransportFactory factory) {
            this.transports = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** How long to wait for response bytes; zero waits forever. Default 30 s. */
        public Builder readTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("read timeout must not be negative");
            }
            this.readTimeout = timeout;
            return this;
        }

        /** Follow up to {@code max} redirects to https URLs (default 0: a 3xx is returned as it is). */
        public Builder followRedirects(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("redirect count must not be negative");
            }
            this.maxRedirects = max;
            return this;
        }

        /** Keep connections open for the next request to the same host (default true). */
        public Builder keepAlive(boolean enabled) {
            this.keepAlive = enabled;
            return this;
        }

        /** The largest body {@link #send(ClientRequest)} buffers (default 16 MiB). */
        public Builder maxResponseBytes(long max) {
            this.maxResponseBytes = max;
            return this;
        }

        public Builder userAgent(String agent) {
            this.userAgent = Objects.requireNonNull(agent, "agent");
            return this;
        }

        /** Receives "> request head", "< response head" and "* connection" lines (for -v output). */
        public Builder trace(Consumer<String> lines) {
            this.trace = lines;
            return this;
        }

        public HttpsClient build() {
            return new HttpsClient(this);
        }
    }
}
