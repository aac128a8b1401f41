package io.tlskit.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * When {@link MqttClient} tries again after a lost connection: never, or after delays growing
 * exponentially from {@code min} to {@code max} with random jitter (so a fleet of devices does not
 * reconnect in lock-step after a broker restart).
 */
public final class ReconnectPolicy {
    private final Duration min;
    private final Duration max;
    private final double jitter;
    private final boolean enabled;

    private ReconnectPolicy(Duration min, Duration max, double jitter, boolean enabled) {
        this.min = min;
        this.max = max;
        this.jitter = jitter;
        this.enabled = enabled;
    }

    /**
     * Delays min, 2·min, 4·min, ... capped at max, each multiplied by a random factor in
     * [1 − jitter, 1 + jitter]. jitter is 0..1; 0.2 is a good choice.
     */
    public static ReconnectPolicy exponential(Duration min, Duration max, double jitter) {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "reconnect delays need 0 <= min <= max, not "
                    + min + " and " + max);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "reconnect jitter must be 0..1, not " + jitter);
        }
        return new ReconnectPolicy(min, max, jitter, true);
    }

    /** 1 s doubling to 2 min, ±20 %. */
    public static ReconnectPolicy defaults() {
        return exponential(Duration.ofSeconds(1), Duration.ofMinutes(2), 0.2);
    }

    /** No automatic reconnect: a lost connection stays lost until connect() is called. */
    public static ReconnectPolicy never() {
        return new ReconnectPolicy(Duration.ZERO, Duration.ZERO, 0, false);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The delay before attempt number {@code attempt} (0 = the first retry). */
    public Duration delay(int attempt, Random random) {
        if (!enabled) {
            throw new IllegalStateException("reconnect is disabled");
        }
        long base = min.toMillis();
        long cap = max.toMillis();
        long d = base;
        for (int i = 0; i < attempt && d < cap; i++) {
            d = Math.max(1, d * 2);
        }
        d = Math.min(d, cap);
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(0, Math.round(d * factor)));
    }

    @Override
    public String toString() {
        return enabled ? "exponential(" + min + " .. " + max + ", jitter " + jitter + ")" : "never";
    }
}
