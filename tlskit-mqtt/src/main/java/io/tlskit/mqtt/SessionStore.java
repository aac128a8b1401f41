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
}
