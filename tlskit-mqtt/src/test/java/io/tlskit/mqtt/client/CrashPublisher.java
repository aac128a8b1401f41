package io.tlskit.mqtt.client;

import io.tlskit.TlsConfig;
import io.tlskit.pki.TrustAnchors;
import io.tlskit.mqtt.FileSessionStore;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.PublishResult;
import io.tlskit.mqtt.ReconnectPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A publisher process for the kill -9 test: publishes "seq,run" for seq in [start, count) with a
 * FileSessionStore, printing "accepted SEQ" once publish() returned (the message is on disk), and
 * "done" when the broker acknowledged everything, including what an earlier run left in the store.
 *
 * <p>args: brokerUri caFile storeDir qos count start runId clientId pauseMicros
 */
public final class CrashPublisher {
    private CrashPublisher() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        Path ca = Path.of(args[1]);
        Path store = Path.of(args[2]);
        int qos = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        int start = Integer.parseInt(args[5]);
        String run = args[6];
        String clientId = args[7];
        long pauseMicros = Long.parseLong(args[8]);
        String topic = "fault/b/" + clientId;
        try (MqttClient client = MqttClient.builder().broker(uri)
                .tls(TlsConfig.client().trustAnchors(TrustAnchors.fromFile(ca)).build())
                .options(MqttConnectOptions.builder().version(MqttVersion.V3_1_1).clientId(clientId).cleanStart(false)
                        .keepAliveSeconds(30).build())
                .store(FileSessionStore.open(store))
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2))
                .build()) {
            client.connect(Duration.ofSeconds(20));
            System.out.println("connected");
            List<CompletableFuture<PublishResult>> results = new ArrayList<>();
            for (int seq = start; seq < count; seq++) {
                results.add(client.publish(topic, (seq + "," + run).getBytes(StandardCharsets.UTF_8), qos, false));
                System.out.println("accepted " + seq);
                System.out.flush();
                if (pauseMicros > 0) {
                    TimeUnit.MICROSECONDS.sleep(pauseMicros);
                }
            }
            for (CompletableFuture<PublishResult> f : results) {
                f.get(40, TimeUnit.SECONDS);
            }
            // messages left in the store by a killed run complete too before we leave
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (client.unfinishedMessages() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            client.disconnect().get(10, TimeUnit.SECONDS);
            System.out.println("done");
            System.out.flush();
        }
    }
}
