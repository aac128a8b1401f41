package io.tlskit.mqtt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a byte stream into packets. Feed it whatever the transport delivered; {@link #next()}
 * returns one whole packet or null while the next one is incomplete. It checks the fixed header
 * (type, reserved flags, remaining length, our maximum packet size) as soon as those bytes are
 * in, so a hostile length is refused before anything is buffered for it.
 */
public final class MqttDecoder {
    /** The largest packet MQTT can express: 1 header byte + 4 length bytes + 268,435,455. */
    public static final long PROTOCOL_MAXIMUM_PACKET_SIZE = 268_435_460L;

    private final long maximumPacketSize;
    private final String peer;
    private MqttVersion version;
    private byte[] buf = new byte[256];
    private int start;
    private int end;

    /**
     * @param version the version spoken, or null to learn it from the CONNECT decoded first (broker side)
     * @param maximumPacketSize the largest whole packet accepted
     * @param peer who sends these bytes, for messages ("broker" or "client")
     */
    public MqttDecoder(MqttVersion version, long maximumPacketSize, String peer) {
        this.version = version;
        this.maximumPacketSize = maximumPacketSize;
        this.peer = peer;
    }

    public MqttVersion version() {
        return version;
    }

    /** Bytes received but not yet part of a returned packet. */
    public int buffered() {
        return end - start;
    }

    public void feed(byte[] b, int off, int len) {
        if (end + len > buf.length) {
            int live = end - start;
            if (live + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, live + len));
            }
            System.arraycopy(buf, start, buf, 0, live);
            start = 0;
            end = live;
        }
        System.arraycopy(b, off, buf, end, len);
        end += len;
    }

    /** The next whole packet, or null if more bytes are needed. */
    public MqttPacket next() throws MqttProtocolException {
        int avail = end - start;
        if (avail < 1) {
            return null;
        }
        int first = buf[start] & 0xFF;
        PacketType type = checkFirstByte(first);
        int remaining = 0;
        int lengthBytes = 0;
        while (true) {
            if (lengthBytes == 4) {
                throw new MqttProtocolException(MqttError.MALFORMED_REMAINING_LENGTH, "the " + peer + " sent a " + type
                        + " whose remaining-length field continues past 4 bytes; MQTT allows at most 4, so the stream is corrupt");
            }
            if (1 + lengthBytes >= avail) {
                return null;
            }
            int b = buf[start + 1 + lengthBytes] & 0xFF;
            remaining |= (b & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        long total = 1L + lengthBytes + remaining;
        if (total > maximumPacketSize) {
            throw new MqttProtocolException(MqttError.PACKET_TOO_LARGE, "the " + peer + " sent a " + type + " of " + total
                    + " bytes, larger than our Maximum Packet Size of " + maximumPacketSize + " bytes");
        }
        if (avail < total) {
            return null;
        }
        int bodyStart = start + 1 + lengthBytes;
        PacketReader r = new PacketReader(buf, bodyStart, remaining, type, peer);
        MqttPacket packet = decodeBody(type, first & 0x0F, r);
        start += (int) total;
        if (start == end) {
            start = 0;
            end = 0;
        }
        return packet;
    }

    private PacketType checkFirstByte(int first) throws MqttProtocolException {
        PacketType type = PacketType.of(first >>> 4);
        if (type == null) {
            throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "the " + peer
                    + " sent packet type 0, which MQTT reserves; the stream is corrupt or not MQTT");
        }
        if (type == PacketType.AUTH && version == MqttVersion.V3_1_1) {
            throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "the " + peer
                    + " sent packet type 15 (AUTH), which MQTT 3.1.1 reserves");
        }
        int flags = first & 0x0F;
        if (type == PacketType.PUBLISH) {
            if ((flags & 0x06) == 0x06) {
                throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "the " + peer
                        + " sent a PUBLISH with QoS 3, which does not exist");
            }
        } else if (flags != type.fixedFlags()) {
            throw new MqttProtocolException(MqttError.RESERVED_FLAGS, String.format(
                    "the %s sent a %s with fixed-header flags 0x%X; MQTT requires 0x%X, so the packet is malformed",
                    peer, type, flags, type.fixedFlags()));
        }
        return type;
    }

    private MqttPacket decodeBody(PacketType type, int flags, PacketReader r) throws MqttProtocolException {
        boolean v5 = version == MqttVersion.V5;
        switch (type) {
            case CONNECT:
                return connect(r);
            case CONNACK: {
                int ackFlags = r.u8("acknowledge flags");
                if ((ackFlags & 0xFE) != 0) {
                    throw new MqttProtocolException(MqttError.RESERVED_FLAGS, "the " + peer
                            + " sent a CONNACK with reserved acknowledge-flag bits set (" + ackFlags + ")");
                }
                int rc = r.u8("reason code");
                MqttProperties props = v5 && r.remaining() > 0 ? properties(r, type, false) : MqttProperties.EMPTY;
                r.expectEnd();
                return new MqttPacket.ConnAck(ackFlags == 1, rc, props);
            }
            case PUBLISH: {
                int qos = (flags >> 1) & 3;
                boolean dup = (flags & 8) != 0;
                if (qos == 0 && dup) {
                    throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "the " + peer
                            + " sent a QoS 0 PUBLISH with DUP set; DUP must be 0 for QoS 0");
                }
                String topic = r.utf8("topic name");
                int id = 0;
                if (qos > 0) {
                    id = packetId(r);
                }
                MqttProperties props = v5 ? properties(r, type, false) : MqttProperties.EMPTY;
                byte[] payload = r.bytes(r.remaining(), "payload");
                return new MqttPacket.Publish(topic, payload, qos, (flags & 1) != 0, dup, id, props);
            }
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP: {
                int id = packetId(r);
                int rc = 0;
                MqttProperties props = MqttProperties.EMPTY;
                if (v5 && r.remaining() > 0) {
                    rc = r.u8("reason code");
                    if (r.remaining() > 0) {
                        props = properties(r, type, false);
                    }
                }
                r.expectEnd();
                switch (type) {
                    case PUBACK: return new MqttPacket.PubAck(id, rc, props);
                    case PUBREC: return new MqttPacket.PubRec(id, rc, props);
                    case PUBREL: return new MqttPacket.PubRel(id, rc, props);
                    default: return new MqttPacket.PubComp(id, rc, props);
                }
            }
            case SUBSCRIBE: {
                int id = packetId(r);
                MqttProperties props = v5 ? properties(r, type, false) : MqttProperties.EMPTY;
                List<Subscription> subs = new ArrayList<>();
                while (r.remaining() > 0) {
                    String filter = r.utf8("topic filter");
                    int options = r.u8("subscription options");
                    if ((options & (v5 ? 0xC0 : 0xFC)) != 0) {
                        throw new MqttProtocolException(MqttError.RESERVED_FLAGS, "the " + peer
                                + " sent a SUBSCRIBE with reserved subscription-option bits set for '" + filter + "'");
                    }
                    if ((options & 3) == 3 || (options >> 4 & 3) == 3) {
                        throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "the " + peer
                                + " sent a SUBSCRIBE with QoS 3 or retain handling 3 for '" + filter + "'");
                    }
                    subs.add(new Subscription(filter, options & 3, (options & 4) != 0, (options & 8) != 0, options >> 4 & 3));
                }
                if (subs.isEmpty()) {
                    throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the " + peer + " sent a SUBSCRIBE without any topic filter");
                }
                return new MqttPacket.Subscribe(id, subs, props);
            }
            case SUBACK: {
                int id = packetId(r);
                MqttProperties props = v5 ? properties(r, type, false) : MqttProperties.EMPTY;
                List<Integer> codes = new ArrayList<>();
                while (r.remaining() > 0) {
                    codes.add(r.u8("reason code"));
                }
                return new MqttPacket.SubAck(id, codes, props);
            }
            case UNSUBSCRIBE: {
                int id = packetId(r);
                MqttProperties props = v5 ? properties(r, type, false) : MqttProperties.EMPTY;
                List<String> filters = new ArrayList<>();
                while (r.remaining() > 0) {
                    filters.add(r.utf8("topic filter"));
                }
                if (filters.isEmpty()) {
                    throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the " + peer + " sent an UNSUBSCRIBE without any topic filter");
                }
                return new MqttPacket.Unsubscribe(id, filters, props);
            }
            case UNSUBACK: {
                int id = packetId(r);
                List<Integer> codes = new ArrayList<>();
                MqttProperties props = MqttProperties.EMPTY;
                if (v5) {
                    props = properties(r, type, false);
                    while (r.remaining() > 0) {
                        codes.add(r.u8("reason code"));
                    }
                }
                r.expectEnd();
                return new MqttPacket.UnsubAck(id, codes, props);
            }
            case PINGREQ:
                r.expectEnd();
                return new MqttPacket.PingReq();
            case PINGRESP:
                r.expectEnd();
                return new MqttPacket.PingResp();
            case DISCONNECT:
            case AUTH: {
                int rc = 0;
                MqttProperties props = MqttProperties.EMPTY;
                if (v5 && r.remaining() > 0) {
                    rc = r.u8("reason code");
                    if (r.remaining() > 0) {
                        props = properties(r, type, false);
                    }
                }
                r.expectEnd();
                return type == PacketType.AUTH ? new MqttPacket.Auth(rc, props) : new MqttPacket.Disconnect(rc, props);
            }
            default:
                throw new IllegalStateException("unreachable: " + type);
        }
    }

    private MqttPacket connect(PacketReader r) throws MqttProtocolException {
        String name = r.utf8("protocol name");
        int level = r.u8("protocol level");
        MqttVersion v = MqttVersion.ofLevel(level);
        if (!"MQTT".equals(name) || v == null) {
            throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "the " + peer + " sent a CONNECT for protocol '"
                    + name + "' level " + level + "; only MQTT levels 4 (3.1.1) and 5 are spoken");
        }
        if (version == null) {
            version = v; // the broker side learns the version here
        }
        int flags = r.u8("connect flags");
        if ((flags & 1) != 0) {
            throw new MqttProtocolException(MqttError.RESERVED_FLAGS, "the " + peer + " sent a CONNECT with the reserved flag bit set");
        }
        boolean willFlag = (flags & 0x04) != 0;
        int willQos = flags >> 3 & 3;
        boolean willRetain = (flags & 0x20) != 0;
        if (willQos == 3 || (!willFlag && (willQos != 0 || willRetain))) {
            throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "the " + peer + " sent a CONNECT with inconsistent will flags");
        }
        int keepAlive = r.u16("keep alive");
        boolean v5 = v == MqttVersion.V5;
        MqttProperties props = v5 ? properties(r, PacketType.CONNECT, false) : MqttProperties.EMPTY;
        String clientId = r.utf8("client identifier");
        MqttWill will = null;
        if (willFlag) {
            MqttProperties willProps = v5 ? properties(r, PacketType.CONNECT, true) : MqttProperties.EMPTY;
            String topic = r.utf8("will topic");
            byte[] payload = r.binary("will payload");
            try {
                will = new MqttWill(topic, payload, willQos, willRetain, willProps);
            } catch (MqttUsageException e) {
                throw new MqttProtocolException(MqttError.INVALID_TOPIC, "the " + peer + " sent an invalid will: " + e.getMessage());
            }
        }
        String username = (flags & 0x80) != 0 ? r.utf8("user name") : null;
        byte[] password = (flags & 0x40) != 0 ? r.binary("password") : null;
        r.expectEnd();
        return new MqttPacket.Connect(v, clientId, (flags & 2) != 0, keepAlive, username, password, will, props);
    }

    private int packetId(PacketReader r) throws MqttProtocolException {
        int id = r.u16("packet identifier");
        if (id == 0) {
            throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "the " + peer + " sent a " + r.type()
                    + " with packet identifier 0; identifiers are 1..65535");
        }
        return id;
    }

    /** Reads a property block, refusing unknown, misplaced, repeated or out-of-range properties. */
    private MqttProperties properties(PacketReader r, PacketType context, boolean will) throws MqttProtocolException {
        String where = will ? "the will properties of CONNECT" : context.toString();
        int len = r.varint("property length");
        int outer = r.narrow(len, "property block");
        MqttProperties.Builder b = MqttProperties.builder();
        Set<MqttProperty> seen = EnumSet.noneOf(MqttProperty.class);
        while (r.remaining() > 0) {
            int id = r.varint("property identifier");
            MqttProperty p = MqttProperty.of(id);
            if (p == null) {
                throw new MqttProtocolException(MqttError.MALFORMED_PACKET, String.format(
                        "the %s sent property identifier 0x%02X in %s, which MQTT 5 does not define", peer, id, where));
            }
            if (will ? !p.allowedInWill() : !p.allowedIn(context)) {
                throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the " + peer + " sent " + p + " in " + where
                        + ", where MQTT 5 does not allow it");
            }
            boolean repeatable = p == MqttProperty.USER_PROPERTY
                    || (p == MqttProperty.SUBSCRIPTION_IDENTIFIER && context == PacketType.PUBLISH);
            if (!seen.add(p) && !repeatable) {
                throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the " + peer + " sent " + p + " twice in " + where
                        + "; it may appear only once");
            }
            Object value;
            switch (p.type()) {
                case BYTE: value = r.u8(p.toString()); break;
                case TWO_BYTE: value = r.u16(p.toString()); break;
                case FOUR_BYTE: value = r.u32(p.toString()); break;
                case VARINT: value = r.varint(p.toString()); break;
                case UTF8: value = r.utf8(p.toString()); break;
                case BINARY: value = r.binary(p.toString()); break;
                default: value = new UserProperty(r.utf8("user property name"), r.utf8("user property value"));
            }
            checkValue(p, value, where);
            b.set(p, value);
        }
        r.widen(outer);
        return b.build();
    }

    private void checkValue(MqttProperty p, Object value, String where) throws MqttProtocolException {
        long n = value instanceof Number num ? num.longValue() : -1;
        boolean bad = (p.isZeroOrOne() && n > 1)
                || ((p == MqttProperty.RECEIVE_MAXIMUM || p == MqttProperty.MAXIMUM_PACKET_SIZE
                        || p == MqttProperty.SUBSCRIPTION_IDENTIFIER) && n == 0);
        if (bad) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the " + peer + " sent " + p + " = " + n + " in " + where
                    + ", a value MQTT 5 forbids");
        }
    }
}
