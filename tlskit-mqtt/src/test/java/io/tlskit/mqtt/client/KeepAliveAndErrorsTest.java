package io.tlskit.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.Psk;
import io.tlskit.TlsConfig;
import io.tlskit.TlsVersion;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttClientException;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.ReconnectPolicy;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** (c) a frozen broker found by keep-alive; connect timeouts; the error kinds of the client API. */
class KeepAliveAndErrorsTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void frozenBrokerIsDetectedWithinOneAndAHalfKeepAlivesThenReconnectResubscribes() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp)) {
            CompletableFuture<MqttClientException> lost = new CompletableFuture<>();
            CompletableFuture<MqttClient.ConnectResult> reconnected = new CompletableFuture<>();
            int keepAlive = 2;
            try (MqttClient client = MqttClient.builder().broker(ClientFixtures.uri(broker, MosquittoBroker.Listener.TLS))
                    .tls(ClientFixtures.tls(MosquittoBroker.Listener.TLS))
                    .options(MqttConnectOptions.builder().version(MqttVersion.V3_1_1).clientId("keepalive").cleanStart(true)
                            .keepAliveSeconds(keepAlive).build())
                    .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(200), Duration.ofSeconds(1), 0.1))
                    .connectTimeout(Duration.ofSeconds(2))
                    .listener(new MqttClient.Listener() {
                        @Override
                        public void connected(MqttClient.ConnectResult r) {
                            if (lost.isDone()) {
                                reconnected.complete(r);
                            }
                        }

                        @Override
                        public void connectionLost(MqttClientException cause) {
                            lost.complete(cause);
                        }
                    }).build()) {
                client.connect(Duration.ofSeconds(10));
                CompletableFuture<String> got = new CompletableFuture<>();
                client.subscribe("ka/after", 1, m -> got.complete(m.payloadAsString())).get(10, TimeUnit.SECONDS);
                Thread.sleep(500); // some traffic has flowed; now the broker freezes
                long paused = System.nanoTime();
                broker.pause();
                MqttClientException cause = lost.get(10, TimeUnit.SECONDS);
                long detectedMs = (System.nanoTime() - paused) / 1_000_000;
                System.out.printf("keep-alive %d s: frozen broker detected after %d ms (%s)%n", keepAlive, detectedMs, cause.getMessage());
                assertThat(cause.kind()).isEqualTo(MqttClientException.Kind.TIMEOUT);
                assertThat(cause.getMessage()).contains("1.5 times the keep-alive");
                assertThat(detectedMs).isLessThanOrEqualTo(keepAlive * 1500L + 700);
                // reconnect attempts against the frozen broker time out cleanly (TCP connects, TLS never answers)
                Thread.sleep(2500);
                assertThat(client.isConnected()).isFalse();
                broker.resume();
                MqttClient.ConnectResult r = reconnected.get(15, TimeUnit.SECONDS);
                assertThat(r.sessionPresent()).isFalse();
                // the clean-session reconnect subscribed again (Paho #493)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!got.isDone() && System.nanoTime() < deadline) {
                    client.publish("ka/after", "again".getBytes(StandardCharsets.UTF_8), 1, false).get(10, TimeUnit.SECONDS);
                    Thread.sleep(100);
                }
                assertThat(got.get(1, TimeUnit.SECONDS)).isEqualTo("again");
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void connectToAFrozenBrokerTimesOutCleanlyAndCanBeRetried() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp)) {
            broker.pause();
            try (MqttClient client = ClientFixtures.client(broker, MosquittoBroker.Listener.TLS, MqttVersion.V5, "frozen")
                    .connectTimeout(Duration.ofSeconds(1)).build()) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> client.connect(Duration.ofSeconds(5)))
                        .isInstanceOfSatisfying(MqttClientException.class, e -> {
                            assertThat(e.kind()).isEqualTo(MqttClientException.Kind.TIMEOUT);
                            assertThat(e.getMessage()).contains("TLS handshake did not finish");
                        });
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
                assertThat(client.state()).isEqualTo(MqttClient.State.DISCONNECTED);
                broker.resume();
                assertThat(client.connect(Duration.ofSeconds(10)).clientId()).isEqualTo("frozen"); // no "connect already in progress"
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void errorKinds() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp)) {
            // wrong CA
            assertFails(MqttClient.builder().broker(ClientFixtures.uri(broker, MosquittoBroker.Listener.TLS))
                    .tls(TlsConfig.client().trustAnchors(io.tlskit.pki.TrustAnchors.of(java.util.List.of(
                            TestPki.INSTANCE.otherCa.certificate()))).build()), MqttClientException.Kind.TLS, "CA");
            // wrong PSK
            assertFails(MqttClient.builder().broker(ClientFixtures.uri(broker, MosquittoBroker.Listener.PSK))
                    .tls(TlsConfig.client().versions(TlsVersion.TLS_1_2).psk(Psk.of("dev1", new byte[16])).build()),
                    MqttClientException.Kind.TLS, "PSK");
            // no client certificate where one is required
            assertFails(MqttClient.builder().broker(ClientFixtures.uri(broker, MosquittoBroker.Listener.MUTUAL_TLS))
                    .tls(ClientFixtures.tls(MosquittoBroker.Listener.TLS)), MqttClientException.Kind.TLS, "client certificate");
            // refused credentials, both versions
            for (MqttVersion v : MqttVersion.values()) {
                MqttClient.Builder b = MqttClient.builder().broker(ClientFixtures.uri(broker, MosquittoBroker.Listener.PASSWORD))
                        .tls(ClientFixtures.tls(MosquittoBroker.Listener.TLS))
                        .options(MqttConnectOptions.builder().version(v).username(MosquittoBroker.USER)
                                .password("wrong".getBytes(StandardCharsets.UTF_8)).build());
                MqttClientException e = assertFails(b, MqttClientException.Kind.REFUSED, "refused the connection");
                assertThat(e.reasonCode()).hasValue(0x87);
            }
            // unreachable, then failover to the second broker
            int dead = Peers.freePort();
            assertFails(MqttClient.builder().broker("mqtts://127.0.0.1:" + dead).tls(ClientFixtures.tls(MosquittoBroker.Listener.TLS)),
                    MqttClientException.Kind.UNREACHABLE, "127.0.0.1:" + dead);
            try (MqttClient c = MqttClient.builder().broker("mqtts://localhost:" + dead)
                    .broker(ClientFixtures.uri(broker, MosquittoBroker.Listener.TLS))
                    .tls(ClientFixtures.tls(MosquittoBroker.Listener.TLS)).build()) {
                assertThat(c.connect(Duration.ofSeconds(10)).broker()).isEqualTo(ClientFixtures.uri(broker, MosquittoBroker.Listener.TLS));
            }
        }
    }

    private static MqttClientException assertFails(MqttClient.Builder b, MqttClientException.Kind kind, String text) {
        try (MqttClient c = b.connectTimeout(Duration.ofSeconds(5)).build()) {
            MqttClientException e = (MqttClientException) org.assertj.core.api.Assertions.catchThrowable(() -> c.connect(Duration.ofSeconds(10)));
            assertThat(e).as("connect must fail").isNotNull();
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(text);
            assertThat(c.state()).isEqualTo(MqttClient.State.DISCONNECTED);
            return e;
        }
    }
}
