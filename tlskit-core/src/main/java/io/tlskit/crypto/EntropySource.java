package io.tlskit.crypto;

/**
 * Somewhere unpredictable bytes come from: the operating system, a hardware TRNG, a noisy sensor.
 * The equivalent of a source given to mbedTLS's {@code mbedtls_entropy_add_source}. Sources are
 * combined in an {@link EntropyPool}; {@link EntropySources} makes the common ones.
 *
 * <p>Implementations need not be thread-safe: the pool calls {@link #fill(byte[])} under its lock.
 */
public interface EntropySource {

    /** A short name for people, used in error messages ("system", "trng0", ...). */
    String name();

    /**
     * Whether this source alone delivers full entropy (each output bit is unpredictable), so that
     * the pool may seed a DRBG from it. A pool needs at least one strong source; weak sources (a
     * clock, ADC noise) only add to it.
     */
    boolean isStrong();

    /**
     * The source's assessed min-entropy per output byte, in bits (0.5 to 8): what the SP 800-90B
     * health tests' cutoffs are computed from. A strong (conditioned, full-entropy) source claims 8;
     * a weak one defaults to 1, which makes its tests correspondingly lenient.
     */
    default double entropyPerByte() {
        return isStrong() ? 8 : 1;
    }

    /**
     * Fills {@code out} completely with fresh output.
     *
     * @throws EntropyException (or another {@link IllegalStateException}) if the source cannot
     *     deliver; the pool then refuses to produce seed material and names this source
     */
    void fill(byte[] out);
}
