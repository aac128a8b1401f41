package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The session writes plain PUBLISHes straight into its output: the bytes must be MqttEncoder's, byte for byte. */
class PublishEncodingTest {

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void sameBytesAsTheEncoder(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).maxInflight(65_535).build());
        b.connect();
        MqttEncoder encoder = new MqttEncoder(v);
        Random rnd = new Random(42);
        String[] topics = {"a", "a/b", "t/\u00e9\u4e2d/\ud83d\ude00", "x".repeat(300)};
        for (int i = 0; i < 500; i++) {
            // a new String each time or the same instance: both ways through the session's topic cache
            String topic = rnd.nextBoolean() ? topics[rnd.nextInt(topics.length)] : new String(topics[rnd.nextInt(topics.length)]);
            byte[] payload = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(20_000) : rnd.nextInt(130)];
            rnd.nextBytes(payload);
            int qos = rnd.nextInt(3);
            boolean retain = rnd.nextBoolean();
            int id = b.session.publish(MqttMessage.of(topic, payload, qos, retain), b.now);
            byte[] expected = encoder.encode(new MqttPacket.Publish(topic, payload, qos, retain, false, id, null));
            assertThat(b.session.takeOutput()).as("message %d: qos %d, %d bytes", i, qos, payload.length).isEqualTo(expected);
            if (qos == 1) {
                b.send(new MqttPacket.PubAck(id, 0, null));
            } else if (qos == 2) {
                b.send(new MqttPacket.PubRec(id, 0, null));
                b.send(new MqttPacket.PubComp(id, 0, null));
            }
            b.session.takeOutput();
            b.session.takeEvents();
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void resendAfterReconnectCarriesDupLikeTheEncoder(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).cleanStart(false).build());
        b.connect();
        int id = b.session.publish(MqttMessage.of("r/s", "hello", 1), b.now);
        b.session.takeOutput();
        b.session.connectionLost(b.now);
        b.session.takeEvents();
        b.newConnection();
        b.session.connect(b.now, false);
        b.session.takeOutput(); // CONNECT
        b.send(new MqttPacket.ConnAck(true, 0, null));
        assertThat(b.session.takeOutput()).isEqualTo(new MqttEncoder(v).encode(
                new MqttPacket.Publish("r/s", "hello".getBytes(), 1, false, true, id, null)));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aTopicTheEncoderRefusesIsRefusedAlike(MqttVersion v) throws Exception {
        BrokerSim b = new BrokerSim(BrokerSim.options(v).build());
        b.connect();
        String tooLong = "\u4e2d".repeat(30_000); // 90,000 UTF-8 bytes
        assertThatThrownBy(() -> b.session.publish(MqttMessage.of(tooLong, new byte[1], 1, false), b.now))
                .isInstanceOf(MqttUsageException.class);
        assertThat(b.session.takeOutput()).isEmpty();
    }
}
