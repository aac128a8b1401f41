package io.tlskit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;

/** A bounded byte ring with blocking, timed reads. */
final class ByteRing {
    private final byte[] data;
    private int head;
    private int size;
    private boolean closed;

    ByteRing(int capacity) {
        this.data = new byte[capacity];
    }

    synchronized int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (size == 0) {
            if (closed) {
                return -1;
            }
            long waitMillis = timeoutMillis == 0 ? 0 : (deadline - System.nanoTime()) / 1_000_000L;
            if (timeoutMillis != 0 && waitMillis <= 0) {
                throw new SocketTimeoutException("no data within " + timeoutMillis + " ms");
            }
            await(waitMillis);
        }
        int n = Math.min(length, size);
        for (int i = 0; i < n; i++) {
            buffer[offset + i] = data[(head + i) % data.length];
        }
        head = (head + n) % data.length;
        size -= n;
        notifyAll();
        return n;
    }

    synchronized void write(byte[] src, int offset, int length) throws IOException {
        int written = 0;
        while (written < length) {
            if (closed) {
                throw new IOException("memory pipe closed");
            }
            if (size == data.length) {
                await(0);
                continue;
            }
            int tail = (head + size) % data.length;
            data[tail] = src[offset + written];
            size++;
            written++;
            if (size == data.length || written == length) {
                notifyAll();
            }
        }
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void await(long millis) throws InterruptedIOException {
        try {
            wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }
}
