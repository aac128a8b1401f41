package io.tlskit.crypto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.crypto.digests.SHA512Digest;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;

/**
 * Combines {@link EntropySource}s into seed material for a {@link Drbg}: the equivalent of
 * mbedTLS's {@code mbedtls_entropy_context}. Immutable; {@link #fill(byte[])} is thread-safe.
 *
 * <p>Each 64-byte block of output is SHA-512 over a fresh 64-byte sample from <em>every</em>
 * source (hash conditioning), so a weak or compromised source cannot lower what the strong ones
 * give. The pool refuses to produce anything unless at least one source is strong, and stops with
 * the failing source's name if any source fails: seed material is all or nothing.
 */
public final class EntropyPool {

    /** The sentence every "no strong source" failure carries. */
    static final String NO_STRONG_SOURCE =
            "no strong entropy source: add EntropySources.system() or a hardware TRNG";

    private static final int SAMPLE = 64;   // bytes taken from each source per output block
    private static final byte[] DOMAIN = "tlskit entropy pool v1".getBytes(StandardCharsets.US_ASCII);

    private final List<EntropySource> sources;
    private final boolean strong;
    private final Map<EntropySource, SourceHealth> health = new IdentityHashMap<>();   // guarded by this
    private EntropyException failed;        // guarded by this: latched, the pool never produces again
    private long blocks;                    // guarded by this

    private EntropyPool(List<EntropySource> sources) {
        Set<String> names = new HashSet<>();
        for (EntropySource s : sources) {
            if (s == null) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "an entropy source is null: pass a real source,"
                        + " e.g. EntropySources.system() or a TRNG driver wrapped with EntropySources.of(name, strong, fill)");
            }
            if (!names.add(s.name())) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "two entropy sources are named \"" + s.name()
                        + "\": give each a distinct name so that a failure can be traced to one");
            }
        }
        this.sources = List.copyOf(sources);
        this.strong = this.sources.stream().anyMatch(EntropySource::isStrong);
        for (EntropySource s : this.sources) {
            health.put(s, new SourceHealth(s.entropyPerByte()));
        }
    }

    /** A pool of these sources (an empty or weak-only pool is allowed here but refuses to seed). */
    public static EntropyPool of(EntropySource... sources) {
        return new EntropyPool(Arrays.asList(sources));
    }

    public static EntropyPool of(List<? extends EntropySource> sources) {
        return new EntropyPool(new ArrayList<>(sources));
    }

    /** The operating system's generator alone: {@code of(EntropySources.system())}. */
    public static EntropyPool system() {
        return of(EntropySources.system());
    }

    /** This pool plus one more source (mbedtls_entropy_add_source). */
    public EntropyPool with(EntropySource source) {
        List<EntropySource> more = new ArrayList<>(sources);
        more.add(source);
        return new EntropyPool(more);
    }

    public List<EntropySource> sources() {
        return sources;
    }

    public boolean hasStrongSource() {
        return strong;
    }

    /**
     * Fills {@code out} with conditioned seed material.
     *
     * @throws EntropyException if no source is strong, or a source failed (its name is in the
     *     message and in {@link EntropyException#sourceName()}); {@code out} is then zeroed
     */
    public synchronized void fill(byte[] out) {
        if (!strong) {
            throw new EntropyException(NO_STRONG_SOURCE + " (sources: " + describeSources() + ")");
        }
        checkHealthy();
        SHA512Digest sha512 = new SHA512Digest();
        byte[] sample = new byte[SAMPLE];
        byte[] block = new byte[sha512.getDigestSize()];
        try {
            for (int off = 0; off < out.length; off += block.length) {
                sha512.update(DOMAIN, 0, DOMAIN.length);
                updateLong(sha512, ++blocks);
                for (EntropySource source : sources) {
                    sample(source, sample);
                    byte[] name = source.name().getBytes(StandardCharsets.UTF_8);
                    updateLong(sha512, name.length);
                    sha512.update(name, 0, name.length);
                    sha512.update(sample, 0, sample.length);
                }
                sha512.doFinal(block, 0);
                System.arraycopy(block, 0, out, off, Math.min(block.length, out.length - off));
            }
        } catch (EntropyException e) {
            Arrays.fill(out, (byte) 0);
            failed = e;
            throw e;
        } catch (RuntimeException e) {
            Arrays.fill(out, (byte) 0);
            throw e;
        } finally {
            Arrays.fill(sample, (byte) 0);
            Arrays.fill(block, (byte) 0);
        }
    }

    /** {@code n} bytes of seed material; see {@link #fill(byte[])}. */
    public byte[] seed(int n) {
        byte[] out = new byte[n];
        fill(out);
        return out;
    }

    /**
     * Throws the failure that stopped this pool, if any: once a source failed, the pool (and every
     * DRBG seeded from it) refuses to produce output, naming the source.
     */
    public synchronized void checkHealthy() {
        if (failed != null) {
            throw new EntropyException(failed.sourceName().orElse(null), failed.getMessage(), failed);
        }
    }

    /** Draws one sample, first running the source's start-up tests if it has not passed them yet. */
    private void sample(EntropySource source, byte[] sample) {
        SourceHealth tests = health.get(source);
        if (!tests.started()) {
            for (int done = 0; done < SourceHealth.STARTUP_SAMPLES; done += sample.length) {
                draw(source, sample);
                if (!tests.check(sample, Math.min(sample.length, SourceHealth.STARTUP_SAMPLES - done))) {
                    throw failed(source, tests.failure() + " during its start-up tests", null);
                }
            }
            tests.markStarted();
        }
        draw(source, sample);
        if (!tests.check(sample, sample.length)) {
            throw failed(source, tests.failure(), null);
        }
    }

    private static void draw(EntropySource source, byte[] sample) {
        Arrays.fill(sample, (byte) 0);
        try {
            source.fill(sample);
        } catch (EntropyException e) {
            if (e.sourceName().isPresent()) {
                throw e;
            }
            throw failed(source, String.valueOf(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw failed(source, e.toString(), e);
        }
    }

    private static EntropyException failed(EntropySource source, String why, Throwable cause) {
        return new EntropyException(source.name(), "entropy source \"" + source.name() + "\" failed: " + why
                + "; no random numbers are produced until it is fixed or replaced (the DRBG refuses output)", cause);
    }

    private static void updateLong(SHA512Digest digest, long v) {
        for (int i = 56; i >= 0; i -= 8) {
            digest.update((byte) (v >>> i));
        }
    }

    private String describeSources() {
        if (sources.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (EntropySource s : sources) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s.name()).append(s.isStrong() ? " (strong)" : " (weak)");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "EntropyPool[" + describeSources() + "]";
    }
}
