package io.tlskit;

import java.io.Closeable;
import java.io.IOException;

/**
 * A byte stream to the peer: TCP, a serial line, a modem's AT socket, memory. This is the
 * equivalent of the send/recv callbacks given to mbedtls_ssl_set_bio. Implementations need not be
 * thread-safe for concurrent reads or concurrent writes; one reader and one writer may run at once.
 */
public interface Transport extends Closeable {
    /**
     * Reads at least one byte, waiting at most {@code timeoutMillis} (0 waits forever). Returns the
     * count, or -1 at end of stream; throws {@link java.net.SocketTimeoutException} on timeout.
     */
    int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException;

    void write(byte[] data, int offset, int length) throws IOException;

    default void flush() throws IOException {
    }

    /** A short description for logs and errors, e.g. "127.0.0.1:8443". */
    String describe();
}
