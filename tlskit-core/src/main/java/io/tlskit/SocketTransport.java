package io.tlskit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A TCP socket as a {@link Transport}. */
public final class SocketTransport implements Transport {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int currentTimeout = -1;

    public SocketTransport(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        socket.setTcpNoDelay(true);
    }

    /** Connects to host:port, failing after the timeout with a sentence naming the address. */
    public static SocketTransport connect(String host, int port, Duration timeout) throws TlsException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new SocketTransport(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            throw new TlsException(TlsError.IO_ERROR, "cannot connect to " + host + ":" + port + ": " + e.getMessage()
                + " (is the server running and listening on that address?)", e);
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
        if (timeoutMillis != currentTimeout) {
            socket.setSoTimeout(timeoutMillis);
            currentTimeout = timeoutMillis;
        }
        return in.read(buffer, offset, length);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        out.write(data, offset, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public String describe() {
        return String.valueOf(socket.getRemoteSocketAddress()).replaceFirst("^[^/]*/", "");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
