package io.tlskit.bench.load;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The "JDK SSLServerSocket" column of {@code scripts/bench-perf} (issue 16): the JDK's own blocking TLS
 * server socket (SunJSSE), one platform thread per connection, the same tiny HTTP/1.1 responder as
 * {@code bench/native}'s servers: {@code GET /big} streams {@code --big} in 16 KiB writes (one TLS record
 * each), any other request gets a 13-byte text response, with keep-alive. Listens on 127.0.0.1 only.
 * Key-exchange groups come from the JDK's {@code -Djdk.tls.namedGroups} (the script sets secp256r1).
 *
 * <pre>
 * java -Djdk.tls.namedGroups=secp256r1 -cp tlskit-benchmarks.jar io.tlskit.bench.load.JdkSslServerSocketServer \
 *     --cert server.pem --key server.key --port 8443 [--big FILE] [--tls 1.2,1.3]
 * </pre>
 *
 * Prints {@code listening on https://127.0.0.1:PORT/} once bound; stops on SIGTERM.
 */
public final class JdkSslServerSocketServer {
    private static final int RECORD = 16 * 1024;
    private static final int MAX_HEAD = 8 * 1024;
    private static final byte[] SMALL = ("HTTP/1.1 200 OK\r\nServer: jdk-sslserversocket\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n\r\nhello, world\n").getBytes(StandardCharsets.US_ASCII);

    private JdkSslServerSocketServer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = JdkTlsNettyServer.parse(args);
        String cert = JdkTlsNettyServer.required(opts, "--cert");
        String key = JdkTlsNettyServer.required(opts, "--key");
        int port = Integer.parseInt(JdkTlsNettyServer.required(opts, "--port"));
        Path big = opts.containsKey("--big") ? Path.of(opts.get("--big")) : null;
        String[] protocols = Stream.of(opts.getOrDefault("--tls", "1.2,1.3").split(","))
                .map(v -> "TLSv" + v.trim()).toArray(String[]::new);

        // Netty's builder only parses the PEM files; the SSLContext is the JDK's own
        SSLContext context = ((JdkSslContext) SslContextBuilder.forServer(new java.io.File(cert), new java.io.File(key))
                .sslProvider(SslProvider.JDK).build()).context();
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.setEnabledProtocols(protocols);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(server), "jdk-sslserversocket-stop"));
        System.out.println("JdkSslServerSocketServer (" + String.join("+", protocols) + ") listening on https://127.0.0.1:"
                + server.getLocalPort() + "/");
        System.out.flush();
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    break;
                }
                continue;
            }
            socket.setTcpNoDelay(true);
            Thread t = new Thread(() -> serve(socket, big), "conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Answers requests on one connection until the client closes it. */
    private static void serve(Socket socket, Path big) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 2048);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder();
            while (readHead(in, head)) {
                String text = head.toString();
                boolean close = text.toLowerCase(Locale.ROOT).contains("\nconnection: close");
                if (big != null && text.startsWith("GET /big ")) {
                    sendFile(out, big, close);
                } else {
                    out.write(SMALL);
                    out.flush();
                }
                if (close) {
                    break;
                }
            }
        } catch (IOException e) {
            // handshake failure, reset: the connection ends, the server goes on
        }
    }

    /** Reads one request head (up to the empty line); false at the end of the stream. */
    private static boolean readHead(InputStream in, StringBuilder head) throws IOException {
        head.setLength(0);
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            int n = head.length();
            if (n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'
                    && head.charAt(n - 4) == '\r') {
                return true;
            }
            if (n > MAX_HEAD) {
                throw new IOException("request head over 8 KiB");
            }
        }
        return false;
    }

    private static void sendFile(OutputStream out, Path file, boolean close) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            out.write(("HTTP/1.1 200 OK\r\nServer: jdk-sslserversocket\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + size + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[RECORD];
            ByteBuffer buf = ByteBuffer.wrap(chunk);
            long sent = 0;
            while (sent < size) {
                buf.clear();
                int n = ch.read(buf, sent);
                if (n <= 0) {
                    break;
                }
                out.write(chunk, 0, n);
                sent += n;
            }
            out.flush();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
    }
}
