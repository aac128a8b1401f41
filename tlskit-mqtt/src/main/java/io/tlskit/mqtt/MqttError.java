package io.tlskit.mqtt;

/**
 * Stable error codes of the MQTT layer. Programs switch on these; people read the exception
 * message, which says what the broker (or the caller) did and what it means. Codes never change
 * meaning once released.
 */
public enum MqttError {
    // The broker broke the protocol (MqttProtocolException from receive/poll); the session fails.
    /** The remaining-length field used more than four bytes. */
    MALFORMED_REMAINING_LENGTH(0x81),
    /** A length inside the packet runs past its end, or bytes are left over. */
    LENGTH_OVERFLOW(0x81),
    /** Any other malformed packet: unknown property, bad QoS, missing field. */
    MALFORMED_PACKET(0x81),
    /** Reserved bits of the fixed header or of a flags byte were set. */
    RESERVED_FLAGS(0x81),
    /** A string was not well-formed UTF-8 or contained U+0000. */
    INVALID_UTF8(0x81),
    /** An incoming packet is larger than our Maximum Packet Size. */
    PACKET_TOO_LARGE(0x95),
    /** A packet type the broker must not send, or not now (before CONNACK, a second CONNACK). */
    UNEXPECTED_PACKET(0x82),
    /** Any other protocol violation: duplicate property, impossible value, mismatched acknowledgement. */
    PROTOCOL_ERROR(0x82),
    /** An acknowledgement for a packet identifier that has nothing in flight. */
    UNKNOWN_PACKET_ID(0x82),
    /** A topic name the broker sent (or the caller gave) is invalid: empty, wildcards, NUL, too long. */
    INVALID_TOPIC(0x90),
    /** A topic alias from the broker was 0, above our maximum, or unknown. */
    TOPIC_ALIAS_INVALID(0x94),
    /** The broker sent more unacknowledged QoS 1/2 messages than our Receive Maximum. */
    RECEIVE_MAXIMUM_EXCEEDED(0x93),
    /** Nothing arrived from the broker for 1.5 times the keep-alive. */
    KEEPALIVE_TIMEOUT(-1),
    /** The transport closed under the session. */
    CONNECTION_CLOSED(-1),

    // The caller asked for something impossible (MqttUsageException); the session is unchanged.
    /** A topic filter is invalid: wildcards misplaced, NUL, too long, bad $share shape. */
    INVALID_TOPIC_FILTER(-1),
    /** An argument or option is out of range or not available in this MQTT version. */
    INVALID_ARGUMENT(-1),
    /** The call does not fit the session's state (e.g. connect while connected). */
    INVALID_STATE(-1),
    /** All 65535 packet identifiers are in flight. */
    PACKET_IDS_EXHAUSTED(-1),
    /** The packet would exceed the broker's Maximum Packet Size. */
    PACKET_TOO_LARGE_FOR_BROKER(-1),
    /** The broker's Maximum QoS is below the QoS asked for. */
    QOS_NOT_SUPPORTED(-1),
    /** The broker said Retain Available = 0. */
    RETAIN_NOT_SUPPORTED(-1);

    private final int disconnectReason;

    MqttError(int disconnectReason) {
        this.disconnectReason = disconnectReason;
    }

    /** The MQTT 5 DISCONNECT reason code we send when this error ends a connection, or -1 to just close. */
    public int disconnectReason() {
        return disconnectReason;
    }
}
