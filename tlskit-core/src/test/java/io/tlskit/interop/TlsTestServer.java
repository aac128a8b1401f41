package io.tlskit.interop;

import io.tlskit.HandshakeInfo;
import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A tlskit server for real clients (openssl s_client, gnutls-cli): a ServerSocket on 127.0.0.1, a
 * thread per connection running {@link TlsConnection#server}, then a line protocol: every line the
 * client sends comes back prefixed by a marker naming what the handshake agreed on, e.g.
 * {@code [tlskit TLSv1.2 TLS_PSK_WITH_AES_128_CCM_8 New peer=- mfl=-] ping}.
 *
 * <p>Every completed handshake and every handshake failure is recorded for the test to assert on;
 * a failed connection never stops the accept loop. {@link #close()} stops everything.
 */
final class TlsTestServer implements AutoCloseable {
    private static final Duration CONNECTION_READ_TIMEOUT = Duration.ofSeconds(15);

    private final Supplier<TlsConfig> config;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Completed handshakes, in completion order. */
    final List<HandshakeInfo> handshakes = new CopyOnWriteArrayList<>();
    /** Handshake failures, in order. */
    final List<TlsException> failures = new CopyOnWriteArrayList<>();
    /** Errors after a completed handshake (e.g. a client that disappears without close_notify). */
    final List<IOException> afterHandshakeErrors = new CopyOnWriteArrayList<>();
    /** Every application line received, from all connections. */
    final List<String> received = new CopyOnWriteArrayList<>();

    private TlsTestServer(Supplier<TlsConfig> config) throws IOException {
        this.config = config;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tls-test-server-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static TlsTestServer start(TlsConfig config) throws IOException {
        return new TlsTestServer(() -> config);
    }

    /** A server whose config may change between connections (e.g. to drop its session cache). */
    static TlsTestServer start(Supplier<TlsConfig> config) throws IOException {
        return new TlsTestServer(config);
    }

    int port() {
        return listener.getLocalPort();
    }

    static String marker(HandshakeInfo info) {
        return "[tlskit " + info.version().displayName() + " " + info.cipherSuite() + " " + (info.resumed() ? "Reused" : "New")
            + " peer=" + info.peerCertificate().map(c -> c.getSubjectX500Principal().getName()).orElse("-")
            + " mfl=" + info.maxFragmentLength().map(String::valueOf).orElse("-") + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(socket);
            Thread worker = new Thread(() -> serve(socket), acceptor.getName() + "-conn");
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    private void serve(Socket socket) {
        try (TlsConnection connection = TlsConnection.server(config.get(), new SocketTransport(socket))) {
            HandshakeInfo info;
            try {
                info = connection.handshake();
            } catch (TlsException e) {
                failures.add(e);
                return;
            }
            handshakes.add(info);
            connection.readTimeout(CONNECTION_READ_TIMEOUT);
            String marker = marker(info);
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                connection.write((marker + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            if (!closed) {
                afterHandshakeErrors.add(e);
            }
        } finally {
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** Waits until at least {@code n} handshakes completed; returns them. */
    List<HandshakeInfo> awaitHandshakes(int n, Duration timeout) throws InterruptedException {
        awaitSize(handshakes, n, timeout, "handshakes");
        return new ArrayList<>(handshakes);
    }

    /** Waits until at least {@code n} handshakes failed; returns the failures. */
    List<TlsException> awaitFailures(int n, Duration timeout) throws InterruptedException {
        awaitSize(failures, n, timeout, "handshake failures");
        return new ArrayList<>(failures);
    }

    private void awaitSize(List<?> list, int n, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (list.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " " + what + " within " + timeout + " but saw " + list.size()
                    + "; handshakes=" + handshakes.size() + " failures=" + failures + " afterHandshakeErrors=" + afterHandshakeErrors);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // nothing to release
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to release
            }
        }
        try {
            acceptor.join(2000);
            for (Thread worker : workers) {
                worker.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TlsTestServer[127.0.0.1:" + port() + ", handshakes=" + handshakes.size() + ", failures=" + failures + "]";
    }
}
