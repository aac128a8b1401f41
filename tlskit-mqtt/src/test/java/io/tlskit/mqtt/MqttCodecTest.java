package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Packet bytes against vectors worked out by hand from the specifications, and round trips of every packet type. */
class MqttCodecTest {
    private static final MqttEncoder V3 = new MqttEncoder(MqttVersion.V3_1_1);
    private static final MqttEncoder V5 = new MqttEncoder(MqttVersion.V5);

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String h(String spaced) {
        return spaced.replace(" ", "").toLowerCase();
    }

    private static MqttPacket decode(MqttVersion v, byte[] bytes) throws MqttProtocolException {
        MqttDecoder d = new MqttDecoder(v, MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, "broker");
        d.feed(bytes, 0, bytes.length);
        MqttPacket p = d.next();
        assertThat(d.buffered()).isZero();
        return p;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void connect311MinimalMatchesSpecLayout() {
        // 3.1.1 §3.1: name "MQTT", level 4, flags 0x02 (clean session), keep alive 60, client id "abc"
        byte[] b = V3.encode(new MqttPacket.Connect(MqttVersion.V3_1_1, "abc", true, 60, null, null, null, null));
        assertThat(hex(b)).isEqualTo(h("10 0F 00 04 4D 51 54 54 04 02 00 3C 00 03 61 62 63"));
    }

    @Test
    void connect5WithReceiveMaximum() {
        // properties: 0x21 Receive Maximum = 10 -> length 3
        byte[] b = V5.encode(new MqttPacket.Connect(MqttVersion.V5, "abc", true, 60, null, null, null,
                MqttProperties.builder().receiveMaximum(10).build()));
        assertThat(hex(b)).isEqualTo(h("10 13 00 04 4D 51 54 54 05 02 00 3C 03 21 00 0A 00 03 61 62 63"));
    }

    @Test
    void connect311WithWillUserAndPassword() {
        // flags: user 0x80 | password 0x40 | will retain 0x20 | will QoS 1 0x08 | will 0x04 | clean 0x02 = 0xEE
        byte[] b = V3.encode(new MqttPacket.Connect(MqttVersion.V3_1_1, "c", true, 10, "u", utf8("p"),
                new MqttWill("w", utf8("x"), 1, true), null));
        assertThat(hex(b)).isEqualTo(h("10 19 00 04 4D 51 54 54 04 EE 00 0A 00 01 63 00 01 77 00 01 78 00 01 75 00 01 70"));
    }

    @Test
    void publishQos1Vectors() {
        assertThat(hex(V3.encode(new MqttPacket.Publish("a/b", utf8("hi"), 1, false, false, 10, null))))
                .isEqualTo(h("32 09 00 03 61 2F 62 00 0A 68 69"));
        // MQTT 5 adds a property length of 0
        assertThat(hex(V5.encode(new MqttPacket.Publish("a/b", utf8("hi"), 1, false, false, 10, null))))
                .isEqualTo(h("32 0A 00 03 61 2F 62 00 0A 00 68 69"));
        // DUP | QoS 2 | RETAIN = 0x3D
        assertThat(hex(V3.encode(new MqttPacket.Publish("a/b", utf8("hi"), 2, true, true, 10, null))))
                .startsWith("3d09");
    }

    @Test
    void publish5WithPropertiesVector() {
        // Message Expiry 60 (02 0000003C) + user property k=v (26 0001 6B 0001 76) = 12 bytes of properties
        MqttProperties p = MqttProperties.builder().messageExpiryInterval(60).userProperty("k", "v").build();
        byte[] b = V5.encode(new MqttPacket.Publish("t", utf8("x"), 0, true, false, 0, p));
        assertThat(hex(b)).isEqualTo(h("31 11 00 01 74 0C 02 00 00 00 3C 26 00 01 6B 00 01 76 78"));
    }

    @Test
    void acknowledgementVectors() {
        assertThat(hex(V3.encode(new MqttPacket.PubAck(10, 0, null)))).isEqualTo("4002000a");
        assertThat(hex(V5.encode(new MqttPacket.PubAck(10, 0, null)))).isEqualTo("4002000a"); // reason 0 omitted
        assertThat(hex(V5.encode(new MqttPacket.PubAck(10, 0x10, null)))).isEqualTo("4003000a10");
        assertThat(hex(V3.encode(new MqttPacket.PubRel(10, 0, null)))).isEqualTo("6202000a"); // PUBREL flags 0010
        assertThat(hex(V5.encode(new MqttPacket.PubComp(10, 0x92, null)))).isEqualTo("7003000a92");
    }

    @Test
    void subscribeVectors() {
        assertThat(hex(V3.encode(new MqttPacket.Subscribe(1, List.of(Subscription.of("a/#", 1)), null))))
                .isEqualTo(h("82 08 00 01 00 03 61 2F 23 01"));
        // options: QoS 1 | No Local 0x04 | Retain Handling 2 (0x20) = 0x25
        assertThat(hex(V5.encode(new MqttPacket.Subscribe(1, List.of(new Subscription("a/#", 1, true, false, 2)), null))))
                .isEqualTo(h("82 09 00 01 00 00 03 61 2F 23 25"));
    }

    @Test
    void shortPacketVectors() {
        assertThat(hex(V3.encode(new MqttPacket.PingReq()))).isEqualTo("c000");
        assertThat(hex(V3.encode(new MqttPacket.Disconnect(0, null)))).isEqualTo("e000");
        assertThat(hex(V5.encode(new MqttPacket.Disconnect(0, null)))).isEqualTo("e000");
        assertThat(hex(V5.encode(new MqttPacket.Disconnect(0x04, null)))).isEqualTo("e00104");
    }

    @Test
    void connack5DecodesTypedProperties() throws Exception {
        // session present, success, Server Keep Alive 30 (13 001E), Receive Maximum 5 (21 0005)
        MqttPacket p = decode(MqttVersion.V5, HexFormat.of().parseHex("200901000613001e210005"));
        assertThat(p).isInstanceOf(MqttPacket.ConnAck.class);
        MqttPacket.ConnAck c = (MqttPacket.ConnAck) p;
        assertThat(c.sessionPresent()).isTrue();
        assertThat(c.properties().serverKeepAlive()).hasValue(30);
        assertThat(c.properties().receiveMaximum()).hasValue(5);
        assertThat(c.properties().maximumPacketSize()).isEmpty();
    }

    @Test
    void remainingLengthBoundaries() throws Exception {
        // 3.1.1 §2.2.3: 127 -> 7F, 128 -> 80 01, 16383 -> FF 7F, 16384 -> 80 80 01
        for (int[] c : new int[][] {{127, 1}, {128, 2}, {16_383, 2}, {16_384, 3}, {2_097_152, 4}}) {
            int payload = c[0] - 2 - 1; // topic "t" is 3 bytes; QoS 0 has no id
            byte[] b = V3.encode(new MqttPacket.Publish("t", new byte[payload - 0], 0, false, false, 0, null));
            assertThat(b.length).isEqualTo(1 + c[1] + c[0]);
            assertThat(((MqttPacket.Publish) decode(MqttVersion.V3_1_1, b)).payload()).hasSize(payload);
        }
        assertThat(hex(V3.encode(new MqttPacket.Publish("t", new byte[125], 0, false, false, 0, null)))).startsWith("308001");
    }

    @Test
    void streamingDecodeAcceptsOneByteAtATime() throws Exception {
        byte[] b = V5.encode(new MqttPacket.Publish("a/b", utf8("hello"), 2, false, false, 7,
                MqttProperties.builder().contentType("text/plain").build()));
        MqttDecoder d = new MqttDecoder(MqttVersion.V5, 1 << 20, "broker");
        MqttPacket got = null;
        for (int i = 0; i < b.length; i++) {
            d.feed(b, i, 1);
            MqttPacket p = d.next();
            if (i < b.length - 1) {
                assertThat(p).isNull();
            } else {
                got = p;
            }
        }
        assertThat(got).isEqualTo(decode(MqttVersion.V5, b));
        assertThat(((MqttPacket.Publish) got).properties().contentType()).hasValue("text/plain");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void everyPacketTypeRoundTrips(MqttVersion v) throws Exception {
        boolean five = v == MqttVersion.V5;
        MqttEncoder enc = new MqttEncoder(v);
        MqttProperties reason = five ? MqttProperties.builder().reasonString("because").userProperty("a", "b").build()
                : MqttProperties.EMPTY;
        List<MqttPacket> packets = new java.util.ArrayList<>(List.of(
                new MqttPacket.Connect(v, "id", false, 30, "user", utf8("pw"),
                        new MqttWill("will/t", utf8("bye"), 2, true,
                                five ? MqttProperties.builder().willDelayInterval(5).contentType("c").build() : null),
                        five ? MqttProperties.builder().sessionExpiryInterval(3600).topicAliasMaximum(4).build() : null),
                new MqttPacket.ConnAck(true, 0, five ? MqttProperties.builder().assignedClientIdentifier("x").build() : null),
                new MqttPacket.Publish("a/b", utf8("p"), 1, true, true, 9, null),
                new MqttPacket.PubAck(1, five ? 0x10 : 0, reason),
                new MqttPacket.PubRec(2, 0, reason),
                new MqttPacket.PubRel(3, five ? 0x92 : 0, null),
                new MqttPacket.PubComp(4, 0, reason),
                new MqttPacket.Subscribe(5, List.of(Subscription.of("a/+", 2), Subscription.of("$share/g/b/#", 0)),
                        five ? MqttProperties.builder().subscriptionIdentifier(42).build() : null),
                new MqttPacket.SubAck(5, List.of(2, 0x80), reason),
                new MqttPacket.Unsubscribe(6, List.of("a/+"), null),
                new MqttPacket.UnsubAck(6, five ? List.of(0x11) : List.of(), reason),
                new MqttPacket.PingReq(),
                new MqttPacket.PingResp(),
                new MqttPacket.Disconnect(five ? 0x8B : 0, five ? MqttProperties.builder().serverReference("other:1883").build() : null)));
        if (five) {
            packets.add(new MqttPacket.Auth(0x18, MqttProperties.builder().authenticationMethod("SCRAM")
                    .authenticationData(new byte[] {1, 2}).build()));
        }
        for (MqttPacket p : packets) {
            MqttDecoder d = new MqttDecoder(p instanceof MqttPacket.Connect ? null : v, 1 << 20, "peer");
            byte[] b = enc.encode(p);
            d.feed(b, 0, b.length);
            MqttPacket back = d.next();
            if (p instanceof MqttPacket.Connect c) {
                MqttPacket.Connect bc = (MqttPacket.Connect) back;
                assertThat(bc.password()).isEqualTo(c.password());
                assertThat(bc.will()).isEqualTo(c.will());
                assertThat(bc.properties()).isEqualTo(c.properties());
                assertThat(bc.toString()).doesNotContain("pw").contains("(hidden)");
                assertThat(d.version()).isEqualTo(v);
            } else {
                assertThat(back).as(p.type().toString()).isEqualTo(p);
            }
        }
    }

    @Test
    void everyPropertyRoundTripsTyped() throws Exception {
        MqttProperties pub = MqttProperties.builder().payloadIsUtf8(true).messageExpiryInterval(0xFFFF_FFFFL)
                .contentType("application/json").responseTopic("reply/here").correlationData(new byte[] {9, 8})
                .subscriptionIdentifier(1).subscriptionIdentifier(268_435_455).topicAlias(3)
                .userProperty("k", "v1").userProperty("k", "v2").build();
        MqttPacket.Publish p = (MqttPacket.Publish) decode(MqttVersion.V5,
                V5.encode(new MqttPacket.Publish("t", null, 0, false, false, 0, pub)));
        MqttProperties back = p.properties();
        assertThat(back).isEqualTo(pub);
        assertThat(back.payloadFormatIndicator()).hasValue(1);
        assertThat(back.messageExpiryInterval()).hasValue(0xFFFF_FFFFL);
        assertThat(back.correlationData()).hasValueSatisfying(b -> assertThat(b).containsExactly(9, 8));
        assertThat(back.subscriptionIdentifiers()).containsExactly(1, 268_435_455);
        assertThat(back.userProperties()).containsExactly(new UserProperty("k", "v1"), new UserProperty("k", "v2"));

        MqttProperties connack = MqttProperties.builder().sessionExpiryInterval(10).assignedClientIdentifier("auto-1")
                .serverKeepAlive(20).authenticationMethod("m").authenticationData(new byte[] {1}).responseInformation("ri")
                .serverReference("s").reasonString("r").receiveMaximum(7).topicAliasMaximum(8).maximumQos(1)
                .retainAvailable(false).maximumPacketSize(1024).wildcardSubscriptionAvailable(false)
                .subscriptionIdentifierAvailable(false).sharedSubscriptionAvailable(false).build();
        MqttPacket.ConnAck c = (MqttPacket.ConnAck) decode(MqttVersion.V5, V5.encode(new MqttPacket.ConnAck(false, 0, connack)));
        assertThat(c.properties()).isEqualTo(connack);
        ServerLimits l = ServerLimits.from(c.properties());
        assertThat(l).isEqualTo(new ServerLimits(7, 1024, 8, 1, false, false, false, false));
        assertThat(connack.toString()).contains("AUTHENTICATION_DATA=(hidden)");

        MqttProperties connect = MqttProperties.builder().requestProblemInformation(false)
                .requestResponseInformation(true).build();
        MqttPacket.Connect back2 = (MqttPacket.Connect) decode(null, V5.encode(
                new MqttPacket.Connect(MqttVersion.V5, "", true, 0, null, null, null, connect)));
        assertThat(back2.properties().requestProblemInformation()).hasValue(false);
        assertThat(back2.properties().requestResponseInformation()).hasValue(true);
    }

    @Test
    void encoderRefusesMqtt5FieldsIn311() {
        assertThatThrownBy(() -> V3.encode(new MqttPacket.PubAck(1, 0x10, null)))
                .isInstanceOf(MqttUsageException.class).hasMessageContaining("only in MQTT 5");
        assertThatThrownBy(() -> V3.encode(new MqttPacket.Auth(0, null))).isInstanceOf(MqttUsageException.class);
        assertThatThrownBy(() -> V5.encode(new MqttPacket.PubAck(1, 0,
                MqttProperties.builder().topicAlias(1).build()))).hasMessageContaining("TOPIC_ALIAS is not allowed in PUBACK");
    }

    @Test
    void reasonCodesHaveNamesAndSentences() {
        assertThat(MqttReasonCode.describe(0x86)).contains("Bad User Name or Password").contains("bad user name or password");
        assertThat(MqttReasonCode.describe(0x87)).contains("not authorized");
        assertThat(MqttReasonCode.describe(0x97)).contains("quota exceeded");
        assertThat(MqttReasonCode.describe(0x92)).contains("packet identifier not found");
        assertThat(MqttReasonCode.describe(0x7F)).contains("does not define");
        for (MqttReasonCode r : MqttReasonCode.values()) {
            assertThat(r.sentence()).isNotBlank();
            assertThat(r.isFailure()).isEqualTo(r.code() >= 0x80);
        }
        assertThat(MqttReasonCode.fromV311ConnackReturnCode(4)).isEqualTo(0x86);
        assertThat(MqttReasonCode.fromV311ConnackReturnCode(5)).isEqualTo(0x87);
        assertThat(MqttReasonCode.fromV311ConnackReturnCode(6)).isEqualTo(-1);
    }
}
