package io.tlskit.pal;

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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * tlskit's own stand-in for the PAL test server (the Pelion bootstrap server answering a CoAP ping):
 * 127.0.0.1, a thread per connection, and every line answered with "pong LINE". Records
 * handshakes and failures; stopped by close().
 */
final class PalServer implements AutoCloseable {
    private final TlsConfig config;
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final List<HandshakeInfo> handshakes = new CopyOnWriteArrayList<>();
    final List<TlsException> failures = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    PalServer(TlsConfig config) throws IOException {
        this.config = config;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "pal-server-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                Thread worker = new Thread(() -> serve(socket), "pal-server-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (TlsConnection tls = TlsConnection.server(config, new SocketTransport(socket))) {
            try {
                handshakes.add(tls.handshake());
            } catch (TlsException e) {
                failures.add(e);
                return;
            }
            tls.readTimeout(Duration.ofSeconds(20));
            BufferedReader in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                tls.write(("pong " + line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the client went away; the test asserts on what it saw
        } finally {
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
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
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to release
            }
        }
    }
}
