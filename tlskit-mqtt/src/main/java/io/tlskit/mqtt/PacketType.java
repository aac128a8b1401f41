package io.tlskit.mqtt;

/** The fifteen MQTT control packet types (AUTH exists in MQTT 5 only). */
public enum PacketType {
    CONNECT(1, 0),
    CONNACK(2, 0),
    PUBLISH(3, -1),
    PUBACK(4, 0),
    PUBREC(5, 0),
    PUBREL(6, 2),
    PUBCOMP(7, 0),
    SUBSCRIBE(8, 2),
    SUBACK(9, 0),
    UNSUBSCRIBE(10, 2),
    UNSUBACK(11, 0),
    PINGREQ(12, 0),
    PINGRESP(13, 0),
    DISCONNECT(14, 0),
    AUTH(15, 0);

    private static final PacketType[] BY_CODE = new PacketType[16];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int fixedFlags;

    PacketType(int code, int fixedFlags) {
        this.code = code;
        this.fixedFlags = fixedFlags;
    }

    /** The four high bits of the first byte. */
    public int code() {
        return code;
    }

    /** The low four bits every packet of this type must carry, or -1 for PUBLISH whose bits mean DUP/QoS/RETAIN. */
    public int fixedFlags() {
        return fixedFlags;
    }

    /** The type for a code 1..15, or null for 0 (reserved) and anything else. */
    public static PacketType of(int code) {
        return code >= 0 && code < 16 ? BY_CODE[code] : null;
    }
}
