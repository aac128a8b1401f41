package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Durable state across connection loss and process restart; the session-present=false boundary. */
class SessionRedeliveryTest {

    /** Leaves A(q1) and B(q2) awaiting acks, C(q2) past PUBREC, D(q1) sent, E(q1) queued after the loss. */
    private static BrokerSim midFlight(MqttVersion v, SessionStore store) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).cleanStart(false).build(), store);
        b.connect();
        b.session.publish(MqttMessage.of("t/a", "A", 1), b.now);
        b.session.publish(MqttMessage.of("t/b", "B", 2), b.now);
        b.session.publish(MqttMessage.of("t/c", "C", 2), b.now);
        b.session.publish(MqttMessage.of("t/d", "D", 1), b.now);
        assertThat(b.fromClient()).hasSize(4);
        b.send(new MqttPacket.PubRec(3, 0, null));
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubRel(3, 0, null));
        b.session.connectionLost(b.now);
        b.session.publish(MqttMessage.of("t/e", "E", 1), b.now);
        return b;
    }

    private static void assertStoreHoldsAll(SessionStore store) {
        assertThat(store.load().outgoing()).extracting(OutgoingMessage::packetId, OutgoingMessage::phase).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, OutgoingPhase.PUBLISH_SENT),
                org.assertj.core.groups.Tuple.tuple(2, OutgoingPhase.PUBLISH_SENT),
                org.assertj.core.groups.Tuple.tuple(3, OutgoingPhase.PUBREL_SENT),
                org.assertj.core.groups.Tuple.tuple(4, OutgoingPhase.PUBLISH_SENT),
                org.assertj.core.groups.Tuple.tuple(5, OutgoingPhase.QUEUED));
    }

    private static void assertResentInOrder(List<MqttPacket> resent) {
        assertThat(resent).containsExactly(
                new MqttPacket.Publish("t/a", "A".getBytes(), 1, false, true, 1, null),
                new MqttPacket.Publish("t/b", "B".getBytes(), 2, false, true, 2, null),
                new MqttPacket.PubRel(3, 0, null),
                new MqttPacket.Publish("t/d", "D".getBytes(), 1, false, true, 4, null),
                new MqttPacket.Publish("t/e", "E".getBytes(), 1, false, false, 5, null)); // never sent: DUP=0
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void redeliversWithDupAndResendsPubrelInOrderAfterConnectionLost(MqttVersion v) throws Exception {
        InMemorySessionStore store = new InMemorySessionStore();
        BrokerSim b = midFlight(v, store);
        assertThat(b.session.takeEvents()).last().isInstanceOf(MqttEvent.ConnectionLost.class);
        assertStoreHoldsAll(store);
        b.newConnection();
        b.session.connect(b.now);
        assertThat(((MqttPacket.Connect) b.fromClient().get(0)).cleanStart()).isFalse();
        b.send(new MqttPacket.ConnAck(true, 0, null));
        assertResentInOrder(b.fromClient());
        assertThat(b.session.takeEvents()).singleElement().isInstanceOf(MqttEvent.Connected.class);
        // completing everything empties the store
        for (int id : List.of(1, 4, 5)) {
            b.send(new MqttPacket.PubAck(id, 0, null));
        }
        b.send(new MqttPacket.PubRec(2, 0, null), new MqttPacket.PubComp(3, 0, null));
        b.send(new MqttPacket.PubComp(2, 0, null));
        assertThat(store.load().isEmpty()).isTrue();
        assertThat(b.session.takeEvents()).hasSize(5).allMatch(e -> e instanceof MqttEvent.PublishCompleted);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aMessagePublishedWhileConnectingGoesAfterTheStoredOnes(MqttVersion v) throws Exception {
        BrokerSim b = midFlight(v, new InMemorySessionStore());
        b.newConnection();
        b.session.connect(b.now);
        b.fromClient();
        b.session.publish(MqttMessage.of("t/f", "F", 1), b.now); // CONNECTING: queued behind A..E
        assertThat(b.fromClient()).isEmpty();
        b.send(new MqttPacket.ConnAck(true, 0, null));
        List<MqttPacket> resent = b.fromClient();
        assertThat(resent).hasSize(6);
        assertResentInOrder(resent.subList(0, 5));
        assertThat(resent.get(5)).isEqualTo(new MqttPacket.Publish("t/f", "F".getBytes(), 1, false, false, 6, null));
        assertThat(b.session.inFlight()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aNewSessionOverTheSameStoreRedeliversTheSame(MqttVersion v) throws Exception {
        InMemorySessionStore store = new InMemorySessionStore();
        midFlight(v, store);
        // "process restart": only the store survives
        BrokerSim b = new BrokerSim(BrokerSim.options(v).cleanStart(false).build(), new InMemorySessionStore(store.snapshot()));
        b.session.connect(b.now);
        b.fromClient();
        b.send(new MqttPacket.ConnAck(true, 0, null));
        assertResentInOrder(b.fromClient());
        // identifiers restored from the store are not handed out again
        assertThat(b.session.publish(MqttMessage.of("t/f", "F", 1), b.now)).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void sessionNotPresentRepublishesAsNewAndAsksForSubscriptions(MqttVersion v) throws Exception {
        InMemorySessionStore first = new InMemorySessionStore();
        midFlight(v, first);
        // restart with an incoming QoS 2 identifier left over as well
        InMemorySessionStore store = new InMemorySessionStore(
                new SessionState(first.snapshot().outgoing(), List.of(77)));
        BrokerSim b = new BrokerSim(BrokerSim.options(v).cleanStart(false).build(), store);
        b.session.connect(b.now);
        b.fromClient();
        b.send(new MqttPacket.ConnAck(false, 0, null));
        List<MqttEvent> ev = b.session.takeEvents();
        assertThat(ev.get(0)).isInstanceOf(MqttEvent.Connected.class);
        assertThat(ev.get(1)).isEqualTo(new MqttEvent.SessionNotPresent(3, 1));
        assertThat(ev.get(2)).isEqualTo(new MqttEvent.PublishCompleted(3, 0, MqttProperties.EMPTY));
        // the broker forgot our identifiers: everything not past PUBREC goes out as a new PUBLISH, no PUBREL
        assertThat(b.fromClient()).containsExactly(
                new MqttPacket.Publish("t/a", "A".getBytes(), 1, false, false, 1, null),
                new MqttPacket.Publish("t/b", "B".getBytes(), 2, false, false, 2, null),
                new MqttPacket.Publish("t/d", "D".getBytes(), 1, false, false, 4, null),
                new MqttPacket.Publish("t/e", "E".getBytes(), 1, false, false, 5, null));
        assertThat(store.load().outgoing()).extracting(OutgoingMessage::packetId).containsExactly(1, 2, 4, 5);
        assertThat(store.load().incomingQos2()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void incomingQos2StateSurvivesReconnect(MqttVersion v) throws Exception {
        InMemorySessionStore store = new InMemorySessionStore();
        BrokerSim b = new BrokerSim(BrokerSim.options(v).cleanStart(false).build(), store);
        b.connect();
        b.send(new MqttPacket.Publish("in", "x".getBytes(), 2, false, false, 9, null),
                new MqttPacket.Publish("in", "y".getBytes(), 2, false, false, 10, null));
        assertThat(b.session.takeEvents()).hasSize(2);
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubRec(9, 0, null), new MqttPacket.PubRec(10, 0, null));
        b.session.connectionLost(b.now);
        b.newConnection();
        b.session.connect(b.now);
        b.fromClient();
        b.send(new MqttPacket.ConnAck(true, 0, null));
        b.session.takeEvents();
        // the broker missed PUBREC for 9 (resends PUBLISH) and got it for 10 (resends PUBREL)
        b.send(new MqttPacket.Publish("in", "x".getBytes(), 2, false, true, 9, null), new MqttPacket.PubRel(10, 0, null));
        assertThat(b.session.takeEvents()).isEmpty(); // not delivered twice
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubRec(9, 0, null), new MqttPacket.PubComp(10, 0, null));
        assertThat(store.load().incomingQos2()).containsExactly(9);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void unackedManualMessageRedeliveredIsNotDeliveredTwice(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).cleanStart(false).autoAck(false).build());
        b.connect();
        b.send(new MqttPacket.Publish("in", "x".getBytes(), 2, false, false, 5, null));
        MqttEvent.MessageArrived m = (MqttEvent.MessageArrived) b.session.takeEvents().get(0);
        b.session.connectionLost(b.now);
        b.session.takeEvents();
        b.newConnection();
        b.session.connect(b.now);
        b.fromClient();
        b.send(new MqttPacket.ConnAck(true, 0, null), new MqttPacket.Publish("in", "x".getBytes(), 2, false, true, 5, null));
        assertThat(b.session.takeEvents()).singleElement().isInstanceOf(MqttEvent.Connected.class);
        b.session.acknowledge(m, b.now); // acknowledged on the new connection
        assertThat(b.fromClient()).containsExactly(new MqttPacket.PubRec(5, 0, null));
    }
}
