package io.tlskit.mqtt;

import java.util.List;
import java.util.Objects;

/**
 * The MQTT control packets as values. One codec ({@link MqttEncoder}, {@link MqttDecoder})
 * turns them into bytes and back, for both directions, so the test broker uses the same code.
 * Fields that exist in MQTT 5 only are empty/zero in 3.1.1.
 */
public sealed interface MqttPacket {
    PacketType type();

    /** CONNECT. The password is never printed. */
    record Connect(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
                   String username, byte[] password, MqttWill will, MqttProperties properties) implements MqttPacket {
        public Connect {
            Objects.requireNonNull(version);
            Objects.requireNonNull(clientId);
            properties = properties == null ? MqttProperties.EMPTY : properties;
        }

        public PacketType type() { return PacketType.CONNECT; }

        @Override
        public String toString() {
            return "CONNECT[" + version + ", clientId=" + clientId + ", cleanStart=" + cleanStart
                    + ", keepAlive=" + keepAliveSeconds + (username != null ? ", username=" + username : "")
                    + (password != null ? ", password=(hidden)" : "") + (will != null ? ", will=" + will : "")
                    + ", properties=" + properties + "]";
        }
    }

    /** CONNACK; reasonCode is the raw byte (a 3.1.1 return code or an MQTT 5 reason code). */
    record ConnAck(boolean sessionPresent, int reasonCode, MqttProperties properties) implements MqttPacket {
        public ConnAck { properties = props(properties); }
        public PacketType type() { return PacketType.CONNACK; }
    }

    /** PUBLISH; topic is empty when an MQTT 5 topic alias stands for it. */
    record Publish(String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId,
                   MqttProperties properties) implements MqttPacket {
        public Publish {
            Objects.requireNonNull(topic);
            payload = payload == null ? new byte[0] : payload;
            properties = props(properties);
        }

        public PacketType type() { return PacketType.PUBLISH; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Publish p && topic.equals(p.topic) && java.util.Arrays.equals(payload, p.payload)
                    && qos == p.qos && retain == p.retain && dup == p.dup && packetId == p.packetId
                    && properties.equals(p.properties);
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, java.util.Arrays.hashCode(payload), qos, retain, dup, packetId, properties);
        }

        @Override
        public String toString() {
            return "PUBLISH[topic=" + topic + ", qos=" + qos + ", id=" + packetId + (dup ? ", dup" : "")
                    + (retain ? ", retain" : "") + ", " + payload.length + " bytes, properties=" + properties + "]";
        }
    }

    record PubAck(int packetId, int reasonCode, MqttProperties properties) implements MqttPacket {
        public PubAck { properties = props(properties); }
        public PacketType type() { return PacketType.PUBACK; }
    }

    record PubRec(int packetId, int reasonCode, MqttProperties properties) implements MqttPacket {
        public PubRec { properties = props(properties); }
        public PacketType type() { return PacketType.PUBREC; }
    }

    record PubRel(int packetId, int reasonCode, MqttProperties properties) implements MqttPacket {
        public PubRel { properties = props(properties); }
        public PacketType type() { return PacketType.PUBREL; }
    }

    record PubComp(int packetId, int reasonCode, MqttProperties properties) implements MqttPacket {
        public PubComp { properties = props(properties); }
        public PacketType type() { return PacketType.PUBCOMP; }
    }

    record Subscribe(int packetId, List<Subscription> subscriptions, MqttProperties properties) implements MqttPacket {
        public Subscribe {
            subscriptions = List.copyOf(subscriptions);
            properties = props(properties);
        }
        public PacketType type() { return PacketType.SUBSCRIBE; }
    }

    /** SUBACK; reasonCodes holds one code per filter (granted QoS 0..2 or a failure code). */
    record SubAck(int packetId, List<Integer> reasonCodes, MqttProperties properties) implements MqttPacket {
        public SubAck {
            reasonCodes = List.copyOf(reasonCodes);
            properties = props(properties);
        }
        public PacketType type() { return PacketType.SUBACK; }
    }

    record Unsubscribe(int packetId, List<String> topicFilters, MqttProperties properties) implements MqttPacket {
        public Unsubscribe {
            topicFilters = List.copyOf(topicFilters);
            properties = props(properties);
        }
        public PacketType type() { return PacketType.UNSUBSCRIBE; }
    }

    /** UNSUBACK; reasonCodes is empty in 3.1.1, which has none. */
    record UnsubAck(int packetId, List<Integer> reasonCodes, MqttProperties properties) implements MqttPacket {
        public UnsubAck {
            reasonCodes = List.copyOf(reasonCodes);
            properties = props(properties);
        }
        public PacketType type() { return PacketType.UNSUBACK; }
    }

    record PingReq() implements MqttPacket {
        public PacketType type() { return PacketType.PINGREQ; }
    }

    record PingResp() implements MqttPacket {
        public PacketType type() { return PacketType.PINGRESP; }
    }

    record Disconnect(int reasonCode, MqttProperties properties) implements MqttPacket {
        public Disconnect { properties = props(properties); }
        public PacketType type() { return PacketType.DISCONNECT; }
    }

    /** AUTH (MQTT 5 enhanced authentication). */
    record Auth(int reasonCode, MqttProperties properties) implements MqttPacket {
        public Auth { properties = props(properties); }
        public PacketType type() { return PacketType.AUTH; }
    }

    private static MqttProperties props(MqttProperties p) {
        return p == null ? MqttProperties.EMPTY : p;
    }
}
