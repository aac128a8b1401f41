package io.tlskit.mqtt;

import java.util.List;

/**
 * The durable part of an MQTT session: outgoing QoS 1/2 messages not yet completed, in the order
 * they were published, and incoming QoS 2 packet identifiers we acknowledged with PUBREC and whose
 * PUBREL has not arrived (delivered already; a redelivery must not be delivered again).
 */
public record SessionState(List<OutgoingMessage> outgoing, List<Integer> incomingQos2) {
    public static final SessionState EMPTY = new SessionState(List.of(), List.of());

    public SessionState {
        outgoing = List.copyOf(outgoing);
        incomingQos2 = List.copyOf(incomingQos2);
    }

    public boolean isEmpty() {
        return outgoing.isEmpty() && incomingQos2.isEmpty();
    }
}
