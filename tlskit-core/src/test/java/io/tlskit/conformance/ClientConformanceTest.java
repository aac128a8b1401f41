package io.tlskit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tlskit.SocketTransport;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsException;
import io.tlskit.testing.TestPki;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tlskit client against a raw malicious server ({@link MaliciousServer}): for each broken server
 * flight in {@link ClientProbes}, the client fails with the RFC's alert, and that alert is on the
 * wire (plaintext: nothing is encrypted yet) before the client closes.
 */
class ClientConformanceTest {
    private static final TlsConfig CLIENT = TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust())
        .handshakeTimeout(Duration.ofSeconds(20)).build();

    static List<ClientProbe> probes() {
        return ClientProbes.all();
    }

    static List<ClientProbe> truncations() {
        return ClientProbes.truncatedServerHellos();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    void probe(ClientProbe probe) throws Exception {
        check(probe);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncations")
    void truncatedServerHello(ClientProbe probe) throws Exception {
        check(probe);
    }

    private static void check(ClientProbe probe) throws Exception {
        try {
            exchange(probe);
        } catch (AssertionError e) {
            throw new AssertionError("[" + probe.name() + "] expected " + AlertDescription.getText(probe.alert()) + ": "
                + e.getMessage().strip(), e);
        }
    }

    private static void exchange(ClientProbe probe) throws Exception {
        TlsException failure;
        List<Wire.Record> sent;
        try (MaliciousServer server = MaliciousServer.answering(probe.answers())) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) RawConnection.WAIT.toMillis());
            try (TlsConnection client = TlsConnection.client(CLIENT, new SocketTransport(socket), "localhost")) {
                failure = catchThrowableOfType(client::handshake, TlsException.class);
            } finally {
                socket.close();
            }
            sent = server.clientRecords();
        }
        assertThat(failure).as("the client's handshake fails").isNotNull();
        assertThat(failure.alert().map(AlertDescription::getText)).as("client: %s", failure)
            .contains(AlertDescription.getText(probe.alert()));
        assertThat(failure.alertDirection()).contains(TlsException.AlertDirection.SENT);
        Wire.Record last = sent.get(sent.size() - 1);
        assertThat(last.isAlert()).as("last record from the client: %s", last).isTrue();
        assertThat(last.alertLevel()).isEqualTo(AlertLevel.fatal);
        assertThat(AlertDescription.getText((short) last.alertDescription())).as("alert on the wire")
            .isEqualTo(AlertDescription.getText(probe.alert()));
    }
}
