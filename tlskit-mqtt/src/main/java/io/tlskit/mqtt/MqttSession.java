package io.tlskit.mqtt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 3.1.1 / 5 client session without I/O: bytes and time go in ({@link #receive},
 * {@link #poll}), bytes and events come out ({@link #takeOutput}, {@link #takeEvents}). No threads,
 * sockets or clocks: the caller passes the time, so every behaviour is deterministic.
 *
 * <p>Durable state (outgoing QoS 1/2 messages and incoming QoS 2 identifiers) lives in the
 * {@link SessionStore}, which the session updates before it queues the bytes the change describes.
 * Per-connection state (topic aliases, what is on the wire, the broker's limits) is dropped by
 * {@link #connectionLost} and rebuilt by the next {@link #connect}.
 *
 * <p>Not thread-safe: one caller (the client layer's event loop) drives it.
 */
public final class MqttSession {
    private static final Logger log = LoggerFactory.getLogger(MqttSession.class);

    public enum State {
        /** Created, connect() not called yet. */
        IDLE,
        /** CONNECT queued, waiting for CONNACK. */
        CONNECTING,
        CONNECTED,
        /** Ended by DISCONNECT (either side) or a refused CONNACK; connect() may be called again. */
        CLOSED,
        /** Ended by a protocol error, keep-alive timeout or transport loss; connect() may be called again. */
        FAILED
    }

    /** An incoming QoS 1/2 message handed to the caller and not acknowledged yet. */
    private record Inbound(int packetId, int qos, long deliveryTag, long epoch) {
    }

    private final MqttConnectOptions options;
    private final SessionStore store;
    private final MqttVersion version;
    private final boolean v5;
    private final MqttEncoder encoder;
    /** Encoded packets not taken yet; PUBLISHes are encoded straight into it (no per-message byte[]). */
    private final PacketWriter output = new PacketWriter();
    private List<MqttEvent> events = new ArrayList<>();
    private final PacketIdAllocator ids = new PacketIdAllocator();
    private final KeepAlive keepAlive = new KeepAlive();

    // durable (mirrors the store), in publish order
    // plus, per connection: which are on the wire, and the first one not (re)sent yet
    private final OutgoingQueue outgoing = new OutgoingQueue();
    private final LinkedHashSet<Integer> incomingQos2 = new LinkedHashSet<>();
    // session-long, in memory
    private final LinkedHashMap<Integer, Inbound> unacked = new LinkedHashMap<>();
    private final LinkedHashMap<Integer, MqttPacket> control = new LinkedHashMap<>();
    private final ArrayDeque<MqttMessage> qos0Backlog = new ArrayDeque<>();
    // per connection
    private MqttDecoder decoder;
    private OutgoingTopicAliases outAliases;
    private IncomingTopicAliases inAliases;
    private ServerLimits limits = ServerLimits.DEFAULTS;

    private State state = State.IDLE;
    private boolean cleanStartRequested;
    private long connectionEpoch;
    private long deliveryTags;
    private long clock;
    private String clientId;
    private MqttProtocolException failure;
    // a publisher usually repeats one topic String instance: check and encode it once
    private String lastValidTopic;
    private String lastTopic;
    private byte[] lastTopicUtf8;

    public MqttSession(MqttConnectOptions options, SessionStore store) {
        this.options = options;
        this.store = store;
        this.version = options.version();
        this.v5 = version == MqttVersion.V5;
        this.encoder = new MqttEncoder(version);
        this.clientId = options.clientId();
        SessionState saved = store.load();
        for (OutgoingMessage m : saved.outgoing()) {
            ids.reserve(m.packetId());
            outgoing.append(m.packetId(), m.message(), m.phase());
        }
        incomingQos2.addAll(saved.incomingQos2());
        resetConnection();
    }

    // ------------------------------------------------------------------ caller API

    /** Queues CONNECT with the options' clean-start choice. */
    public void connect(long now) {
        connect(now, options.cleanStart());
    }

    /** Queues CONNECT; a client layer typically starts clean once and resumes (false) on reconnects. */
    public void connect(long now, boolean cleanStart) {
        tick(now);
        if (state == State.CONNECTING || state == State.CONNECTED) {
            throw new MqttUsageException(MqttError.INVALID_STATE, "connect() while " + state
                    + "; call disconnect() or connectionLost() first");
        }
        resetConnection();
        connectionEpoch++;
        cleanStartRequested = cleanStart;
        failure = null;
        state = State.CONNECTING;
        keepAlive.start(options.keepAliveSeconds(), now);
        write(new MqttPacket.Connect(version, clientId, cleanStart, options.keepAliveSeconds(), options.username(),
                options.password(), options.will(), v5 ? options.connectProperties() : MqttProperties.EMPTY), now);
        log.debug("CONNECT queued: {}", options);
    }

    /**
     * Feeds bytes from the transport. Partial packets are buffered. A protocol violation fails the
     * session: the DISCONNECT it should send (MQTT 5) is queued, a ConnectionLost event is added,
     * and the exception is thrown. Bytes arriving after the session ended are ignored.
     */
    public void receive(byte[] b, int off, int len, long now) throws MqttProtocolException {
        tick(now);
        if (!live()) {
            log.debug("ignoring {} bytes received in state {}", len, state);
            return;
        }
        if (len > 0) {
            keepAlive.received(now);
        }
        decoder.feed(b, off, len);
        try {
            MqttPacket p;
            while (live() && (p = decoder.next()) != null) {
                log.trace("received {}", p);
                handle(p, now);
            }
        } catch (MqttProtocolException e) {
            throw fail(e, now);
        }
    }

    public void receive(byte[] b, long now) throws MqttProtocolException {
        receive(b, 0, b.length, now);
    }

    /** Bytes to write to the transport, in order; empty when there is nothing to send. */
    public byte[] takeOutput() {
        byte[] out = output.toByteArray();
        output.reset();
        return out;
    }

    /** Bytes queued for the transport (the client layer writes them in place, then calls {@link #clearOutput()}). */
    int outputSize() {
        return output.size();
    }

    /** The output buffer itself, valid up to {@link #outputSize()} until the session is next called. */
    byte[] outputBuffer() {
        return output.buffer();
    }

    void clearOutput() {
        output.reset();
    }

    /**
     * Events since the last call. With auto-ack, incoming QoS 1/2 messages handed out here are
     * acknowledged now (PUBACK/PUBREC join the output), i.e. after delivery, never before.
     */
    public List<MqttEvent> takeEvents() {
        List<MqttEvent> out = new ArrayList<>(events);
        events.clear();
        ackDelivered(out);
        return out;
    }

    /**
     * {@link #takeEvents()} without copying, for the client layer: returns the session's event list
     * and keeps {@code empty} (which must be empty) in its place, so two lists alternate.
     */
    List<MqttEvent> swapEvents(List<MqttEvent> empty) {
        List<MqttEvent> out = events;
        events = empty;
        ackDelivered(out);
        return out;
    }

    private void ackDelivered(List<MqttEvent> out) {
        if (options.autoAck()) {
            for (MqttEvent e : out) {
                if (e instanceof MqttEvent.MessageArrived m && m.message().qos() > 0) {
                    ack(m, clock);
                }
            }
        }
    }

    /**
     * Acknowledges an incoming QoS 1/2 message once the caller has taken responsibility for it
     * (manual ack). For QoS 2 the identifier is stored first, so a redelivery is never delivered
     * twice. Acknowledging twice, or a message from a session the broker has since forgotten, does nothing.
     */
    public void acknowledge(MqttEvent.MessageArrived message, long now) {
        tick(now);
        ack(message, now);
    }

    /**
     * Publishes a message. QoS 1/2 messages are stored before anything is sent and get a packet
     * identifier (returned; 0 for QoS 0); their outcome arrives as PublishCompleted or PublishFailed.
     * Works in every state: messages queue until connected, in order, within the in-flight window.
     *
     * @throws MqttUsageException invalid topic or properties, or (when connected) beyond the broker's limits
     */
    public int publish(MqttMessage message, long now) {
        tick(now);
        if (message.topic() != lastValidTopic) { // the same String as last time was valid then and is now
            Topics.requireValidName(message.topic());
            lastValidTopic = message.topic();
        }
        checkPublishProperties(message.properties());
        MqttMessage m = message.dup() ? new MqttMessage(message.topic(), message.payload(), message.qos(),
                message.retain(), false, message.properties()) : message;
        if (state == State.CONNECTED) {
            String problem = limitProblem(m);
            if (problem != null) {
                throw new MqttUsageException(m.qos() > limits.maximumQos() ? MqttError.QOS_NOT_SUPPORTED
                        : MqttError.RETAIN_NOT_SUPPORTED, problem);
            }
            // encoding only to measure is skipped when even the largest possible encoding fits (the common case)
            int size = publishSizeSurelyBelow(m) <= limits.maximumPacketSize() ? 0
                    : encoder.encode(publishPacket(m.topic(), m, 1, false, m.properties())).length;
            if (size > limits.maximumPacketSize()) {
                throw new MqttUsageException(MqttError.PACKET_TOO_LARGE_FOR_BROKER, tooLarge("this PUBLISH", size));
            }
        }
        if (m.qos() == 0) {
            if (state == State.CONNECTED) {
                sendPublish(m, 0, false, now);
            } else {
                qos0Backlog.add(m);
            }
            return 0;
        }
        int id = ids.allocate();
        OutgoingMessage om = new OutgoingMessage(id, m, OutgoingPhase.QUEUED);
        try {
            store.storeOutgoing(om);
        } catch (RuntimeException e) {
            ids.release(id);
            throw e;
        }
        outgoing.append(id, m, OutgoingPhase.QUEUED);
        pump(now);
        return id;
    }

    /** Subscribes; returns the packet identifier that SubscribeCompleted will carry. Queues while not connected. */
    public int subscribe(List<Subscription> subscriptions, MqttProperties properties, long now) {
        tick(now);
        if (subscriptions.isEmpty()) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "SUBSCRIBE needs at least one topic filter");
        }
        for (Subscription s : subscriptions) {
            Topics.requireValidFilter(s.filter());
            if (!v5 && s.hasV5Options()) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT,
                        "noLocal, retainAsPublished and retainHandling exist only in MQTT 5");
            }
            if (s.noLocal() && Topics.isShared(s.filter())) {
                throw new MqttUsageException(MqttError.INVALID_TOPIC_FILTER,
                        "No Local cannot be set on the shared subscription '" + s.filter() + "' (MQTT 5 §3.8.3.1)");
            }
            if (state == State.CONNECTED) {
                checkSubscriptionLimits(s, properties);
            }
        }
        return sendControl(id -> new MqttPacket.Subscribe(id, subscriptions, properties), now);
    }

    public int subscribe(List<Subscription> subscriptions, long now) {
        return subscribe(subscriptions, MqttProperties.EMPTY, now);
    }

    /** Unsubscribes; returns the packet identifier that UnsubscribeCompleted will carry. */
    public int unsubscribe(List<String> filters, MqttProperties properties, long now) {
        tick(now);
        if (filters.isEmpty()) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "UNSUBSCRIBE needs at least one topic filter");
        }
        filters.forEach(Topics::requireValidFilter);
        return sendControl(id -> new MqttPacket.Unsubscribe(id, filters, properties), now);
    }

    public int unsubscribe(List<String> filters, long now) {
        return unsubscribe(filters, MqttProperties.EMPTY, now);
    }

    /**
     * Queues DISCONNECT (MQTT 5: with the reason code, e.g. 0x04 to have the will published, and
     * properties such as a new Session Expiry Interval) and ends the connection. Durable state stays.
     */
    public void disconnect(int reasonCode, MqttProperties properties, long now) {
        tick(now);
        if (!v5 && (reasonCode != 0 || !properties.isEmpty())) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "MQTT 3.1.1 DISCONNECT has no reason code or properties");
        }
        if (options.sessionExpiryInterval() == 0 && properties.sessionExpiryInterval().orElse(0) != 0) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "the session was opened with Session Expiry 0; "
                    + "MQTT 5 forbids setting a non-zero expiry at DISCONNECT (§3.14.2.2.2)");
        }
        if (live()) {
            MqttPacket.Disconnect d = new MqttPacket.Disconnect(reasonCode, properties);
            write(d, now);
            events.add(new MqttEvent.Disconnected(false, reasonCode, properties));
        }
        state = State.CLOSED;
    }

    public void disconnect(long now) {
        disconnect(0, MqttProperties.EMPTY, now);
    }

    /** MQTT 5 enhanced authentication: answers an AUTH challenge or starts re-authentication (0x19). */
    public void auth(int reasonCode, MqttProperties properties, long now) {
        tick(now);
        if (!v5) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "AUTH exists only in MQTT 5");
        }
        if (!live()) {
            throw new MqttUsageException(MqttError.INVALID_STATE, "AUTH needs a connection; state is " + state);
        }
        write(new MqttPacket.Auth(reasonCode, properties), now);
    }

    /**
     * Runs the timers: queues PINGREQ when nothing was sent (or heard) for the keep-alive, and fails the
     * session (KEEPALIVE_TIMEOUT, thrown and reported as ConnectionLost) after 1.5 keep-alives
     * without a byte from the broker. Call at {@link #nextDeadline()} or later.
     */
    public void poll(long now) throws MqttProtocolException {
        tick(now);
        if (!live()) {
            return;
        }
        if (keepAlive.brokerDead(now)) {
            throw fail(new MqttProtocolException(MqttError.KEEPALIVE_TIMEOUT, "the broker sent nothing for "
                    + keepAlive.silenceMillis(now) + " ms, 1.5 times the keep-alive of " + keepAlive.intervalMillis() / 1000
                    + " s; the broker or the network path is presumed dead"), now);
        }
        if (state == State.CONNECTED && keepAlive.pingDue(now)) {
            write(new MqttPacket.PingReq(), now);
            keepAlive.pingSent(now);
        }
    }

    /** When poll() must next be called, or Long.MAX_VALUE if no timer runs. */
    public long nextDeadline() {
        if (state == State.CONNECTED) {
            return Math.min(keepAlive.nextPing(), keepAlive.deadline());
        }
        return state == State.CONNECTING ? keepAlive.deadline() : Long.MAX_VALUE;
    }

    /**
     * The transport died. Durable state stays (it is resent after the next connect); what belonged
     * to the connection (topic aliases, in-flight counts, unsent output) is dropped.
     */
    public void connectionLost(long now) {
        tick(now);
        if (live()) {
            MqttProtocolException e = new MqttProtocolException(MqttError.CONNECTION_CLOSED, "the transport closed while "
                    + (state == State.CONNECTING ? "waiting for CONNACK" : "connected")
                    + "; " + outgoing.size() + " unfinished QoS 1/2 message(s) are kept for the next connect()");
            state = State.FAILED;
            failure = e;
            events.add(new MqttEvent.ConnectionLost(e));
        }
        resetConnection();
    }

    public State state() {
        return state;
    }

    /** The error that failed the session, while it is FAILED. */
    public Optional<MqttProtocolException> failure() {
        return Optional.ofNullable(failure);
    }

    /** The client identifier in use: ours, or the one the broker assigned. */
    public String clientId() {
        return clientId;
    }

    /** The broker's limits on the current connection (defaults before CONNACK). */
    public ServerLimits serverLimits() {
        return limits;
    }

    /** The durable state as the session sees it now (equal to what the store holds). */
    public SessionState sessionState() {
        return new SessionState(outgoing.records(), new ArrayList<>(incomingQos2));
    }

    /** Outgoing QoS 1/2 messages with a PUBLISH or PUBREL on the current connection. */
    public int inFlight() {
        return outgoing.onWireCount();
    }

    public MqttVersion version() {
        return version;
    }

    // ------------------------------------------------------------------ incoming packets

    private void handle(MqttPacket p, long now) throws MqttProtocolException {
        if (state == State.CONNECTING && !(p instanceof MqttPacket.ConnAck) && !(p instanceof MqttPacket.Auth)) {
            throw new MqttProtocolException(MqttError.UNEXPECTED_PACKET, "the broker sent " + p.type()
                    + " before CONNACK; a broker must answer CONNECT with CONNACK first");
        }
        if (p instanceof MqttPacket.ConnAck c) {
            onConnAck(c, now);
        } else if (p instanceof MqttPacket.Publish pub) {
            onPublish(pub, now);
        } else if (p instanceof MqttPacket.PubAck a) {
            onPubAck(a, now);
        } else if (p instanceof MqttPacket.PubRec r) {
            onPubRec(r, now);
        } else if (p instanceof MqttPacket.PubRel r) {
            onPubRel(r, now);
        } else if (p instanceof MqttPacket.PubComp c) {
            onPubComp(c, now);
        } else if (p instanceof MqttPacket.SubAck s) {
            onSubAck(s);
        } else if (p instanceof MqttPacket.UnsubAck u) {
            onUnsubAck(u);
        } else if (p instanceof MqttPacket.PingResp) {
            log.trace("PINGRESP");
        } else if (p instanceof MqttPacket.Disconnect d && v5) {
            onServerDisconnect(d);
        } else if (p instanceof MqttPacket.Auth a) {
            events.add(new MqttEvent.AuthReceived(a.reasonCode(), a.properties()));
        } else {
            throw new MqttProtocolException(MqttError.UNEXPECTED_PACKET, "the broker sent " + p.type()
                    + ", a packet only clients send" + (p instanceof MqttPacket.Disconnect ? " in MQTT 3.1.1" : "")
                    + "; it is confused or not an MQTT broker");
        }
    }

    private void onConnAck(MqttPacket.ConnAck c, long now) throws MqttProtocolException {
        if (state != State.CONNECTING) {
            throw new MqttProtocolException(MqttError.UNEXPECTED_PACKET,
                    "the broker sent a second CONNACK on one connection; it must send exactly one");
        }
        int reason = v5 ? c.reasonCode() : MqttReasonCode.fromV311ConnackReturnCode(c.reasonCode());
        if (reason < 0 || (v5 && reason != 0 && reason < 0x80)) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker sent CONNACK code " + c.reasonCode()
                    + ", which " + version + " does not define for CONNACK");
        }
        if (reason != 0) {
            if (c.sessionPresent()) {
                throw new MqttProtocolException(MqttError.PROTOCOL_ERROR,
                        "the broker refused the connection yet said a session is present; a refusal must clear that flag");
            }
            state = State.CLOSED;
            MqttEvent.ConnectRefused refused = new MqttEvent.ConnectRefused(reason, c.properties());
            log.info("{}", refused.explanation());
            events.add(refused);
            return;
        }
        if (c.sessionPresent() && cleanStartRequested) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR,
                    "the broker said a session is present although we asked for a clean start; it must start a new one");
        }
        MqttProperties props = c.properties();
        limits = v5 ? ServerLimits.from(props) : ServerLimits.DEFAULTS;
        props.serverKeepAlive().ifPresent(keepAlive::interval);
        Optional<String> assigned = props.assignedClientIdentifier();
        assigned.ifPresent(id -> clientId = id); // reused by later CONNECTs, so the session can be resumed
        outAliases = new OutgoingTopicAliases(v5 ? limits.topicAliasMaximum() : 0);
        state = State.CONNECTED;
        events.add(new MqttEvent.Connected(c.sessionPresent(), clientId, assigned.isPresent(),
                (int) (keepAlive.intervalMillis() / 1000), limits, props));
        log.debug("connected as {} (session present: {}), {}", clientId, c.sessionPresent(), limits);
        if (!c.sessionPresent()) {
            brokerHasNoSession();
        }
        outgoing.rewind(); // everything stored is (re)sent on this connection, in publish order
        resume(now);
    }

    /**
     * The broker keeps no state for us, so our packet identifiers mean nothing to it. Messages it
     * may or may not have seen (PUBLISH_SENT) go out again as new PUBLISHes: at-least-once holds,
     * and for QoS 2 this is where exactly-once ends (it may arrive twice). Messages past PUBREC were
     * accepted by the broker, so they are reported completed rather than published twice.
     */
    private void brokerHasNoSession() {
        for (int id : new ArrayList<>(incomingQos2)) {
            store.releaseIncomingQos2(id);
            incomingQos2.remove(id);
        }
        unacked.clear();
        int republished = 0;
        List<MqttEvent> completed = new ArrayList<>();
        OutgoingQueue.Entry next;
        for (OutgoingQueue.Entry m = outgoing.first(); m != null; m = next) {
            next = m.next; // before finishOutgoing unlinks m
            if (m.phase == OutgoingPhase.PUBREL_SENT) {
                finishOutgoing(m.id);
                completed.add(new MqttEvent.PublishCompleted(m.id, 0, MqttProperties.EMPTY));
            } else if (m.phase == OutgoingPhase.PUBLISH_SENT) {
                store.updatePhase(m.id, OutgoingPhase.QUEUED);
                m.phase = OutgoingPhase.QUEUED;
                republished++;
            }
        }
        if (!cleanStartRequested) {
            events.add(new MqttEvent.SessionNotPresent(republished, completed.size()));
        }
        events.addAll(completed);
    }

    /** After CONNACK: stored messages in original order (DUP / PUBREL), then subscriptions, then QoS 0. */
    private void resume(long now) {
        pump(now);
        for (MqttPacket p : control.values()) {
            write(p, now);
        }
        while (!qos0Backlog.isEmpty() && state == State.CONNECTED) {
            MqttMessage m = qos0Backlog.poll();
            if (limitProblem(m) != null || !sendPublish(m, 0, false, now)) {
                log.warn("dropping a QoS 0 message to {}: it does not fit the broker's limits", m.topic());
            }
        }
    }

    private void onPublish(MqttPacket.Publish p, long now) throws MqttProtocolException {
        String topic = p.topic();
        OptionalInt alias = p.properties().topicAlias();
        if (alias.isPresent()) {
            topic = inAliases.resolve(topic, alias.getAsInt());
        }
        String problem = Topics.nameProblem(topic);
        if (problem != null) {
            throw new MqttProtocolException(MqttError.INVALID_TOPIC, "the broker sent a PUBLISH with an invalid topic name: " + problem);
        }
        MqttMessage msg = new MqttMessage(topic, p.payload(), p.qos(), p.retain(), p.dup(), p.properties());
        int id = p.packetId();
        if (p.qos() == 0) {
            deliver(msg, 0);
            return;
        }
        Inbound pending = unacked.get(id);
        if (pending != null) {
            if (pending.qos() != p.qos()) {
                throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker reused packet identifier " + id
                        + " for a QoS " + p.qos() + " PUBLISH while a QoS " + pending.qos() + " one with it is unacknowledged");
            }
            // a redelivery of a message the caller holds: deliver once, acknowledge on this connection
            unacked.put(id, new Inbound(id, pending.qos(), pending.deliveryTag(), connectionEpoch));
            return;
        }
        if (incomingQos2.contains(id)) {
            if (p.qos() != 2) {
                throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker reused packet identifier " + id
                        + " for a QoS 1 PUBLISH while its QoS 2 exchange awaits PUBREL");
            }
            write(new MqttPacket.PubRec(id, 0, MqttProperties.EMPTY), now); // delivered already: exactly once
            return;
        }
        if (v5 && unacked.size() + incomingQos2.size() >= options.receiveMaximum()) {
            throw new MqttProtocolException(MqttError.RECEIVE_MAXIMUM_EXCEEDED, "the broker sent more than "
                    + options.receiveMaximum() + " unacknowledged QoS 1/2 messages, our Receive Maximum");
        }
        deliver(msg, id);
    }

    private void deliver(MqttMessage msg, int id) {
        long tag = ++deliveryTags;
        if (msg.qos() > 0) {
            unacked.put(id, new Inbound(id, msg.qos(), tag, connectionEpoch));
        }
        events.add(new MqttEvent.MessageArrived(msg, id, tag));
    }

    private void ack(MqttEvent.MessageArrived m, long now) {
        Inbound in = unacked.get(m.packetId());
        if (in == null || in.deliveryTag() != m.deliveryTag()) {
            return;
        }
        if (in.qos() == 2) {
            store.storeIncomingQos2(in.packetId());
            incomingQos2.add(in.packetId());
        }
        unacked.remove(in.packetId());
        // on an older connection the broker will redeliver; the QoS 2 id stored above stops a second delivery
        if (state == State.CONNECTED && in.epoch() == connectionEpoch) {
            write(in.qos() == 1 ? new MqttPacket.PubAck(in.packetId(), 0, MqttProperties.EMPTY)
                    : new MqttPacket.PubRec(in.packetId(), 0, MqttProperties.EMPTY), now);
        }
    }

    private void onPubAck(MqttPacket.PubAck a, long now) throws MqttProtocolException {
        OutgoingQueue.Entry m = inFlight(a.packetId(), "PUBACK");
        if (m.message.qos() != 1) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker sent PUBACK for packet identifier "
                    + a.packetId() + ", a QoS 2 message that expects PUBREC");
        }
        finishOutgoing(a.packetId());
        events.add(MqttReasonCode.isFailure(a.reasonCode())
                ? new MqttEvent.PublishFailed(a.packetId(), a.reasonCode(), refusal(a.reasonCode(), a.properties()), a.properties())
                : new MqttEvent.PublishCompleted(a.packetId(), a.reasonCode(), a.properties()));
        pump(now);
    }

    private void onPubRec(MqttPacket.PubRec r, long now) throws MqttProtocolException {
        int id = r.packetId();
        OutgoingQueue.Entry m = outgoing.get(id);
        if (v5 && (m == null || !outgoing.onWire(m))) {
            // MQTT 5 §4.3.3: answer with PUBREL 0x92 rather than failing (a recovery leftover)
            log.debug("PUBREC for unknown packet identifier {}; answering PUBREL 0x92", id);
            write(new MqttPacket.PubRel(id, MqttReasonCode.PACKET_IDENTIFIER_NOT_FOUND.code(), MqttProperties.EMPTY), now);
            return;
        }
        m = inFlight(id, "PUBREC");
        if (m.message.qos() != 2) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker sent PUBREC for packet identifier "
                    + id + ", a QoS 1 message that expects PUBACK");
        }
        if (MqttReasonCode.isFailure(r.reasonCode())) {
            finishOutgoing(id);
            events.add(new MqttEvent.PublishFailed(id, r.reasonCode(), refusal(r.reasonCode(), r.properties()), r.properties()));
            pump(now);
            return;
        }
        if (m.phase != OutgoingPhase.PUBREL_SENT) {
            store.updatePhase(id, OutgoingPhase.PUBREL_SENT);
            m.phase = OutgoingPhase.PUBREL_SENT;
        }
        write(new MqttPacket.PubRel(id, 0, MqttProperties.EMPTY), now);
    }

    private void onPubComp(MqttPacket.PubComp c, long now) throws MqttProtocolException {
        OutgoingQueue.Entry m = inFlight(c.packetId(), "PUBCOMP");
        if (m.phase != OutgoingPhase.PUBREL_SENT) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker sent PUBCOMP for packet identifier "
                    + c.packetId() + " before we sent PUBREL for it");
        }
        // 0x92 here means the broker had already finished the exchange: the message was delivered
        finishOutgoing(c.packetId());
        events.add(new MqttEvent.PublishCompleted(c.packetId(), c.reasonCode(), c.properties()));
        pump(now);
    }

    /**
     * PUBREL completes an incoming QoS 2 exchange. For an identifier we do not hold, both versions
     * answer PUBCOMP instead of failing (3.1.1 §4.3.3 requires PUBCOMP for every PUBREL; MQTT 5 adds
     * reason 0x92): after a reconnect the broker resends PUBREL when our earlier PUBCOMP was lost.
     */
    private void onPubRel(MqttPacket.PubRel r, long now) throws MqttProtocolException {
        int id = r.packetId();
        if (incomingQos2.contains(id)) {
            store.releaseIncomingQos2(id);
            incomingQos2.remove(id);
            write(new MqttPacket.PubComp(id, 0, MqttProperties.EMPTY), now);
            return;
        }
        Inbound in = unacked.get(id);
        if (in != null && in.qos() == 2) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker sent PUBREL for packet identifier " + id
                    + " before we sent PUBREC for it");
        }
        log.debug("PUBREL for unknown packet identifier {}; answering PUBCOMP", id);
        write(new MqttPacket.PubComp(id, v5 ? MqttReasonCode.PACKET_IDENTIFIER_NOT_FOUND.code() : 0, MqttProperties.EMPTY), now);
    }

    private void onSubAck(MqttPacket.SubAck s) throws MqttProtocolException {
        if (!(control.get(s.packetId()) instanceof MqttPacket.Subscribe sub)) {
            throw new MqttProtocolException(MqttError.UNKNOWN_PACKET_ID, "the broker sent SUBACK for packet identifier "
                    + s.packetId() + ", but no SUBSCRIBE with that identifier is waiting for one");
        }
        if (s.reasonCodes().size() != sub.subscriptions().size()) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker sent SUBACK with " + s.reasonCodes().size()
                    + " reason codes for a SUBSCRIBE of " + sub.subscriptions().size() + " filters; it must send one per filter");
        }
        for (int rc : s.reasonCodes()) {
            if (!v5 && rc > 2 && rc != 0x80) {
                throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker sent SUBACK return code " + rc
                        + ", which MQTT 3.1.1 does not define (0, 1, 2 or 0x80)");
            }
        }
        control.remove(s.packetId());
        ids.release(s.packetId());
        events.add(new MqttEvent.SubscribeCompleted(s.packetId(), s.reasonCodes(), s.properties()));
    }

    private void onUnsubAck(MqttPacket.UnsubAck u) throws MqttProtocolException {
        if (!(control.get(u.packetId()) instanceof MqttPacket.Unsubscribe unsub)) {
            throw new MqttProtocolException(MqttError.UNKNOWN_PACKET_ID, "the broker sent UNSUBACK for packet identifier "
                    + u.packetId() + ", but no UNSUBSCRIBE with that identifier is waiting for one");
        }
        if (v5 && u.reasonCodes().size() != unsub.topicFilters().size()) {
            throw new MqttProtocolException(MqttError.PROTOCOL_ERROR, "the broker sent UNSUBACK with " + u.reasonCodes().size()
                    + " reason codes for an UNSUBSCRIBE of " + unsub.topicFilters().size() + " filters");
        }
        control.remove(u.packetId());
        ids.release(u.packetId());
        events.add(new MqttEvent.UnsubscribeCompleted(u.packetId(), u.reasonCodes(), u.properties()));
    }

    private void onServerDisconnect(MqttPacket.Disconnect d) {
        state = State.CLOSED;
        MqttEvent.Disconnected e = new MqttEvent.Disconnected(true, d.reasonCode(), d.properties());
        log.info("{}", e.explanation());
        events.add(e);
    }

    // ------------------------------------------------------------------ outgoing machinery

    /** Sends stored messages, in order, while the in-flight window (ours and the broker's Receive Maximum) has room. */
    private void pump(long now) {
        if (state != State.CONNECTED) {
            return;
        }
        int window = Math.min(options.maxInflight(), v5 ? limits.receiveMaximum() : 0xFFFF);
        OutgoingQueue.Entry m;
        while (outgoing.onWireCount() < window && (m = outgoing.cursor()) != null) {
            int id = m.id;
            if (m.phase == OutgoingPhase.PUBREL_SENT) {
                write(new MqttPacket.PubRel(id, 0, MqttProperties.EMPTY), now);
                outgoing.markSent(m);
                continue;
            }
            String problem = limitProblem(m.message);
            if (problem != null) {
                outgoing.skip(m);
                failOutgoing(id, m.message.qos() > limits.maximumQos() ? MqttReasonCode.QOS_NOT_SUPPORTED.code()
                        : MqttReasonCode.RETAIN_NOT_SUPPORTED.code(), problem);
                continue;
            }
            if (m.phase == OutgoingPhase.QUEUED) {
                store.updatePhase(id, OutgoingPhase.PUBLISH_SENT); // before the bytes exist: DUP=1 from now on
                // the DUP flag of this send is decided by the phase before the change, as before
                boolean dup = m.dup();
                m.phase = OutgoingPhase.PUBLISH_SENT;
                if (!send(m, dup, now)) {
                    continue;
                }
            } else if (!send(m, m.dup(), now)) {
                continue;
            }
            outgoing.markSent(m);
        }
    }

    /** Sends a stored message's PUBLISH; if it is too large for the broker, fails it instead (false). */
    private boolean send(OutgoingQueue.Entry m, boolean dup, long now) {
        if (sendPublish(m.message, m.id, dup, now)) {
            return true;
        }
        int size = encoder.encode(publishPacket(m.message.topic(), m.message, m.id, dup, m.message.properties())).length;
        outgoing.skip(m);
        failOutgoing(m.id, MqttReasonCode.PACKET_TOO_LARGE.code(), tooLarge("the queued PUBLISH", size));
        return false;
    }

    /** Encodes and queues a PUBLISH, with a topic alias when the broker allows them; false if it is too large. */
    private boolean sendPublish(MqttMessage m, int id, boolean dup, long now) {
        if (m.properties().isEmpty() && !(v5 && limits.topicAliasMaximum() > 0)) {
            return sendPlainPublish(m, id, dup, now);
        }
        byte[] full = encoder.encode(publishPacket(m.topic(), m, id, dup, m.properties()));
        if (full.length > limits.maximumPacketSize()) {
            return false;
        }
        byte[] bytes = full;
        if (v5 && limits.topicAliasMaximum() > 0) {
            OutgoingTopicAliases.Choice c = outAliases.choose(m.topic());
            byte[] aliased = encoder.encode(publishPacket(c.topic(), m, id, dup,
                    m.properties().toBuilder().topicAlias(c.alias()).build()));
            if (aliased.length <= limits.maximumPacketSize()) {
                bytes = aliased;
            } else {
                outAliases.forget(m.topic()); // the broker never saw this mapping
            }
        }
        output.bytes(bytes);
        keepAlive.sent(now);
        return true;
    }

    /**
     * The common PUBLISH (no properties, no topic alias) encoded straight into the output, the same
     * bytes {@link MqttEncoder} makes; the topic's UTF-8 is checked and encoded once per topic String.
     */
    private boolean sendPlainPublish(MqttMessage m, int id, boolean dup, long now) {
        String topic = m.topic();
        if (topic != lastTopic) {
            byte[] utf8 = PacketWriter.checkedUtf8(topic);
            lastTopicUtf8 = utf8;
            lastTopic = topic;
        }
        byte[] t = lastTopicUtf8;
        byte[] payload = m.payload();
        long body = 2L + t.length + (m.qos() > 0 ? 2 : 0) + (v5 ? 1 : 0) + payload.length;
        long size = 1 + PacketWriter.varintSize((int) Math.min(body, Integer.MAX_VALUE)) + body;
        if (size > limits.maximumPacketSize()) {
            return false;
        }
        output.reserve((int) size);
        output.u8((PacketType.PUBLISH.code() << 4) | (dup ? 8 : 0) | (m.qos() << 1) | (m.retain() ? 1 : 0))
                .varint((int) body).u16(t.length).bytes(t, 0, t.length);
        if (m.qos() > 0) {
            output.u16(id);
        }
        if (v5) {
            output.u8(0); // property length 0
        }
        output.bytes(payload, 0, payload.length);
        keepAlive.sent(now);
        return true;
    }

    /**
     * An upper bound of a PUBLISH's encoded size without encoding it: fixed header (at most 5),
     * topic (2 + at most 3 UTF-8 bytes per char), packet identifier, properties (MQTT 5: at most
     * a 4-byte length when there are none; otherwise unknown, so Long.MAX_VALUE) and the payload.
     */
    private long publishSizeSurelyBelow(MqttMessage m) {
        if (v5 && !m.properties().isEmpty()) {
            return Long.MAX_VALUE;
        }
        return 5 + 2 + 3L * m.topic().length() + 2 + (v5 ? 4 : 0) + m.payload().length;
    }

    private static MqttPacket.Publish publishPacket(String topic, MqttMessage m, int id, boolean dup, MqttProperties props) {
        return new MqttPacket.Publish(topic, m.payload(), m.qos(), m.retain(), dup, m.qos() == 0 ? 0 : id, props);
    }

    private int sendControl(java.util.function.IntFunction<MqttPacket> build, long now) {
        int id = ids.allocate();
        MqttPacket p;
        byte[] bytes;
        try {
            p = build.apply(id);
            bytes = encoder.encode(p);
            if (state == State.CONNECTED && bytes.length > limits.maximumPacketSize()) {
                throw new MqttUsageException(MqttError.PACKET_TOO_LARGE_FOR_BROKER, tooLarge("this " + p.type(), bytes.length));
            }
        } catch (RuntimeException e) {
            ids.release(id);
            throw e;
        }
        control.put(id, p);
        if (state == State.CONNECTED) {
            output.bytes(bytes);
            keepAlive.sent(now);
        }
        return id;
    }

    private OutgoingQueue.Entry inFlight(int id, String what) throws MqttProtocolException {
        OutgoingQueue.Entry m = outgoing.get(id);
        if (m == null || !outgoing.onWire(m)) {
            throw new MqttProtocolException(MqttError.UNKNOWN_PACKET_ID, "the broker sent " + what
                    + " for packet identifier " + id + ", but no message with that identifier is in flight");
        }
        return m;
    }

    private void finishOutgoing(int id) {
        store.complete(id);
        outgoing.remove(id);
        ids.release(id);
    }

    private void failOutgoing(int id, int reasonCode, String explanation) {
        log.warn("publish {} failed: {}", id, explanation);
        finishOutgoing(id);
        events.add(new MqttEvent.PublishFailed(id, reasonCode, explanation, MqttProperties.EMPTY));
    }

    private String limitProblem(MqttMessage m) {
        if (m.qos() > limits.maximumQos()) {
            return "the broker accepts at most QoS " + limits.maximumQos() + " (CONNACK Maximum QoS); this message asks for QoS " + m.qos();
        }
        if (m.retain() && !limits.retainAvailable()) {
            return "the broker does not support retained messages (CONNACK Retain Available = 0)";
        }
        return null;
    }

    private void checkSubscriptionLimits(Subscription s, MqttProperties props) {
        if (!limits.wildcardSubscriptionAvailable() && (s.filter().contains("+") || s.filter().contains("#"))) {
            throw new MqttUsageException(MqttError.INVALID_TOPIC_FILTER, "the broker does not support wildcard subscriptions: " + s.filter());
        }
        if (!limits.sharedSubscriptionAvailable() && Topics.isShared(s.filter())) {
            throw new MqttUsageException(MqttError.INVALID_TOPIC_FILTER, "the broker does not support shared subscriptions: " + s.filter());
        }
        if (!limits.subscriptionIdentifiersAvailable() && !props.subscriptionIdentifiers().isEmpty()) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "the broker does not support subscription identifiers");
        }
    }

    private void checkPublishProperties(MqttProperties props) {
        if (props.isEmpty()) {
            return; // the common case: nothing to check, no set to build
        }
        if (!v5) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "message properties exist only in MQTT 5");
        }
        for (MqttProperty p : props.present()) {
            if (!p.allowedIn(PacketType.PUBLISH) || p == MqttProperty.SUBSCRIPTION_IDENTIFIER || p == MqttProperty.TOPIC_ALIAS) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, p + " cannot be set on an outgoing message"
                        + (p == MqttProperty.TOPIC_ALIAS ? " (the session manages topic aliases)" : ""));
            }
        }
        OptionalInt format = props.payloadFormatIndicator();
        if (format.isPresent() && format.getAsInt() > 1) {
            throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "Payload Format Indicator must be 0 or 1");
        }
    }

    private static String refusal(int reasonCode, MqttProperties props) {
        return "the broker refused the message: " + MqttReasonCode.describe(reasonCode)
                + props.reasonString().map(r -> " (broker says: " + r + ")").orElse("");
    }

    private String tooLarge(String what, int size) {
        return what + " is " + size + " bytes but the broker accepts at most " + limits.maximumPacketSize()
                + " (CONNACK Maximum Packet Size)";
    }

    // ------------------------------------------------------------------ plumbing

    private MqttProtocolException fail(MqttProtocolException e, long now) {
        if (!live()) {
            return e;
        }
        int reason = e.error().disconnectReason();
        if (v5 && reason >= 0) {
            String text = e.getMessage().length() > 200 ? e.getMessage().substring(0, 200) : e.getMessage();
            MqttPacket.Disconnect d = new MqttPacket.Disconnect(reason, MqttProperties.builder().reasonString(text).build());
            byte[] bytes = encoder.encode(d);
            if (bytes.length > limits.maximumPacketSize()) {
                bytes = encoder.encode(new MqttPacket.Disconnect(reason, MqttProperties.EMPTY));
            }
            output.bytes(bytes);
            e.disconnectReasonSent(reason);
        }
        state = State.FAILED;
        failure = e;
        events.add(new MqttEvent.ConnectionLost(e));
        log.warn("MQTT session failed [{}]: {}", e.error(), e.getMessage());
        return e;
    }

    private void write(MqttPacket p, long now) {
        output.bytes(encoder.encode(p));
        keepAlive.sent(now);
        log.trace("queued {}", p);
    }

    private void resetConnection() {
        output.reset();
        outgoing.newConnection();
        decoder = new MqttDecoder(version, options.maximumPacketSize(), "broker");
        outAliases = new OutgoingTopicAliases(0);
        inAliases = new IncomingTopicAliases(v5 ? options.topicAliasMaximum() : 0);
        limits = ServerLimits.DEFAULTS;
    }

    private boolean live() {
        return state == State.CONNECTING || state == State.CONNECTED;
    }

    private void tick(long now) {
        clock = Math.max(clock, now);
    }
}
