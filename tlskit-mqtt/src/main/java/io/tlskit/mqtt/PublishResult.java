package io.tlskit.mqtt;

/**
 * The outcome of a publish: for QoS 0 the message was written to the transport; for QoS 1 the
 * broker sent PUBACK, for QoS 2 PUBCOMP. packetId is 0 for QoS 0. reasonCode is the broker's
 * (MQTT 5; 0 in 3.1.1), e.g. 0x10 "no matching subscribers".
 */
public record PublishResult(String topic, int qos, int packetId, int reasonCode, MqttProperties properties) {
    public PublishResult {
        properties = properties == null ? MqttProperties.EMPTY : properties;
    }

    /** The reason code in words. */
    public String explanation() {
        return MqttReasonCode.describe(reasonCode);
    }
}
