package io.tlskit;

import java.io.IOException;

/**
 * A {@link Transport} made of two callbacks, for links tlskit cannot see: a cellular modem's
 * AT-command socket over a UART, a USB bridge, a message bus. The mbedtls_ssl_set_bio shape.
 */
public final class CallbackTransport implements Transport {
    /** Sends bytes to the peer; blocks until they are accepted by the link. */
    @FunctionalInterface
    public interface Sender {
        void send(byte[] data, int offset, int length) throws IOException;
    }

    /**
     * Receives up to {@code length} bytes, waiting at most {@code timeoutMillis} (0: forever).
     * Returns the count, 0 on timeout, -1 when the link is closed.
     */
    @FunctionalInterface
    public interface Receiver {
        int receive(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException;
    }

    private final Sender sender;
    private final Receiver receiver;
    private final Runnable onClose;
    private final String name;

    public CallbackTransport(String name, Sender sender, Receiver receiver, Runnable onClose) {
        this.name = name;
        this.sender = sender;
        this.receiver = receiver;
        this.onClose = onClose;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
        int n = receiver.receive(buffer, offset, length, timeoutMillis);
        if (n == 0) {
            throw new java.net.SocketTimeoutException("no data from " + name + " within " + timeoutMillis + " ms");
        }
        return n;
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        sender.send(data, offset, length);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        if (onClose != null) {
            onClose.run();
        }
    }
}
