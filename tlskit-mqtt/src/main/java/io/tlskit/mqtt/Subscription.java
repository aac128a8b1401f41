package io.tlskit.mqtt;

import java.util.Objects;

/**
 * One topic filter of a SUBSCRIBE with its options. noLocal, retainAsPublished and retainHandling
 * (0 send retained on subscribe, 1 only if new, 2 never) exist in MQTT 5 only.
 */
public record Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
    public Subscription {
        Objects.requireNonNull(filter, "filter");
        if (qos < 0 || qos > 2) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "subscription QoS must be 0, 1 or 2, not " + qos);
        }
        if (retainHandling < 0 || retainHandling > 2) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "retain handling must be 0, 1 or 2, not " + retainHandling);
        }
    }

    public static Subscription of(String filter, int qos) {
        return new Subscription(filter, qos, false, false, 0);
    }

    /** True if any option beyond QoS is set (those need MQTT 5). */
    boolean hasV5Options() {
        return noLocal || retainAsPublished || retainHandling != 0;
    }
}
