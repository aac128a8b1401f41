package io.tlskit;

/**
 * Stable error codes. Programs switch on these; people read the exception message, which names
 * the cause and the fix. Codes never change meaning once released.
 */
public enum TlsError {
    // configuration and credentials (thrown from build() and the loaders)
    CONFIG_INVALID,
    MALFORMED_PEM,
    KEY_PASSWORD_REQUIRED,
    KEY_PASSWORD_WRONG,
    KEY_CERT_MISMATCH,
    UNSUPPORTED_KEY,
    UNKNOWN_CIPHER_SUITE,
    FILE_UNREADABLE,

    // peer verification (PAL order of the flags lives in VerifyFlag)
    CERT_VERIFY_FAILED,
    CERT_UNKNOWN_CA,
    CERT_EXPIRED,
    CERT_NOT_YET_VALID,
    CERT_HOSTNAME_MISMATCH,
    CERT_WEAK_SIGNATURE,
    CERT_WEAK_KEY,
    CERT_BAD_KEY_TYPE,
    CLIENT_CERT_REQUIRED,

    // handshake negotiation
    NO_COMMON_CIPHER_SUITE,
    NO_COMMON_PROTOCOL,
    PSK_IDENTITY_UNKNOWN,
    PSK_KEY_MISMATCH,
    HANDSHAKE_FAILED,
    HANDSHAKE_TIMEOUT,
    PEER_ALERT,

    // connection lifetime
    PROTOCOL_ERROR,
    PEER_CLOSED_DURING_HANDSHAKE,
    TRUNCATED,
    CLOSED,
    READ_TIMEOUT,
    IO_ERROR,
    INTERNAL
}
