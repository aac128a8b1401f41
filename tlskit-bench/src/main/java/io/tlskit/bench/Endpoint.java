package io.tlskit.bench;

/**
 * One side of an in-memory TLS connection, whatever the implementation. Each method is what a
 * user of that implementation would call on the data path, with caller-owned buffers, so the
 * benchmarks add no copies of their own beyond those the implementation's API requires.
 */
public interface Endpoint {
    /** What a driver does when the connection goes quiet (tlskit: give back burst buffers). */
    default void goIdle() {
    }

    /** Copies records waiting to be sent (handshake flights, alerts) into {@code wire}; returns the count, 0 if none. */
    int flush(byte[] wire, int off, int len) throws Exception;

    /**
     * Feeds bytes from the peer. Decrypted application data goes into {@code sink} (may be null
     * while handshaking); returns how many plaintext bytes were placed there. Bytes of an
     * incomplete record are kept until the rest arrives.
     */
    int receive(byte[] wire, int off, int len, byte[] sink, int sinkOff) throws Exception;

    /** Encrypts {@code len} bytes of application data and places the resulting records in {@code wire}; returns the wire length. */
    int seal(byte[] data, int off, int len, byte[] wire, int wireOff) throws Exception;

    /** The handshake completed (application data may flow). */
    boolean established();

    /** Input this endpoint kept back (partial record, or records it could not process yet). */
    boolean hasBufferedInput();

    /** What the implementation reports: "TLSv1.3 TLS_AES_128_GCM_SHA256", and " resumed" where it can tell. */
    String describe();
}
