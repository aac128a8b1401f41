package io.tlskit.mqtt;

import java.util.Objects;

/** One outgoing QoS 1/2 message the broker has not completed, as the session store keeps it. */
public record OutgoingMessage(int packetId, MqttMessage message, OutgoingPhase phase) {
    public OutgoingMessage {
        Objects.requireNonNull(message);
        Objects.requireNonNull(phase);
        if (packetId < 1 || packetId > 0xFFFF) {
            throw new IllegalArgumentException("packet identifier must be 1..65535, not " + packetId);
        }
        if (message.qos() == 0) {
            throw new IllegalArgumentException("QoS 0 messages have no session state");
        }
    }

    /** True if a PUBLISH for it may already have reached the broker, so a resend carries DUP=1. */
    public boolean dup() {
        return phase != OutgoingPhase.QUEUED;
    }

    public OutgoingMessage withPhase(OutgoingPhase p) {
        return new OutgoingMessage(packetId, message, p);
    }
}
