package io.tlskit;

import java.io.IOException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.HandshakeMessageInput;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * BouncyCastle's non-blocking client protocol, answering a server's malformed messages with the
 * alerts RFC 8446/5246 name: decode_error for truncated or undecodable fields, bad_certificate for a
 * corrupt certificate, unexpected_message for a missing Certificate.
 */
final class HardenedClientProtocol extends TlsClientProtocol {

    @Override
    protected void handleHandshakeMessage(short type, HandshakeMessageInput message) throws IOException {
        if (connection_state == CS_SERVER_HELLO && isLegacyConnectionState()
            && (type == HandshakeType.server_key_exchange || type == HandshakeType.server_hello_done)
            && CipherSuites.authenticatesWithCertificate(getContext().getSecurityParametersHandshake().getCipherSuite())) {
            // BouncyCastle fails with internal_error when a certificate suite's server skips its Certificate
            throw new TlsFatalAlert(AlertDescription.unexpected_message, "the server sent "
                + HandshakeType.getText(type) + " without the Certificate its cipher suite requires");
        }
        ParseFailures.mapped(type, () -> super.handleHandshakeMessage(type, message));
    }
}
