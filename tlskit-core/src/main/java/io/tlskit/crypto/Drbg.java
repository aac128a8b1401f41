package io.tlskit.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.prng.EntropySource;
import org.bouncycastle.crypto.prng.SP800SecureRandom;
import org.bouncycastle.crypto.prng.SP800SecureRandomBuilder;

/**
 * SP 800-90A CTR_DRBG (AES-256, derivation function, 256-bit security strength) seeded from an
 * {@link EntropyPool}: the equivalent of mbedTLS's {@code mbedtls_ctr_drbg_seed}. BouncyCastle's
 * {@link SP800SecureRandomBuilder} does the DRBG, including reseeding from the pool when its reseed
 * counter runs out; prediction resistance is off (as in mbedTLS's default), so the pool is read at
 * instantiation and at each reseed, not on every request.
 *
 * <p>The returned {@link SecureRandom} is thread-safe: BouncyCastle's {@code SP800SecureRandom}
 * does every generate and reseed under its own lock, and the pool reads its sources under the
 * pool's lock. Requests of any length are accepted (they are served in chunks of at most 32 KiB,
 * the CTR_DRBG limit per request).
 */
public final class Drbg {

    /** CTR_DRBG with AES allows at most 2^19 bits per generate call. */
    private static final int MAX_REQUEST = 32 * 1024;
    private static final int STRENGTH_BITS = 256;
    private static final AtomicLong INSTANCES = new AtomicLong();
    /** Requests between two reseeds from the pool, as mbedTLS's MBEDTLS_CTR_DRBG_RESEED_INTERVAL. */
    public static final int DEFAULT_RESEED_INTERVAL = 10_000;

    private Drbg() {
    }

    /**
     * A new DRBG seeded from {@code pool}. The first seed is drawn now, so a pool without a strong
     * source, or with a failing source, fails here with an {@link EntropyException} rather than at
     * the first handshake.
     *
     * @param personalization optional (may be null): bytes that make this instance's output
     *     distinct even from an identically seeded one, e.g. a device serial number. A per-instance
     *     counter and the time are always added to it.
     */
    public static SecureRandom secureRandom(EntropyPool pool, byte[] personalization) {
        return secureRandom(pool, personalization, DEFAULT_RESEED_INTERVAL);
    }

    /**
     * Like {@link #secureRandom(EntropyPool, byte[])}, reseeding from the pool every
     * {@code reseedInterval} requests. Each reseed samples every source through its health tests;
     * once any source has failed, every request fails with an {@link EntropyException} naming it
     * (fail closed), also between reseeds.
     */
    public static SecureRandom secureRandom(EntropyPool pool, byte[] personalization, int reseedInterval) {
        Objects.requireNonNull(pool, "pool");
        if (reseedInterval < 1) {
            throw new IllegalArgumentException("reseed interval must be at least 1 request, was " + reseedInterval);
        }
        pool.fill(new byte[0]);    // fails fast (with the sentence) when no source is strong
        byte[] nonce = pool.seed(STRENGTH_BITS / 16);     // 128-bit instantiation nonce
        SP800SecureRandom drbg = new SP800SecureRandomBuilder(bits -> new PoolEntropy(pool, bits))
                .setSecurityStrength(STRENGTH_BITS)
                .setEntropyBitsRequired(STRENGTH_BITS)
                .setPersonalizationString(personalize(personalization))
                .buildCTR(AESEngine.newInstance(), 256, nonce, false);
        SecureRandom random = new DrbgRandom(new Spi(drbg, pool, reseedInterval), drbg.getAlgorithm());
        random.nextBytes(new byte[1]);  // instantiate now: BC does it lazily on first use
        return random;
    }

    /** {@link #secureRandom(EntropyPool, byte[])} without a personalization string. */
    public static SecureRandom secureRandom(EntropyPool pool) {
        return secureRandom(pool, null);
    }

    /**
     * One process-wide DRBG seeded from the operating system ({@link EntropyPool#system()}), created
     * on first use and shared (it is thread-safe).
     */
    public static SecureRandom defaultRandom() {
        return DefaultHolder.RANDOM;
    }

    private static final class DefaultHolder {
        static final SecureRandom RANDOM = secureRandom(EntropyPool.system(), null);
    }

    private static byte[] personalize(byte[] personalization) {
        byte[] tag = ("tlskit-drbg/" + INSTANCES.incrementAndGet() + "/" + System.nanoTime() + "/"
                + System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
        if (personalization == null) {
            return tag;
        }
        byte[] out = Arrays.copyOf(personalization, personalization.length + 1 + tag.length);
        out[personalization.length] = 0;
        System.arraycopy(tag, 0, out, personalization.length + 1, tag.length);
        return out;
    }

    /** BouncyCastle's view of the pool: each call is a fresh, conditioned draw. */
    private static final class PoolEntropy implements EntropySource {
        private final EntropyPool pool;
        private final int bits;

        PoolEntropy(EntropyPool pool, int bits) {
            this.pool = pool;
            this.bits = bits;
        }

        @Override
        public boolean isPredictionResistant() {
            return true;    // every getEntropy() samples every source afresh
        }

        @Override
        public byte[] getEntropy() {
            return pool.seed((bits + 7) / 8);
        }

        @Override
        public int entropySize() {
            return bits;
        }
    }

    private static final class DrbgRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final String algorithm;

        DrbgRandom(Spi spi, String algorithm) {
            super(spi, null);
            this.algorithm = algorithm;
        }

        @Override
        public String getAlgorithm() {
            return algorithm;
        }

        @Override
        public String toString() {
            return "Drbg[" + algorithm + "]";
        }
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final transient SP800SecureRandom drbg;
        private final transient EntropyPool pool;
        private final int reseedInterval;
        private final AtomicLong requests = new AtomicLong();

        Spi(SP800SecureRandom drbg, EntropyPool pool, int reseedInterval) {
            this.drbg = drbg;
            this.pool = pool;
            this.reseedInterval = reseedInterval;
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            pool.checkHealthy();
            if (requests.incrementAndGet() % reseedInterval == 0) {
                drbg.reseed((byte[]) null);    // samples every source through its health tests
            }
            if (bytes.length <= MAX_REQUEST) {
                drbg.nextBytes(bytes);
                return;
            }
            byte[] chunk = new byte[MAX_REQUEST];
            for (int off = 0; off < bytes.length; off += MAX_REQUEST) {
                int n = Math.min(MAX_REQUEST, bytes.length - off);
                if (n != chunk.length) {
                    chunk = new byte[n];
                }
                drbg.nextBytes(chunk);
                System.arraycopy(chunk, 0, bytes, off, n);
            }
            Arrays.fill(chunk, (byte) 0);
        }

        /** Extra seed material is mixed in through a reseed (fresh entropy plus these bytes). */
        @Override
        protected void engineSetSeed(byte[] seed) {
            drbg.reseed(seed);
        }

        /** Seed bytes come straight from the pool, not from the DRBG. */
        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            return pool.seed(numBytes);
        }
    }
}
