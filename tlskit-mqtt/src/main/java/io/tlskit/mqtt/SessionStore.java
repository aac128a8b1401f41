package io.tlskit.mqtt;

/**
 * Where the session keeps what must survive a crash. The session calls these synchronously and
 * before it queues the bytes they describe, so once a call returns the change is as durable as the
 * store makes it. A store that cannot write should throw (for example UncheckedIOException); the
 * session lets that propagate before anything is sent. Called from one thread at a time.
 */
public interface SessionStore {
    /** Everything stored, outgoing messages in publish order; read once when the session is created. */
    SessionState load();

    /** A QoS 1/2 message was accepted from the caller (phase QUEUED). */
    void storeOutgoing(OutgoingMessage message);

    /** The message's phase moved on (PUBLISH_SENT before the first PUBLISH, PUBREL_SENT before PUBREL). */
    void updatePhase(int packetId, OutgoingPhase phase);

    /** The broker completed (or definitively refused) the message; forget it. */
    void complete(int packetId);

    /** An incoming QoS 2 message was delivered and is about to be acknowledged with PUBREC. */
    void storeIncomingQos2(int packetId);

    /** The broker sent PUBREL for the identifier; PUBCOMP follows; forget it. */
    void releaseIncomingQos2(int packetId);

    /**
     * Makes every change so far durable (group commit). A store may write each change when it is
     * called but defer the expensive part (fsync) to here: {@link MqttClient} calls flush() after
     * the session has handled a batch of commands and before it writes any byte the session queued,
     * and before it tells a publisher that its message was accepted. Callers that drive
     * {@link MqttSession} themselves must do the same. The default does nothing (stores that are
     * durable per call, or not durable at all).
     */
    default void flush() {
    }
}
