package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** In-flight window, Receive Maximum, keep-alive, topic aliases and maximum packet size. */
class SessionLimitsTest {

    private static List<Integer> publishIds(List<MqttPacket> packets) {
        List<Integer> ids = new ArrayList<>();
        for (MqttPacket p : packets) {
            if (p instanceof MqttPacket.Publish pub) {
                ids.add(pub.packetId());
            }
        }
        return ids;
    }

    @Test
    void brokerReceiveMaximumBoundsInFlightAndTheRestQueueInOrder() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect(false, MqttProperties.builder().receiveMaximum(2).build());
        for (int i = 0; i < 5; i++) {
            b.session.publish(MqttMessage.of("t", "m" + i, i % 2 == 0 ? 1 : 2), b.now);
        }
        assertThat(publishIds(b.fromClient())).containsExactly(1, 2);
        assertThat(b.session.inFlight()).isEqualTo(2);
        assertThat(b.store.load().outgoing()).hasSize(5); // queued ones are durable too
        b.send(new MqttPacket.PubAck(1, 0, null));
        assertThat(publishIds(b.fromClient())).containsExactly(3);
        // QoS 2 stays in flight through PUBREC until PUBCOMP
        b.send(new MqttPacket.PubRec(2, 0, null));
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubRel(2, 0, null));
        assertThat(b.session.inFlight()).isEqualTo(2);
        b.send(new MqttPacket.PubComp(2, 0, null));
        assertThat(publishIds(b.fromClient())).containsExactly(4);
        b.send(new MqttPacket.PubAck(3, 0, null));
        assertThat(publishIds(b.fromClient())).containsExactly(5);
    }

    @Test
    void neverMoreThanTheWindowOutstandingUnderRandomAcks() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).maxInflight(5).build());
        b.connect(false, MqttProperties.builder().receiveMaximum(3).build());
        java.util.Random rnd = new java.util.Random(7);
        List<MqttPacket.Publish> outstanding = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            b.session.publish(MqttMessage.of("t", "m", 1), b.now);
        }
        int completed = 0;
        while (completed < 200) {
            for (MqttPacket p : b.fromClient()) {
                outstanding.add((MqttPacket.Publish) p);
                order.add(((MqttPacket.Publish) p).packetId());
            }
            assertThat(outstanding.size()).isLessThanOrEqualTo(3);
            MqttPacket.Publish acked = outstanding.remove(rnd.nextInt(outstanding.size()));
            b.send(new MqttPacket.PubAck(acked.packetId(), 0, null));
            completed++;
        }
        assertThat(order).hasSize(200).isSorted(); // sent in publish order
    }

    @Test
    void clientMaxInflightAppliesToMqtt311() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V3_1_1).maxInflight(1).build());
        b.connect();
        b.session.publish(MqttMessage.of("t", "a", 1), b.now);
        b.session.publish(MqttMessage.of("t", "b", 1), b.now);
        assertThat(publishIds(b.fromClient())).containsExactly(1);
        b.send(new MqttPacket.PubAck(1, 0, null));
        assertThat(publishIds(b.fromClient())).containsExactly(2);
    }

    @Test
    void ourReceiveMaximumIsEnforcedOnTheBroker() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).receiveMaximum(2).autoAck(false).build());
        b.connect();
        b.send(new MqttPacket.Publish("s", null, 1, false, false, 1, null), new MqttPacket.Publish("s", null, 2, false, false, 2, null));
        assertThatThrownBy(() -> b.send(new MqttPacket.Publish("s", null, 1, false, false, 3, null)))
                .isInstanceOf(MqttProtocolException.class)
                .satisfies(e -> assertThat(((MqttProtocolException) e).error()).isEqualTo(MqttError.RECEIVE_MAXIMUM_EXCEEDED));
        MqttPacket.Disconnect d = (MqttPacket.Disconnect) b.fromClient().get(0);
        assertThat(d.reasonCode()).isEqualTo(0x93);
    }

    @Test
    void keepAlivePingsWhenIdleAndDeclaresTheBrokerDeadAtOneAndAHalfIntervals() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V3_1_1).keepAliveSeconds(10).build());
        long t0 = b.now;
        b.connect();
        assertThat(b.session.nextDeadline()).isEqualTo(t0 + 10_000);
        b.session.poll(t0 + 9_999);
        assertThat(b.fromClient()).isEmpty();
        // sending alone does not keep the link proven: the broker has been silent since CONNACK
        b.session.publish(MqttMessage.of("t", "x", 0), t0 + 5_000);
        b.fromClient();
        assertThat(b.session.nextDeadline()).isEqualTo(t0 + 10_000);
        b.session.poll(t0 + 10_000);
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PingReq());
        assertThat(b.session.nextDeadline()).isEqualTo(t0 + 15_000); // the death deadline
        b.now = t0 + 10_100;
        b.send(new MqttPacket.PingResp());
        // next ping 10 s after the last one we sent; death 15 s after the last byte from the broker
        assertThat(b.session.nextDeadline()).isEqualTo(t0 + 20_000);
        b.session.poll(t0 + 19_999);
        assertThat(b.fromClient()).isEmpty();
        b.session.poll(t0 + 20_000);
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PingReq());
        assertThat(b.session.nextDeadline()).isEqualTo(t0 + 10_100 + 15_000);
        b.session.poll(t0 + 25_099);
        assertThat(b.fromClient()).isEmpty();
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CONNECTED);
        assertThatThrownBy(() -> b.session.poll(t0 + 25_100))
                .isInstanceOf(MqttProtocolException.class)
                .hasMessageContaining("1.5 times the keep-alive")
                .satisfies(e -> assertThat(((MqttProtocolException) e).error()).isEqualTo(MqttError.KEEPALIVE_TIMEOUT));
        assertThat(b.session.state()).isEqualTo(MqttSession.State.FAILED);
        assertThat(b.session.takeEvents()).singleElement().isInstanceOf(MqttEvent.ConnectionLost.class);
        assertThat(b.session.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void serverKeepAliveOverridesOursAndZeroDisablesTimers() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).keepAliveSeconds(60).build());
        long t0 = b.now;
        b.connect(false, MqttProperties.builder().serverKeepAlive(0).build());
        assertThat(b.session.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        b.session.poll(t0 + 1_000_000);
        assertThat(b.fromClient()).isEmpty();
        assertThat(b.session.state()).isEqualTo(MqttSession.State.CONNECTED);
    }

    @Test
    void deadBrokerDetectedWhileWaitingForConnack() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).keepAliveSeconds(4).build());
        b.session.connect(b.now);
        assertThat(b.session.nextDeadline()).isEqualTo(b.now + 6_000);
        assertThatThrownBy(() -> b.session.poll(b.now + 6_000)).isInstanceOf(MqttProtocolException.class);
    }

    @Test
    void outgoingTopicAliasesUpToTheBrokerMaximumLeastRecentlyUsed() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect(false, MqttProperties.builder().topicAliasMaximum(2).build());
        String[] topics = {"sensors/a", "sensors/a", "sensors/b", "sensors/a", "sensors/c", "sensors/b"};
        for (String t : topics) {
            b.session.publish(MqttMessage.of(t, "x", 0), b.now);
        }
        List<MqttPacket> sent = b.fromClient();
        List<String> shown = new ArrayList<>();
        for (MqttPacket p : sent) {
            MqttPacket.Publish pub = (MqttPacket.Publish) p;
            shown.add(pub.topic() + "@" + pub.properties().topicAlias().orElse(0));
        }
        // a gets 1, b gets 2; c evicts the least recently used (b), b then evicts a
        assertThat(shown).containsExactly("sensors/a@1", "@1", "sensors/b@2", "@1", "sensors/c@2", "sensors/b@1");
        // aliases do not survive the connection
        b.session.connectionLost(b.now);
        b.newConnection();
        b.connect(false, MqttProperties.builder().topicAliasMaximum(2).build());
        b.session.publish(MqttMessage.of("sensors/a", "x", 0), b.now);
        assertThat(((MqttPacket.Publish) b.fromClient().get(0)).topic()).isEqualTo("sensors/a");
    }

    @Test
    void noOutgoingAliasesWhenTheBrokerAllowsNone() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect();
        b.session.publish(MqttMessage.of("t", "x", 0), b.now);
        b.session.publish(MqttMessage.of("t", "x", 0), b.now);
        assertThat(b.fromClient()).allSatisfy(p -> assertThat(((MqttPacket.Publish) p).properties().topicAlias()).isEmpty());
    }

    @Test
    void incomingTopicAliasesResolveAndUnknownOnesFail() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).topicAliasMaximum(3).build());
        b.connect();
        b.send(new MqttPacket.Publish("room/1", "a".getBytes(), 0, false, false, 0, MqttProperties.builder().topicAlias(3).build()),
                new MqttPacket.Publish("", "b".getBytes(), 0, false, false, 0, MqttProperties.builder().topicAlias(3).build()));
        List<MqttEvent> ev = b.session.takeEvents();
        assertThat(ev).extracting(e -> ((MqttEvent.MessageArrived) e).message().topic()).containsExactly("room/1", "room/1");
        assertThatThrownBy(() -> b.send(new MqttPacket.Publish("", "c".getBytes(), 0, false, false, 0,
                MqttProperties.builder().topicAlias(2).build())))
                .isInstanceOf(MqttProtocolException.class).hasMessageContaining("never defined")
                .satisfies(e -> assertThat(((MqttProtocolException) e).error()).isEqualTo(MqttError.TOPIC_ALIAS_INVALID));
        assertThat(((MqttPacket.Disconnect) b.fromClient().get(0)).reasonCode()).isEqualTo(0x94);
    }

    @Test
    void incomingAliasAboveOurMaximumFails() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).topicAliasMaximum(2).build());
        b.connect();
        assertThatThrownBy(() -> b.send(new MqttPacket.Publish("x", null, 0, false, false, 0,
                MqttProperties.builder().topicAlias(3).build())))
                .satisfies(e -> assertThat(((MqttProtocolException) e).error()).isEqualTo(MqttError.TOPIC_ALIAS_INVALID));
    }

    @Test
    void brokerMaximumPacketSizeRefusesLargerPublishes() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect(false, MqttProperties.builder().maximumPacketSize(100).build());
        // 2 header + 3 topic + 2 id + 1 props = 8 bytes of overhead for topic "t"
        b.session.publish(new MqttMessage("t", new byte[92], 1, false, false, null), b.now);
        assertThat(b.fromClient()).hasSize(1);
        assertThatThrownBy(() -> b.session.publish(new MqttMessage("t", new byte[93], 1, false, false, null), b.now))
                .isInstanceOf(MqttUsageException.class).hasMessageContaining("at most 100")
                .satisfies(e -> assertThat(((MqttUsageException) e).error()).isEqualTo(MqttError.PACKET_TOO_LARGE_FOR_BROKER));
        assertThat(b.store.load().outgoing()).hasSize(1); // the refused one was never stored
    }

    @Test
    void queuedPublishThatTurnsOutTooLargeFailsWithAnEvent() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.session.connect(b.now);
        int big = b.session.publish(new MqttMessage("t", new byte[500], 1, false, false, null), b.now);
        int small = b.session.publish(MqttMessage.of("t", "ok", 1), b.now);
        b.fromClient();
        b.send(new MqttPacket.ConnAck(false, 0, MqttProperties.builder().maximumPacketSize(100).build()));
        assertThat(publishIds(b.fromClient())).containsExactly(small);
        List<MqttEvent> ev = b.session.takeEvents();
        MqttEvent.PublishFailed f = (MqttEvent.PublishFailed) ev.get(1);
        assertThat(f.packetId()).isEqualTo(big);
        assertThat(f.reasonCode()).isEqualTo(0x95);
        assertThat(b.store.load().outgoing()).extracting(OutgoingMessage::packetId).containsExactly(small);
    }

    @Test
    void ourMaximumPacketSizeRefusesLargerIncomingPackets() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).maximumPacketSize(64).build());
        b.connect();
        b.send(new MqttPacket.Publish("t", new byte[58], 0, false, false, 0, null)); // exactly 64 bytes
        assertThat(b.session.takeEvents()).hasSize(1);
        // only the fixed header of the oversized packet is needed to refuse it
        assertThatThrownBy(() -> b.sendRaw("30 3F"))
                .isInstanceOf(MqttProtocolException.class).hasMessageContaining("Maximum Packet Size of 64")
                .satisfies(e -> assertThat(((MqttProtocolException) e).error()).isEqualTo(MqttError.PACKET_TOO_LARGE));
        MqttPacket.Disconnect d = (MqttPacket.Disconnect) b.fromClient().get(0);
        assertThat(d.reasonCode()).isEqualTo(0x95);
        assertThat(d.properties().reasonString()).hasValueSatisfying(s -> assertThat(s).contains("Maximum Packet Size"));
    }
}
