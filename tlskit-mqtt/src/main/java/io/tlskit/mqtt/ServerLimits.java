package io.tlskit.mqtt;

/**
 * What the broker allows on this connection, from CONNACK with the spec's defaults filled in
 * (MQTT 3.1.1 brokers announce nothing, so everything is at its default there).
 */
public record ServerLimits(int receiveMaximum, long maximumPacketSize, int topicAliasMaximum, int maximumQos,
                           boolean retainAvailable, boolean wildcardSubscriptionAvailable,
                           boolean subscriptionIdentifiersAvailable, boolean sharedSubscriptionAvailable) {
    public static final ServerLimits DEFAULTS =
            new ServerLimits(65_535, MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, 0, 2, true, true, true, true);

    static ServerLimits from(MqttProperties p) {
        return new ServerLimits(
                p.receiveMaximum().orElse(65_535),
                p.maximumPacketSize().orElse(MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE),
                p.topicAliasMaximum().orElse(0),
                p.maximumQos().orElse(2),
                p.retainAvailable().orElse(true),
                p.wildcardSubscriptionAvailable().orElse(true),
                p.subscriptionIdentifierAvailable().orElse(true),
                p.sharedSubscriptionAvailable().orElse(true));
    }
}
