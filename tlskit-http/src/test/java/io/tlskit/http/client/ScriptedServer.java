package io.tlskit.http.client;

import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TLS server on 127.0.0.1 that answers each request path with raw response bytes chosen by the
 * test, to give the client every framing: chunked, Content-Length, until close, a cut connection.
 * A response ending in {@link #CUT} has its TCP connection closed without close_notify.
 */
final class ScriptedServer implements AutoCloseable {
    static final String CUT = "<cut>";
    static final String CLOSE = "<close>";

    private final ServerSocket listener;
    private final Map<String, String> responses = new ConcurrentHashMap<>();
    final AtomicInteger connections = new AtomicInteger();
    final CopyOnWriteArrayList<String> requestLines = new CopyOnWriteArrayList<>();

    ScriptedServer(TlsConfig config) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    connections.incrementAndGet();
                    Thread w = new Thread(() -> serve(config, s), "scripted-conn");
                    w.setDaemon(true);
                    w.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "scripted-server");
        t.setDaemon(true);
        t.start();
    }

    ScriptedServer on(String path, String rawResponse) {
        responses.put(path, rawResponse);
        return this;
    }

    int port() {
        return listener.getLocalPort();
    }

    private void serve(TlsConfig config, Socket socket) {
        try (socket) {
            TlsConnection tls = TlsConnection.server(config, new SocketTransport(socket));
            BufferedReader in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.ISO_8859_1));
            String line;
            while ((line = in.readLine()) != null) {
                requestLines.add(line);
                String path = line.split(" ")[1];
                long contentLength = 0;
                String header;
                while ((header = in.readLine()) != null && !header.isEmpty()) {
                    if (header.toLowerCase().startsWith("content-length:")) {
                        contentLength = Long.parseLong(header.substring(15).trim());
                    }
                }
                char[] body = new char[(int) contentLength];
                int got = 0;
                while (got < body.length) {
                    got += in.read(body, got, body.length - got);
                }
                String response = responses.getOrDefault(path, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    .replace("$BODY", new String(body));
                boolean cut = response.endsWith(CUT);
                boolean close = response.endsWith(CLOSE);
                String bytes = cut ? response.substring(0, response.length() - CUT.length())
                    : close ? response.substring(0, response.length() - CLOSE.length()) : response;
                tls.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
                if (cut) {
                    return;          // TCP closes without close_notify
                }
                if (close) {
                    tls.close();
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
