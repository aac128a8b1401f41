package io.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.testing.TestPki;
import java.io.IOException;
import java.util.Hashtable;
import java.util.stream.Stream;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerProtocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tlskit client against a TLS 1.3 server whose encrypted EncryptedExtensions carries what it must
 * not (RFC 8446 §4.2): the client answers an extension it never asked for with unsupported_extension
 * and a known extension that does not belong there with illegal_parameter. The malicious server is
 * BouncyCastle's own protocol with one message tampered, because the message is encrypted.
 */
class EncryptedExtensionsTamperingTest {
    private static final TlsConfig CLIENT = TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust()).build();
    private static final TlsConfig SERVER = TlsConfig.server().credentials(TestPki.INSTANCE.serverEcCredentials()).build();

    /** A TLS 1.3 server that adds one extension to its EncryptedExtensions. */
    private static final class TamperingServer extends TlsServerProtocol {
        private final int type;
        private final byte[] data;

        TamperingServer(int type, byte[] data) {
            this.type = type;
            this.data = data;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        protected void send13EncryptedExtensionsMessage(Hashtable serverExtensions) throws IOException {
            serverExtensions.put(type, data);
            super.send13EncryptedExtensionsMessage(serverExtensions);
        }
    }

    static Stream<Arguments> extensions() {
        return Stream.of(
            Arguments.of("unknown extension 0x7777", 0x7777, new byte[0], AlertDescription.unsupported_extension),
            Arguments.of("ALPN we did not offer", 16, new byte[] {0, 3, 2, 'h', '2'}, AlertDescription.unsupported_extension),
            Arguments.of("max_fragment_length we did not ask for", 1, new byte[] {1}, AlertDescription.unsupported_extension),
            Arguments.of("signature_algorithms (a ClientHello extension)", 13, new byte[] {0, 2, 4, 3}, AlertDescription.illegal_parameter),
            Arguments.of("supported_versions (a ServerHello extension)", 43, new byte[] {3, 4}, AlertDescription.illegal_parameter),
            Arguments.of("key_share (a ServerHello extension)", 51, new byte[] {0, 29, 0, 0}, AlertDescription.illegal_parameter),
            Arguments.of("pre_shared_key (a ServerHello extension)", 41, new byte[] {0, 0}, AlertDescription.illegal_parameter));
    }

    @ParameterizedTest(name = "EncryptedExtensions with {0}")
    @MethodSource("extensions")
    void clientRefuses(String name, int type, byte[] data, short alert) throws Exception {
        TlsEngine client = TlsEngine.client(CLIENT, "localhost", null);
        TamperingServer server = new TamperingServer(type, data);
        server.accept(new ServerPeer(SERVER, new HandshakeObserver(false, "tampering server", SERVER)));
        TlsException failure = null;
        TlsFatalAlertReceived serverSaw = null;
        for (int round = 0; round < 10 && failure == null; round++) {
            byte[] hello = client.takeOutput();
            try {
                server.offerInput(hello);
            } catch (TlsFatalAlertReceived e) {
                serverSaw = e;
                break;
            }
            byte[] answer = new byte[server.getAvailableOutputBytes()];
            server.readOutput(answer, 0, answer.length);
            try {
                client.receive(answer, 0, answer.length);
            } catch (TlsException e) {
                failure = e;
            }
        }
        assertThat(failure).as("the client refuses").isNotNull();
        assertThat(failure.alert().map(AlertDescription::getText)).as("%s", failure).contains(AlertDescription.getText(alert));
        assertThat(failure.alertDirection()).contains(TlsException.AlertDirection.SENT);
        byte[] alertRecord = client.takeOutput();
        try {
            server.offerInput(alertRecord);
        } catch (TlsFatalAlertReceived e) {
            serverSaw = e;
        }
        assertThat(serverSaw).as("the server decrypted the client's alert").isNotNull();
        assertThat(AlertDescription.getText(serverSaw.getAlertDescription())).isEqualTo(AlertDescription.getText(alert));
    }
}
