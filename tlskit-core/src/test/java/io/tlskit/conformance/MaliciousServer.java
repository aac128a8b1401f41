package io.tlskit.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A raw TLS "server" on 127.0.0.1 for one client: it reads each ClientHello, answers with scripted
 * bytes, and records everything the client sends until it closes. It never does cryptography, so
 * its answers stop where encryption would start (the TLS 1.2 server flight is all plaintext).
 */
final class MaliciousServer implements AutoCloseable {
    private final ServerSocket listener;
    private final CompletableFuture<List<Wire.Record>> received = new CompletableFuture<>();

    /** What the server sends back for one ClientHello (the handshake message, header included). */
    interface Answer {
        byte[] to(byte[] clientHello);

        static Answer of(byte[] bytes) {
            return hello -> bytes;
        }
    }

    /** The answers to the first, second, ... ClientHello. */
    private MaliciousServer(List<Answer> answers) throws IOException {
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> serve(answers), "malicious-server-" + listener.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    static MaliciousServer answering(List<Answer> answers) throws IOException {
        return new MaliciousServer(answers);
    }

    /** The legacy_session_id of a ClientHello message, which a TLS 1.3 server echoes. */
    static byte[] sessionId(byte[] clientHello) {
        int off = 4 + 2 + 32;
        return Arrays.copyOfRange(clientHello, off + 1, off + 1 + (clientHello[off] & 0xff));
    }

    int port() {
        return listener.getLocalPort();
    }

    private void serve(List<Answer> answers) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout((int) RawConnection.WAIT.toMillis());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            List<Wire.Record> records = new ArrayList<>();
            byte[] pending = new byte[0];
            int hellos = 0;
            byte[] buffer = new byte[16384];
            while (true) {
                int[] consumed = new int[1];
                List<Wire.Record> more = Wire.parse(pending, consumed);
                pending = Arrays.copyOfRange(pending, consumed[0], pending.length);
                for (Wire.Record r : more) {
                    records.add(r);
                    if (r.handshakeType() == 1 && hellos < answers.size()) {
                        out.write(answers.get(hellos++).to(r.fragment()));
                        out.flush();
                    }
                }
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException stillOpen) {
                    break;
                } catch (IOException reset) {
                    n = -1;
                }
                if (n < 0) {
                    break;
                }
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                joined.write(pending, 0, pending.length);
                joined.write(buffer, 0, n);
                pending = joined.toByteArray();
            }
            received.complete(records);
        } catch (IOException | RuntimeException e) {
            received.completeExceptionally(e);
        }
    }

    /** Every record the client sent (its ClientHellos, then whatever ended the connection). */
    List<Wire.Record> clientRecords() throws Exception {
        return received.get(2 * RawConnection.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
