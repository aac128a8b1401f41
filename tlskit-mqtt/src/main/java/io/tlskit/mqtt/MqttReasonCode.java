package io.tlskit.mqtt;

import java.util.Optional;

/**
 * MQTT 5 reason codes (spec §2.4) with their spec names and a sentence for people. Codes below
 * 0x80 report success; 0x80 and above report failure. MQTT 3.1.1 CONNACK return codes are mapped
 * onto the MQTT 5 code of the same meaning by {@link #fromV311ConnackReturnCode(int)}.
 */
public enum MqttReasonCode {
    SUCCESS(0x00, "Success", "success (in DISCONNECT: normal disconnection; in SUBACK: granted QoS 0)"),
    GRANTED_QOS_1(0x01, "Granted QoS 1", "the subscription was accepted with maximum QoS 1"),
    GRANTED_QOS_2(0x02, "Granted QoS 2", "the subscription was accepted with maximum QoS 2"),
    DISCONNECT_WITH_WILL_MESSAGE(0x04, "Disconnect with Will Message",
            "the client disconnects but wants the broker to publish its will message"),
    NO_MATCHING_SUBSCRIBERS(0x10, "No matching subscribers",
            "the message was accepted but nobody is subscribed to its topic"),
    NO_SUBSCRIPTION_EXISTED(0x11, "No subscription existed", "there was no such subscription to remove"),
    CONTINUE_AUTHENTICATION(0x18, "Continue authentication", "the authentication exchange continues"),
    RE_AUTHENTICATE(0x19, "Re-authenticate", "the client starts re-authentication"),
    UNSPECIFIED_ERROR(0x80, "Unspecified error", "the broker failed and did not say why"),
    MALFORMED_PACKET(0x81, "Malformed Packet", "a packet could not be parsed according to the specification"),
    PROTOCOL_ERROR(0x82, "Protocol Error", "a packet was well-formed but broke the protocol rules"),
    IMPLEMENTATION_SPECIFIC_ERROR(0x83, "Implementation specific error",
            "the broker refused for a reason of its own; its reason string may say more"),
    UNSUPPORTED_PROTOCOL_VERSION(0x84, "Unsupported Protocol Version",
            "the broker does not speak this MQTT version; try the other one"),
    CLIENT_IDENTIFIER_NOT_VALID(0x85, "Client Identifier not valid",
            "the broker does not accept this client identifier (length, characters, or empty)"),
    BAD_USER_NAME_OR_PASSWORD(0x86, "Bad User Name or Password",
            "bad user name or password: the broker rejected the credentials"),
    NOT_AUTHORIZED(0x87, "Not authorized", "not authorized: the broker's access rules forbid this"),
    SERVER_UNAVAILABLE(0x88, "Server unavailable", "the broker is not available right now; retry later"),
    SERVER_BUSY(0x89, "Server busy", "the broker is busy; retry later"),
    BANNED(0x8A, "Banned", "this client is banned by the broker"),
    SERVER_SHUTTING_DOWN(0x8B, "Server shutting down", "the broker is shutting down"),
    BAD_AUTHENTICATION_METHOD(0x8C, "Bad authentication method",
            "the broker does not support this authentication method, or it differs from the one in use"),
    KEEP_ALIVE_TIMEOUT(0x8D, "Keep Alive timeout",
            "the broker heard nothing from the client for 1.5 times the keep-alive"),
    SESSION_TAKEN_OVER(0x8E, "Session taken over", "another connection with the same client identifier took over the session"),
    TOPIC_FILTER_INVALID(0x8F, "Topic Filter invalid", "the topic filter is well-formed but the broker does not accept it"),
    TOPIC_NAME_INVALID(0x90, "Topic Name invalid", "the topic name is well-formed but the broker does not accept it"),
    PACKET_IDENTIFIER_IN_USE(0x91, "Packet Identifier in use", "the packet identifier is already in use"),
    PACKET_IDENTIFIER_NOT_FOUND(0x92, "Packet Identifier not found",
            "packet identifier not found: the peer has no message in flight with this identifier"),
    RECEIVE_MAXIMUM_EXCEEDED(0x93, "Receive Maximum exceeded",
            "more unacknowledged QoS 1/2 messages were sent than the receiver's Receive Maximum allows"),
    TOPIC_ALIAS_INVALID(0x94, "Topic Alias invalid", "a topic alias was 0, above the announced maximum, or unknown"),
    PACKET_TOO_LARGE(0x95, "Packet too large", "a packet exceeded the receiver's Maximum Packet Size"),
    MESSAGE_RATE_TOO_HIGH(0x96, "Message rate too high", "the client publishes faster than the broker allows"),
    QUOTA_EXCEEDED(0x97, "Quota exceeded", "quota exceeded: an administrative limit (messages, bytes, connections) was reached"),
    ADMINISTRATIVE_ACTION(0x98, "Administrative action", "an administrator closed the connection"),
    PAYLOAD_FORMAT_INVALID(0x99, "Payload format invalid",
            "the payload does not match its Payload Format Indicator (not UTF-8)"),
    RETAIN_NOT_SUPPORTED(0x9A, "Retain not supported", "the broker does not support retained messages"),
    QOS_NOT_SUPPORTED(0x9B, "QoS not supported", "the broker does not support this QoS"),
    USE_ANOTHER_SERVER(0x9C, "Use another server", "the client should temporarily use another broker (see Server Reference)"),
    SERVER_MOVED(0x9D, "Server moved", "the client should permanently use another broker (see Server Reference)"),
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E, "Shared Subscriptions not supported",
            "the broker does not support shared subscriptions"),
    CONNECTION_RATE_EXCEEDED(0x9F, "Connection rate exceeded", "the client connects too often; back off before reconnecting"),
    MAXIMUM_CONNECT_TIME(0xA0, "Maximum connect time", "the connection reached the broker's maximum connect time"),
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1, "Subscription Identifiers not supported",
            "the broker does not support subscription identifiers"),
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2, "Wildcard Subscriptions not supported",
            "the broker does not support wildcard subscriptions");

    private static final MqttReasonCode[] BY_CODE = new MqttReasonCode[256];

    static {
        for (MqttReasonCode r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final int code;
    private final String specName;
    private final String sentence;

    MqttReasonCode(int code, String specName, String sentence) {
        this.code = code;
        this.specName = specName;
        this.sentence = sentence;
    }

    public int code() {
        return code;
    }

    /** The name the specification gives this code, e.g. "Bad User Name or Password". */
    public String specName() {
        return specName;
    }

    /** What the code means, for people. */
    public String sentence() {
        return sentence;
    }

    public boolean isFailure() {
        return code >= 0x80;
    }

    public static Optional<MqttReasonCode> of(int code) {
        return code >= 0 && code < 256 ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    /** True for reason codes 0x80 and above. */
    public static boolean isFailure(int code) {
        return code >= 0x80;
    }

    /** "0x86 Bad User Name or Password: bad user name or password: the broker rejected the credentials". */
    public static String describe(int code) {
        String hex = String.format("0x%02X", code);
        return of(code).map(r -> hex + " " + r.specName + ": " + r.sentence)
                .orElse(hex + " (a reason code the MQTT 5 specification does not define)");
    }

    /**
     * The MQTT 5 code meaning the same as an MQTT 3.1.1 CONNACK return code (0 accepted,
     * 1 unacceptable protocol version, 2 identifier rejected, 3 server unavailable, 4 bad user name
     * or password, 5 not authorized), or -1 for a code 3.1.1 reserves.
     */
    public static int fromV311ConnackReturnCode(int returnCode) {
        switch (returnCode) {
            case 0: return SUCCESS.code;
            case 1: return UNSUPPORTED_PROTOCOL_VERSION.code;
            case 2: return CLIENT_IDENTIFIER_NOT_VALID.code;
            case 3: return SERVER_UNAVAILABLE.code;
            case 4: return BAD_USER_NAME_OR_PASSWORD.code;
            case 5: return NOT_AUTHORIZED.code;
            default: return -1;
        }
    }

    /** The MQTT 3.1.1 CONNACK return code for an MQTT 5 code (used by the test broker), or 3 (unavailable). */
    public static int toV311ConnackReturnCode(int reasonCode) {
        for (int rc = 0; rc <= 5; rc++) {
            if (fromV311ConnackReturnCode(rc) == reasonCode) {
                return rc;
            }
        }
        return 3;
    }
}
