package io.tlskit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An input/output stream pair as a {@link Transport}: a serial port, a process's stdio, a pipe.
 * Streams cannot time out a read, so a daemon thread pumps the input into a buffer that can.
 */
public final class StreamTransport implements Transport {
    private final String name;
    private final InputStream in;
    private final OutputStream out;
    private final ByteRing received = new ByteRing(16 * 1024 + 512);

    public StreamTransport(String name, InputStream in, OutputStream out) {
        this.name = name;
        this.in = in;
        this.out = out;
        Thread pump = new Thread(this::pump, "tlskit-stream-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    private void pump() {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the stream failed or was closed: readers see end of stream
        } finally {
            received.close();
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
        return received.read(buffer, offset, length, timeoutMillis);
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
        return name;
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            in.close();
            received.close();
        }
    }
}
