package io.tlskit.mqtt;

import java.util.Arrays;
import java.util.Objects;

/**
 * The will message the broker publishes if the connection ends without a normal DISCONNECT.
 * MQTT 5 will properties: Will Delay Interval, Payload Format Indicator, Message Expiry Interval,
 * Content Type, Response Topic, Correlation Data, user properties.
 */
public record MqttWill(String topic, byte[] payload, int qos, boolean retain, MqttProperties properties) {
    public MqttWill {
        Topics.requireValidName(topic);
        payload = payload == null ? new byte[0] : payload.clone();
        if (payload.length > 0xFFFF) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "a will payload is limited to 65535 bytes");
        }
        if (qos < 0 || qos > 2) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "will QoS must be 0, 1 or 2, not " + qos);
        }
        properties = properties == null ? MqttProperties.EMPTY : properties;
        for (MqttProperty p : properties.present()) {
            if (!p.allowedInWill()) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " is not a will property");
            }
        }
    }

    public MqttWill(String topic, byte[] payload, int qos, boolean retain) {
        this(topic, payload, qos, retain, MqttProperties.EMPTY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttWill w && topic.equals(w.topic) && Arrays.equals(payload, w.payload)
                && qos == w.qos && retain == w.retain && properties.equals(w.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, properties);
    }

    @Override
    public String toString() {
        return "MqttWill[topic=" + topic + ", " + payload.length + " bytes, qos=" + qos
                + (retain ? ", retain" : "") + ", properties=" + properties + "]";
    }
}
