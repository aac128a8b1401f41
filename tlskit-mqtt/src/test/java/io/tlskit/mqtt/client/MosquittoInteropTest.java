package io.tlskit.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttMessage;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.PublishResult;
import io.tlskit.testing.PeerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tlskit's MqttClient against a real Mosquitto on each listener (TLS, mutual TLS with the client
 * certificate as user name, TLS-PSK with CCM_8), both directions, QoS 0/1/2, MQTT 3.1.1 and 5:
 * tlskit publishes to mosquitto_sub, and mosquitto_pub publishes to a tlskit subscriber.
 */
class MosquittoInteropTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int N = 3;

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

    static Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (MosquittoBroker.Listener l : List.of(MosquittoBroker.Listener.TLS, MosquittoBroker.Listener.MUTUAL_TLS,
                MosquittoBroker.Listener.PSK)) {
            for (MqttVersion v : MqttVersion.values()) {
                for (int qos = 0; qos <= 2; qos++) {
                    all.add(Arguments.of(l, v, qos));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} QoS {2}")
    @MethodSource("matrix")
    void tlskitToMosquittoSubAndMosquittoPubToTlskit(MosquittoBroker.Listener l, MqttVersion v, int qos) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topicOut = "interop/" + run + "/from-tlskit";
        String topicIn = "interop/" + run + "/to-tlskit";
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        try (MqttClient client = ClientFixtures.client(broker, l, v, "tlskit-" + run).build()) {
            MqttClient.ConnectResult connected = client.connect(T);
            assertThat(connected.tls()).isPresent();

            // tlskit -> mosquitto_sub
            List<String> sub = new ArrayList<>(List.of("-d", "-V", ClientFixtures.versionArg(v),
                    "-q", String.valueOf(qos), "-t", topicOut, "-C", String.valueOf(N), "-i", "sub-" + run));
            sub.addAll(broker.clientArgs(l));
            try (PeerProcess mosquittoSub = PeerProcess.start(MosquittoBroker.command("mosquitto_sub", sub))) {
                mosquittoSub.awaitOutput("SUBACK", T);
                List<PublishResult> results = new ArrayList<>();
                for (int i = 0; i < N; i++) {
                    results.add(client.publish(topicOut, ("out-" + run + "-" + i).getBytes(StandardCharsets.UTF_8), qos, false)
                            .get(T.toSeconds(), TimeUnit.SECONDS));
                }
                assertThat(results).allSatisfy(r -> assertThat(r.qos()).isEqualTo(qos));
                assertThat(mosquittoSub.waitFor(T)).as(mosquittoSub.output()).isZero();
                for (int i = 0; i < N; i++) {
                    assertThat(mosquittoSub.output()).contains("out-" + run + "-" + i);
                }
                assertThat(mosquittoSub.output()).contains("q" + qos);
            }

            // mosquitto_pub -> tlskit
            int granted = client.subscribe(topicIn, qos, received::add).get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(granted).isEqualTo(qos);
            List<String> pub = new ArrayList<>(List.of("-V", ClientFixtures.versionArg(v),
                    "-q", String.valueOf(qos), "-t", topicIn, "-l", "-i", "pub-" + run));
            pub.addAll(broker.clientArgs(l));
            try (PeerProcess mosquittoPub = PeerProcess.start(MosquittoBroker.command("mosquitto_pub", pub))) {
                for (int i = 0; i < N; i++) {
                    mosquittoPub.write("in-" + run + "-" + i + "\n");
                }
                mosquittoPub.closeStdin();
                assertThat(mosquittoPub.waitFor(T)).as(mosquittoPub.output()).isZero();
            }
            for (int i = 0; i < N; i++) {
                MqttMessage m = received.poll(T.toSeconds(), TimeUnit.SECONDS);
                assertThat(m).as("message %d of %d; broker log:\n%s", i, N, broker.log()).isNotNull();
                assertThat(m.payloadAsString()).isEqualTo("in-" + run + "-" + i);
                assertThat(m.qos()).isEqualTo(qos);
                assertThat(m.topic()).isEqualTo(topicIn);
            }
            client.disconnect().get(T.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
