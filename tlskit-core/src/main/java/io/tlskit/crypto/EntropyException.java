package io.tlskit.crypto;

import java.util.Optional;

/**
 * Seed material could not be produced: no strong entropy source, or a source failed. The
 * equivalent of mbedTLS's {@code MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED}. Nothing that needs
 * randomness (keys, nonces, handshakes) can continue; the message names the source and the fix.
 */
public class EntropyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String sourceName;

    public EntropyException(String message) {
        this(null, message, null);
    }

    public EntropyException(String sourceName, String message, Throwable cause) {
        super(message, cause);
        this.sourceName = sourceName;
    }

    /** The name of the source that failed, if one did (empty when the pool has no strong source). */
    public Optional<String> sourceName() {
        return Optional.ofNullable(sourceName);
    }
}
