package io.tlskit.mqtt;

/** Where an outgoing QoS 1/2 message stands; decides what is (re)sent after a reconnect. */
public enum OutgoingPhase {
    /** Accepted from the caller, never handed to a transport: sent as a fresh PUBLISH (DUP=0). */
    QUEUED,
    /** PUBLISH handed to a transport, awaiting PUBACK (QoS 1) or PUBREC (QoS 2): resent with DUP=1. */
    PUBLISH_SENT,
    /** QoS 2 past PUBREC, PUBREL handed to a transport, awaiting PUBCOMP: PUBREL is resent. */
    PUBREL_SENT
}
