package io.tlskit.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.HandshakeInfo;
import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.testing.Peers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP TLS server on 127.0.0.1 for bad-input and conformance tests: one thread per connection, handshake,
 * then echo lines. It records every {@link TlsException} (code + message) and every completed
 * {@link HandshakeInfo}, so a test can check what the operator would read in the server log and
 * that the same server then still serves a good client. Every wait is bounded.
 */
public final class ServingServer implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** One failed connection as the server saw it. */
    public record Failure(TlsError error, String message, TlsException exception, long millisAfterAccept) {
        @Override
        public String toString() {
            return error + ": " + message;
        }
    }

    private final TlsConfig config;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Failure> newFailures = new LinkedBlockingQueue<>();
    private final BlockingQueue<HandshakeInfo> newHandshakes = new LinkedBlockingQueue<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final List<HandshakeInfo> handshakes = new CopyOnWriteArrayList<>();
    private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger echoed = new AtomicInteger();
    private volatile boolean closed;

    private ServingServer(TlsConfig config) throws IOException {
        this.config = config;
        ServerSocket socket = null;
        for (int attempt = 0; socket == null; attempt++) {
            ServerSocket candidate = new ServerSocket();
            try {
                candidate.setReuseAddress(true);
                candidate.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Peers.freePort()), 50);
                socket = candidate;
            } catch (IOException taken) { // another process took the port between freePort() and bind()
                candidate.close();
                if (attempt > 5) {
                    throw taken;
                }
            }
        }
        this.listener = socket;
        this.acceptor = new Thread(this::acceptLoop, "serving-server-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ServingServer start(TlsConfig config) throws IOException {
        return new ServingServer(config);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public TlsConfig config() {
        return config;
    }

    private void acceptLoop() {
        int n = 0;
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    unexpected.add(e);
                }
                return;
            }
            open.add(socket);
            Thread worker = new Thread(() -> serve(socket), "serving-conn-" + port() + "-" + (++n));
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    private void serve(Socket socket) {
        long accepted = System.nanoTime();
        TlsConnection connection = null;
        try {
            connection = TlsConnection.server(config, new SocketTransport(socket));
            HandshakeInfo info = connection.handshake();
            handshakes.add(info);
            newHandshakes.add(info);
            connection.readTimeout(WAIT);
            BufferedReader lines = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null) {
                connection.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                echoed.incrementAndGet();
            }
        } catch (TlsException e) {
            if (!closed) {
                Failure failure = new Failure(e.error(), e.getMessage(), e, (System.nanoTime() - accepted) / 1_000_000L);
                failures.add(failure);
                newFailures.add(failure);
            }
        } catch (IOException | RuntimeException | Error e) {
            // BufferedReader wraps nothing, so anything else is a bug in the server or in tlskit
            if (!closed) {
                unexpected.add(e);
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
            open.remove(socket);
        }
    }

    /** The next failure the server recorded (each is returned once); fails the test after the wait. */
    public Failure awaitFailure() throws InterruptedException {
        Failure f = newFailures.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (f == null) {
            throw new AssertionError("the server recorded no failure within " + WAIT + "; handshakes: " + handshakes
                + ", unexpected: " + unexpected);
        }
        return f;
    }

    /** The next completed handshake (each is returned once). */
    public HandshakeInfo awaitHandshake() throws InterruptedException {
        HandshakeInfo info = newHandshakes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (info == null) {
            throw new AssertionError("the server completed no handshake within " + WAIT + "; failures: " + failures
                + ", unexpected: " + unexpected);
        }
        return info;
    }

    public List<Failure> failures() {
        return new ArrayList<>(failures);
    }

    public List<Throwable> unexpected() {
        return new ArrayList<>(unexpected);
    }

    /** Opens TCP to this server and returns a client connection (not yet handshaken). */
    public TlsConnection client(TlsConfig clientConfig, String serverName) throws IOException {
        SocketTransport transport = SocketTransport.connect("127.0.0.1", port(), WAIT);
        return TlsConnection.client(clientConfig, transport, serverName);
    }

    /** Runs a client handshake that must fail, and returns the client's exception. */
    public TlsException clientFailure(TlsConfig clientConfig, String serverName) throws IOException {
        TlsConnection connection = client(clientConfig, serverName);
        try {
            HandshakeInfo info = connection.handshake();
            throw new AssertionError("the client handshake should have failed but completed:\n" + info);
        } catch (TlsException expected) {
            return expected;
        } finally {
            connection.transport().close();
        }
    }

    /**
     * "Keeps serving": a good client completes a handshake on this same server and gets its line
     * echoed; the server records the handshake and no new failure.
     */
    public HandshakeInfo assertServes(TlsConfig goodClient, String serverName) throws Exception {
        int failuresBefore = failures.size();
        HandshakeInfo clientInfo;
        String line = "still serving " + System.nanoTime();
        try (TlsConnection connection = client(goodClient, serverName)) {
            clientInfo = connection.handshake();
            connection.readTimeout(WAIT);
            connection.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).as("echo from the server").isEqualTo(line);
            connection.closeNotify();
        }
        HandshakeInfo serverInfo = awaitHandshake();
        assertThat(serverInfo.cipherSuite()).isEqualTo(clientInfo.cipherSuite());
        assertThat(failures.size()).as("failures recorded while serving a good client: %s", failures).isEqualTo(failuresBefore);
        assertThat(unexpected).as("unexpected server exceptions").isEmpty();
        return clientInfo;
    }

    /** A raw TCP socket to this server, for sending garbage; reads time out after the given wait. */
    public Socket rawSocket(Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port()), (int) WAIT.toMillis());
        socket.setSoTimeout((int) readTimeout.toMillis());
        return socket;
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
                // closing races with the worker; either way it ends
            }
        }
        joinQuietly(acceptor);
        for (Thread worker : workers) {
            joinQuietly(worker);
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
