package io.tlskit.mqtt.client;

import io.tlskit.Psk;
import io.tlskit.TlsConfig;
import io.tlskit.TlsVersion;
import io.tlskit.mqtt.MqttClient;
import io.tlskit.mqtt.MqttConnectOptions;
import io.tlskit.mqtt.MqttVersion;
import io.tlskit.mqtt.ReconnectPolicy;
import io.tlskit.testing.TestPki;
import java.time.Duration;

/** tlskit client settings matching each {@link MosquittoBroker} listener. */
final class ClientFixtures {
    private ClientFixtures() {
    }

    static TlsConfig tls(MosquittoBroker.Listener l) {
        switch (l) {
            case MUTUAL_TLS:
                return TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust()).credentials(TestPki.INSTANCE.client.credentials()).build();
            case PSK:
                return TlsConfig.client().versions(TlsVersion.TLS_1_2).cipherSuites("TLS_PSK_WITH_AES_128_CCM_8")
                        .psk(Psk.of(MosquittoBroker.PSK_IDENTITY, MosquittoBroker.PSK_KEY)).build();
            default:
                return TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust()).build();
        }
    }

    static String uri(MosquittoBroker broker, MosquittoBroker.Listener l) {
        return "mqtts://" + (l == MosquittoBroker.Listener.PSK ? "127.0.0.1" : "localhost") + ":" + broker.port(l);
    }

    static MqttClient.Builder client(MosquittoBroker broker, MosquittoBroker.Listener l, MqttVersion v, String clientId) {
        return MqttClient.builder().broker(uri(broker, l)).tls(tls(l))
                .options(MqttConnectOptions.builder().version(v).clientId(clientId).keepAliveSeconds(30).build())
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2))
                .connectTimeout(Duration.ofSeconds(10));
    }

    static String versionArg(MqttVersion v) {
        return v == MqttVersion.V5 ? "mqttv5" : "mqttv311";
    }
}
