package io.tlskit.crypto;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.Consumer;

/** The usual {@link EntropySource}s: the operating system, and callbacks for device sources. */
public final class EntropySources {

    private EntropySources() {
    }

    /**
     * The operating system's generator, a strong source: {@code NativePRNGNonBlocking}
     * ({@code /dev/urandom}, never blocks once the kernel is seeded), else reading
     * {@code /dev/urandom} directly, else {@code Windows-PRNG}, else the JDK's default
     * {@link SecureRandom}. The name says which one was found, e.g. {@code system(NativePRNGNonBlocking)}.
     */
    public static EntropySource system() {
        try {
            return fromSecureRandom(SecureRandom.getInstance("NativePRNGNonBlocking"));
        } catch (NoSuchAlgorithmException notUnix) {
            // fall through
        }
        if (new java.io.File("/dev/urandom").canRead()) {
            return new DevUrandom();
        }
        try {
            return fromSecureRandom(SecureRandom.getInstance("Windows-PRNG"));
        } catch (NoSuchAlgorithmException notWindows) {
            return fromSecureRandom(new SecureRandom());
        }
    }

    /**
     * A source that calls {@code fill} to fill each buffer completely, e.g. a hardware TRNG driver.
     * {@code fill} reports failure by throwing; the pool then names this source in its error.
     *
     * @param strong true only if every output bit is full entropy (a conditioned TRNG); a raw noise
     *     source that merely adds unpredictability is weak
     */
    public static EntropySource of(String name, boolean strong, Consumer<byte[]> fill) {
        return of(name, strong, strong ? 8 : 1, fill);
    }

    /**
     * Like {@link #of(String, boolean, Consumer)} with the source's assessed min-entropy per byte
     * (0.5 to 8 bits), from which its health tests' cutoffs are computed.
     */
    public static EntropySource of(String name, boolean strong, double entropyPerByte, Consumer<byte[]> fill) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fill, "fill");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an entropy source needs a name, used in error messages");
        }
        if (!(entropyPerByte >= 0.5 && entropyPerByte <= 8)) {
            throw new IllegalArgumentException("entropy per byte of \"" + name + "\" must be between 0.5 and 8 bits, was " + entropyPerByte);
        }
        return new EntropySource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean isStrong() {
                return strong;
            }

            @Override
            public double entropyPerByte() {
                return entropyPerByte;
            }

            @Override
            public void fill(byte[] out) {
                fill.accept(out);
            }

            @Override
            public String toString() {
                return "EntropySource[" + name + (strong ? ", strong]" : ", weak]");
            }
        };
    }

    private static EntropySource fromSecureRandom(SecureRandom random) {
        return of("system(" + random.getAlgorithm() + ")", true, random::nextBytes);
    }

    /** Reads /dev/urandom directly when the JDK offers no NativePRNG. */
    private static final class DevUrandom implements EntropySource {
        @Override
        public String name() {
            return "system(/dev/urandom)";
        }

        @Override
        public boolean isStrong() {
            return true;
        }

        @Override
        public void fill(byte[] out) {
            try (InputStream in = new FileInputStream("/dev/urandom")) {
                int n = in.readNBytes(out, 0, out.length);
                if (n != out.length) {
                    throw new EntropyException(name(), "/dev/urandom returned " + n + " of " + out.length + " bytes", null);
                }
            } catch (IOException e) {
                throw new EntropyException(name(), "cannot read /dev/urandom: " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "EntropySource[" + name() + ", strong]";
        }
    }
}
