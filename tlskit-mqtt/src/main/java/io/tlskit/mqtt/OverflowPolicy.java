package io.tlskit.mqtt;

/** What {@link MqttClient#publish} does when its queue of unfinished messages is full. */
public enum OverflowPolicy {
    /** The new message's future fails at once with {@link MqttClientException.Kind#QUEUE_FULL}. */
    REJECT_NEW,
    /** The oldest QoS 0 message still waiting for a connection is dropped (its future fails); if there is none, the new one is rejected. */
    DROP_OLDEST_QOS0,
    /** publish() waits until there is room (back-pressure), or the client closes. */
    BLOCK
}
