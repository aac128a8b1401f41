package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** publish() skips checking a topic String it has just found valid: every other topic is still checked. */
class TopicCheckTest {

    @Test
    void sessionStillRefusesAnInvalidTopicAfterAValidOne() throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(MqttVersion.V5).build());
        b.connect();
        String valid = "a/b";
        b.session.publish(MqttMessage.of(valid, "x", 0), b.now);
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("a/+", "x", 0), b.now))
                .isInstanceOf(MqttUsageException.class).extracting(e -> ((MqttUsageException) e).error())
                .isEqualTo(MqttError.INVALID_TOPIC);
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of("", "x", 1), b.now)).isInstanceOf(MqttUsageException.class);
        b.session.publish(MqttMessage.of(valid, "y", 1), b.now);
        assertThat(b.fromClient()).hasSize(2);
    }

    @Test
    void clientStillRefusesAnInvalidTopicAfterAValidOne() {
        try (MqttClient c = MqttClient.builder().broker("mqtt://127.0.0.1:1").build()) { // never connected: publishes queue
            String valid = "t/1";
            CompletableFuture<PublishResult> f = c.publish(valid, new byte[1], 1, false);
            assertThat(f).isNotDone();
            assertThatThrownBy(() -> c.publish("t/#", new byte[1], 1, false)).isInstanceOf(MqttUsageException.class)
                    .hasMessageContaining("cannot publish to 't/#'");
            assertThatThrownBy(() -> c.publish("t/\u0000", new byte[1], 1, false)).isInstanceOf(MqttUsageException.class);
            c.publish(valid, new byte[1], 1, false);
        }
    }
}
