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
     * Fills {@code out} completely with fresh output.
     *
     * @throws EntropyException (or another {@link IllegalStateException}) if the source cannot
     *     deliver; the pool then refuses to produce seed material and names this source
     */
    void fill(byte[] out);
}
