package io.tlskit.mqtt;

import java.util.List;
import java.util.Map;

/**
 * Turns packets into bytes for one protocol version. MQTT 5 fields are written only for V5; giving
 * a 3.1.1 encoder MQTT 5 properties or options is a caller error, never silently dropped.
 */
public final class MqttEncoder {
    private final MqttVersion version;

    public MqttEncoder(MqttVersion version) {
        this.version = version;
    }

    public MqttVersion version() {
        return version;
    }

    public byte[] encode(MqttPacket packet) {
        PacketWriter body = new PacketWriter();
        int flags = packet.type().fixedFlags();
        if (packet instanceof MqttPacket.Connect c) {
            connect(c, body);
        } else if (packet instanceof MqttPacket.ConnAck c) {
            body.u8(c.sessionPresent() ? 1 : 0).u8(c.reasonCode());
            properties(c.properties(), PacketType.CONNACK, body);
        } else if (packet instanceof MqttPacket.Publish p) {
            flags = (p.dup() ? 8 : 0) | (p.qos() << 1) | (p.retain() ? 1 : 0);
            body.utf8(p.topic());
            if (p.qos() > 0) {
                body.u16(p.packetId());
            }
            properties(p.properties(), PacketType.PUBLISH, body);
            body.bytes(p.payload(), 0, p.payload().length);
        } else if (packet instanceof MqttPacket.PubAck a) {
            ack(a.packetId(), a.reasonCode(), a.properties(), PacketType.PUBACK, body);
        } else if (packet instanceof MqttPacket.PubRec a) {
            ack(a.packetId(), a.reasonCode(), a.properties(), PacketType.PUBREC, body);
        } else if (packet instanceof MqttPacket.PubRel a) {
            ack(a.packetId(), a.reasonCode(), a.properties(), PacketType.PUBREL, body);
        } else if (packet instanceof MqttPacket.PubComp a) {
            ack(a.packetId(), a.reasonCode(), a.properties(), PacketType.PUBCOMP, body);
        } else if (packet instanceof MqttPacket.Subscribe s) {
            body.u16(s.packetId());
            properties(s.properties(), PacketType.SUBSCRIBE, body);
            for (Subscription sub : s.subscriptions()) {
                if (version == MqttVersion.V3_1_1 && sub.hasV5Options()) {
                    throw v5Only("subscription options noLocal/retainAsPublished/retainHandling");
                }
                body.utf8(sub.filter());
                body.u8(sub.qos() | (sub.noLocal() ? 4 : 0) | (sub.retainAsPublished() ? 8 : 0) | (sub.retainHandling() << 4));
            }
        } else if (packet instanceof MqttPacket.SubAck s) {
            body.u16(s.packetId());
            properties(s.properties(), PacketType.SUBACK, body);
            s.reasonCodes().forEach(body::u8);
        } else if (packet instanceof MqttPacket.Unsubscribe u) {
            body.u16(u.packetId());
            properties(u.properties(), PacketType.UNSUBSCRIBE, body);
            u.topicFilters().forEach(body::utf8);
        } else if (packet instanceof MqttPacket.UnsubAck u) {
            body.u16(u.packetId());
            properties(u.properties(), PacketType.UNSUBACK, body);
            if (version == MqttVersion.V5) {
                u.reasonCodes().forEach(body::u8);
            } else if (!u.reasonCodes().isEmpty()) {
                throw v5Only("UNSUBACK reason codes");
            }
        } else if (packet instanceof MqttPacket.Disconnect d) {
            shortForm(d.reasonCode(), d.properties(), PacketType.DISCONNECT, body);
        } else if (packet instanceof MqttPacket.Auth a) {
            if (version != MqttVersion.V5) {
                throw v5Only("AUTH");
            }
            shortForm(a.reasonCode(), a.properties(), PacketType.AUTH, body);
        }
        // PINGREQ and PINGRESP have no body.
        PacketWriter out = new PacketWriter();
        out.u8((packet.type().code() << 4) | flags).varint(body.size()).bytes(body);
        return out.toByteArray();
    }

