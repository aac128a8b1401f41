package io.tlskit.http;

import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/** Shared pieces of the tlskit-http tests. */
final class HttpTesting {
    static final TestPki PKI = TestPki.INSTANCE;
    static final Duration DEADLINE = Duration.ofSeconds(15);

    private HttpTesting() {
    }

    static TlsConfig.Builder serverConfig() {
        return TlsConfig.server().credentials(PKI.serverEcCredentials());
    }

    static TlsConfig clientConfig() {
        return TlsConfig.client().trustAnchors(PKI.trust()).serverName("localhost").build();
    }

    static String pki(String file) {
        return PKI.files().resolve(file).toString();
    }

    /** A server on 127.0.0.1 with an access log that the test can read. */
    static final class Started implements AutoCloseable {
        final HttpsServer server;
        final int port;
        final BlockingQueue<AccessLogEntry> log = new LinkedBlockingQueue<>();

        Started(HttpsServer.Builder builder) throws IOException {
            builder.bind("127.0.0.1", 0).accessLog(e -> {
                log.add(e);
                AccessLogEntry.log(e);
            });
            this.server = builder.build();
            this.port = server.start();
        }

        String url(String path) {
            return "https://localhost:" + port + path;
        }

        /** curl with the test CA and --resolve localhost; returns exit code and output (stdout then stderr). */
        PeerProcess.Result curl(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(Peers.require("curl").toString(), "-sS", "--cacert", pki("ca.pem"),
                "--resolve", "localhost:" + port + ":127.0.0.1", "--max-time", "10"));
            command.addAll(Arrays.asList(args));
            return PeerProcess.run(DEADLINE, command.toArray(new String[0]));
        }

        @Override
        public void close() {
            server.shutdownGracefully(Duration.ofMillis(200));
        }
    }

    /** A parsed HTTP/1.1 response. */
    static final class Response {
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body = new byte[0];

        Response(int status) {
            this.status = status;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }

    /** Reads one response (Content-Length framed; for HEAD no body), skipping 1xx responses unless asked. */
    static Response readResponse(InputStream in, boolean headRequest) throws IOException {
        while (true) {
            String statusLine = readLine(in);
            if (statusLine == null) {
                return null;
            }
            String[] parts = statusLine.split(" ", 3);
            Response r = new Response(Integer.parseInt(parts[1]));
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                int colon = line.indexOf(':');
                r.headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            if (r.status < 200) {
                continue;
            }
            String length = r.header("Content-Length");
            if (!headRequest && length != null) {
                r.body = in.readNBytes(Integer.parseInt(length));
            }
            return r;
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new IOException("connection closed in the middle of a line: " + line.toString(StandardCharsets.ISO_8859_1));
    }

    static TlsConnection connect(int port) throws IOException {
        TlsConnection c = TlsConnection.connect(clientConfig(), "127.0.0.1", port);
        c.readTimeout(DEADLINE);
        return c;
    }

    static void send(TlsConnection c, String text) throws IOException {
        c.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads until the server closes (or the read timeout): -1 from read, or an exception. */
    static boolean closedByServer(TlsConnection c, Duration within) {
        c.readTimeout(within);
        byte[] buf = new byte[4096];
        try {
            while (c.read(buf, 0, buf.length) >= 0) {
                // drain
            }
            return true;
        } catch (TlsException e) {
            return e.error() != TlsError.READ_TIMEOUT; // a reset or a truncation also ends the connection
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }
}
