package io.tlskit.crypto;

/**
 * The SP 800-90B section 4.4 health tests for one noise source, on byte samples: the repetition
 * count test (a value repeated too often in a row: a stuck source) and the adaptive proportion
 * test (one value too frequent in a window of 512: a source that lost most of its entropy). Both
 * run on the 1024 start-up samples before any output is used, then continuously on every sample.
 * The false-alarm rate is 2^-30 per sample at the claimed entropy. A failure is final: the source
 * stays failed for the life of its pool. Not thread-safe (the pool calls it under its lock).
 */
final class SourceHealth {
    /** SP 800-90B 4.3: at least 1024 start-up samples. */
    static final int STARTUP_SAMPLES = 1024;
    /** SP 800-90B 4.4.2: window size for non-binary samples. */
    static final int WINDOW = 512;
    /** Accepted false-alarm probability per sample, 2^-30 (SP 800-90B allows 2^-20 to 2^-40). */
    private static final double ALPHA_LOG2 = -30;

    private final double entropyPerByte;
    private final int repetitionCutoff;
    private final int proportionCutoff;
    private boolean started;
    private String failure;
    // repetition count test
    private int lastValue = -1;
    private int run;
    // adaptive proportion test
    private int windowValue = -1;
    private int windowCount;
    private int windowSeen;

    SourceHealth(double entropyPerByte) {
        if (!(entropyPerByte >= 0.5 && entropyPerByte <= 8)) {
            throw new IllegalArgumentException("entropy per byte must be between 0.5 and 8 bits, was " + entropyPerByte);
        }
        this.entropyPerByte = entropyPerByte;
        this.repetitionCutoff = 1 + (int) Math.ceil(-ALPHA_LOG2 / entropyPerByte);
        this.proportionCutoff = 1 + critBinom(WINDOW, Math.pow(2, -entropyPerByte), ALPHA_LOG2);
    }

    int repetitionCutoff() {
        return repetitionCutoff;
    }

    int proportionCutoff() {
        return proportionCutoff;
    }

    boolean started() {
        return started;
    }

    void markStarted() {
        started = true;
    }

    /** Null while healthy, else the sentence saying which test failed and how. */
    String failure() {
        return failure;
    }

    /** Runs both tests over the samples; returns false (and records why) on the first failure. */
    boolean check(byte[] samples, int length) {
        if (failure != null) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int v = samples[i] & 0xFF;
            if (v == lastValue) {
                if (++run >= repetitionCutoff) {
                    failure = String.format("it failed the repetition count test: the byte 0x%02x came %d times in a row"
                        + " (cutoff %d for %s bits of entropy per byte), so it is stuck", v, run, repetitionCutoff, bits());
                    return false;
                }
            } else {
                lastValue = v;
                run = 1;
            }
            if (windowSeen == 0) {
                windowValue = v;
                windowCount = 1;
                windowSeen = 1;
            } else {
                if (v == windowValue && ++windowCount >= proportionCutoff) {
                    failure = String.format("it failed the adaptive proportion test: the byte 0x%02x came %d times in %d"
                        + " (cutoff %d for %s bits of entropy per byte), so it delivers far less entropy than it claims",
                        v, windowCount, windowSeen + 1, proportionCutoff, bits());
                    return false;
                }
                if (++windowSeen == WINDOW) {
                    windowSeen = 0;
                }
            }
        }
        return true;
    }

    private String bits() {
        return entropyPerByte == Math.rint(entropyPerByte) ? String.valueOf((int) entropyPerByte) : String.valueOf(entropyPerByte);
    }

    /** The smallest k with P(X &lt;= k) &gt;= 1 - 2^alphaLog2 for X ~ Binomial(n, p) (Excel's CRITBINOM). */
    static int critBinom(int n, double p, double alphaLog2) {
        double target = 1 - Math.pow(2, alphaLog2);
        double pmf = Math.pow(1 - p, n);
        double cdf = pmf;
        int k = 0;
        while (cdf < target && k < n) {
            pmf = pmf * (n - k) / (k + 1) * p / (1 - p);
            k++;
            cdf += pmf;
        }
        return k;
    }
}
