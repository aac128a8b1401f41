package io.tlskit.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An application message: topic, payload, QoS, retain and (MQTT 5) properties. {@code dup} is
 * meaningful on arrival only (the broker's DUP flag); the session sets DUP itself when it
 * redelivers. The payload is copied on construction; do not modify the array {@link #payload()} returns.
 */
public record MqttMessage(String topic, byte[] payload, int qos, boolean retain, boolean dup, MqttProperties properties) {
    public MqttMessage {
        Objects.requireNonNull(topic, "topic");
        payload = payload == null ? new byte[0] : payload.clone();
        if (qos < 0 || qos > 2) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "QoS must be 0, 1 or 2, not " + qos);
        }
        properties = properties == null ? MqttProperties.EMPTY : properties;
    }

    public static MqttMessage of(String topic, byte[] payload, int qos, boolean retain) {
        return new MqttMessage(topic, payload, qos, retain, false, MqttProperties.EMPTY);
    }

    public static MqttMessage of(String topic, String utf8Payload, int qos) {
        return of(topic, utf8Payload.getBytes(StandardCharsets.UTF_8), qos, false);
    }

    public MqttMessage withProperties(MqttProperties p) {
        return new MqttMessage(topic, payload, qos, retain, dup, p);
    }

    public MqttMessage withQos(int q) {
        return new MqttMessage(topic, payload, q, retain, dup, properties);
    }

    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttMessage m && topic.equals(m.topic) && Arrays.equals(payload, m.payload)
                && qos == m.qos && retain == m.retain && dup == m.dup && properties.equals(m.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, dup, properties);
    }

    @Override
    public String toString() {
        return "MqttMessage[topic=" + topic + ", " + payload.length + " bytes, qos=" + qos
                + (retain ? ", retain" : "") + (dup ? ", dup" : "")
                + (properties.isEmpty() ? "" : ", properties=" + properties) + "]";
    }
}
