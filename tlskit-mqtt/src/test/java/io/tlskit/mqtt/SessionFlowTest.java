package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** QoS 0/1/2 in both directions, with the exact packet sequences and the store's view at each step. */
class SessionFlowTest {

    private static BrokerSim connected(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).build());
        b.connect();
        return b;
    }

    private static BrokerSim connected(MqttConnectOptions o) throws Exception {
        BrokerSim b = new BrokerSim(o);
        b.connect();
        return b;
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void outgoingQos0IsOnePublishAndNoState(MqttVersion v) throws Exception {
        BrokerSim b = connected(v);
        assertThat(b.session.publish(MqttMessage.of("a/b", "hi", 0), b.now)).isZero();
        assertThat(b.fromClient()).containsExactly(
                new MqttPacket.Publish("a/b", "hi".getBytes(), 0, false, false, 0, null));
        assertThat(b.store.load().isEmpty()).isTrue();
        assertThat(b.session.takeEvents()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void outgoingQos1PublishPuback(MqttVersion v) throws Exception {
        BrokerSim b = connected(v);
        int id = b.session.publish(MqttMessage.of("a/b", "hi", 1), b.now);
        assertThat(id).isEqualTo(1);
        byte[] wire = b.session.takeOutput();
        // hand-computed: 3.1.1 "32 09 0003 612F62 0001 6869"; MQTT 5 inserts a zero property length
        assertThat(BrokerSim.hex(wire)).isEqualTo(v == MqttVersion.V5 ? "320a0003612f6200010068 69".replace(" ", "")
                : "32090003612f6200016869");
        assertThat(b.store.load().outgoing()).containsExactly(
                new OutgoingMessage(1, MqttMessage.of("a/b", "hi", 1), OutgoingPhase.PUBLISH_SENT));
        b.send(new MqttPacket.PubAck(id, 0, null));
        assertThat(b.session.takeEvents()).containsExactly(new MqttEvent.PublishCompleted(1, 0, MqttProperties.EMPTY));
        assertThat(b.store.load().isEmpty()).isTrue();
        assertThat(b.session.takeOutput()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void outgoingQos2FourWayHandshake(MqttVersion v) throws Exception {
        BrokerSim b = connected(v);
        int id = b.session.publish(MqttMessage.of("a/b", "hi", 2), b.now);
        assertThat(b.fromClient()).containsExactly(new MqttPacket.Publish("a/b", "hi".getBytes(), 2, false, false, id, null));
        assertThat(b.store.load().outgoing().get(0).phase()).isEqualTo(OutgoingPhase.PUBLISH_SENT);
        b.send(new MqttPacket.PubRec(id, 0, null));
        byte[] pubrel = b.session.takeOutput();
        assertThat(BrokerSim.hex(pubrel)).isEqualTo("62020001");
        assertThat(b.store.load().outgoing().get(0).phase()).isEqualTo(OutgoingPhase.PUBREL_SENT);
        assertThat(b.session.takeEvents()).isEmpty();
        b.send(new MqttPacket.PubComp(id, 0, null));
        assertThat(b.session.takeEvents()).containsExactly(new MqttEvent.PublishCompleted(id, 0, MqttProperties.EMPTY));
        assertThat(b.store.load().isEmpty()).isTrue();
    }

    @Test
    void v5FailureReasonInPubackOrPubrecFailsThePublish() throws Exception {
        BrokerSim b = connected(MqttVersion.V5);
        int q1 = b.session.publish(MqttMessage.of("a", "x", 1), b.now);
        int q2 = b.session.publish(MqttMessage.of("a", "x", 2), b.now);
        b.fromClient();
        b.send(new MqttPacket.PubAck(q1, 0x97, MqttProperties.builder().reasonString("daily quota").build()),
                new MqttPacket.PubRec(q2, 0x87, null));
        List<MqttEvent> ev = b.session.takeEvents();
        assertThat(ev).hasSize(2);
        MqttEvent.PublishFailed f1 = (MqttEvent.PublishFailed) ev.get(0);
        assertThat(f1.reasonCode()).isEqualTo(0x97);
        assertThat(f1.explanation()).contains("quota exceeded").contains("daily quota");
        assertThat(((MqttEvent.PublishFailed) ev.get(1)).explanation()).contains("not authorized");
        assertThat(b.fromClient()).isEmpty(); // no PUBREL after a failed PUBREC
        assertThat(b.store.load().isEmpty()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void incomingQos0And1AutoAckAfterDelivery(MqttVersion v) throws Exception {
        BrokerSim b = connected(v);
        b.send(new MqttPacket.Publish("s/1", "a".getBytes(), 0, true, false, 0, null),
                new MqttPacket.Publish("s/2", "b".getBytes(), 1, false, false, 7, null));
        assertThat(b.session.takeOutput()).isEmpty(); // nothing acknowledged before the caller has the message
        List<MqttEvent> ev = b.session.takeEvents();
        assertThat(ev).hasSize(2);
        MqttMessage m0 = ((MqttEvent.MessageArrived) ev.get(0)).message();
        assertThat(m0.retain()).isTrue();
        assertThat(m0.qos()).isZero();
        MqttEvent.MessageArrived m1 = (MqttEvent.MessageArrived) ev.get(1);
        assertThat(m1.message().topic()).isEqualTo("s/2");
        assertThat(m1.packetId()).isEqualTo(7);
        assertThat(BrokerSim.hex(b.session.takeOutput())).isEqualTo("40020007");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void incomingQos2DeliveredExactlyOnce(MqttVersion v) throws Exception {
        BrokerSim b = connected(v);
        MqttPacket.Publish pub = new MqttPacket.Publish("s", "x".getBytes(), 2, false, false, 9, null);
        b.send(pub);
        assertThat(b.session.takeOutput()).isEmpty();
        assertThat(b.session.takeEvents()).hasSize(1);
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubRec(9, 0, null));
        assertThat(b.store.load().incomingQos2()).containsExactly(9);
        // the broker missed our PUBREC and resends: answered again, not delivered again
        b.send(new MqttPacket.Publish("s", "x".getBytes(), 2, false, true, 9, null));
        assertThat(b.session.takeEvents()).isEmpty();
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubRec(9, 0, null));
        b.send(new MqttPacket.PubRel(9, 0, null));
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubComp(9, 0, null));
        assertThat(b.store.load().incomingQos2()).isEmpty();
    }

    @Test
    void manualAckSendsAcknowledgementOnlyWhenTheCallerSaysSo() throws Exception {
        BrokerSim b = connected(BrokerSim.options(MqttVersion.V5).autoAck(false).build());
        b.send(new MqttPacket.Publish("s", "x".getBytes(), 1, false, false, 3, null),
                new MqttPacket.Publish("s", "y".getBytes(), 2, false, false, 4, null));
        List<MqttEvent> ev = b.session.takeEvents();
        assertThat(b.fromClient()).isEmpty();
        b.session.acknowledge((MqttEvent.MessageArrived) ev.get(1), b.now);
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubRec(4, 0, null));
        b.session.acknowledge((MqttEvent.MessageArrived) ev.get(0), b.now);
        b.session.acknowledge((MqttEvent.MessageArrived) ev.get(0), b.now); // twice: no effect
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubAck(3, 0, null));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void subscribeAndUnsubscribe(MqttVersion v) throws Exception {
        BrokerSim b = connected(v);
        int sid = b.session.subscribe(List.of(Subscription.of("a/#", 1), Subscription.of("b/+", 2)), b.now);
        MqttPacket.Subscribe s = (MqttPacket.Subscribe) b.fromClient().get(0);
        assertThat(s.packetId()).isEqualTo(sid);
        b.send(new MqttPacket.SubAck(sid, List.of(1, 0x80), null));
        assertThat(b.session.takeEvents()).containsExactly(new MqttEvent.SubscribeCompleted(sid, List.of(1, 0x80), MqttProperties.EMPTY));
        int uid = b.session.unsubscribe(List.of("a/#"), b.now);
        assertThat(b.fromClient()).containsExactly(new MqttPacket.Unsubscribe(uid, List.of("a/#"), null));
        List<Integer> codes = v == MqttVersion.V5 ? List.of(0) : List.of();
        b.send(new MqttPacket.UnsubAck(uid, codes, null));
        assertThat(b.session.takeEvents()).containsExactly(new MqttEvent.UnsubscribeCompleted(uid, codes, MqttProperties.EMPTY));
    }

    @Test
    void publishAndSubscribeQueueWhileConnectingAndFlushInOrderAfterConnack() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.session.connect(b.now);
        int id1 = b.session.publish(MqttMessage.of("t", "1", 1), b.now);
        b.session.publish(MqttMessage.of("t", "0", 0), b.now);
        int sid = b.session.subscribe(List.of(Subscription.of("x", 0)), b.now);
        int id2 = b.session.publish(MqttMessage.of("t", "2", 2), b.now);
        assertThat(b.fromClient()).singleElement().isInstanceOf(MqttPacket.Connect.class);
        b.send(new MqttPacket.ConnAck(false, 0, null));
        List<MqttPacket> sent = b.fromClient();
        assertThat(sent).extracting(MqttPacket::type).containsExactly(
                PacketType.PUBLISH, PacketType.PUBLISH, PacketType.SUBSCRIBE, PacketType.PUBLISH);
        assertThat(((MqttPacket.Publish) sent.get(0)).packetId()).isEqualTo(id1);
        assertThat(((MqttPacket.Publish) sent.get(1)).packetId()).isEqualTo(id2);
        assertThat(((MqttPacket.Subscribe) sent.get(2)).packetId()).isEqualTo(sid);
        assertThat(((MqttPacket.Publish) sent.get(3)).qos()).isZero();
    }

    @Test
    void packetIdsAreNeverReusedWhileInFlight() throws Exception {
        BrokerSim b = connected(MqttVersion.V3_1_1);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 65_535; i++) {
            assertThat(seen.add(b.session.publish(MqttMessage.of("t", "x", 1), b.now))).isTrue();
        }
        assertThat(seen).hasSize(65_535).allMatch(id -> id >= 1 && id <= 65_535);
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("t", "x", 1), b.now))
                .isInstanceOf(MqttUsageException.class)
                .satisfies(e -> assertThat(((MqttUsageException) e).error()).isEqualTo(MqttError.PACKET_IDS_EXHAUSTED));
        b.fromClient();
        b.send(new MqttPacket.PubAck(500, 0, null));
        assertThat(b.session.publish(MqttMessage.of("t", "x", 1), b.now)).isEqualTo(500);
    }

    @Test
    void topicAndFilterValidationSaysWhy() throws Exception {
        BrokerSim b = connected(MqttVersion.V5);
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("a/+/c", "x", 0), b.now))
                .isInstanceOf(MqttUsageException.class).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("", "x", 0), b.now)).hasMessageContaining("empty");
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("a\u0000b", "x", 0), b.now)).hasMessageContaining("NUL");
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("x".repeat(65_536), "x", 0), b.now))
                .hasMessageContaining("65535 bytes");
        assertThat(Topics.filterProblem("a/#/b")).contains("'#' must be the whole last level");
        assertThat(Topics.filterProblem("a/b#")).contains("'#' must be the whole last level");
        assertThat(Topics.filterProblem("a/b+/c")).contains("'+' must fill a whole level");
        assertThat(Topics.filterProblem("$share//a")).contains("non-empty group");
        assertThat(Topics.filterProblem("$share/g")).contains("$share/{group}/{filter}");
        assertThat(Topics.filterProblem("$share/g+/a")).contains("must not contain");
        assertThat(Topics.filterProblem("$share/g/")).contains("no topic filter");
        for (String ok : List.of("#", "+", "a/+/c", "a/#", "+/+", "/", "$share/g/a/#", "$SYS/#")) {
            assertThat(Topics.filterProblem(ok)).as(ok).isNull();
        }
        assertThatThrownBy(() -> b.session.subscribe(List.of(Subscription.of("a/#/b", 0)), b.now))
                .satisfies(e -> assertThat(((MqttUsageException) e).error()).isEqualTo(MqttError.INVALID_TOPIC_FILTER));
        assertThatThrownBy(() -> b.session.subscribe(List.of(new Subscription("$share/g/a", 0, true, false, 0)), b.now))
                .hasMessageContaining("No Local");
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("t", "x", 0)
                .withProperties(MqttProperties.builder().topicAlias(1).build()), b.now))
                .hasMessageContaining("manages topic aliases");
    }

    @Test
    void retainedMessagesAndRetainAvailable() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect();
        b.session.publish(MqttMessage.of("cfg", "v".getBytes(), 1, true), b.now);
        assertThat(((MqttPacket.Publish) b.fromClient().get(0)).retain()).isTrue();

        BrokerSim noRetain = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        noRetain.connect(false, MqttProperties.builder().retainAvailable(false).build());
        assertThatThrownBy(() -> noRetain.session.publish(MqttMessage.of("cfg", "v".getBytes(), 1, true), noRetain.now))
                .satisfies(e -> assertThat(((MqttUsageException) e).error()).isEqualTo(MqttError.RETAIN_NOT_SUPPORTED));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void mixedTrafficAgainstTheAnsweringBrokerCompletesEverything(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).maxInflight(3).build());
        b.connect();
        for (int i = 0; i < 30; i++) {
            b.session.publish(MqttMessage.of("t/" + (i % 4), "m" + i, i % 3), b.now);
        }
        b.session.subscribe(List.of(Subscription.of("t/#", 2)), b.now);
        List<MqttPacket> seen = b.pumpAnswers();
        assertThat(seen.stream().filter(p -> p instanceof MqttPacket.Publish).count()).isEqualTo(30);
        assertThat(seen.stream().filter(p -> p instanceof MqttPacket.PubRel).count()).isEqualTo(10);
        assertThat(b.store.load().isEmpty()).isTrue();
        assertThat(b.session.inFlight()).isZero();
    }
}
