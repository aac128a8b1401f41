package io.tlskit.cli;

import io.tlskit.HandshakeInfo;
import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTPS/1.1 server on {@link TlsConnection}: one platform thread per connection, keep-alive,
 * an idle timeout, a connection limit. Serves a status page that says how the client connected
 * ("Successful connection using ..."), the same as JSON, an echo route, and optionally a directory.
 */
public final class HttpsServer implements AutoCloseable {
    /** Largest request body /echo accepts. */
    static final long MAX_BODY = 1024 * 1024;
    /** Requests served on one connection before the server closes it. */
    static final int MAX_REQUESTS_PER_CONNECTION = 1000;

    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"));

    /** What the server is started with. */
    static final class Settings {
        TlsConfig config;
        InetAddress bind;
        int port;
        Duration idleTimeout = Duration.ofSeconds(8);
        int maxConnections = 1000;
        Path www;
        PrintStream log;
        boolean verbose;
    }

    private final Settings settings;
    private final Path wwwRoot;
    private final String serverHeader = "tlskit/" + Main.Version.version();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong handshakeFailures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ServerSocket serverSocket;
    private Thread acceptor;
    private volatile boolean closing;

    HttpsServer(Settings settings) throws IOException {
        this.settings = settings;
        this.wwwRoot = settings.www == null ? null : settings.www.toRealPath();
        if (wwwRoot != null && !Files.isDirectory(wwwRoot)) {
            throw new CliException("--www " + settings.www + " is not a directory");
        }
    }

