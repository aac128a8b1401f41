package io.tlskit.mqtt;

import static io.tlskit.mqtt.PacketType.*;

import java.util.EnumSet;
import java.util.Set;

/** Every MQTT 5 property (spec §2.2.2.2): identifier, wire type and where it may appear. */
public enum MqttProperty {
    PAYLOAD_FORMAT_INDICATOR(0x01, Type.BYTE, true, true, PUBLISH),
    MESSAGE_EXPIRY_INTERVAL(0x02, Type.FOUR_BYTE, false, true, PUBLISH),
    CONTENT_TYPE(0x03, Type.UTF8, false, true, PUBLISH),
    RESPONSE_TOPIC(0x08, Type.UTF8, false, true, PUBLISH),
    CORRELATION_DATA(0x09, Type.BINARY, false, true, PUBLISH),
    SUBSCRIPTION_IDENTIFIER(0x0B, Type.VARINT, false, false, PUBLISH, SUBSCRIBE),
    SESSION_EXPIRY_INTERVAL(0x11, Type.FOUR_BYTE, false, false, CONNECT, CONNACK, DISCONNECT),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, Type.UTF8, false, false, CONNACK),
    SERVER_KEEP_ALIVE(0x13, Type.TWO_BYTE, false, false, CONNACK),
    AUTHENTICATION_METHOD(0x15, Type.UTF8, false, false, CONNECT, CONNACK, AUTH),
    AUTHENTICATION_DATA(0x16, Type.BINARY, false, false, CONNECT, CONNACK, AUTH),
    REQUEST_PROBLEM_INFORMATION(0x17, Type.BYTE, true, false, CONNECT),
    WILL_DELAY_INTERVAL(0x18, Type.FOUR_BYTE, false, true),
    REQUEST_RESPONSE_INFORMATION(0x19, Type.BYTE, true, false, CONNECT),
    RESPONSE_INFORMATION(0x1A, Type.UTF8, false, false, CONNACK),
    SERVER_REFERENCE(0x1C, Type.UTF8, false, false, CONNACK, DISCONNECT),
    REASON_STRING(0x1F, Type.UTF8, false, false,
            CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH),
    RECEIVE_MAXIMUM(0x21, Type.TWO_BYTE, false, false, CONNECT, CONNACK),
    TOPIC_ALIAS_MAXIMUM(0x22, Type.TWO_BYTE, false, false, CONNECT, CONNACK),
    TOPIC_ALIAS(0x23, Type.TWO_BYTE, false, false, PUBLISH),
    MAXIMUM_QOS(0x24, Type.BYTE, true, false, CONNACK),
    RETAIN_AVAILABLE(0x25, Type.BYTE, true, false, CONNACK),
    USER_PROPERTY(0x26, Type.UTF8_PAIR, false, true, PacketType.values()),
    MAXIMUM_PACKET_SIZE(0x27, Type.FOUR_BYTE, false, false, CONNECT, CONNACK),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, Type.BYTE, true, false, CONNACK),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, Type.BYTE, true, false, CONNACK),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, Type.BYTE, true, false, CONNACK);

    /** How a property's value is written on the wire. */
    public enum Type { BYTE, TWO_BYTE, FOUR_BYTE, VARINT, UTF8, BINARY, UTF8_PAIR }

    private static final MqttProperty[] BY_ID = new MqttProperty[128];

    static {
        for (MqttProperty p : values()) {
            BY_ID[p.id] = p;
        }
    }

    private final int id;
    private final Type type;
    private final boolean zeroOrOne;
    private final boolean inWill;
    private final Set<PacketType> packets;

    MqttProperty(int id, Type type, boolean zeroOrOne, boolean inWill, PacketType... packets) {
        this.id = id;
        this.type = type;
        this.zeroOrOne = zeroOrOne;
        this.inWill = inWill;
        this.packets = packets.length == 0 ? EnumSet.noneOf(PacketType.class) : EnumSet.of(packets[0], packets);
    }

    public int id() {
        return id;
    }

    public Type type() {
        return type;
    }

    /** True for the byte properties whose only legal values are 0 and 1. */
    public boolean isZeroOrOne() {
        return zeroOrOne;
    }

    /** True if the property may appear in a packet of this type. */
    public boolean allowedIn(PacketType packet) {
        return packets.contains(packet);
    }

    /** True if the property may appear among the will properties of CONNECT. */
    public boolean allowedInWill() {
        return inWill;
    }

    /** May appear more than once (user properties; subscription identifiers in PUBLISH). */
    public boolean repeatable() {
        return this == USER_PROPERTY || this == SUBSCRIPTION_IDENTIFIER;
    }

    /** The property for an identifier, or null if MQTT 5 defines none. */
    public static MqttProperty of(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