    private void connect(MqttPacket.Connect c, PacketWriter body) {
        if (c.version() != version) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "a " + version + " encoder cannot write a " + c.version() + " CONNECT");
        }
        MqttWill will = c.will();
        int flags = (c.username() != null ? 0x80 : 0) | (c.password() != null ? 0x40 : 0)
                | (will != null && will.retain() ? 0x20 : 0) | (will != null ? will.qos() << 3 : 0)
                | (will != null ? 0x04 : 0) | (c.cleanStart() ? 0x02 : 0);
        body.utf8("MQTT").u8(version.level()).u8(flags).u16(c.keepAliveSeconds());
        properties(c.properties(), PacketType.CONNECT, body);
        body.utf8(c.clientId());
        if (will != null) {
            if (version == MqttVersion.V5) {
                writeProperties(will.properties(), body);
            } else if (!will.properties().isEmpty()) {
                throw v5Only("will properties");
            }
            body.utf8(will.topic()).binary(will.payload());
        }
        if (c.username() != null) {
            body.utf8(c.username());
        }
        if (c.password() != null) {
            body.binary(c.password());
        }
    }

    /** PUBACK/PUBREC/PUBREL/PUBCOMP: MQTT 5 omits reason 0x00 and empty properties (spec §3.4.2.1). */
    private void ack(int packetId, int reasonCode, MqttProperties props, PacketType type, PacketWriter body) {
        body.u16(packetId);
        if (version == MqttVersion.V3_1_1) {
            if (reasonCode != 0 || !props.isEmpty()) {
                throw v5Only(type + " reason codes and properties");
            }
            return;
        }
        if (reasonCode != 0 || !props.isEmpty()) {
            body.u8(reasonCode);
            if (!props.isEmpty()) {
                properties(props, type, body);
            }
        }
    }

    /** DISCONNECT/AUTH: an empty body means reason 0x00 without properties. */
    private void shortForm(int reasonCode, MqttProperties props, PacketType type, PacketWriter body) {
        if (version == MqttVersion.V3_1_1) {
            if (reasonCode != 0 || !props.isEmpty()) {
                throw v5Only(type + " reason codes and properties");
            }
            return;
        }
        if (reasonCode != 0 || !props.isEmpty()) {
            body.u8(reasonCode);
            if (!props.isEmpty()) {
                properties(props, type, body);
            }
        }
    }

    private void properties(MqttProperties props, PacketType type, PacketWriter body) {
        if (version == MqttVersion.V3_1_1) {
            if (!props.isEmpty()) {
                throw v5Only(type + " properties");
            }
            return;
        }
        for (MqttProperty p : props.present()) {
            if (!p.allowedIn(type)) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " is not allowed in " + type);
            }
        }
        writeProperties(props, body);
    }

    /** Single-valued properties in identifier order, then subscription identifiers, then user properties in order. */
    static void writeProperties(MqttProperties props, PacketWriter body) {
        PacketWriter w = new PacketWriter();
        for (Map.Entry<MqttProperty, Object> e : props.singleValued().entrySet()) {
            MqttProperty p = e.getKey();
            w.varint(p.id());
            Object v = e.getValue();
            switch (p.type()) {
                case BYTE -> w.u8((Integer) v);
                case TWO_BYTE -> w.u16((Integer) v);
                case FOUR_BYTE -> w.u32((Long) v);
                case VARINT -> w.varint((Integer) v);
                case UTF8 -> w.utf8((String) v);
                case BINARY -> w.binary((byte[]) v);
                case UTF8_PAIR -> throw new IllegalStateException("user properties are kept apart");
            }
        }
        List<Integer> subIds = props.subscriptionIdentifiers();
        for (int id : subIds) {
            w.varint(MqttProperty.SUBSCRIPTION_IDENTIFIER.id()).varint(id);
        }
        for (UserProperty u : props.userProperties()) {
            w.varint(MqttProperty.USER_PROPERTY.id()).utf8(u.name()).utf8(u.value());
        }
        body.varint(w.size()).bytes(w);
    }

    private MqttUsageException v5Only(String what) {
        return new MqttUsageException(MqttError.INVALID_ARGUMENT, what + " exist only in MQTT 5; this session speaks " + version);
    }
}
