package io.tlskit.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.mqtt.FileSessionStore;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttClientException;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttMessage;
import io.tlskit.mqtt.MqttMessageHandler;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.PublishResult;
import io.tlskit.mqtt.ReconnectPolicy;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults with a real Mosquitto: (a) broker stopped (SIGTERM, persistent) and restarted while 1,000
 * messages are published, counted by a reconnecting tlskit subscriber with a persistent session,
 * (b) the publishing process killed with SIGKILL and restarted on the same store, (c) a frozen
 * broker (SIGSTOP) detected by keep-alive. Payloads are "seq,run" so losses and duplicates show.
 */
class FaultTest {
    private static final int COUNT = 1000;
    private static final Pattern PAYLOAD = Pattern.compile("^(?:\\d+ )?(\\d+),(\\w+)$", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    /**
     * (a) The broker is stopped and restarted on the same port while 1,000 QoS 1 / QoS 2 messages
     * are published; a reconnecting tlskit subscriber with a persistent session counts them.
     *
     * <p>How the broker keeps state: {@code persistence true} with its database in the test's temp
     * dir. The broker is stopped with SIGTERM, on which Mosquitto writes the database (sessions,
     * subscriptions, queued and in-flight messages) before it exits, and it is started again with the
     * same config on the same port. SIGKILL is deliberately not used: Mosquitto saves only on
     * shutdown and every autosave_interval, so a broker killed hard may lose messages it had already
     * acknowledged (PUBACK / PUBCOMP) but not yet written, which would be the broker's loss, not the
     * client's; with SIGTERM everything the broker acknowledged is on disk, so the assertion is the
     * issue's promise: every message whose publish future completed arrives, and for QoS 2 none
     * arrives twice, the one exception being a duplicate the broker's own log proves it made (see
     * {@link #BROKER_CONFIG}). That the state really survived is checked too (the database
     * exists after the stop, and both clients find their session present on reconnect), so a broker
     * without persistence cannot make this pass by accident.
     *
     * <p>The stream is split so the restart is mid-stream whatever the machine's speed: messages
     * 0..599 are published while a watcher stops the broker once 300 are acknowledged (so some are in
     * flight when it stops), 600..799 are published while it is down (the client queues them in its
     * store), then the broker is restarted and 800..999 follow.
     */
    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void brokerRestartLosesNothingAndQos2DuplicatesNothing(int qos) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("broker"), true, BROKER_CONFIG)) {
            String topic = "fault/a/" + qos;
            String uri = ClientFixtures.uri(broker, MosquittoBroker.Listener.TLS);
            Counter counter = new Counter();
            ConnectionEvents subEvents = new ConnectionEvents();
            ConnectionEvents pubEvents = new ConnectionEvents();
            MqttClient.Builder subscriberBuilder = MqttClient.builder().broker(uri).tls(ClientFixtures.tls(MosquittoBroker.Listener.TLS))
                    .options(MqttConnectOptions.builder().version(MqttVersion.V5).clientId("counter-a" + qos)
                            .cleanStart(false).sessionExpiryInterval(3600).keepAliveSeconds(30).build())
                    .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(800), 0.2))
                    .connectTimeout(Duration.ofSeconds(10)).listener(subEvents);
            MqttClient.Builder publisherBuilder = MqttClient.builder().broker(uri).tls(ClientFixtures.tls(MosquittoBroker.Listener.TLS))
                    .options(MqttConnectOptions.builder().version(MqttVersion.V5).clientId("publisher-a" + qos)
                            .cleanStart(false).sessionExpiryInterval(3600).keepAliveSeconds(30).build())
                    .store(FileSessionStore.open(tmp.resolve("store")))
                    .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(800), 0.2))
                    .connectTimeout(Duration.ofSeconds(10)).listener(pubEvents);
            try (MqttClient subscriber = subscriberBuilder.build(); MqttClient publisher = publisherBuilder.build()) {
                subscriber.connect(Duration.ofSeconds(15));
                // subscribed at the test's QoS before the first message, so the broker queues for the session from then on
                assertThat(subscriber.subscribe(topic, qos, counter).get(15, TimeUnit.SECONDS)).as("granted QoS").isEqualTo(qos);
                publisher.connect(Duration.ofSeconds(15));

                AtomicInteger acked = new AtomicInteger();
                AtomicInteger accepted = new AtomicInteger();
                CompletableFuture<String> stopped = new CompletableFuture<>();
                Thread stopper = new Thread(() -> {
                    try {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        while (acked.get() < 300 && System.nanoTime() < deadline) {
                            Thread.sleep(1);
                        }
                        String at = acked.get() + " acknowledged, " + accepted.get() + " accepted";
                        broker.stop(); // SIGTERM; returns once mosquitto has exited, after writing its database
                        stopped.complete(at);
                    } catch (Throwable e) {
                        stopped.completeExceptionally(e);
                    }
                }, "fault-a-stopper");
                stopper.setDaemon(true);

                long start = System.nanoTime();
                List<CompletableFuture<PublishResult>> results = new ArrayList<>();
                stopper.start();
                publish(publisher, topic, qos, 0, 600, results, accepted, acked);
                String stoppedAt = stopped.get(25, TimeUnit.SECONDS);
                long stoppedNanos = System.nanoTime();
                assertThat(broker.persistenceFile()).as("mosquitto wrote its database on SIGTERM").exists();
                subEvents.awaitLost(1, Duration.ofSeconds(10), "subscriber");
                pubEvents.awaitLost(1, Duration.ofSeconds(10), "publisher");
                publish(publisher, topic, qos, 600, 800, results, accepted, acked); // while the broker is down
                String whileDown = acked.get() + " acknowledged, " + accepted.get() + " accepted";
                int subConnects = subEvents.connects.size();
                int pubConnects = pubEvents.connects.size();
                broker.restart();
                long restartedNanos = System.nanoTime();
                publish(publisher, topic, qos, 800, COUNT, results, accepted, acked);
                long acceptedNanos = System.nanoTime();

                List<String> failed = new ArrayList<>();
                for (int seq = 0; seq < COUNT; seq++) {
                    try {
                        PublishResult r = results.get(seq).get(30, TimeUnit.SECONDS);
                        if (r.qos() != qos) {
                            failed.add(seq + ": acknowledged with QoS " + r.qos());
                        }
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        failed.add(seq + ": " + e);
                    }
                }
                long ackedNanos = System.nanoTime();
                assertThat(failed).as("publish futures that did not complete with an acknowledgement; broker log tail:\n%s",
                        broker.logTail(40)).isEmpty();

                // A fence published after every acknowledgement: the broker queues per session in order, so once
                // the fence arrives the subscriber has had every earlier message (and any redelivery of one).
                publisher.publish(topic, FENCE.getBytes(StandardCharsets.UTF_8), qos, false).get(15, TimeUnit.SECONDS);
                boolean fenced = counter.fence.await(20, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (counter.distinct() < COUNT && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                long deliveredNanos = System.nanoTime();

                Map<Integer, Integer> seen = counter.snapshot();
                TreeSet<Integer> missing = new TreeSet<>();
                for (int seq = 0; seq < COUNT; seq++) {
                    if (!seen.containsKey(seq)) {
                        missing.add(seq);
                    }
                }
                TreeMap<Integer, Integer> twice = new TreeMap<>();
                seen.forEach((seq, n) -> {
                    if (n > 1) {
                        twice.put(seq, n);
                    }
                });
                // the fault really happened mid-stream and the broker really kept state: every reconnect after the restart
                // found the session (subscription and queued messages) present
                List<Boolean> subResumed = subEvents.connects.subList(subConnects, subEvents.connects.size());
                List<Boolean> pubResumed = pubEvents.connects.subList(pubConnects, pubEvents.connects.size());
                // QoS 2 duplicates the broker provably caused (see BROKER_CONFIG) are not ours; any other one fails.
                List<Integer> brokerResends = qos == 2 ? publishAfterPubrel(broker.log(), "counter-a" + qos) : List.of();
                TreeMap<Integer, Integer> unexplained = new TreeMap<>(twice);
                int extra = twice.values().stream().mapToInt(n -> n - 1).sum();
                if (extra <= brokerResends.size()) {
                    unexplained.keySet().removeIf(counter.dupSeqs::contains); // excused only if a copy came with DUP=1
                }
                boolean ok = missing.isEmpty() && (qos != 2 || unexplained.isEmpty()) && counter.unparsable.isEmpty() && fenced
                        && !subResumed.isEmpty() && !subResumed.contains(false) && !pubResumed.isEmpty() && !pubResumed.contains(false);
                String report = "";
                if (!ok) {
                    String brokerLog = broker.log();
                    report = String.format("QoS %d: broker stopped at %s, restarted at %s; publisher connects (session present) %s;"
                                    + " subscriber connects %s; fence %s; %d deliveries (%d with DUP) of %d distinct, %d unparsable %s;%n"
                                    + "missing %d: %s%nreceived more than once %d: %s (with DUP=1: %s)%n"
                                    + "QoS 2 PUBLISHes the broker resent to the subscriber after it had sent their PUBREL (the broker's "
                                    + "own MQTT 4.3.3 violation, a duplicate no receiver may suppress), by message id: %s%n"
                                    + "full broker log (debug): %s%nbroker log tail:%n%s",
                            qos, stoppedAt, whileDown, pubEvents.connects, subEvents.connects, fenced ? "arrived" : "did not arrive",
                            counter.deliveries.get(), counter.dups.get(), seen.size(), counter.unparsable.size(), counter.unparsable,
                            missing.size(), ranges(missing), twice.size(), twice, new TreeSet<>(counter.dupSeqs), brokerResends,
                            keepLog(brokerLog, qos), broker.logTail(40));
                }
                assertThat(missing).as("sequence numbers acknowledged to the publisher but never delivered; %s", report).isEmpty();
                if (qos == 2) {
                    assertThat(unexplained).as("QoS 2 messages delivered more than once (beyond the broker's own resends "
                            + "after PUBREL); %s", report).isEmpty();
                }
                assertThat(counter.unparsable).as("unexpected payloads; %s", report).isEmpty();
                assertThat(fenced).as("the fence arrived; %s", report).isTrue();
                assertThat(subResumed).as("the subscriber reconnected and the restarted broker still had its session; %s", report)
                        .isNotEmpty().doesNotContain(false);
                assertThat(pubResumed).as("the publisher reconnected and the restarted broker still had its session; %s", report)
                        .isNotEmpty().doesNotContain(false);
                System.out.printf("fault (a) QoS %d: stopped (SIGTERM) at %s, restarted at %s, %d ms down; all %d accepted after %d ms, all "
                                + "acknowledged after %d ms, all delivered after %d ms; %d deliveries (%d with DUP, %d "
                                + "sequence numbers more than once, %d QoS 2 PUBLISH(es) resent by the broker after PUBREL); "
                                + "subscriber connects %s, publisher connects %s%n",
                        qos, stoppedAt, whileDown, (restartedNanos - stoppedNanos) / 1_000_000, COUNT, (acceptedNanos - start) / 1_000_000,
                        (ackedNanos - start) / 1_000_000, (deliveredNanos - start) / 1_000_000, counter.deliveries.get(),
                        counter.dups.get(), twice.size(), brokerResends.size(), subEvents.connects, pubEvents.connects);
            }
        }
    }

    private static final String FENCE = "fence";

    /**
     * Added to the MosquittoBroker defaults for (a): {@code log_type debug} puts every packet with its
     * message id in the broker log, so a failure can be traced on the wire, and so the test can tell
     * the broker's own QoS 2 duplicates from ours. Mosquitto 2.0.11 (Debian) has a restore bug seen
     * here in 3 of 5 runs: a session restored from its database starts with an in-flight quota of
     * max_inflight_messages (0 here, "unlimited"), so every restored message lands in the queued list,
     * whose messages are reset to "send PUBLISH" on reconnect. A QoS 2 message for which the broker had
     * already sent PUBREL (and the subscriber had answered PUBCOMP, which the stopping broker never
     * read) is then sent again as PUBLISH, DUP=1, same id (up to 36 messages per run): MQTT 4.3.3
     * forbids that, and the receiver must treat it as a new message, so no client can suppress it.
     * {@link #publishAfterPubrel} finds those resends in the log; a QoS 2 duplicate is excused only if
     * a copy arrived with DUP=1 and there are no more extra deliveries than such resends.
     * Not used as a workaround: max_inflight_messages 20 (restored messages would stay in flight with
     * their state) because Mosquitto then ignores a resumed MQTT 5 session's Receive Maximum (200+ in
     * flight, tlskit rightly disconnects with 0x93, in a loop) and its incoming quota after the
     * restart answered a publish with PUBREC 0x97 although tlskit kept within the broker's Receive
     * Maximum.
     */
    private static final String BROKER_CONFIG = "log_type debug\n";

    /** Message ids of QoS 2 PUBLISHes the broker sent to {@code client} again after it had sent their PUBREL. */
    static List<Integer> publishAfterPubrel(String brokerLog, String client) {
        Pattern pubrel = Pattern.compile("Sending PUBREL to " + Pattern.quote(client) + " \\(m(\\d+)\\)");
        Pattern publish = Pattern.compile("Sending PUBLISH to " + Pattern.quote(client) + " \\(d(\\d), q2, r\\d, m(\\d+),");
        Pattern pubcomp = Pattern.compile("Received PUBCOMP from " + Pattern.quote(client) + " \\(Mid: (\\d+)");
        java.util.Set<Integer> released = new java.util.HashSet<>();
        List<Integer> violations = new ArrayList<>();
        for (String line : brokerLog.lines().toList()) {
            Matcher m;
            if ((m = pubrel.matcher(line)).find()) {
                released.add(Integer.parseInt(m.group(1)));
            } else if ((m = pubcomp.matcher(line)).find()) {
                released.remove(Integer.parseInt(m.group(1)));
            } else if ((m = publish.matcher(line)).find()) {
                int mid = Integer.parseInt(m.group(2));
                if (released.remove(mid) && m.group(1).equals("1")) {
                    violations.add(mid);
                }
            }
        }
        return violations;
    }

    /** Copies the broker log where it outlives the temp dir (target/), for a failure report. */
    static String keepLog(String brokerLog, int qos) {
        try {
            Path kept = Path.of("target", "fault-a-qos" + qos + "-mosquitto.log").toAbsolutePath();
            java.nio.file.Files.createDirectories(kept.getParent());
            java.nio.file.Files.writeString(kept, brokerLog);
            return kept.toString();
        } catch (java.io.IOException e) {
            return "(not kept: " + e + ")";
        }
    }

    /** Publishes "seq,a" for seq in [from, to); counts acceptances (publish returned) and acknowledgements. */
    private static void publish(MqttClient client, String topic, int qos, int from, int to,
            List<CompletableFuture<PublishResult>> results, AtomicInteger accepted, AtomicInteger acked) {
        for (int seq = from; seq < to; seq++) {
            CompletableFuture<PublishResult> f = client.publish(topic, (seq + ",a").getBytes(StandardCharsets.UTF_8), qos, false);
            accepted.incrementAndGet();
            f.whenComplete((r, e) -> {
                if (e == null) {
                    acked.incrementAndGet();
                }
            });
            results.add(f);
        }
    }

    /** The counting subscriber's handler: deliveries per sequence number, DUP flags, and the fence. */
    private static final class Counter implements MqttMessageHandler {
        final ConcurrentHashMap<Integer, Integer> perSeq = new ConcurrentHashMap<>();
        final AtomicInteger deliveries = new AtomicInteger();
        final AtomicInteger dups = new AtomicInteger();
        /** Sequence numbers that arrived at least once with the broker's DUP flag. */
        final java.util.Set<Integer> dupSeqs = ConcurrentHashMap.newKeySet();
        final Queue<String> unparsable = new ConcurrentLinkedQueue<>();
        final java.util.concurrent.CountDownLatch fence = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void onMessage(MqttMessage m) {
            String payload = m.payloadAsString();
            if (FENCE.equals(payload)) {
                fence.countDown();
                return;
            }
            deliveries.incrementAndGet();
            Matcher matcher = PAYLOAD.matcher(payload);
            if (matcher.matches()) {
                int seq = Integer.parseInt(matcher.group(1));
                if (m.dup()) {
                    dups.incrementAndGet();
                    dupSeqs.add(seq);
                }
                perSeq.merge(seq, 1, Integer::sum);
            } else {
                unparsable.add(payload);
            }
        }

        int distinct() {
            return perSeq.size();
        }

        Map<Integer, Integer> snapshot() {
            return new TreeMap<>(perSeq);
        }
    }

    /** Connection losses (including failed reconnect attempts) and, per connect, whether the broker had a session. */
    private static final class ConnectionEvents implements MqttClient.Listener {
        final AtomicInteger lost = new AtomicInteger();
        final List<Boolean> connects = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void connected(MqttClient.ConnectResult result) {
            connects.add(result.sessionPresent());
        }

        @Override
        public void connectionLost(MqttClientException cause) {
            lost.incrementAndGet();
        }

        void awaitLost(int n, Duration timeout, String who) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lost.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(lost.get()).as("the %s noticed the broker stop within %s", who, timeout).isGreaterThanOrEqualTo(n);
        }
    }

    /** 3, 7, 8, 9 -> "3, 7-9". */
    static String ranges(TreeSet<Integer> seqs) {
        StringBuilder b = new StringBuilder();
        Integer first = null;
        Integer prev = null;
        for (int s : seqs) {
            if (prev != null && s == prev + 1) {
                prev = s;
                continue;
            }
            if (first != null) {
                b.append(b.length() > 0 ? ", " : "").append(first.equals(prev) ? first.toString() : first + "-" + prev);
            }
            first = s;
            prev = s;
        }
        if (first != null) {
            b.append(b.length() > 0 ? ", " : "").append(first.equals(prev) ? first.toString() : first + "-" + prev);
        }
        return b.toString();
    }

    /** (b) kill -9 of the publisher process mid-stream, restart on the same FileSessionStore. */
    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void publisherKilledWithSigkillResumesFromItsStore(int qos) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("broker"))) {
            String clientId = "crash-" + qos;
            Queue<String> received = new ConcurrentLinkedQueue<>();
            try (MqttClient subscriber = ClientFixtures.client(broker, MosquittoBroker.Listener.TLS, MqttVersion.V5, "counter-" + qos)
                    .build()) {
                subscriber.connect(Duration.ofSeconds(15));
                subscriber.subscribe("fault/b/" + clientId, 2, m -> received.add(m.payloadAsString())).get(15, TimeUnit.SECONDS);
                Path store = tmp.resolve("store");
                String uri = ClientFixtures.uri(broker, MosquittoBroker.Listener.TLS);
                String ca = TestPki.INSTANCE.files().resolve("ca.pem").toString();

                int last;
                long killedAt;
                try (PeerProcess first = PeerProcess.start(java("CrashPublisher", uri, ca, store.toString(), String.valueOf(qos),
                        String.valueOf(COUNT), "0", "A", clientId, "1000"))) {
                    first.awaitOutput("accepted 400", Duration.ofSeconds(30));
                    ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
                    killedAt = System.nanoTime();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (first.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertThat(first.isAlive()).isFalse();
                    Thread.sleep(100); // the output pump drains
                    Matcher m = Pattern.compile("accepted (\\d+)").matcher(first.output());
                    last = -1;
                    while (m.find()) {
                        last = Math.max(last, Integer.parseInt(m.group(1)));
                    }
                    assertThat(first.output()).doesNotContain("done");
                }
                assertThat(last).as("killed mid-stream").isBetween(400, COUNT - 2);
                int beforeRestart = received.size();
                try (PeerProcess second = PeerProcess.start(java("CrashPublisher", uri, ca, store.toString(), String.valueOf(qos),
                        String.valueOf(COUNT), String.valueOf(last + 1), "B", clientId, "0"))) {
                    assertThat(second.waitFor(Duration.ofSeconds(45))).as(second.output()).isZero();
                    assertThat(second.output()).contains("done");
                }
                long restartedAndDone = System.nanoTime();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline && count(String.join("\n", received)).size() < COUNT) {
                    Thread.sleep(50);
                }
                Thread.sleep(500);
                Map<String, Integer> pairs = new HashMap<>();
                for (String p : received) {
                    pairs.merge(p, 1, Integer::sum);
                }
                for (int seq = 0; seq <= last; seq++) {
                    assertThat(pairs).as("accepted before the kill: %d", seq).containsKey(seq + ",A");
                }
                for (int seq = last + 1; seq < COUNT; seq++) {
                    assertThat(pairs).as("published after the restart: %d", seq).containsKey(seq + ",B");
                }
                if (qos == 2) {
                    assertThat(pairs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey))
                            .as("QoS 2 messages delivered twice").isEmpty();
                }
                System.out.printf("fault (b) QoS %d: killed after 'accepted %d' (%d delivered by then), restart finished "
                                + "%d ms after the kill; %d deliveries for %d messages%n", qos, last, beforeRestart,
                        (restartedAndDone - killedAt) / 1_000_000, received.size(), COUNT);
            }
        }
    }

    static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "io.tlskit.mqtt.client." + mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Map<Integer, Integer> count(String text) {
        Map<Integer, Integer> seen = new HashMap<>();
        Matcher m = PAYLOAD.matcher(text);
        while (m.find()) {
            seen.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
        }
        return seen;
    }
}
