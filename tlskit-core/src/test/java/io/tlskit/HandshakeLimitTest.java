package io.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.testing.TestPki;
import org.junit.jupiter.api.Test;

/** maxConcurrentHandshakes: one slot per running handshake, RESOURCE at once when none is free. */
class HandshakeLimitTest {
    private static final TestPki PKI = TestPki.INSTANCE;

    @Test
    void aSecondHandshakeFailsAtOnceAndTheSlotComesBack() throws Exception {
        TlsConfig client = TlsConfig.client().trustAnchors(PKI.trust()).maxConcurrentHandshakes(1).build();
        TlsConfig server = TlsConfig.server().credentials(PKI.serverEcCredentials()).build();
        assertThat(client.maxConcurrentHandshakes()).isEqualTo(1);

        TlsEngine first = TlsEngine.client(client, "localhost", null);
        assertThatThrownBy(() -> TlsEngine.client(client, "localhost", null))
            .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.RESOURCE))
            .hasMessageContaining("allows 1 concurrent handshake (maxConcurrentHandshakes) and 1 is running");

        EnginePair pair = new EnginePair(first, TlsEngine.server(server)).pump();
        assertThat(first.isEstablished()).isTrue();
        assertThat(client.handshakeSlots().inUse()).isZero();

        // a failed handshake gives its slot back too
        TlsEngine failing = TlsEngine.client(client, "wrong.example", null);
        EnginePair failed = new EnginePair(failing, TlsEngine.server(server)).pump();
        assertThat(failed.clientFailure).isNotNull();
        assertThat(client.handshakeSlots().inUse()).isZero();

        // and so does an engine closed before its handshake ends
        TlsEngine abandoned = TlsEngine.client(client, "localhost", null);
        abandoned.closeNotify();
        TlsEngine.client(client, "localhost", null);
        assertThat(client.handshakeSlots().inUse()).isEqualTo(1);
        pair.client.closeNotify();
    }

    @Test
    void negativeLimitIsAConfigError() {
        assertThatThrownBy(() -> TlsConfig.client().maxConcurrentHandshakes(-1).build())
            .isInstanceOf(ConfigException.class).hasMessageContaining("maxConcurrentHandshakes");
    }
}
