package io.tlskit.mqtt;

import java.util.List;
import java.util.Optional;

/** What the session has to tell the client layer; collected with {@link MqttSession#takeEvents()}. */
public sealed interface MqttEvent {

    /**
     * CONNACK accepted the connection. clientId is the Assigned Client Identifier when the broker
     * chose one, else ours; keepAliveSeconds is the broker's Server Keep Alive when it set one.
     */
    record Connected(boolean sessionPresent, String clientId, boolean clientIdAssigned, int keepAliveSeconds,
                     ServerLimits limits, MqttProperties properties) implements MqttEvent {
    }

    /** CONNACK refused the connection; reasonCode is in MQTT 5 terms even for 3.1.1 (0x86, 0x87, ...). */
    record ConnectRefused(int reasonCode, MqttProperties properties) implements MqttEvent {
        public String explanation() {
            return "the broker refused the connection: " + MqttReasonCode.describe(reasonCode)
                    + properties.reasonString().map(s -> " (broker says: " + s + ")").orElse("");
        }

        public Optional<String> serverReference() {
            return properties.serverReference();
        }
    }

    /**
     * We asked to resume a session (cleanStart=false) and the broker has none: subscriptions must be
     * made again. republished QoS 1/2 messages will be sent as new PUBLISHes; completed QoS 2
     * messages were past PUBREC (the broker had them) and are reported done rather than sent twice.
     */
    record SessionNotPresent(int republished, int completed) implements MqttEvent {
    }

    /** An application message arrived; for QoS 1/2 pass the event to acknowledge() unless auto-ack is on. */
    record MessageArrived(MqttMessage message, int packetId, long deliveryTag) implements MqttEvent {
    }

    /** The broker completed an outgoing QoS 1/2 message (PUBACK, or PUBCOMP) with a success code. */
    record PublishCompleted(int packetId, int reasonCode, MqttProperties properties) implements MqttEvent {
    }

    /**
     * An outgoing QoS 1/2 message will not be delivered: the broker refused it (reason code 0x80 and
     * up in PUBACK/PUBREC) or it could not be sent within the broker's limits (0x95, 0x9A, 0x9B).
     */
    record PublishFailed(int packetId, int reasonCode, String explanation, MqttProperties properties) implements MqttEvent {
    }

    record SubscribeCompleted(int packetId, List<Integer> reasonCodes, MqttProperties properties) implements MqttEvent {
    }

    /** UNSUBACK arrived; reasonCodes is empty in MQTT 3.1.1. */
    record UnsubscribeCompleted(int packetId, List<Integer> reasonCodes, MqttProperties properties) implements MqttEvent {
    }

    /** MQTT 5 enhanced authentication: the broker sent AUTH; answer with MqttSession.auth(). */
    record AuthReceived(int reasonCode, MqttProperties properties) implements MqttEvent {
    }

    /** The connection ended by DISCONNECT, from the broker (byServer) or from us. */
    record Disconnected(boolean byServer, int reasonCode, MqttProperties properties) implements MqttEvent {
        public Optional<String> reasonString() {
            return properties.reasonString();
        }

        public Optional<String> serverReference() {
            return properties.serverReference();
        }

        public String explanation() {
            return (byServer ? "the broker disconnected: " : "we disconnected: ") + MqttReasonCode.describe(reasonCode)
                    + reasonString().map(s -> " (broker says: " + s + ")").orElse("")
                    + serverReference().map(s -> "; it suggests the server " + s).orElse("");
        }
    }

    /** The connection failed: the broker broke the protocol, went silent, or the transport closed. */
    record ConnectionLost(MqttProtocolException error) implements MqttEvent {
    }
}
