package io.tlskit.mqtt;

import io.tlskit.HandshakeInfo;
import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
import io.tlskit.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 3.1.1 / 5 client over TLS (or plain TCP, or any tlskit {@link Transport}), built on the
 * sans-I/O {@link MqttSession}.
 *
 * <pre>{@code
 * try (MqttClient client = MqttClient.builder()
 *         .broker("mqtts://broker.example:8883").broker("mqtts://backup.example:8883")
 *         .tls(TlsConfig.client().trustAnchors(TrustAnchors.fromFile(ca)).credentials(device).build())
 *         .options(MqttConnectOptions.builder().clientId("device-1").cleanStart(false).build())
 *         .store(FileSessionStore.open(Path.of("/var/lib/device/mqtt")))
 *         .reconnect(ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(2), 0.2))
 *         .build()) {
 *     client.connect(Duration.ofSeconds(10));
 *     client.subscribe("cmd/device-1/#", 1, m -> handle(m));
 *     client.publish("telemetry/device-1", payload, 1, false).join();
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A connected client owns one thread: its connection's reader (blocking reads
 * on any {@link Transport}, no polling). Every call of this class becomes a command on a
 * {@link CommandLoop}, which runs commands one at a time (so the {@link MqttSession} and the store
 * are never touched by two threads at once): on the reader right after a read, otherwise on a pool
 * shared by all clients; keep-alive and reconnect timers live on one shared scheduler thread. The
 * command that produced output writes it (one TLS write per turn); a write blocked on a broker that
 * stopped reading is ended by a shared watchdog after 1.5 keep-alives. Handlers and future
 * completions run on the shared pool, each in order per client and on separate queues, so a
 * handler may block on a future; never on the reader.
 *
 * <p><b>Guarantees.</b> {@link #publish} returns once the message is accepted: for QoS 1/2 it is in
 * the store and, with a {@link FileSessionStore}, forced to disk (it survives {@code kill -9});
 * its future completes when the broker acknowledged it. After a lost connection the client
 * reconnects with backoff and jitter (trying the brokers in order), resumes the session
 * (cleanStart=false, MQTT 5; 3.1.1 keeps the clean-session choice), resends unacknowledged QoS 1/2
 * messages and, when the broker kept no session, subscribes again to every active subscription.
 * A handler's exception is logged and never stops the client.
 */
public final class MqttClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MqttClient.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int READ_BUFFER = 4 * 1024; // the decoder reassembles larger packets; idle clients stay small
    private static final long GRACEFUL_CLOSE_MILLIS = 2_000;

    /** Where the client stands. */
    public enum State {
        /** Not connected and not trying (before connect(), after disconnect() or a failed first connect). */
        DISCONNECTED,
        /** Opening the transport, TLS handshake, or waiting for CONNACK. */
        CONNECTING,
        CONNECTED,
        /** The connection was lost; waiting for the next reconnect attempt. */
        WAITING_TO_RECONNECT,
        CLOSED
    }

    /** What a successful connect agreed on. */
    public record ConnectResult(String broker, boolean sessionPresent, String clientId, MqttVersion version,
                                Optional<HandshakeInfo> tls) {
    }

    /** Lifecycle callbacks; run on the callback thread. All methods are optional. */
    public interface Listener {
        default void connected(ConnectResult result) {
        }

        /** The connection was lost (or a reconnect attempt failed); cause says why. */
        default void connectionLost(MqttClientException cause) {
        }

        /** The next attempt goes to broker after delay. */
        default void reconnecting(String broker, Duration delay, int attempt) {
        }
    }

    // ------------------------------------------------------------------ configuration

    private final List<BrokerUri> brokers;
    private final TlsConfig tlsConfig;
    private final Supplier<Transport> transportSupplier;
    private final MqttConnectOptions options;
    private final SessionStore store;
    private final ReconnectPolicy reconnect;
    private final int queueLimit;
    private final OverflowPolicy overflow;
    private final TimeSource time;
    private final Duration connectTimeout;
    private final MqttMessageHandler defaultHandler;
    private final Listener listener;
    private final String name;

    // ------------------------------------------------------------------ threads

    /** Runs every command touching the session, one at a time (see {@link CommandLoop}). */
    private final CommandLoop loop = new CommandLoop(new CommandLoop.Owner() {
        @Override
        public void tick() {
            timers(now());
            afterBatch();
        }

        @Override
        public long nextWakeup() {
            return MqttClient.this.nextWakeup();
        }

        @Override
        public long now() {
            return MqttClient.this.now();
        }

        @Override
        public void shutdown() {
            MqttClient.this.shutdown();
        }

        @Override
        public void commandFailed(RuntimeException e) {
            log.error("MQTT client {}: a command failed (continuing)", name, e);
        }
    });
    /** Handler and listener calls, in order, on the shared pool (never on the reader or inside a command). */
    private final SerialExecutor callbacks = new SerialExecutor(SharedExecutors.pool());
    /** Future completions, in order, on the shared pool: a handler may block on a future. */
    private final SerialExecutor completions = new SerialExecutor(SharedExecutors.pool());
    private final Random random = new Random();

    // ------------------------------------------------------------------ session-thread state (only touched there)

    private final MqttSession session;
    private final IntMap<PendingPublish> publishFutures = new IntMap<>();
    private final ArrayDeque<PendingPublish> offlineQos0 = new ArrayDeque<>();
    private final ArrayDeque<PendingPublish> blocked = new ArrayDeque<>();
    private final List<PendingPublish> acceptedThisBatch = new ArrayList<>();
    private final List<CompletableFuture<PublishResult>> qos0ThisBatch = new ArrayList<>();
    private final List<PublishResult> qos0Results = new ArrayList<>();
    private final Map<Integer, PendingSubscribe> pendingSubscribes = new HashMap<>();
    private final Map<Integer, CompletableFuture<Void>> pendingUnsubscribes = new HashMap<>();
    /** Filter → handler, for routing; includes subscriptions waiting for SUBACK. */
    private final LinkedHashMap<String, MqttMessageHandler> routes = new LinkedHashMap<>();
    /** Filter → subscription the broker granted, made again when the broker kept no session. */
    private final LinkedHashMap<String, Subscription> active = new LinkedHashMap<>();
    private final List<CompletableFuture<ConnectResult>> connectFutures = new ArrayList<>();
    /** Completions of this batch, handed to {@link #completions} as one task at the end of the batch. */
    private CompletionBatch completionBatch = new CompletionBatch(16);
    /** The event list not currently inside the session (see {@link MqttSession#swapEvents}). */
    private List<MqttEvent> spareEvents = new ArrayList<>();
    private int outstanding;
    /** Written inside commands; volatile so close() can abort a link whose write hangs. */
    private volatile MqttLink link;
    /** The newest link, kept after {@code link} is cleared, so close() can wait for its reader to end. */
    private volatile MqttLink lastLink;
    /** The reader thread's reports become commands, so the session is only touched inside the command loop. */
    private final MqttLink.Events linkEvents = new MqttLink.Events() {
        @Override
        public void linkUp(MqttLink l) {
            postFromReader(() -> onLinkUp(l));
        }

        @Override
        public void bytes(MqttLink l, byte[] data) {
            postFromReader(() -> onBytes(l, data));
        }

        @Override
        public int unacknowledged() {
            return unfinishedView;
        }

        @Override
        public void linkDown(MqttLink l, Exception cause) {
            postFromReader(() -> onLinkDown(l, cause));
        }
    };
    private long attemptDeadline = Long.MAX_VALUE;
    private long reconnectAt = Long.MAX_VALUE;
    private int brokerIndex;
    private int reconnectAttempt;
    private boolean everConnected;
    private boolean userConnectRound;
    private boolean autoReconnect;
    private boolean closeLinkAfterWrite;
    private MqttClientException lastFailure;
    private volatile State state = State.DISCONNECTED;
    private volatile int unfinishedView;
    /** Publishes posted to the command loop and not yet accepted there (publisher side of the queue limit). */
    private final AtomicInteger postedPublishes = new AtomicInteger();
    /** The in-memory store: publish() need not wait for the command loop while the queue has room. */
    private final boolean volatileStore;
    private volatile boolean closed;
    private volatile String clientId;
    /** The topic String the last publish() validated, from any publisher thread (any value here is valid). */
    private volatile String lastValidTopic;

    private MqttClient(Builder b) {
        this.brokers = List.copyOf(b.brokers);
        this.tlsConfig = b.tls;
        this.transportSupplier = b.transport;
        this.options = b.options.toBuilder().autoAck(false).build();
        this.store = b.store != null ? b.store : new InMemorySessionStore();
        this.volatileStore = store instanceof InMemorySessionStore;
        this.reconnect = b.reconnect;
        this.queueLimit = b.queueLimit;
        this.overflow = b.overflow;
        this.time = b.time;
        this.connectTimeout = b.connectTimeout;
        this.defaultHandler = b.defaultHandler;
        this.listener = b.listener;
        this.clientId = options.clientId();
        this.name = options.clientId().isEmpty() ? "client-" + SEQUENCE.incrementAndGet() : options.clientId();
        this.session = new MqttSession(options, store);
        this.outstanding = session.sessionState().outgoing().size();
        this.unfinishedView = outstanding;
        if (outstanding > 0) {
            log.info("MQTT client {}: {} unfinished QoS 1/2 message(s) from the store will be sent after connecting", name, outstanding);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ public API

    /**
     * Connects, trying the brokers in order; the future completes at CONNACK, or fails with an
     * {@link MqttClientException} naming the cause of the last broker's failure (unreachable, TLS,
     * refused, timeout). Calling it while an attempt runs joins that attempt; calling it while
     * connected completes at once. After a failed first connect, call it again to retry.
     */
    public CompletableFuture<ConnectResult> connect() {
        CompletableFuture<ConnectResult> f = new CompletableFuture<>();
        if (!post(() -> doConnect(f))) {
            f.completeExceptionally(closedException("connect"));
        }
        return f;
    }

    /** Connects and waits at most {@code timeout}; a dead or silent broker fails with TIMEOUT, never hangs. */
    public ConnectResult connect(Duration timeout) throws MqttClientException {
        CompletableFuture<ConnectResult> f = connect();
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            post(() -> abandonConnect(f));
            throw new MqttClientException(MqttClientException.Kind.TIMEOUT, "could not connect to " + brokersText()
                    + " within " + timeout.toMillis() + " ms; is the broker running and reachable, and is the port right?");
        } catch (ExecutionException e) {
            throw asClientException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MqttClientException(MqttClientException.Kind.CLOSED, "interrupted while connecting");
        }
    }

    /** Publishes a message; see {@link #publish(MqttMessage)}. */
    public CompletableFuture<PublishResult> publish(String topic, byte[] payload, int qos, boolean retain) {
        return publish(MqttMessage.of(topic, payload, qos, retain));
    }

    /**
     * Publishes a message, connected or not. Returns once the message is accepted (stored and, for a
     * durable store, on disk; with {@link OverflowPolicy#BLOCK} possibly after waiting for room). With
     * the default in-memory store, a message is accepted as soon as it is queued to the session
     * thread, in order, while the queue has room: publish() then returns without waiting for that
     * thread, so a fast publisher's messages are encoded, encrypted and written in batches. The
     * future completes when the broker acknowledged the message (QoS 1: PUBACK, QoS 2: PUBCOMP) or,
     * for QoS 0, when it was written to the connection.
     *
     * @throws MqttUsageException the topic is invalid (nothing was queued)
     */
    public CompletableFuture<PublishResult> publish(MqttMessage message) {
        String topic = message.topic();
        if (topic != lastValidTopic) { // a String found valid stays valid: publishers repeat one topic instance
            String problem = Topics.nameProblem(topic);
            if (problem != null) {
                throw new MqttUsageException(MqttError.INVALID_TOPIC, "cannot publish to '" + topic + "': " + problem);
            }
            lastValidTopic = topic;
        }
        PendingPublish p = new PendingPublish(message);
        if (loop.inTurn()) {
            accept(p);
            return p.future;
        }
        // Counted before posting, so queue room is never overestimated (several publishers included).
        int ahead = postedPublishes.incrementAndGet();
        if (!post(() -> acceptPosted(p))) {
            postedPublishes.decrementAndGet();
            p.future.completeExceptionally(closedException("publish"));
            return p.future;
        }
        if (volatileStore && !closed && ahead + unfinishedView <= queueLimit) {
            // In memory, queued in order is as good as stored: the command loop takes the message
            // before anything posted later, and fails it with CLOSED if the client closes first.
            return p.future;
        }
        try {
            while (!p.awaitAccepted(200)) {
                if (closed && loop.isStopped()) {
                    p.future.completeExceptionally(closedException("publish"));
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return p.future;
    }

    /** Subscribes with QoS {@code qos}; the future gives the granted QoS. */
    public CompletableFuture<Integer> subscribe(String filter, int qos, MqttMessageHandler handler) {
        return subscribe(Subscription.of(filter, qos), handler);
    }

    /**
     * Subscribes; messages matching the filter go to {@code handler}. The future completes with the
     * granted QoS at SUBACK, or fails (REJECTED with the broker's reason code). Works while
     * disconnected (sent after connecting). The subscription is remade after every reconnect where
     * the broker kept no session, also with a clean session.
     */
    public CompletableFuture<Integer> subscribe(Subscription subscription, MqttMessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        String problem = Topics.filterProblem(subscription.filter());
        if (problem != null) {
            throw new MqttUsageException(MqttError.INVALID_TOPIC_FILTER, "cannot subscribe to '" + subscription.filter() + "': " + problem);
        }
        CompletableFuture<Integer> f = new CompletableFuture<>();
        if (!post(() -> doSubscribe(subscription, handler, f))) {
            f.completeExceptionally(closedException("subscribe"));
        }
        return f;
    }

    /** Unsubscribes; no further messages reach the filter's handler once the future completes. */
    public CompletableFuture<Void> unsubscribe(String filter) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!post(() -> doUnsubscribe(filter, f))) {
            f.completeExceptionally(closedException("unsubscribe"));
        }
        return f;
    }

    /**
     * Sends DISCONNECT and closes the connection; no automatic reconnect until connect() is called
     * again. Unfinished QoS 1/2 messages stay in the store (and their futures pending).
     */
    public CompletableFuture<Void> disconnect() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!post(() -> doDisconnect(f))) {
            f.complete(null);
        }
        return f;
    }

    /**
     * Disconnects (waiting up to 2 s for DISCONNECT to be written), stops the threads, fails every
     * pending future with CLOSED (QoS 1/2 messages stay in the store for the next client on it) and
     * closes the store if it is {@link AutoCloseable}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (post(() -> doDisconnect(done))) {
            try {
                done.get(GRACEFUL_CLOSE_MILLIS + 500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.debug("MQTT client {}: disconnect on close did not finish: {}", name, e.toString());
            }
        }
        closed = true;
        loop.stop();
        try {
            MqttLink l = link;
            if (!loop.awaitStopped(GRACEFUL_CLOSE_MILLIS) && l != null) {
                l.abort(); // a write blocked on a broker that stopped reading (no keep-alive to end it)
            }
            loop.awaitStopped(5_000);
            MqttLink last = lastLink; // the loop has stopped: no reconnect replaces it now
            if (last != null) {
                last.abort(); // no-op when the loop already closed it
                last.awaitReaderExit(2_000);
            }
            // the shared pool is not ours to shut down: wait (briefly) for this client's queued callbacks instead
            callbacks.awaitIdle(2, TimeUnit.SECONDS);
            completions.awaitIdle(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (store instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("MQTT client {}: closing the session store failed: {}", name, e.toString());
            }
        }
    }

    public State state() {
        return state;
    }

    /**
     * Messages not finished yet: QoS 0 waiting for a connection, QoS 1/2 not acknowledged (including
     * those a previous run left in the store), and publishers blocked by a full queue.
     */
    public int unfinishedMessages() {
        return unfinishedView;
    }

    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    /** The client identifier in use (the broker's assigned one once connected with an empty identifier). */
    public String clientId() {
        return clientId;
    }

    // ------------------------------------------------------------------ the command loop's side (one turn at a time)

    private boolean post(Runnable command) {
        if (closed) {
            return false;
        }
        loop.post(command);
        return true;
    }

    /** From the reader: runs the command on the reader itself when the loop is free (no hand-off). */
    private void postFromReader(Runnable command) {
        if (!closed) {
            loop.postAndRun(command);
        }
    }

    private long now() {
        return time.monotonicMillis();
    }

    private long nextWakeup() {
        return Math.min(session.nextDeadline(), Math.min(attemptDeadline, reconnectAt));
    }

    private void timers(long now) {
        try {
            session.poll(now);
        } catch (MqttProtocolException e) {
            // reported as a ConnectionLost event
        }
        if (now >= attemptDeadline && link != null && state == State.CONNECTING) {
            attemptDeadline = Long.MAX_VALUE;
            String where = link.connected ? "the MQTT broker did not answer CONNECT" : link.transportOpen
                    ? "the TLS handshake did not finish" : "the connection was not established";
            attemptFailed(new MqttClientException(MqttClientException.Kind.TIMEOUT, "timed out connecting to " + link.broker
                    + ": " + where + " within " + connectTimeout.toMillis()
                    + " ms (is the broker running and answering on that port? a frozen broker or a firewall dropping packets looks like this)"));
        }
        if (now >= reconnectAt) {
            reconnectAt = Long.MAX_VALUE;
            if (state == State.WAITING_TO_RECONNECT) {
                startAttempt();
            }
        }
    }

    /** After a batch of commands: handle the session's events, sync the store, release publishers, write. */
    private void afterBatch() {
        for (int round = 0; round < 100; round++) {
            List<MqttEvent> events = session.swapEvents(spareEvents); // handlers may add events meanwhile
            spareEvents = events;
            if (events.isEmpty()) {
                break;
            }
            try {
                for (MqttEvent e : events) {
                    try {
                        onEvent(e);
                    } catch (RuntimeException ex) {
                        log.error("MQTT client {}: handling {} failed (continuing)", name, e, ex);
                    }
                }
            } finally {
                events.clear();
            }
        }
        try {
            store.flush(); // group commit: before any byte it describes is written, before publishers return
        } catch (RuntimeException e) {
            log.error("MQTT client {}: the session store cannot sync: {}", name, e.toString());
            for (PendingPublish p : acceptedThisBatch) {
                if (p.message.qos() > 0) {
                    complete(p.future, null, new MqttClientException(MqttClientException.Kind.STORE,
                            "the message may not be on disk: " + e.getMessage(), e));
                }
            }
        }
        for (PendingPublish p : acceptedThisBatch) {
            p.markAccepted();
        }
        acceptedThisBatch.clear();
        MqttLink l = link;
        try {
            if (session.outputSize() > 0 && l != null && l.ready()) {
                writeOrDrop(l, session.outputBuffer(), session.outputSize(), qos0ThisBatch, qos0Results);
            } else {
                failQos0(qos0ThisBatch, "the connection is gone");
            }
        } finally {
            session.clearOutput(); // written in place: no copy of the batch's bytes
        }
        qos0ThisBatch.clear();
        qos0Results.clear();
        unfinishedView = outstanding + blocked.size();
        if (closeLinkAfterWrite && link != null) {
            closeLinkAfterWrite = false;
            link.closeGracefully(500);
            link = null;
        }
        flushCompletions();
    }

    /**
     * Writes one batch's output, everything the session queued since the last write, in one TLS
     * write (records of up to 16 KiB, each flushed once), on the thread running the loop: no writer
     * thread and no hand-off per batch. A failed write ends the link like a failed read would.
     */
    private void writeOrDrop(MqttLink l, byte[] out, int length, List<CompletableFuture<PublishResult>> qos0,
                             List<PublishResult> results) {
        try {
            l.writeReused(out, length, writeLimitMillis());
        } catch (IOException e) {
            failQos0(qos0, e.getMessage());
            l.abort();
            post(() -> onLinkDown(l, e));
            return;
        }
        for (int i = 0; i < qos0.size(); i++) {
            complete(qos0.get(i), results.get(i), null);
        }
    }

    /** How long a write may block before the link is presumed dead: as long as keep-alive would wait for the broker. */
    private long writeLimitMillis() {
        long limit = options.keepAliveSeconds() > 0 ? options.keepAliveSeconds() * 1500L : Long.MAX_VALUE;
        return state == State.CONNECTING ? Math.min(limit, connectTimeout.toMillis()) : limit;
    }

    private void failQos0(List<CompletableFuture<PublishResult>> qos0, String why) {
        for (CompletableFuture<PublishResult> f : qos0) {
            complete(f, null, new MqttClientException(MqttClientException.Kind.CONNECTION_LOST,
                    "the QoS 0 message was not written: " + why));
        }
    }

    private void onEvent(MqttEvent e) {
        if (e instanceof MqttEvent.Connected c) {
            onConnected(c);
        } else if (e instanceof MqttEvent.ConnectRefused r) {
            attemptFailed(new MqttClientException(MqttClientException.Kind.REFUSED, r.explanation()
                    + ConnectFailures.refusalHint(r.reasonCode()), r.reasonCode(), null));
        } else if (e instanceof MqttEvent.ConnectionLost lost) {
            MqttProtocolException cause = lost.error();
            MqttClientException why = linkLossCause;
            linkLossCause = null;
            if (why == null) {
                why = new MqttClientException(cause.error() == MqttError.KEEPALIVE_TIMEOUT
                        ? MqttClientException.Kind.TIMEOUT : MqttClientException.Kind.CONNECTION_LOST,
                        (state == State.CONNECTING ? "connecting to " : "connection to ")
                                + (link != null ? link.broker : "the broker")
                                + (state == State.CONNECTING ? " failed: " : " lost: ") + cause.getMessage(), cause);
            }
            if (state == State.CONNECTING) {
                attemptFailed(why);
            } else {
                connectionLost(why, true);
            }
        } else if (e instanceof MqttEvent.Disconnected d) {
            if (d.byServer()) {
                boolean retry = d.reasonCode() != MqttReasonCode.SESSION_TAKEN_OVER.code();
                if (!retry) {
                    log.error("MQTT client {}: {}; not reconnecting automatically, or two clients with the same "
                            + "identifier would take the session from each other in a loop", name, d.explanation());
                }
                if (state == State.CONNECTING) {
                    attemptFailed(new MqttClientException(MqttClientException.Kind.CONNECTION_LOST, d.explanation()));
                } else {
                    connectionLost(new MqttClientException(MqttClientException.Kind.CONNECTION_LOST, d.explanation(),
                            d.reasonCode(), null), retry);
                }
            }
        } else if (e instanceof MqttEvent.SessionNotPresent s) {
            log.info("MQTT client {}: the broker kept no session; {} message(s) are sent again, {} were already complete",
                    name, s.republished(), s.completed());
        } else if (e instanceof MqttEvent.MessageArrived m) {
            dispatch(m);
        } else if (e instanceof MqttEvent.PublishCompleted c) {
            outstanding--;
            unfinishedView = outstanding + blocked.size(); // before the future completes: callers may ask right away
            PendingPublish p = publishFutures.remove(c.packetId());
            if (p != null) {
                complete(p.future, new PublishResult(p.message.topic(), p.message.qos(), c.packetId(), c.reasonCode(),
                        c.properties()), null);
            }
            unblock();
        } else if (e instanceof MqttEvent.PublishFailed f) {
            outstanding--;
            unfinishedView = outstanding + blocked.size();
            PendingPublish p = publishFutures.remove(f.packetId());
            if (p != null) {
                complete(p.future, null, new MqttClientException(MqttClientException.Kind.REJECTED, "publishing to '"
                        + p.message.topic() + "' failed: " + f.explanation(), f.reasonCode(), null));
            } else {
                log.warn("MQTT client {}: stored message {} failed: {}", name, f.packetId(), f.explanation());
            }
            unblock();
        } else if (e instanceof MqttEvent.SubscribeCompleted s) {
            onSubAck(s);
        } else if (e instanceof MqttEvent.UnsubscribeCompleted u) {
            CompletableFuture<Void> f = pendingUnsubscribes.remove(u.packetId());
            if (f != null) {
                complete(f, null, null);
            }
        } else if (e instanceof MqttEvent.AuthReceived a) {
            log.warn("MQTT client {}: the broker sent AUTH {}; enhanced authentication is not supported by MqttClient "
                    + "(drive MqttSession directly)", name, MqttReasonCode.describe(a.reasonCode()));
        }
    }

    // ------------------------------------------------------------------ connecting

    private void doConnect(CompletableFuture<ConnectResult> f) {
        if (state == State.CONNECTED) {
            complete(f, lastConnectResult, null);
            return;
        }
        connectFutures.add(f);
        autoReconnect = true;
        if (state == State.CONNECTING) {
            return; // joins the running attempt
        }
        reconnectAt = Long.MAX_VALUE;
        if (state == State.DISCONNECTED) {
            brokerIndex = 0;
            userConnectRound = true;
        }
        lastFailure = null;
        startAttempt();
    }

    private void abandonConnect(CompletableFuture<ConnectResult> f) {
        connectFutures.remove(f);
        if (connectFutures.isEmpty() && state == State.CONNECTING && userConnectRound) {
            abortAttempt();
            state = State.DISCONNECTED;
            userConnectRound = false;
        }
    }

    private ConnectResult lastConnectResult;

    private void startAttempt() {
        BrokerUri broker = brokers.get(brokerIndex % brokers.size());
        state = State.CONNECTING;
        attemptDeadline = now() + connectTimeout.toMillis();
        MqttLink l = new MqttLink(broker, name, transportSupplier, tlsConfig, connectTimeout, linkEvents);
        link = l;
        lastLink = l;
        log.debug("MQTT client {}: connecting to {}", name, broker);
        l.start();
    }

    private void abortAttempt() {
        attemptDeadline = Long.MAX_VALUE;
        if (link != null) {
            MqttLink l = link;
            link = null;
            l.abort();
        }
        if (session.state() == MqttSession.State.CONNECTING || session.state() == MqttSession.State.CONNECTED) {
            session.connectionLost(now());
            session.takeEvents(); // the loss is ours; nothing to report
        }
    }

    private void onLinkUp(MqttLink l) {
        if (l != link || closed) {
            l.abort();
            return;
        }
        l.connected = true;
        boolean clean = !everConnected ? options.cleanStart()
                : options.version() == MqttVersion.V5 ? false : options.cleanStart();
        session.connect(now(), clean);
    }

    private void onBytes(MqttLink l, byte[] data) {
        if (l != link) {
            return;
        }
        try {
            session.receive(data, 0, data.length, now());
        } catch (MqttProtocolException e) {
            // reported as a ConnectionLost event
        }
    }

    private void onLinkDown(MqttLink l, Exception cause) {
        if (l != link || l.downHandled) {
            return;
        }
        l.downHandled = true; // a failed write and the reader may both report the end
        MqttClientException why = ConnectFailures.describe(l, cause, state == State.CONNECTING, options.version());
        if (state == State.CONNECTING && !l.connected) {
            attemptFailed(why);
            return;
        }
        lastFailure = why;
        if (session.state() == MqttSession.State.CONNECTING || session.state() == MqttSession.State.CONNECTED) {
            linkLossCause = why;
            session.connectionLost(now()); // -> ConnectionLost event
        } else if (state == State.CONNECTED) {
            connectionLost(why, true);
        }
    }

    private MqttClientException linkLossCause;

    private void onConnected(MqttEvent.Connected c) {
        attemptDeadline = Long.MAX_VALUE;
        state = State.CONNECTED;
        clientId = c.clientId();
        boolean first = !everConnected;
        everConnected = true;
        userConnectRound = false;
        reconnectAttempt = 0;
        lastFailure = null;
        brokerIndex = brokerIndex % brokers.size();
        ConnectResult result = new ConnectResult(link.broker.text(), c.sessionPresent(), c.clientId(), options.version(),
                Optional.ofNullable(link.handshake));
        lastConnectResult = result;
        log.info("MQTT client {}: connected to {} (session present: {})", name, link.broker, c.sessionPresent());
        if (!c.sessionPresent() && !active.isEmpty()) {
            List<Subscription> again = new ArrayList<>(active.values());
            log.info("MQTT client {}: subscribing again to {} filter(s) after {}", name, again.size(),
                    first ? "connecting" : "reconnecting without a session");
            try {
                session.subscribe(again, now());
            } catch (MqttUsageException e) {
                log.warn("MQTT client {}: cannot subscribe again: {}", name, e.getMessage());
            }
        }
        while (!offlineQos0.isEmpty() && session.state() == MqttSession.State.CONNECTED) {
            PendingPublish p = offlineQos0.poll();
            outstanding--;
            sendQos0(p);
        }
        unblock();
        List<CompletableFuture<ConnectResult>> waiting = new ArrayList<>(connectFutures);
        connectFutures.clear();
        for (CompletableFuture<ConnectResult> f : waiting) {
            complete(f, result, null);
        }
        callbacks.execute(() -> {
            try {
                listener.connected(result);
            } catch (RuntimeException ex) {
                log.warn("MQTT client {}: listener failed", name, ex);
            }
        });
    }

    private void attemptFailed(MqttClientException why) {
        abortAttempt();
        lastFailure = ConnectFailures.mostTelling(lastFailure, why);
        log.debug("MQTT client {}: attempt failed: {}", name, why.getMessage());
        brokerIndex++;
        if (userConnectRound) {
            if (brokerIndex < brokers.size()) {
                startAttempt(); // failover to the next broker
                return;
            }
            MqttClientException cause = lastFailure;
            state = State.DISCONNECTED;
            userConnectRound = false;
            List<CompletableFuture<ConnectResult>> waiting = new ArrayList<>(connectFutures);
            connectFutures.clear();
            for (CompletableFuture<ConnectResult> f : waiting) {
                complete(f, null, cause);
            }
            return;
        }
        notifyLost(why);
        scheduleReconnect();
    }

    private void connectionLost(MqttClientException why, boolean retry) {
        if (link != null) {
            closeLinkAfterWrite = true; // a DISCONNECT the session queued still goes out
        }
        attemptDeadline = Long.MAX_VALUE;
        lastFailure = why;
        log.warn("MQTT client {}: {}", name, why.getMessage());
        notifyLost(why);
        if (retry) {
            scheduleReconnect();
        } else {
            autoReconnect = false;
            state = State.DISCONNECTED;
        }
    }

    private void notifyLost(MqttClientException cause) {
        callbacks.execute(() -> {
            try {
                listener.connectionLost(cause);
            } catch (RuntimeException ex) {
                log.warn("MQTT client {}: listener failed", name, ex);
            }
        });
    }

    private void scheduleReconnect() {
        if (closed || !autoReconnect || !reconnect.enabled()) {
            state = State.DISCONNECTED;
            failQueuedForDisconnect();
            return;
        }
        Duration delay = reconnect.delay(reconnectAttempt++, random);
        state = State.WAITING_TO_RECONNECT;
        reconnectAt = now() + delay.toMillis();
        BrokerUri next = brokers.get(brokerIndex % brokers.size());
        int attempt = reconnectAttempt;
        log.info("MQTT client {}: reconnecting to {} in {} ms (attempt {})", name, next, delay.toMillis(), attempt);
        callbacks.execute(() -> {
            try {
                listener.reconnecting(next.text(), delay, attempt);
            } catch (RuntimeException ex) {
                log.warn("MQTT client {}: listener failed", name, ex);
            }
        });
    }

    /** Without reconnect, connect futures that were waiting fail. */
    private void failQueuedForDisconnect() {
        List<CompletableFuture<ConnectResult>> waiting = new ArrayList<>(connectFutures);
        connectFutures.clear();
        MqttClientException cause = lastFailure != null ? lastFailure
                : new MqttClientException(MqttClientException.Kind.CONNECTION_LOST, "the connection was lost");
        for (CompletableFuture<ConnectResult> f : waiting) {
            complete(f, null, cause);
        }
    }

    private void doDisconnect(CompletableFuture<Void> done) {
        autoReconnect = false;
        reconnectAt = Long.MAX_VALUE;
        attemptDeadline = Long.MAX_VALUE;
        for (CompletableFuture<ConnectResult> f : new ArrayList<>(connectFutures)) {
            complete(f, null, new MqttClientException(MqttClientException.Kind.CLOSED, "disconnect() was called while connecting"));
        }
        connectFutures.clear();
        if (session.state() == MqttSession.State.CONNECTED && link != null && link.ready()) {
            session.disconnect(now());
            session.takeEvents();
            byte[] out = session.takeOutput();
            MqttLink l = link;
            link = null;
            try {
                store.flush(); // the output may hold PUBLISHes accepted in this turn: on disk before on the wire
            } catch (RuntimeException e) {
                log.error("MQTT client {}: the session store cannot sync: {}", name, e.toString());
            }
            // what the batch queued before DISCONNECT goes first, then DISCONNECT, close_notify, close
            writeOrDrop(l, out, out.length, qos0ThisBatch, qos0Results);
            qos0ThisBatch.clear();
            qos0Results.clear();
            l.closeGracefully(GRACEFUL_CLOSE_MILLIS);
            done.complete(null);
        } else {
            if (link != null) {
                link.abort();
                link = null;
            }
            if (session.state() == MqttSession.State.CONNECTING || session.state() == MqttSession.State.CONNECTED) {
                session.connectionLost(now());
                session.takeEvents();
            }
            done.complete(null);
        }
        state = closed ? State.CLOSED : State.DISCONNECTED;
    }

    // ------------------------------------------------------------------ publishing

    /** A publish posted by {@link #publish}: accepted, then the publisher-side view of the queue is brought up to date. */
    private void acceptPosted(PendingPublish p) {
        try {
            accept(p);
        } finally {
            unfinishedView = outstanding + blocked.size();
            postedPublishes.decrementAndGet();
        }
    }

    private void accept(PendingPublish p) {
        if (closed) {
            p.future.completeExceptionally(closedException("publish"));
            p.markAccepted();
            return;
        }
        if (outstanding >= queueLimit) {
            switch (overflow) {
                case BLOCK:
                    blocked.add(p);
                    return;
                case DROP_OLDEST_QOS0:
                    if (!offlineQos0.isEmpty()) {
                        PendingPublish dropped = offlineQos0.poll();
                        outstanding--;
                        complete(dropped.future, null, new MqttClientException(MqttClientException.Kind.QUEUE_FULL,
                                "dropped: the offline queue of " + queueLimit + " messages was full (DROP_OLDEST_QOS0)"));
                        break;
                    }
                    reject(p);
                    return;
                default:
                    reject(p);
                    return;
            }
        }
        submit(p);
    }

    private void reject(PendingPublish p) {
        complete(p.future, null, new MqttClientException(MqttClientException.Kind.QUEUE_FULL, "the queue of "
                + queueLimit + " unfinished messages is full (" + overflow + "); the broker is unreachable or slower than "
                + "the publisher: raise offlineQueue() or use OverflowPolicy.BLOCK"));
        p.markAccepted();
    }

    private void submit(PendingPublish p) {
        acceptedThisBatch.add(p);
        MqttMessage m = p.message;
        if (m.qos() == 0) {
            if (session.state() == MqttSession.State.CONNECTED) {
                sendQos0(p);
            } else {
                offlineQos0.add(p);
                outstanding++;
            }
            return;
        }
        int id;
        try {
            id = session.publish(m, now());
        } catch (MqttUsageException e) {
            complete(p.future, null, new MqttClientException(MqttClientException.Kind.REJECTED, e.getMessage(), e));
            return;
        } catch (UncheckedIOException | IllegalStateException e) {
            complete(p.future, null, new MqttClientException(MqttClientException.Kind.STORE,
                    "the message could not be stored: " + e.getMessage(), e));
            return;
        }
        outstanding++;
        publishFutures.put(id, p);
    }

    private void sendQos0(PendingPublish p) {
        try {
            session.publish(p.message, now());
            qos0ThisBatch.add(p.future);
            qos0Results.add(new PublishResult(p.message.topic(), 0, 0, 0, MqttProperties.EMPTY));
        } catch (MqttUsageException e) {
            complete(p.future, null, new MqttClientException(MqttClientException.Kind.REJECTED, e.getMessage(), e));
        }
    }

    private void unblock() {
        while (!blocked.isEmpty() && (outstanding < queueLimit || closed)) {
            submit(blocked.poll());
        }
    }

    // ------------------------------------------------------------------ subscriptions and delivery

    private void doSubscribe(Subscription s, MqttMessageHandler handler, CompletableFuture<Integer> f) {
        MqttMessageHandler previous = routes.put(s.filter(), handler);
        int id;
        try {
            id = session.subscribe(List.of(s), now());
        } catch (MqttUsageException e) {
            restoreRoute(s.filter(), previous);
            complete(f, null, e);
            return;
        }
        pendingSubscribes.put(id, new PendingSubscribe(s, handler, previous, f));
    }

    private void restoreRoute(String filter, MqttMessageHandler previous) {
        if (previous == null) {
            routes.remove(filter);
        } else {
            routes.put(filter, previous);
        }
    }

    private void onSubAck(MqttEvent.SubscribeCompleted s) {
        PendingSubscribe p = pendingSubscribes.remove(s.packetId());
        if (p == null) {
            for (int rc : s.reasonCodes()) {
                if (MqttReasonCode.isFailure(rc)) {
                    log.warn("MQTT client {}: the broker refused a subscription made again after reconnecting: {}", name,
                            MqttReasonCode.describe(rc));
                }
            }
            return;
        }
        int rc = s.reasonCodes().get(0);
        if (MqttReasonCode.isFailure(rc)) {
            if (routes.get(p.subscription.filter()) == p.handler) {
                restoreRoute(p.subscription.filter(), p.previous);
            }
            complete(p.future, null, new MqttClientException(MqttClientException.Kind.REJECTED, "the broker refused the "
                    + "subscription to '" + p.subscription.filter() + "': " + MqttReasonCode.describe(rc)
                    + s.properties().reasonString().map(r -> " (broker says: " + r + ")").orElse(""), rc, null));
            return;
        }
        active.put(p.subscription.filter(), p.subscription);
        complete(p.future, rc, null);
    }

    private void doUnsubscribe(String filter, CompletableFuture<Void> f) {
        int id;
        try {
            id = session.unsubscribe(List.of(filter), now());
        } catch (MqttUsageException e) {
            complete(f, null, e);
            return;
        }
        routes.remove(filter);
        active.remove(filter);
        pendingUnsubscribes.put(id, f);
    }

    private void dispatch(MqttEvent.MessageArrived m) {
        List<MqttMessageHandler> handlers = new ArrayList<>();
        for (Map.Entry<String, MqttMessageHandler> r : routes.entrySet()) {
            if (matches(r.getKey(), m.message().topic()) && !handlers.contains(r.getValue())) {
                handlers.add(r.getValue());
            }
        }
        if (handlers.isEmpty() && defaultHandler != null) {
            handlers.add(defaultHandler);
        }
        if (handlers.isEmpty()) {
            log.debug("MQTT client {}: no handler for a message to {}; acknowledged and dropped", name, m.message().topic());
        }
        callbacks.execute(() -> {
            for (MqttMessageHandler h : handlers) {
                try {
                    h.onMessage(m.message());
                } catch (Exception | LinkageError | AssertionError ex) {
                    log.warn("MQTT client {}: a message handler for {} threw (the message is acknowledged anyway)",
                            name, m.message().topic(), ex);
                }
            }
            if (m.message().qos() > 0) {
                post(() -> session.acknowledge(m, now()));
            }
        });
    }

    /** MQTT topic matching: '+' one level, '#' the rest (including the parent), '$' topics not by leading wildcards. */
    static boolean matches(String filter, String topic) {
        String f = filter;
        if (f.startsWith("$share/")) {
            int slash = f.indexOf('/', 7);
            f = slash < 0 ? f : f.substring(slash + 1);
        }
        if (topic.startsWith("$") && (f.startsWith("+") || f.startsWith("#"))) {
            return false;
        }
        String[] fl = f.split("/", -1);
        String[] tl = topic.split("/", -1);
        for (int i = 0; i < fl.length; i++) {
            if (fl[i].equals("#")) {
                return true;
            }
            if (i >= tl.length) {
                return false;
            }
            if (!fl[i].equals("+") && !fl[i].equals(tl[i])) {
                return false;
            }
        }
        return fl.length == tl.length;
    }

    // ------------------------------------------------------------------ completion and shutdown

    /**
     * Completes a future outside the command loop (its dependents may run long). Inside commands only:
     * completions are collected per batch and handed over as one task, in order.
     */
    private <T> void complete(CompletableFuture<T> f, T value, Throwable error) {
        completionBatch.add(f, value, error);
    }

    private void flushCompletions() {
        if (completionBatch.isEmpty()) {
            return;
        }
        CompletionBatch batch = completionBatch;
        completionBatch = new CompletionBatch(Math.min(batch.size(), 1024));
        completions.execute(batch);
    }

    /** Runs in the last turn of the command loop: everything still waiting fails with CLOSED. */
    private void shutdown() {
        state = State.CLOSED;
        if (link != null) {
            link.abort();
            link = null;
        }
        try {
            store.flush();
        } catch (RuntimeException e) {
            log.warn("MQTT client {}: final store sync failed: {}", name, e.toString());
        }
        boolean durable = store instanceof FileSessionStore;
        MqttClientException closedError = new MqttClientException(MqttClientException.Kind.CLOSED,
                "the client was closed before the broker acknowledged the message"
                        + (durable ? "; it stays in the session store and is sent by the next client opened on it" : ""));
        publishFutures.forEachValue(p -> p.future.completeExceptionally(closedError));
        publishFutures.clear();
        MqttClientException closedPlain = new MqttClientException(MqttClientException.Kind.CLOSED, "the client was closed");
        for (PendingPublish p : offlineQos0) {
            p.future.completeExceptionally(closedPlain);
        }
        for (PendingPublish p : blocked) {
            p.future.completeExceptionally(closedPlain);
            p.markAccepted();
        }
        for (PendingPublish p : acceptedThisBatch) {
            p.markAccepted();
        }
        for (PendingSubscribe p : pendingSubscribes.values()) {
            p.future.completeExceptionally(closedPlain);
        }
        for (CompletableFuture<Void> f : pendingUnsubscribes.values()) {
            f.completeExceptionally(closedPlain);
        }
        for (CompletableFuture<ConnectResult> f : connectFutures) {
            f.completeExceptionally(closedPlain);
        }
        Runnable r;
        while ((r = loop.poll()) != null) {
            // commands posted during close: publishers waiting for acceptance must not hang
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // closing
            }
        }
        flushCompletions();
    }

    private MqttClientException closedException(String what) {
        return new MqttClientException(MqttClientException.Kind.CLOSED, "cannot " + what + ": the MQTT client is closed");
    }

    private static MqttClientException asClientException(Throwable t) {
        if (t instanceof MqttClientException m) {
            return m;
        }
        return new MqttClientException(MqttClientException.Kind.CONNECTION_LOST, String.valueOf(t.getMessage()), t);
    }

    private String brokersText() {
        StringBuilder b = new StringBuilder();
        for (BrokerUri u : brokers) {
            b.append(b.length() == 0 ? "" : ", ").append(u.text());
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ records

    private static final class PendingPublish {
        final MqttMessage message;
        final CompletableFuture<PublishResult> future = new CompletableFuture<>();
        // accepted (or refused) by the command loop; a flag and a parked publisher instead of a
        // CountDownLatch per message, since with the in-memory store publishers rarely wait
        private volatile boolean accepted;
        private volatile Thread waiter;

        PendingPublish(MqttMessage message) {
            this.message = message;
        }

        /** The command loop is done with accepting the message: a waiting publisher returns. */
        void markAccepted() {
            accepted = true;
            Thread w = waiter; // read after the write above: a publisher that missed it has set waiter
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        /** Like CountDownLatch.await(millis): true once accepted, false on timeout. */
        boolean awaitAccepted(long millis) throws InterruptedException {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (accepted) {
                return true;
            }
            waiter = Thread.currentThread(); // written before reading accepted: markAccepted sees one or the other
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                while (!accepted) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                return true;
            } finally {
                waiter = null;
            }
        }
    }

    private record PendingSubscribe(Subscription subscription, MqttMessageHandler handler, MqttMessageHandler previous,
                                    CompletableFuture<Integer> future) {
    }

    // ------------------------------------------------------------------ builder

    public static final class Builder {
        private final List<BrokerUri> brokers = new ArrayList<>();
        private TlsConfig tls;
        private Supplier<Transport> transport;
        private MqttConnectOptions options = MqttConnectOptions.builder().build();
        private SessionStore store;
        private ReconnectPolicy reconnect = ReconnectPolicy.defaults();
        private int queueLimit = 10_000;
        private OverflowPolicy overflow = OverflowPolicy.BLOCK;
        private TimeSource time = TimeSource.system();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private MqttMessageHandler defaultHandler;
        private Listener listener = new Listener() { };

        private Builder() {
        }

        /** A broker: mqtts://HOST[:8883] (TLS) or mqtt://HOST[:1883]. Repeat for failover, tried in order. */
        public Builder broker(String uri) {
            brokers.add(BrokerUri.parse(uri));
            return this;
        }

        /** TLS settings for mqtts:// brokers: trust anchors, client certificate, PSK, suites, SNI. Default: the JDK's trust store. */
        public Builder tls(TlsConfig config) {
            this.tls = Objects.requireNonNull(config);
            return this;
        }

        /**
         * Opens the transport for each attempt instead of a TCP socket (a serial line, a modem, a
         * memory pipe). The broker URI still says whether TLS runs on top and which name to verify.
         * The transport's close() must unblock a read in progress; one thread reads while another writes.
         */
        public Builder transport(Supplier<Transport> supplier) {
            this.transport = Objects.requireNonNull(supplier);
            return this;
        }

        public Builder options(MqttConnectOptions o) {
            this.options = Objects.requireNonNull(o);
            return this;
        }

        /** Where unfinished QoS 1/2 messages live; default in memory. Use {@link FileSessionStore} to survive restarts. */
        public Builder store(SessionStore s) {
            this.store = Objects.requireNonNull(s);
            return this;
        }

        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = Objects.requireNonNull(policy);
            return this;
        }

        /**
         * At most {@code limit} unfinished messages (QoS 0 waiting for a connection, QoS 1/2 not yet
         * acknowledged); what publish() does beyond that. Default 10,000 with BLOCK.
         */
        public Builder offlineQueue(int limit, OverflowPolicy policy) {
            if (limit < 1 || limit > 65_000) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "the offline queue limit must be 1..65000 "
                        + "(QoS 1/2 messages each hold one of the 65535 packet identifiers), not " + limit);
            }
            this.queueLimit = limit;
            this.overflow = Objects.requireNonNull(policy);
            return this;
        }

        public Builder timeSource(TimeSource t) {
            this.time = Objects.requireNonNull(t);
            return this;
        }

        /** Deadline for one attempt: TCP connect, TLS handshake and CONNACK together. Default 10 s. */
        public Builder connectTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "the connect timeout must be positive");
            }
            this.connectTimeout = d;
            return this;
        }

        /** Receives messages no subscription handler matches (e.g. from a resumed session before subscribe()). */
        public Builder onMessage(MqttMessageHandler handler) {
            this.defaultHandler = handler;
            return this;
        }

        public Builder listener(Listener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        public MqttClient build() {
            if (brokers.isEmpty()) {
                if (transport == null) {
                    throw new MqttUsageException(MqttError.INVALID_ARGUMENT, "no broker: add broker(\"mqtts://HOST:8883\")");
                }
                brokers.add(new BrokerUri(tls != null ? "mqtts://transport" : "mqtt://transport",
                        tls != null && tls.serverName() != null ? tls.serverName() : "transport", 0, tls != null));
            }
            return new MqttClient(this);
        }
    }
}
