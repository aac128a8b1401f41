package io.tlskit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.badinput.ServingServer;
import io.tlskit.testing.TestPki;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sends each {@link ServerProbes} flight to a real tlskit server over TCP and checks the exact
 * answer on the wire (alert description and close, or a ServerHello of the right version) and what
 * the server recorded. The same server then completes a good handshake: refusing a hostile client
 * never stops it serving others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerConformanceSuite {
    static final TestPki PKI = TestPki.INSTANCE;

    private ServingServer server;

    abstract TlsConfig.Builder policy(TlsConfig.Builder server);

    abstract boolean cbc();

    @BeforeAll
    void startServer() throws Exception {
        server = ServingServer.start(policy(TlsConfig.server().credentials(PKI.serverEcCredentials())).build());
    }

    @AfterAll
    void keepsServing() throws Exception {
        try {
            server.assertServes(TlsConfig.client().trustAnchors(PKI.trust()).build(), "localhost");
        } finally {
            server.close();
        }
    }

    static List<Probe> probes() {
        return ServerProbes.all();
    }

    static List<Probe> truncations() {
        return ServerProbes.truncations();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    void probe(Probe probe) throws Exception {
        check(probe);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncations")
    void truncatedClientHello(Probe probe) throws Exception {
        check(probe);
    }

    static List<Probe> secondFlights() {
        return ServerProbes.secondFlights();
    }

    /** After a good TLS 1.2 ClientHello and the server's whole plaintext flight, the client's next flight is broken. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secondFlights")
    void secondFlight(Probe probe) throws Exception {
        try {
            RawConnection.Reply reply;
            try (RawConnection connection = RawConnection.open(server.port())) {
                connection.send(ClientHelloBuilder.tls12().flight());
                List<Wire.Record> flight = connection.readUntilHandshake(14);
                assertThat(flight).as("the server's flight up to ServerHelloDone").isNotEmpty();
                assertThat(flight.get(0).handshakeType()).isEqualTo(2);
                connection.send(probe.flight());
                reply = connection.readToClose();
            }
            ServingServer.Failure failure = server.awaitFailure();
            Expect.Alert alert = (Expect.Alert) probe.expected(cbc());
            assertWire(alert, reply);
            assertThat(failure.exception().alert()).as("alert the server recorded (%s)", failure).contains(alert.description());
        } catch (AssertionError e) {
            throw new AssertionError("[" + probe.name() + "] expected " + probe.expected(cbc()) + ": " + e.getMessage().strip(), e);
        }
    }

    private void check(Probe probe) throws Exception {
        try {
            exchange(probe);
        } catch (AssertionError e) {
            throw new AssertionError("[" + probe.name() + "] expected " + probe.expected(cbc()) + ": " + e.getMessage().strip(), e);
        }
    }

    private void exchange(Probe probe) throws Exception {
        Expect expect = probe.expected(cbc());
        RawConnection.Reply reply;
        try (RawConnection connection = RawConnection.open(server.port())) {
            connection.send(probe.flight());
            if (probe.halfClose()) {
                connection.finish();
            }
            reply = expect instanceof Expect.HelloThenAlert ? connection.readToClose() : connection.readReply();
        }
        // every probe connection ends in exactly one server-side failure: take it before any assertion,
        // so a failed probe does not leave it behind for the next one
        ServingServer.Failure failure = server.awaitFailure();
        assertWire(expect, reply);
        Expect.Alert alertSent = expect instanceof Expect.Alert a ? a : expect instanceof Expect.HelloThenAlert h ? h.alert() : null;
        if (alertSent != null) {
            Expect.Alert alert = alertSent;
            TlsException e = failure.exception();
            assertThat(e.alert()).as("alert the server recorded (%s)", failure).contains(alert.description());
            assertThat(e.alertDirection()).contains(TlsException.AlertDirection.SENT);
        } else {
            assertThat(failure.error()).as("server: %s", failure).isEqualTo(TlsError.PEER_CLOSED_DURING_HANDSHAKE);
        }
    }

    static void assertWire(Expect expect, RawConnection.Reply reply) {
        List<Wire.Record> records = reply.records();
        if (expect instanceof Expect.Alert alert) {
            assertThat(records).as("the server's answer").isNotEmpty();
            Wire.Record first = records.get(0);
            assertThat(first.isAlert()).as("first record %s, expected alert %s", first, expect).isTrue();
            assertThat(AlertDescription.getText((short) first.alertDescription())).as("alert description")
                .isEqualTo(AlertDescription.getText(alert.description()));
            assertThat(first.alertLevel()).as("alert level").isEqualTo(AlertLevel.fatal);
            assertThat(records).as("nothing after the fatal alert").hasSize(1);
            assertThat(reply.closed()).as("connection closed after the alert").isTrue();
        } else if (expect instanceof Expect.Hello hello) {
            assertThat(records).as("the server's answer").isNotEmpty();
            assertThat(records.get(0).handshakeType()).as("first record %s: a ServerHello", records.get(0)).isEqualTo(2);
            assertThat(negotiatedVersion(records.get(0).fragment())).as("negotiated version").isEqualTo(hello.version());
        } else if (expect instanceof Expect.HelloThenAlert helloThenAlert) {
            assertThat(records).as("the server's answer").hasSizeGreaterThan(1);
            assertThat(records.get(0).handshakeType()).as("first record %s: a ServerHello", records.get(0)).isEqualTo(2);
            Wire.Record last = records.get(records.size() - 1);
            assertThat(last.isAlert() && last.alertLevel() == AlertLevel.fatal).as("last record %s: a fatal alert", last).isTrue();
            assertThat(AlertDescription.getText((short) last.alertDescription())).as("alert description")
                .isEqualTo(AlertDescription.getText(helloThenAlert.alert().description()));
            assertThat(reply.closed()).as("connection closed after the alert").isTrue();
        } else {
            assertThat(records).as("nothing sent to a client that went away").isEmpty();
            assertThat(reply.closed()).as("connection closed").isTrue();
        }
    }

    /** supported_versions in the ServerHello, or its legacy version. */
    static int negotiatedVersion(byte[] message) {
        int off = 4;
        int legacy = u16(message, off);
        off += 2 + 32;
        off += 1 + (message[off] & 0xff);
        off += 2 + 1;
        if (off + 2 > message.length) {
            return legacy;
        }
        int end = off + 2 + u16(message, off);
        off += 2;
        while (off + 4 <= end) {
            int type = u16(message, off);
            int len = u16(message, off + 2);
            if (type == ClientHelloBuilder.SUPPORTED_VERSIONS) {
                return u16(message, off + 4);
            }
            off += 4 + len;
        }
        return legacy;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