    /** Binds the port (failing here if it is taken) and starts accepting. */
    HttpsServer start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(new InetSocketAddress(settings.bind, settings.port), 128);
        } catch (IOException e) {
            socket.close();
            throw new java.net.BindException(settings.bind.getHostAddress() + " port " + settings.port + ": " + e.getMessage());
        }
        serverSocket = socket;
        acceptor = new Thread(this::acceptLoop, "tlskit-accept-" + port());
        acceptor.start();
        return this;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public long connections() {
        return connections.get();
    }

    public long handshakeFailures() {
        return handshakeFailures.get();
    }

    /** Connections closed at once because --max-connections were already open. */
    public long rejected() {
        return rejected.get();
    }

    public long requests() {
        return requests.get();
    }

    /** Waits until the server has stopped (after {@link #close()}); false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting, closes every open connection and waits briefly for the accept thread. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        try {
            if (acceptor != null && Thread.currentThread() != acceptor) {
                acceptor.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        try {
            while (!closing) {
                Socket socket;
                try {
                    socket = serverSocket.accept();
                } catch (IOException e) {
                    if (!closing) {
                        log("accept failed: " + e.getMessage());
                    }
                    continue;
                }
                long id = connections.incrementAndGet();
                if (active.incrementAndGet() > settings.maxConnections) {
                    active.decrementAndGet();
                    rejected.incrementAndGet();
                    closeQuietly(socket);
                    if (settings.verbose) {
                        log("connection " + id + " from " + peer(socket) + " closed: " + settings.maxConnections + " connections already open (--max-connections)");
                    }
                    continue;
                }
                open.add(socket);
                Thread worker = new Thread(() -> serve(id, socket), "tlskit-conn-" + id);
                worker.setDaemon(true);
                worker.start();
            }
        } finally {
            stopped.countDown();
        }
    }

    private void serve(long id, Socket socket) {
        String peer = peer(socket);
        TlsConnection tls = null;
        try {
            socket.setTcpNoDelay(true);
            tls = TlsConnection.server(settings.config, new SocketTransport(socket));
            HandshakeInfo info;
            try {
                info = tls.handshake();
            } catch (TlsException e) {
                handshakeFailures.incrementAndGet();
                if (!closing) {
                    log("handshake with " + peer + " failed: " + e.error() + ": " + e.getMessage());
                }
                return;
            }
            handshakes.incrementAndGet();
            if (settings.verbose) {
                log("connection " + id + " from " + peer + ": " + info.version().displayName() + " " + info.cipherSuite()
                        + (info.resumed() ? " (resumed)" : ""));
            }
            tls.readTimeout(settings.idleTimeout);
            exchange(new Connection(id, peer, tls, info));
        } catch (TlsException e) {
            if (!closing && e.error() != TlsError.READ_TIMEOUT && e.error() != TlsError.CLOSED && settings.verbose) {
                log("connection " + id + " from " + peer + " ended: " + e.error() + ": " + e.getMessage());
            }
        } catch (IOException e) {
            if (!closing && settings.verbose) {
                log("connection " + id + " from " + peer + " ended: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            log("connection " + id + " from " + peer + " failed: " + e);
        } finally {
            if (tls != null) {
                tls.close();
            }
            closeQuietly(socket);
            open.remove(socket);
            active.decrementAndGet();
        }
    }

    /** What a request handler knows about its connection. */
    static final class Connection {
        final long id;
        final String peer;
        final TlsConnection tls;
        final HandshakeInfo info;
        final OutputStream out;
        int requests;

        Connection(long id, String peer, TlsConnection tls, HandshakeInfo info) {
            this.id = id;
            this.peer = peer;
            this.tls = tls;
            this.info = info;
            this.out = tls.getOutputStream();
        }
    }

    /** Serves requests until the client closes, asks to close, idles too long or errs. */
    private void exchange(Connection c) throws IOException {
        InputStream in = new BufferedInputStream(c.tls.getInputStream(), 16 * 1024);
        while (!closing && c.requests < MAX_REQUESTS_PER_CONNECTION) {
            Http.Head request;
            try {
                request = Http.readHead(in);
            } catch (Http.ProtocolException e) {
                respond(c, "GET", e.status, "text/plain; charset=utf-8", (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8), false);
                return;
            } catch (TlsException e) {
                if (e.error() == TlsError.READ_TIMEOUT) {
                    return; // idle keep-alive connection: close it (close_notify goes out in serve)
                }
                throw e;
            }
            if (request == null) {
                return;
            }
            c.requests++;
            requests.incrementAndGet();
            if (!handle(c, request, in)) {
                return;
            }
        }
    }

    /** Handles one request; returns whether the connection stays open. */
    private boolean handle(Connection c, Http.Head request, InputStream in) throws IOException {
        String[] parts = request.startLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            int status = parts.length == 3 && parts[2].startsWith("HTTP/") ? 505 : 400;
            respond(c, "GET", status, "text/plain; charset=utf-8", "bad request line\n".getBytes(StandardCharsets.UTF_8), false);
            return false;
        }
        String method = parts[0];
        String target = parts[1];
        boolean http10 = "HTTP/1.0".equals(parts[2]);
        boolean keepAlive = http10 ? request.hasToken("Connection", "keep-alive") : !request.hasToken("Connection", "close");
        if (request.chunked() && request.header("Content-Length") != null) {
            respond(c, method, 400, "text/plain; charset=utf-8", "both Content-Length and chunked\n".getBytes(StandardCharsets.UTF_8), false);
            return false;
        }
        String path = target;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        boolean head = "HEAD".equals(method);
        boolean get = "GET".equals(method) || head;

        if ("/echo".equals(path)) {
            if (!"POST".equals(method) && !"PUT".equals(method)) {
                drainBody(c, request, in);
                return respondAllow(c, method, "POST, PUT", keepAlive);
            }
            if (request.hasToken("Expect", "100-continue")) {
                c.out.write(("HTTP/1.1 100 Continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            byte[] body;
            try {
                body = Http.readBody(in, request, MAX_BODY, false);
            } catch (Http.ProtocolException e) {
                respond(c, method, e.status, "text/plain; charset=utf-8", (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8), false);
                return false;
            }
            String type = request.header("Content-Type");
            respond(c, method, 200, type == null ? "application/octet-stream" : type, body, keepAlive);
            return keepAlive;
        }

        // everything below has no request body; read and drop one if a client sent it anyway
        if (!drainBody(c, request, in)) {
            return false;
        }
        if ("/status.json".equals(path)) {
            return get ? respond(c, method, 200, "application/json", StatusPage.json(c).getBytes(StandardCharsets.UTF_8), keepAlive)
                    : respondAllow(c, method, "GET, HEAD", keepAlive);
        }
        if ("/".equals(path) && (wwwRoot == null || !Files.isRegularFile(wwwRoot.resolve("index.html")))) {
            return get ? respond(c, method, 200, "text/html; charset=utf-8", StatusPage.html(c).getBytes(StandardCharsets.UTF_8), keepAlive)
                    : respondAllow(c, method, "GET, HEAD", keepAlive);
        }
        if (wwwRoot != null && get) {
            Path file = resolve(path);
            if (file != null) {
                return sendFile(c, method, file, keepAlive);
            }
        }
        return respond(c, method, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8), keepAlive);
    }

    /** Reads and drops a request body nobody wants; false (and a 413) when it is too large. */
    private boolean drainBody(Connection c, Http.Head request, InputStream in) throws IOException {
        try {
            Http.copyBody(in, request, OutputStream.nullOutputStream(), MAX_BODY, false);
            return true;
        } catch (Http.ProtocolException e) {
            respond(c, "GET", e.status, "text/plain; charset=utf-8", (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8), false);
            return false;
        }
    }

    /**
     * The file under --www for a URL path, or null: percent-decoded, resolved, normalized and checked
     * to stay inside the root (also after following symbolic links), so /../ cannot escape it.
     */
    Path resolve(String urlPath) {
        String decoded;
        try {
            decoded = URLDecoder.decode(urlPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!decoded.startsWith("/") || decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
            return null;
        }
        Path candidate;
        try {
            candidate = wwwRoot.resolve(decoded.substring(1)).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        if (!candidate.startsWith(wwwRoot)) {
            return null;
        }
        if (Files.isDirectory(candidate)) {
            candidate = candidate.resolve("index.html");
        }
        if (!Files.isRegularFile(candidate)) {
            return null;
        }
        try {
            Path real = candidate.toRealPath();
            return real.startsWith(wwwRoot) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    private boolean sendFile(Connection c, String method, Path file, boolean keepAlive) throws IOException {
        long size;
        InputStream data;
        try {
            size = Files.size(file);
            data = Files.newInputStream(file);
        } catch (IOException e) {
            return respond(c, method, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8), keepAlive);
        }
        try (data) {
            writeHead(c, 200, contentType(file), size, keepAlive, null);
            if (!"HEAD".equals(method)) {
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = data.read(buffer)) > 0) {
                    c.out.write(buffer, 0, n);
                }
            }
        }
        return keepAlive;
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private boolean respondAllow(Connection c, String method, String allow, boolean keepAlive) throws IOException {
        byte[] body = ("method " + method + " is not allowed here; use " + allow + "\n").getBytes(StandardCharsets.UTF_8);
        writeHead(c, 405, "text/plain; charset=utf-8", body.length, keepAlive, "Allow: " + allow);
        if (!"HEAD".equals(method)) {
            c.out.write(body);
        }
        return keepAlive;
    }

    /** Writes a whole response in one go (one TLS record when it fits); returns keepAlive. */
    private boolean respond(Connection c, String method, int status, String type, byte[] body, boolean keepAlive) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream(body.length + 256);
        all.write(head(status, type, body.length, keepAlive, null));
        if (!"HEAD".equals(method)) {
            all.write(body);
        }
        c.out.write(all.toByteArray());
        return keepAlive;
    }

    private void writeHead(Connection c, int status, String type, long length, boolean keepAlive, String extra) throws IOException {
        c.out.write(head(status, type, length, keepAlive, extra));
    }

    private byte[] head(int status, String type, long length, boolean keepAlive, String extra) {
        StringBuilder h = new StringBuilder(200);
        h.append("HTTP/1.1 ").append(status).append(' ').append(Http.reason(status)).append("\r\n");
        h.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        h.append("Server: ").append(serverHeader).append("\r\n");
        h.append("Content-Type: ").append(type).append("\r\n");
        h.append("Content-Length: ").append(length).append("\r\n");
        h.append("Cache-Control: no-store\r\n");
        h.append("X-Content-Type-Options: nosniff\r\n");
        if (extra != null) {
            h.append(extra).append("\r\n");
        }
        h.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        return h.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void log(String message) {
        PrintStream log = settings.log;
        synchronized (log) {
            log.println("tlskit server: " + Cli.oneLine(message));
            log.flush();
        }
    }

    private static String peer(Socket socket) {
        InetAddress a = socket.getInetAddress();
        String host = a == null ? "?" : a.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + socket.getPort();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
