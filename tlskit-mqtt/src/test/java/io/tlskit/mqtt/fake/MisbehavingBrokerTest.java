package io.tlskit.mqtt.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.tlskit.TlsConfig;
import io.tlskit.mqtt.FileSessionStore;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttClientException;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttError;
import io.tlskit.mqtt.MqttPacket;
import io.tlskit.mqtt.MqttProtocolException;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.OutgoingMessage;
import io.tlskit.mqtt.OutgoingPhase;
import io.tlskit.mqtt.PublishResult;
import io.tlskit.mqtt.ReconnectPolicy;
import io.tlskit.mqtt.SessionState;
import io.tlskit.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MqttClient} against a {@link FakeBroker} that misbehaves after CONNACK, over plain TCP and
 * TLS, MQTT 3.1.1 and 5. For each misbehaviour: the client fails the connection with the precise
 * {@link MqttError} (the listener's {@link MqttClientException} wraps the {@link MqttProtocolException}),
 * sends DISCONNECT with the matching reason code (MQTT 5 only) and closes; and no stored QoS 1/2
 * message is lost: three messages the broker never acknowledged are still in the
 * {@link FileSessionStore} after the client is closed, and a second client on that store resends
 * them with DUP=1 to a well-behaved fake broker, which then completes them.
 */
class MisbehavingBrokerTest {
    /** The client's Maximum Packet Size in these tests. */
    static final int MAX_PACKET = 1024;
    static final Duration WAIT = FakeBroker.TIMEOUT;

    enum Wire { TCP, TLS }

    /** What the broker sends once the client is connected and has three unacknowledged messages in flight. */
    enum Misbehaviour {
        /** PUBLISH whose remaining length has a continuation bit on its 4th byte (a 5th length byte follows). */
        FIVE_LENGTH_BYTES(MqttError.MALFORMED_REMAINING_LENGTH, 0x81,
                "remaining-length field continues past 4 bytes",
                v -> Packets.bytes(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)),
        /** PUBLISH of remaining length 5 whose topic claims 16 bytes: a length field overflowing the packet. */
        LENGTH_FIELD_OVERFLOWS_PACKET(MqttError.LENGTH_OVERFLOW, 0x81,
                "a length field overflows the packet",
                v -> Packets.bytes(0x30, 0x05, 0x00, 0x10, 'a', 'b', 'c')),
        /**
         * PUBLISH announcing 2000 bytes, beyond our Maximum Packet Size of 1024: only the fixed header
         * and 3 body bytes are sent, so the client must refuse it from the header, without buffering.
         */
        OVERSIZED_PACKET(MqttError.PACKET_TOO_LARGE, 0x95,
                "larger than our Maximum Packet Size of " + MAX_PACKET + " bytes",
                v -> Packets.concat(Packets.bytes(0x30), Packets.varint(2000), Packets.bytes(0x00, 0x01, 't'))),
        /**
         * PUBLISH whose 4-byte remaining length is the largest MQTT can express (268,435,455): a
         * well-formed header, but far beyond our Maximum Packet Size; only the header is sent.
         */
        MAXIMUM_REMAINING_LENGTH(MqttError.PACKET_TOO_LARGE, 0x95,
                "a PUBLISH of 268435460 bytes, larger than our Maximum Packet Size of " + MAX_PACKET + " bytes",
                v -> Packets.bytes(0x30, 0xFF, 0xFF, 0xFF, 0x7F)),
        /** A well-formed SUBSCRIBE, which only clients send. */
        SUBSCRIBE_FROM_BROKER(MqttError.UNEXPECTED_PACKET, 0x82,
                "the broker sent SUBSCRIBE, a packet only clients send",
                v -> Packets.subscribe(v, 7, "a/#", 1)),
        /** A well-formed CONNECT, which only clients send. */
        CONNECT_FROM_BROKER(MqttError.UNEXPECTED_PACKET, 0x82,
                "the broker sent CONNECT, a packet only clients send",
                v -> Packets.connect(v, "evil")),
        /** A second CONNACK on the same connection. */
        SECOND_CONNACK(MqttError.UNEXPECTED_PACKET, 0x82,
                "second CONNACK",
                v -> Packets.connack(v, false));

        final MqttError error;
        final int disconnectReason;
        final String fragment;
        final Function<MqttVersion, byte[]> bytes;

        Misbehaviour(MqttError error, int disconnectReason, String fragment, Function<MqttVersion, byte[]> bytes) {
            this.error = error;
            this.disconnectReason = disconnectReason;
            this.fragment = fragment;
            this.bytes = bytes;
        }
    }

    /** The messages published before the misbehaviour; the broker acknowledges none of them. */
    record Sent(String topic, String payload, int qos) {
    }

    static final List<Sent> MESSAGES = List.of(new Sent("fake/one", "one", 1), new Sent("fake/two", "two", 2),
            new Sent("fake/three", "three", 1));

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Wire w : Wire.values()) {
            for (MqttVersion v : MqttVersion.values()) {
                for (Misbehaviour m : Misbehaviour.values()) {
                    out.add(Arguments.of(m, v, w));
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> versionsAndWires() {
        List<Arguments> out = new ArrayList<>();
        for (Wire w : Wire.values()) {
            for (MqttVersion v : MqttVersion.values()) {
                out.add(Arguments.of(v, w));
            }
        }
        return out.stream();
    }

    // ------------------------------------------------------------------ the misbehaviours

    @ParameterizedTest(name = "{0}, MQTT {1} over {2}")
    @MethodSource("cases")
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void misbehaviourClosesTheConnectionWithAPreciseErrorAndLosesNoStoredMessage(Misbehaviour m, MqttVersion v, Wire w)
            throws Exception {
        Path storeDir = tmp.resolve("store");
        List<Integer> ids;
        try (FakeBroker broker = broker(w);
             Session s = Session.open(broker, v, w, storeDir)) {
            FakeBroker.Connection c = s.connectAccepted(false);
            ids = s.publishAllUnacknowledged(c);

            c.send(m.bytes.apply(v));

            MqttClientException lost = s.awaitLost();
            assertThat(lost.kind()).isEqualTo(MqttClientException.Kind.CONNECTION_LOST);
            assertThat(lost.getMessage()).contains("connection to " + broker.uri() + " lost").contains(m.fragment);
            assertThat(lost.getCause()).isInstanceOf(MqttProtocolException.class);
            MqttProtocolException protocol = (MqttProtocolException) lost.getCause();
            assertThat(protocol.error()).isEqualTo(m.error);
            assertThat(protocol.getMessage()).contains(m.fragment);

            List<FakeBroker.Received> last = c.awaitClosedByClient();
            if (v == MqttVersion.V5) {
                assertThat(protocol.disconnectReasonSent()).hasValue(m.disconnectReason);
                assertThat(last).as("MQTT 5: DISCONNECT with the reason, then close").hasSize(1);
                MqttPacket.Disconnect d = (MqttPacket.Disconnect) last.get(0).packet();
                assertThat(d.reasonCode()).isEqualTo(m.disconnectReason);
                assertThat(d.properties().reasonString()).hasValueSatisfying(r -> assertThat(r).contains(m.fragment));
            } else {
                assertThat(protocol.disconnectReasonSent()).isEmpty();
                assertThat(last).as("MQTT 3.1.1 has no DISCONNECT reason: the client just closes").isEmpty();
            }
            awaitTrue(() -> s.client.state() == MqttClient.State.DISCONNECTED, "client state DISCONNECTED");
            assertThat(broker.noConnectionWithin(Duration.ofMillis(300))).as("no reconnect (policy never)").isTrue();
            assertThat(s.losses).hasSize(1);
            assertThat(s.futures).noneMatch(CompletableFuture::isDone); // kept for the next connection
            assertThat(s.client.unfinishedMessages()).isEqualTo(MESSAGES.size());
            s.closeClientAndCheckFuturesFailWithClosed();
        }
        assertStoreHolds(storeDir, ids, MESSAGES, OutgoingPhase.PUBLISH_SENT);
        assertRedeliveredWithDupAndCompleted(storeDir, v, w, ids, MESSAGES);
    }

    /**
     * The session's spec choice: PUBREL for a packet identifier with no incoming QoS 2 exchange is
     * answered with PUBCOMP (MQTT 5: reason 0x92 Packet Identifier not found), not a protocol error.
     * Also for an identifier equal to one of OUR in-flight QoS 2 PUBLISHes: identifiers are per
     * direction, so that outgoing message must stay untouched.
     */
    @ParameterizedTest(name = "MQTT {0} over {1}")
    @MethodSource("versionsAndWires")
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void pubrelForAnUnknownPacketIdIsAnsweredWithPubcompAndTheConnectionStays(MqttVersion v, Wire w) throws Exception {
        Path storeDir = tmp.resolve("store");
        List<Integer> ids;
        try (FakeBroker broker = broker(w);
             Session s = Session.open(broker, v, w, storeDir)) {
            FakeBroker.Connection c = s.connectAccepted(false);
            ids = s.publishAllUnacknowledged(c);
            int ourQos2Id = ids.get(1);
            assertThat(MESSAGES.get(1).qos()).isEqualTo(2);

            c.send(Packets.pubrel(0x1234));
            FakeBroker.Received comp = c.expectRaw(MqttPacket.PubComp.class);
            assertThat(comp.hex()).isEqualTo(v == MqttVersion.V5 ? "7003123492" : "70021234");

            c.send(Packets.pubrel(ourQos2Id));
            FakeBroker.Received comp2 = c.expectRaw(MqttPacket.PubComp.class);
            assertThat(comp2.raw()).isEqualTo(v == MqttVersion.V5
                    ? Packets.concat(Packets.bytes(0x70, 0x03), Packets.u16(ourQos2Id), Packets.bytes(0x92))
                    : Packets.concat(Packets.bytes(0x70, 0x02), Packets.u16(ourQos2Id)));

            // still connected and working: the first message's PUBACK completes its future
            c.send(Packets.puback(ids.get(0)));
            PublishResult r = s.futures.get(0).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.packetId()).isEqualTo(ids.get(0));
            awaitTrue(() -> s.client.unfinishedMessages() == 2, "two messages unfinished"); // see UnfinishedCountTest
            assertThat(s.client.isConnected()).isTrue();
            assertThat(s.losses).isEmpty();
            assertThat(c.ended()).isFalse();
            // our QoS 2 message with the PUBREL's identifier was not completed by it
            assertThat(s.futures.get(1)).isNotDone();
            assertThat(s.futures.get(2)).isNotDone();
            s.closeClientAndCheckFuturesFailWithClosed();
            assertThat(s.losses).isEmpty();
        }
        List<Integer> left = ids.subList(1, 3);
        List<Sent> leftMessages = MESSAGES.subList(1, 3);
        assertStoreHolds(storeDir, left, leftMessages, OutgoingPhase.PUBLISH_SENT);
        assertRedeliveredWithDupAndCompleted(storeDir, v, w, left, leftMessages);
    }

    /**
     * A SUBSCRIBE instead of CONNACK fails connect() itself; two messages published while
     * disconnected stay QUEUED in the store (never sent) and go out, first time, on the next connection.
     */
    @ParameterizedTest(name = "MQTT {0}")
    @EnumSource(MqttVersion.class)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void unexpectedPacketInsteadOfConnackFailsConnectAndKeepsQueuedMessages(MqttVersion v) throws Exception {
        Path storeDir = tmp.resolve("store");
        List<Sent> messages = MESSAGES.subList(0, 2);
        try (FakeBroker broker = broker(Wire.TCP);
             Session s = Session.open(broker, v, Wire.TCP, storeDir)) {
            for (Sent m : messages) {
                s.futures.add(s.client.publish(m.topic(), m.payload().getBytes(StandardCharsets.UTF_8), m.qos(), false));
            }
            CompletableFuture<MqttClient.ConnectResult> connecting = s.client.connect();
            FakeBroker.Connection c = broker.accept();
            c.expectConnect();
            c.send(Packets.subscribe(v, 1, "x", 0));
            assertThatThrownBy(() -> connecting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(MqttClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MqttClientException.Kind.CONNECTION_LOST);
                        assertThat(e.getMessage()).contains("connecting to " + broker.uri() + " failed")
                                .contains("the broker sent SUBSCRIBE before CONNACK");
                        assertThat(e.getCause()).isInstanceOfSatisfying(MqttProtocolException.class,
                                p -> assertThat(p.error()).isEqualTo(MqttError.UNEXPECTED_PACKET));
                    });
            List<FakeBroker.Received> last = c.awaitClosedByClient();
            assertThat(last).as("nothing but (at most) a DISCONNECT after CONNECT; no PUBLISH before CONNACK")
                    .allSatisfy(r -> assertThat(r.packet()).isInstanceOf(MqttPacket.Disconnect.class));
            assertThat(s.client.state()).isEqualTo(MqttClient.State.DISCONNECTED);
            assertThat(s.futures).noneMatch(CompletableFuture::isDone);
            s.closeClientAndCheckFuturesFailWithClosed();
        }
        assertStoreHolds(storeDir, List.of(1, 2), messages, OutgoingPhase.QUEUED);
        // never sent, so not a redelivery: DUP=0 on the first PUBLISH
        try (FakeBroker broker = broker(Wire.TCP);
             Session s = Session.open(broker, v, Wire.TCP, storeDir)) {
            FakeBroker.Connection c = s.connectAccepted(true);
            for (int i = 0; i < messages.size(); i++) {
                FakeBroker.Received r = c.expectRaw(MqttPacket.Publish.class);
                MqttPacket.Publish p = (MqttPacket.Publish) r.packet();
                assertThat(p.dup()).isFalse();
                assertThat(p.packetId()).isEqualTo(i + 1);
                assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo(messages.get(i).payload());
            }
            acknowledge(c, List.of(1, 2), messages);
            awaitTrue(() -> s.client.unfinishedMessages() == 0, "both messages completed");
        }
        try (FileSessionStore store = FileSessionStore.open(storeDir)) {
            assertThat(store.load().outgoing()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ store and redelivery checks

    /** Reopens the store (the client is closed) and checks it holds exactly these messages. */
    static void assertStoreHolds(Path storeDir, List<Integer> ids, List<Sent> messages, OutgoingPhase phase) {
        try (FileSessionStore store = FileSessionStore.open(storeDir)) {
            SessionState state = store.load();
            assertThat(state.outgoing()).extracting(OutgoingMessage::packetId).containsExactlyElementsOf(ids);
            for (int i = 0; i < ids.size(); i++) {
                OutgoingMessage o = state.outgoing().get(i);
                Sent m = messages.get(i);
                assertThat(o.message().topic()).isEqualTo(m.topic());
                assertThat(o.message().payloadAsString()).isEqualTo(m.payload());
                assertThat(o.message().qos()).isEqualTo(m.qos());
                assertThat(o.phase()).isEqualTo(phase);
            }
            assertThat(state.incomingQos2()).isEmpty();
        }
    }

    /**
     * A second client on the store connects to a well-behaved fake broker that says a session is
     * present: every stored message is resent with DUP=1 under its identifier, in order; the broker
     * completes them (PUBACK; PUBREC, PUBREL, PUBCOMP) and the store ends empty.
     */
    void assertRedeliveredWithDupAndCompleted(Path storeDir, MqttVersion v, Wire w, List<Integer> ids, List<Sent> messages)
            throws Exception {
        try (FakeBroker broker = broker(w);
             Session s = Session.open(broker, v, w, storeDir)) {
            assertThat(s.client.unfinishedMessages()).isEqualTo(ids.size());
            FakeBroker.Connection c = s.connectAccepted(true);
            for (int i = 0; i < ids.size(); i++) {
                FakeBroker.Received r = c.expectRaw(MqttPacket.Publish.class);
                MqttPacket.Publish p = (MqttPacket.Publish) r.packet();
                assertThat(r.raw()[0] & 0x08).as("DUP bit of %s", r).isEqualTo(0x08);
                assertThat(p.dup()).isTrue();
                assertThat(p.packetId()).isEqualTo(ids.get(i));
                assertThat(p.topic()).isEqualTo(messages.get(i).topic());
                assertThat(p.qos()).isEqualTo(messages.get(i).qos());
                assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo(messages.get(i).payload());
            }
            acknowledge(c, ids, messages);
            awaitTrue(() -> s.client.unfinishedMessages() == 0, "all redelivered messages completed");
            assertThat(s.losses).isEmpty();
        }
        try (FileSessionStore store = FileSessionStore.open(storeDir)) {
            assertThat(store.load().outgoing()).isEmpty();
        }
    }

    /** Completes each message as a good broker would. */
    static void acknowledge(FakeBroker.Connection c, List<Integer> ids, List<Sent> messages) throws Exception {
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            if (messages.get(i).qos() == 1) {
                c.send(Packets.puback(id));
            } else {
                c.send(Packets.pubrec(id));
                MqttPacket.PubRel rel = c.expect(MqttPacket.PubRel.class);
                assertThat(rel.packetId()).isEqualTo(id);
                c.send(Packets.pubcomp(id));
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    static FakeBroker broker(Wire w) throws Exception {
        return w == Wire.TLS
                ? FakeBroker.tls(TlsConfig.server().credentials(TestPki.INSTANCE.serverEcCredentials())
                        .handshakeTimeout(WAIT).build())
                : FakeBroker.plain();
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** One client on a FileSessionStore, with its listener's reports and its publish futures. */
    static final class Session implements AutoCloseable {
        final MqttClient client;
        final FakeBroker broker;
        final MqttVersion version;
        final List<MqttClientException> losses = new CopyOnWriteArrayList<>();
        final CompletableFuture<MqttClientException> firstLoss = new CompletableFuture<>();
        final List<CompletableFuture<PublishResult>> futures = new ArrayList<>();

        private Session(FakeBroker broker, MqttVersion v, Wire w, Path storeDir) {
            this.broker = broker;
            this.version = v;
            MqttConnectOptions.Builder o = MqttConnectOptions.builder().version(v).clientId("fake-" + v.level())
                    .cleanStart(false).keepAliveSeconds(30).maximumPacketSize(MAX_PACKET);
            if (v == MqttVersion.V5) {
                o.sessionExpiryInterval(3600);
            }
            MqttClient.Builder b = MqttClient.builder().broker(broker.uri()).options(o.build())
                    .store(FileSessionStore.open(storeDir))
                    .reconnect(ReconnectPolicy.never())
                    .connectTimeout(WAIT)
                    .listener(new MqttClient.Listener() {
                        @Override
                        public void connectionLost(MqttClientException cause) {
                            losses.add(cause);
                            firstLoss.complete(cause);
                        }
                    });
            if (w == Wire.TLS) {
                b.tls(TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust()).build());
            }
            this.client = b.build();
        }

        static Session open(FakeBroker broker, MqttVersion v, Wire w, Path storeDir) {
            return new Session(broker, v, w, storeDir);
        }

        /** connect(); the fake broker accepts, checks CONNECT and answers CONNACK. */
        FakeBroker.Connection connectAccepted(boolean sessionPresent) throws Exception {
            CompletableFuture<MqttClient.ConnectResult> connecting = client.connect();
            FakeBroker.Connection c = broker.accept();
            MqttPacket.Connect connect = c.expectConnect();
            assertThat(connect.version()).isEqualTo(version);
            assertThat(connect.cleanStart()).isFalse();
            if (version == MqttVersion.V5) {
                assertThat(connect.properties().maximumPacketSize()).hasValue(MAX_PACKET);
            }
            c.send(Packets.connack(version, sessionPresent));
            MqttClient.ConnectResult r = connecting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.sessionPresent()).isEqualTo(sessionPresent);
            return c;
        }

        /** Publishes {@link #MESSAGES}; the broker reads each PUBLISH and acknowledges none. Returns the ids. */
        List<Integer> publishAllUnacknowledged(FakeBroker.Connection c) throws Exception {
            List<Integer> ids = new ArrayList<>();
            for (Sent m : MESSAGES) {
                futures.add(client.publish(m.topic(), m.payload().getBytes(StandardCharsets.UTF_8), m.qos(), false));
                MqttPacket.Publish p = c.expect(MqttPacket.Publish.class);
                assertThat(p.topic()).isEqualTo(m.topic());
                assertThat(p.qos()).isEqualTo(m.qos());
                assertThat(p.dup()).isFalse();
                ids.add(p.packetId());
            }
            assertThat(ids).doesNotHaveDuplicates();
            return ids;
        }

        MqttClientException awaitLost() throws Exception {
            return firstLoss.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Closes the client; every pending publish future fails with CLOSED, naming the store. */
        void closeClientAndCheckFuturesFailWithClosed() throws Exception {
            List<CompletableFuture<PublishResult>> pending = futures.stream().filter(f -> !f.isDone()).toList();
            client.close();
            for (CompletableFuture<PublishResult> f : pending) {
                assertThatThrownBy(() -> f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).cause()
                        .isInstanceOfSatisfying(MqttClientException.class, e -> {
                            assertThat(e.kind()).isEqualTo(MqttClientException.Kind.CLOSED);
                            assertThat(e.getMessage()).contains("stays in the session store");
                        });
            }
        }

        @Override
        public void close() {
            client.close(); // idempotent; also closes the store
        }
    }
}
