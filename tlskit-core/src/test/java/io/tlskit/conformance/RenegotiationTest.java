package io.tlskit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.badinput.ServingServer;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.time.Duration;
import org.bouncycastle.tls.AlertDescription;
import org.junit.jupiter.api.Test;

/**
 * A TLS 1.2 client asks a tlskit server to renegotiate (openssl s_client's "R" command). The server
 * refuses with the warning RFC 5246 §7.2.2 names for it, no_renegotiation; OpenSSL then gives up
 * with its own alert, and the server records that and goes on serving other clients.
 */
class RenegotiationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void clientInitiatedRenegotiationIsRefusedWithNoRenegotiation() throws Exception {
        String openssl = Peers.require("openssl").toString();
        TestPki pki = TestPki.INSTANCE;
        try (ServingServer server = ServingServer.start(TlsConfig.server().credentials(pki.serverEcCredentials()).build())) {
            try (PeerProcess client = PeerProcess.start(openssl, "s_client", "-connect", "127.0.0.1:" + server.port(), "-tls1_2",
                    "-CAfile", pki.files().resolve("ca.pem").toString(), "-servername", "localhost", "-msg")) {
                client.write("before renegotiation\n");
                client.awaitOutput("before renegotiation\n", WAIT);
                server.awaitHandshake();
                client.write("R\n");
                client.awaitOutput("RENEGOTIATING", WAIT);
                // -msg prints every alert: the server's warning, then OpenSSL's own fatal answer
                client.awaitOutput("Alert [length 0002], warning no_renegotiation", WAIT);
                client.closeStdin();
                client.waitFor(WAIT);
            }
            ServingServer.Failure failure = server.awaitFailure();
            TlsException e = failure.exception();
            assertThat(e.alertDirection()).as("%s", failure).contains(TlsException.AlertDirection.RECEIVED);
            assertThat(e.alert().map(AlertDescription::getText)).contains(AlertDescription.getText(AlertDescription.handshake_failure));
            assertThat(failure.error()).isIn(TlsError.PEER_ALERT, TlsError.HANDSHAKE_FAILED);

            server.assertServes(TlsConfig.client().trustAnchors(pki.trust()).build(), "localhost");
        }
    }
}
