package io.tlskit;

/** How a client treats the server's certificate (mbedTLS authmode). */
public enum VerifyMode {
    /** The handshake fails when verification fails (the default). */
    REQUIRED,
    /** The handshake completes; the result is in {@link HandshakeInfo#verifyResult()}. */
    OPTIONAL,
    /** No verification; for tests and PSK-only links. */
    NONE;

    public static VerifyMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("unknown verify mode '" + text + "': use required, optional or none");
        }
    }
}
