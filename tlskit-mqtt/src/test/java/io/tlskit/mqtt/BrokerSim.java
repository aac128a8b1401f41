package io.tlskit.mqtt;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A tiny in-memory broker side for tests: decodes what the session wrote, encodes what the broker
 * answers, and drives the session's clock. Not a broker: it has no routing or sessions of its own;
 * {@link #answer(MqttPacket)} gives the standard reply to a client packet for tests that just need flows to complete.
 */
final class BrokerSim {
    final MqttSession session;
    final SessionStore store;
    final MqttVersion version;
    private MqttDecoder decoder;
    private final MqttEncoder encoder;
    long now = 1_000;

    BrokerSim(MqttConnectOptions options, SessionStore store) {
        this.store = store;
        this.session = new MqttSession(options, store);
        this.version = options.version();
        this.encoder = new MqttEncoder(version);
        newConnection();
    }

    BrokerSim(MqttConnectOptions options) {
        this(options, new InMemorySessionStore());
    }

    static MqttConnectOptions.Builder options(MqttVersion v) {
        return MqttConnectOptions.builder().version(v).clientId("dev1").keepAliveSeconds(60);
    }

    /** A fresh broker-side decoder, as a new TCP connection would have. */
    void newConnection() {
        decoder = new MqttDecoder(null, MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, "client");
    }

    /** The packets the session has written since the last call. */
    List<MqttPacket> fromClient() {
        byte[] out = session.takeOutput();
        decoder.feed(out, 0, out.length);
        List<MqttPacket> packets = new ArrayList<>();
        try {
            MqttPacket p;
            while ((p = decoder.next()) != null) {
                packets.add(p);
            }
        } catch (MqttProtocolException e) {
            throw new AssertionError("the session wrote an undecodable packet: " + e.getMessage(), e);
        }
        if (decoder.buffered() != 0) {
            throw new AssertionError("the session wrote a partial packet");
        }
        return packets;
    }

    byte[] encode(MqttPacket... packets) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (MqttPacket p : packets) {
            b.writeBytes(encoder.encode(p));
        }
        return b.toByteArray();
    }

    /** Sends packets from the broker to the session. */
    void send(MqttPacket... packets) throws MqttProtocolException {
        session.receive(encode(packets), now);
    }

    void sendRaw(String hex) throws MqttProtocolException {
        session.receive(HexFormat.of().parseHex(hex.replace(" ", "")), now);
    }

    /** connect() + CONNACK; returns the events of the connection. */
    List<MqttEvent> connect(boolean sessionPresent, MqttProperties connackProps) throws MqttProtocolException {
        session.connect(now);
        List<MqttPacket> sent = fromClient();
        if (sent.size() != 1 || !(sent.get(0) instanceof MqttPacket.Connect)) {
            throw new AssertionError("expected CONNECT, got " + sent);
        }
        send(new MqttPacket.ConnAck(sessionPresent, 0, connackProps));
        return session.takeEvents();
    }

    List<MqttEvent> connect() throws MqttProtocolException {
        return connect(false, MqttProperties.EMPTY);
    }

    /** The standard broker reply to a client packet, or null if none is due. */
    MqttPacket answer(MqttPacket p) {
        if (p instanceof MqttPacket.Publish pub) {
            return pub.qos() == 1 ? new MqttPacket.PubAck(pub.packetId(), 0, null)
                    : pub.qos() == 2 ? new MqttPacket.PubRec(pub.packetId(), 0, null) : null;
        }
        if (p instanceof MqttPacket.PubRel r) {
            return new MqttPacket.PubComp(r.packetId(), 0, null);
        }
        if (p instanceof MqttPacket.Subscribe s) {
            return new MqttPacket.SubAck(s.packetId(), s.subscriptions().stream().map(Subscription::qos).toList(), null);
        }
        if (p instanceof MqttPacket.Unsubscribe u) {
            return new MqttPacket.UnsubAck(u.packetId(),
                    version == MqttVersion.V5 ? u.topicFilters().stream().map(f -> 0).toList() : List.of(), null);
        }
        if (p instanceof MqttPacket.PingReq) {
            return new MqttPacket.PingResp();
        }
        return null;
    }

    /** Answers everything the client wrote until it writes nothing more; returns every client packet seen. */
    List<MqttPacket> pumpAnswers() throws MqttProtocolException {
        List<MqttPacket> all = new ArrayList<>();
        List<MqttPacket> batch;
        while (!(batch = fromClient()).isEmpty()) {
            all.addAll(batch);
            for (MqttPacket p : batch) {
                MqttPacket a = answer(p);
                if (a != null) {
                    send(a);
                }
            }
            session.takeEvents(); // auto-ack may add output
        }
        return all;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
