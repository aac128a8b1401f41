package io.tlskit.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raw TCP connection to a TLS server: sends hand-made bytes and reads the records that come back,
 * to the first handshake record or to the close. Every read is bounded.
 */
final class RawConnection implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private byte[] pending = new byte[0];
    private boolean eof;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    static RawConnection open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) WAIT.toMillis());
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.setTcpNoDelay(true);
        return new RawConnection(socket);
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Half-closes our side: the server reads end of stream. */
    void finish() throws IOException {
        socket.shutdownOutput();
    }

    /** What the server answered, up to its first handshake record, or everything up to its close. */
    Reply readReply() throws IOException {
        List<Wire.Record> records = new ArrayList<>();
        while (true) {
            records.addAll(takeRecords());
            if (!records.isEmpty() && records.get(0).type() == Wire.HANDSHAKE) {
                return new Reply(records, false);
            }
            if (eof) {
                return new Reply(records, true);
            }
            if (!fill()) {
                return new Reply(records, false);
            }
        }
    }

    /** Reads records until one carries a handshake message of {@code type} (or the server closes). */
    List<Wire.Record> readUntilHandshake(int type) throws IOException {
        List<Wire.Record> records = new ArrayList<>();
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        while (true) {
            for (Wire.Record r : takeRecords()) {
                records.add(r);
                if (r.type() == Wire.HANDSHAKE) {
                    handshake.write(r.fragment(), 0, r.fragment().length);
                    if (containsMessage(handshake.toByteArray(), type)) {
                        return records;
                    }
                }
                if (r.type() == Wire.ALERT) {
                    return records;
                }
            }
            if (eof || !fill()) {
                return records;
            }
        }
    }

    /** After our last flight: the records the server still sends, and whether it then closed. */
    Reply readToClose() throws IOException {
        List<Wire.Record> records = new ArrayList<>();
        while (!eof) {
            records.addAll(takeRecords());
            if (!fill()) {
                return new Reply(records, false);
            }
        }
        records.addAll(takeRecords());
        return new Reply(records, true);
    }

    private static boolean containsMessage(byte[] stream, int type) {
        int off = 0;
        while (stream.length - off >= 4) {
            int len = ((stream[off + 1] & 0xff) << 16) | ((stream[off + 2] & 0xff) << 8) | (stream[off + 3] & 0xff);
            if ((stream[off] & 0xff) == type) {
                return true;
            }
            off += 4 + len;
        }
        return false;
    }

    private List<Wire.Record> takeRecords() {
        int[] consumed = new int[1];
        List<Wire.Record> records = Wire.parse(pending, consumed);
        pending = Arrays.copyOfRange(pending, consumed[0], pending.length);
        return records;
    }

    /** Reads more bytes; false when the wait passed with the connection still open. */
    private boolean fill() throws IOException {
        byte[] buffer = new byte[16384];
        int n;
        try {
            n = in.read(buffer);
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            n = -1; // a reset after the alert is as good as a close
        }
        if (n < 0) {
            eof = true;
            return true;
        }
        byte[] joined = Arrays.copyOf(pending, pending.length + n);
        System.arraycopy(buffer, 0, joined, pending.length, n);
        pending = joined;
        return true;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The server's answer. */
    record Reply(List<Wire.Record> records, boolean closed) {
        @Override
        public String toString() {
            return records + (closed ? " then close" : " (still open)");
        }
    }
}
