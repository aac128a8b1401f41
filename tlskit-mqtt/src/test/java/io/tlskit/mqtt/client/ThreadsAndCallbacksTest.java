package io.tlskit.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.SocketTransport;
import io.tlskit.Transport;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttClientException;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.PublishResult;
import io.tlskit.mqtt.ReconnectPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's threads: a connected client owns at most its reader and its session thread;
 * handlers and future completions run on the shared pool, in order per client, never on the
 * reader or session thread, and one client's blocked handler does not hold up another client.
 */
class ThreadsAndCallbacksTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static MosquittoBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = MosquittoBroker.start(dir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static MqttClient.Builder client(String id) {
        return ClientFixtures.client(broker, MosquittoBroker.Listener.TLS, MqttVersion.V3_1_1, id);
    }

    /** Live threads named after the client (its reader "tlskit-mqtt-ID-read"; before, also "tlskit-mqtt-ID", -write, -callbacks, -futures). */
    private static Map<String, Long> threadsPerClient(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("tlskit-mqtt-" + prefix))
                .collect(Collectors.groupingBy(n -> n.replaceFirst("-read$", ""), Collectors.counting()));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void hundredConnectedClientsOwnAtMostTwoThreadsEach() throws Exception {
        List<MqttClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                MqttClient c = client("threads-" + i).build();
                clients.add(c);
                c.connect(T);
            }
            for (MqttClient c : clients) {
                // some traffic on every client, so its reader, session thread and the shared pool all worked
                c.subscribe("threads/" + c.clientId(), 1, m -> { }).get(20, TimeUnit.SECONDS);
                c.publish("threads/" + c.clientId(), new byte[10], 1, false).get(20, TimeUnit.SECONDS);
            }
            Map<String, Long> perClient = threadsPerClient("threads-");
            assertThat(perClient).hasSize(100);
            assertThat(perClient.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2L));
            long own = perClient.values().stream().mapToLong(Long::longValue).sum();
            assertThat(own).isLessThanOrEqualTo(200);
            // no per-client callback or completion executors any more
            assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.endsWith("-callbacks") || n.endsWith("-futures") || n.endsWith("-write"))).isEmpty();
            assertThat(clients).allSatisfy(c -> assertThat(c.isConnected()).isTrue());
        } finally {
            clients.forEach(MqttClient::close);
        }
        assertThat(threadsPerClient("threads-")).isEmpty(); // close() ends both threads
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void handlerCallsOfOneClientRunInOrderOnTheSharedPool() throws Exception {
        int n = 2_000;
        List<String> payloads = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(n);
        try (MqttClient sub = client("order-sub").build(); MqttClient pub = client("order-pub").build()) {
            sub.connect(T);
            pub.connect(T);
            sub.subscribe("order/t", 1, m -> {
                payloads.add(m.payloadAsString());
                threads.add(Thread.currentThread().getName());
                all.countDown();
            }).get(20, TimeUnit.SECONDS);
            List<CompletableFuture<PublishResult>> fs = new ArrayList<>();
            List<String> completionThreads = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < n; i++) {
                fs.add(pub.publish("order/t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false)
                        .whenComplete((r, e) -> completionThreads.add(Thread.currentThread().getName())));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < n; i++) {
                assertThat(payloads.get(i)).isEqualTo(Integer.toString(i));
                assertThat(fs.get(i).get().packetId()).isPositive();
            }
            assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("tlskit-mqtt-shared-"));
            // completions that ran after publish() returned ran on the shared pool too (never a reader or session thread)
            assertThat(completionThreads).allSatisfy(t -> assertThat(t).doesNotEndWith("-read").doesNotStartWith("tlskit-mqtt-order"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBlockedHandlerOfOneClientDoesNotHoldUpAnother() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> blockedGot = new CompletableFuture<>();
        CompletableFuture<String> otherGot = new CompletableFuture<>();
        try (MqttClient blocked = client("blocked-sub").build(); MqttClient other = client("other-sub").build();
             MqttClient pub = client("blocked-pub").build()) {
            blocked.connect(T);
            other.connect(T);
            pub.connect(T);
            blocked.subscribe("block/t", 1, m -> {
                blockedGot.complete(m.payloadAsString());
                try {
                    release.await(); // a handler that blocks (e.g. on I/O) holds only its own client's callbacks
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).get(20, TimeUnit.SECONDS);
            other.subscribe("block/t", 1, m -> otherGot.complete(m.payloadAsString())).get(20, TimeUnit.SECONDS);
            pub.publish("block/t", "x".getBytes(StandardCharsets.UTF_8), 1, false).get(20, TimeUnit.SECONDS);
            assertThat(blockedGot.get(20, TimeUnit.SECONDS)).isEqualTo("x");
            assertThat(otherGot.get(20, TimeUnit.SECONDS)).isEqualTo("x");
            // the blocked client's session still works: its futures complete on the completion executor
            assertThat(blocked.publish("block/other", new byte[1], 1, false).get(20, TimeUnit.SECONDS).packetId()).isPositive();
            release.countDown();
        }
    }

    /**
     * Over a caller's Transport: when the broker stops reading, the write in the command loop blocks;
     * the shared watchdog ends the link after 1.5 keep-alives (the loop cannot run the keep-alive
     * timer while it is blocked), the client reconnects and the message is delivered.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWriteBlockedOnABrokerThatStopsReadingEndsTheLinkAndNothingIsLost() throws Exception {
        List<FreezableTransport> opened = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<MqttClientException> lost = new CompletableFuture<>();
        int port = broker.port(MosquittoBroker.Listener.TLS);
        try (MqttClient c = MqttClient.builder().broker("mqtts://localhost:" + port)
                .tls(ClientFixtures.tls(MosquittoBroker.Listener.TLS))
                .transport(() -> {
                    try {
                        FreezableTransport t = new FreezableTransport(SocketTransport.connect("localhost", port, T));
                        opened.add(t);
                        return t;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .options(MqttConnectOptions.builder().version(MqttVersion.V3_1_1).clientId("frozen-writes").cleanStart(false)
                        .keepAliveSeconds(1).build())
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(500), 0.1))
                .listener(new MqttClient.Listener() {
                    @Override
                    public void connectionLost(MqttClientException cause) {
                        lost.complete(cause);
                    }
                }).build()) {
            c.connect(T);
            opened.get(0).frozen.set(true); // from now on writes to the first connection never finish
            CompletableFuture<PublishResult> f = c.publish("frozen/t", "kept".getBytes(StandardCharsets.UTF_8), 1, false);
            MqttClientException cause = lost.get(20, TimeUnit.SECONDS);
            assertThat(cause.kind()).isEqualTo(MqttClientException.Kind.TIMEOUT);
            // the watchdog ending the blocked write, or the keep-alive check right after it: both at 1.5 keep-alives
            assertThat(cause.getMessage()).contains("1.5 times the keep-alive");
            assertThat(f.get(20, TimeUnit.SECONDS).packetId()).isPositive(); // sent again on the next connection
            assertThat(opened.size()).isGreaterThanOrEqualTo(2);
        }
    }

    /** Delegates to a socket; while frozen, write() blocks until close() (a broker that stopped reading). */
    static final class FreezableTransport implements Transport {
        final Transport d;
        final AtomicBoolean frozen = new AtomicBoolean();
        final CountDownLatch closed = new CountDownLatch(1);

        FreezableTransport(Transport d) {
            this.d = d;
        }

        @Override
        public int read(byte[] b, int off, int len, int timeoutMillis) throws IOException {
            return d.read(b, off, len, timeoutMillis);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (frozen.get()) {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("closed while the write was blocked");
            }
            d.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            d.flush();
        }

        @Override
        public String describe() {
            return "freezable " + d.describe();
        }

        @Override
        public void close() throws IOException {
            closed.countDown();
            d.close();
        }
    }
}
