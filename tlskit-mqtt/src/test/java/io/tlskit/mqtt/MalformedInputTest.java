package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile or broken broker input: each case fails the session with one exact MqttError, queues
 * the MQTT 5 DISCONNECT with the matching reason code, and leaves every unfinished outgoing
 * message in the store.
 */
class MalformedInputTest {

    /** hex311/hex5: the bytes for each version ("" = same as 3.1.1). */
    record Case(String name, String hex311, String hex5, MqttError error) {
        String hex(MqttVersion v) {
            return v == MqttVersion.V5 && !hex5.isEmpty() ? hex5 : hex311;
        }
    }

    static final List<Case> CASES = List.of(
            new Case("remaining length of 5 bytes", "30 FF FF FF FF 7F", "", MqttError.MALFORMED_REMAINING_LENGTH),
            new Case("topic length overflows the packet", "30 04 00 10 61 62", "", MqttError.LENGTH_OVERFLOW),
            new Case("bytes left over after the last field", "D0 01 00", "", MqttError.LENGTH_OVERFLOW),
            new Case("property length overflows the packet", "", "", null), // placeholder replaced below
            new Case("larger than our maximum packet size", "30 80 10", "", MqttError.PACKET_TOO_LARGE),
            new Case("CONNACK twice", "20 02 00 00", "", MqttError.UNEXPECTED_PACKET),
            new Case("SUBSCRIBE from the broker", "82 06 00 01 00 01 61 00", "82 07 00 01 00 00 01 61 00", MqttError.UNEXPECTED_PACKET),
            new Case("CONNECT from the broker", "10 0D 00 04 4D 51 54 54 04 02 00 3C 00 01 63",
                    "10 0E 00 04 4D 51 54 54 05 02 00 3C 00 00 01 63", MqttError.UNEXPECTED_PACKET),
            new Case("PINGREQ from the broker", "C0 00", "", MqttError.UNEXPECTED_PACKET),
            new Case("PUBACK for an unknown id", "40 02 00 63", "", MqttError.UNKNOWN_PACKET_ID),
            new Case("PUBCOMP for an unknown id", "70 02 00 63", "", MqttError.UNKNOWN_PACKET_ID),
            new Case("SUBACK for an unknown id", "90 03 00 63 00", "90 04 00 63 00 00", MqttError.UNKNOWN_PACKET_ID),
            new Case("UNSUBACK for an unknown id", "B0 02 00 63", "B0 03 00 63 00", MqttError.UNKNOWN_PACKET_ID),
            new Case("PUBACK for a QoS 2 message", "40 02 00 02", "", MqttError.PROTOCOL_ERROR),
            new Case("PUBCOMP before PUBREL", "70 02 00 02", "", MqttError.PROTOCOL_ERROR),
            new Case("PUBACK with reserved flags", "42 02 00 01", "", MqttError.RESERVED_FLAGS),
            new Case("PUBREL without its fixed flags", "60 02 00 01", "", MqttError.RESERVED_FLAGS),
            new Case("CONNACK flags reserved bits", "", "", null), // only meaningful before CONNACK, see below
            new Case("PUBLISH QoS 3", "36 05 00 01 61 00 01", "", MqttError.MALFORMED_PACKET),
            new Case("QoS 0 PUBLISH with DUP", "38 04 00 01 61 78", "38 05 00 01 61 00 78", MqttError.MALFORMED_PACKET),
            new Case("PUBLISH with packet id 0", "32 05 00 01 61 00 00", "32 06 00 01 61 00 00 00", MqttError.MALFORMED_PACKET),
            new Case("reserved packet type 0", "00 00", "", MqttError.MALFORMED_PACKET),
            new Case("invalid UTF-8 in a topic", "30 05 00 02 C3 28 78", "30 06 00 02 C3 28 00 78", MqttError.INVALID_UTF8),
            new Case("encoded surrogate in a topic", "30 06 00 03 ED A0 80 78", "30 07 00 03 ED A0 80 00 78", MqttError.INVALID_UTF8),
            new Case("NUL in a topic", "30 05 00 02 61 00 78", "30 06 00 02 61 00 00 78", MqttError.INVALID_UTF8),
            new Case("wildcard in a topic", "30 06 00 03 61 2F 23 78", "30 07 00 03 61 2F 23 00 78", MqttError.INVALID_TOPIC),
            new Case("empty topic without alias", "30 03 00 00 78", "30 04 00 00 00 78", MqttError.INVALID_TOPIC),
            new Case("SUBACK with too few codes", "90 03 00 03 00", "90 04 00 03 00 00", MqttError.PROTOCOL_ERROR));

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (MqttVersion v : MqttVersion.values()) {
            for (Case c : CASES) {
                if (c.error() != null) {
                    args.add(Arguments.of(v, c));
                }
            }
        }
        // MQTT 5 only
        args.add(Arguments.of(MqttVersion.V5, new Case("unknown property id", "40 06 00 01 00 02 7F 00", "", MqttError.MALFORMED_PACKET)));
        args.add(Arguments.of(MqttVersion.V5, new Case("property length overflows", "40 05 00 01 00 09 1F", "", MqttError.LENGTH_OVERFLOW)));
        args.add(Arguments.of(MqttVersion.V5, new Case("property twice",
                "30 0D 00 01 61 08 03 00 01 78 03 00 01 79 7A", "", MqttError.PROTOCOL_ERROR)));
        args.add(Arguments.of(MqttVersion.V5, new Case("property not allowed in the packet",
                "40 07 00 01 00 03 21 00 05", "", MqttError.PROTOCOL_ERROR)));
        args.add(Arguments.of(MqttVersion.V5, new Case("topic alias 0", "30 07 00 01 61 03 23 00 00", "", MqttError.TOPIC_ALIAS_INVALID)));
        args.add(Arguments.of(MqttVersion.V5, new Case("AUTH after CONNACK with bad flags", "F1 00", "", MqttError.RESERVED_FLAGS)));
        // MQTT 3.1.1 only
        args.add(Arguments.of(MqttVersion.V3_1_1, new Case("DISCONNECT from a 3.1.1 broker", "E0 00", "", MqttError.UNEXPECTED_PACKET)));
        args.add(Arguments.of(MqttVersion.V3_1_1, new Case("AUTH on 3.1.1", "F0 00", "", MqttError.MALFORMED_PACKET)));
        args.add(Arguments.of(MqttVersion.V3_1_1, new Case("PUBREC for an unknown id (3.1.1)", "50 02 00 63", "", MqttError.UNKNOWN_PACKET_ID)));
        args.add(Arguments.of(MqttVersion.V3_1_1, new Case("SUBACK code 3", "90 03 00 03 03", "", MqttError.PROTOCOL_ERROR)));
        return args.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void brokerInputFailsWithExactCode(MqttVersion v, Case c) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).maximumPacketSize(1024).build());
        b.connect();
        b.session.publish(MqttMessage.of("t", "one", 1), b.now); // id 1
        b.session.publish(MqttMessage.of("t", "two", 2), b.now); // id 2
        b.session.subscribe(List.of(Subscription.of("a", 0), Subscription.of("b", 0)), b.now); // id 3
        b.fromClient();
        List<OutgoingMessage> before = b.store.load().outgoing();

        assertThatThrownBy(() -> b.sendRaw(c.hex(v)))
                .isInstanceOf(MqttProtocolException.class)
                .satisfies(e -> {
                    MqttProtocolException pe = (MqttProtocolException) e;
                    assertThat(pe.error()).isEqualTo(c.error());
                    assertThat(pe.getMessage()).contains("broker");
                });
        assertThat(b.session.state()).isEqualTo(MqttSession.State.FAILED);
        assertThat(b.session.failure()).hasValueSatisfying(e -> assertThat(e.error()).isEqualTo(c.error()));
        assertThat(b.session.takeEvents()).last().isInstanceOf(MqttEvent.ConnectionLost.class);
        List<MqttPacket> out = b.fromClient();
        if (v == MqttVersion.V5) {
            assertThat(out).singleElement().isInstanceOf(MqttPacket.Disconnect.class);
            assertThat(((MqttPacket.Disconnect) out.get(0)).reasonCode()).isEqualTo(c.error().disconnectReason());
        } else {
            assertThat(out).isEmpty(); // 3.1.1 has no way to say why: just close
        }
        // nothing the caller handed over is lost
        assertThat(b.store.load().outgoing()).isEqualTo(before).hasSize(2);
        // and later bytes are ignored rather than processed
        b.sendRaw("40 02 00 01");
        assertThat(b.store.load().outgoing()).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void anythingBeforeConnackIsUnexpected(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).build());
        b.session.connect(b.now);
        b.session.publish(MqttMessage.of("t", "queued", 1), b.now);
        b.fromClient();
        assertThatThrownBy(() -> b.send(new MqttPacket.PingResp()))
                .satisfies(e -> assertThat(((MqttProtocolException) e).error()).isEqualTo(MqttError.UNEXPECTED_PACKET))
                .hasMessageContaining("before CONNACK");
        assertThat(b.store.load().outgoing()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void connackWithReservedFlagBits(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).build());
        b.session.connect(b.now);
        b.fromClient();
        assertThatThrownBy(() -> b.sendRaw("20 02 02 00"))
                .satisfies(e -> assertThat(((MqttProtocolException) e).error()).isEqualTo(MqttError.RESERVED_FLAGS));
    }

    @Test
    void sessionPresentAfterCleanStartIsAProtocolError() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).cleanStart(true).build());
        b.session.connect(b.now);
        b.fromClient();
        assertThatThrownBy(() -> b.send(new MqttPacket.ConnAck(true, 0, null)))
                .satisfies(e -> assertThat(((MqttProtocolException) e).error()).isEqualTo(MqttError.PROTOCOL_ERROR));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void pubrelForUnknownIdIsAnsweredNotFatal(MqttVersion v) throws Exception {
        // 3.1.1 §4.3.3 and MQTT 5 §4.3.3 both answer every PUBREL with PUBCOMP; MQTT 5 says 0x92
        BrokerSim b = new BrokerSim(BrokerSim.options(v).build());
        b.connect();
        b.sendRaw("62 02 00 2A");
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CONNECTED);
        assertThat(BrokerSim.hex(b.session.takeOutput())).isEqualTo(v == MqttVersion.V5 ? "7003002a92" : "7002002a");
    }

    @Test
    void v5PubrecForUnknownIdIsAnsweredWithPubrel0x92() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect();
        b.sendRaw("50 02 00 2A");
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CONNECTED);
        assertThat(BrokerSim.hex(b.session.takeOutput())).isEqualTo("6203002a92");
    }

    @Test
    void partialPacketsAreBufferedAcrossReceives() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect();
        byte[] bytes = b.encode(new MqttPacket.Publish("a/b", "payload".getBytes(), 0, false, false, 0, null),
                new MqttPacket.PingResp());
        for (byte x : bytes) {
            b.session.receive(new byte[] {x}, 0, 1, b.now);
        }
        assertThat(b.session.takeEvents()).singleElement().isInstanceOf(MqttEvent.MessageArrived.class);
    }

    @Test
    void afterAFailureReconnectRedeliversEverything() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).cleanStart(false).build());
        b.connect();
        b.session.publish(MqttMessage.of("t", "x", 1), b.now);
        b.fromClient();
        assertThatThrownBy(() -> b.sendRaw("30 FF FF FF FF 7F")).isInstanceOf(MqttProtocolException.class);
        b.session.connectionLost(b.now); // the client layer closes the transport
        b.newConnection();
        b.session.connect(b.now);
        b.fromClient();
        b.send(new MqttPacket.ConnAck(true, 0, null));
        assertThat(b.fromClient()).containsExactly(new MqttPacket.Publish("t", "x".getBytes(), 1, false, true, 1, null));
    }
}
