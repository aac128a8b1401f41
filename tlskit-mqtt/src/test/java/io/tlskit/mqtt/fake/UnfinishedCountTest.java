package io.tlskit.mqtt.fake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.mqtt.FileSessionStore;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttPacket;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.PublishResult;
import io.tlskit.mqtt.ReconnectPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MqttClient#unfinishedMessages()} as seen by a caller whose publish future just completed:
 * the acknowledged message must no longer be counted.
 */
class UnfinishedCountTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void unfinishedMessagesNoLongerCountsAMessageOnceItsFutureCompleted() throws Exception {
        try (FakeBroker broker = FakeBroker.plain();
             MqttClient client = MqttClient.builder().broker(broker.uri())
                     .options(MqttConnectOptions.builder().version(MqttVersion.V5).clientId("count").build())
                     .store(FileSessionStore.open(tmp.resolve("store")))
                     .reconnect(ReconnectPolicy.never()).build()) {
            CompletableFuture<MqttClient.ConnectResult> connecting = client.connect();
            FakeBroker.Connection c = broker.accept();
            c.expectConnect();
            c.send(Packets.connack(MqttVersion.V5, false));
            connecting.get(5, TimeUnit.SECONDS);
            int rounds = 20;
            List<Integer> stale = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<PublishResult> f = client.publish("count/" + i, "x".getBytes(StandardCharsets.UTF_8), 1, false);
                MqttPacket.Publish p = c.expect(MqttPacket.Publish.class);
                assertThat(client.unfinishedMessages()).isEqualTo(1);
                c.send(Packets.puback(p.packetId()));
                f.get(5, TimeUnit.SECONDS);
                if (client.unfinishedMessages() != 0) {
                    stale.add(i);
                }
            }
            assertThat(stale).as("rounds where the count still included the acknowledged message").isEmpty();
        }
    }
}
