package io.tlskit;

import java.io.EOFException;
import java.io.IOException;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.HandshakeMessageInput;
import org.bouncycastle.tls.ServerHello;
import org.bouncycastle.tls.TlsServerProtocol;

/**
 * BouncyCastle's non-blocking server protocol with the refusals RFC 8446/5246 ask for where its own
 * differ: truncated fields give decode_error, legacy_version is read as {@link LegacyVersionRule}
 * says, and messages other than the ClientHello keep a bounded size.
 */
final class HardenedServerProtocol extends TlsServerProtocol {

    @Override
    protected ServerHello generateServerHello(ClientHello clientHello, HandshakeMessageInput message) throws IOException {
        return super.generateServerHello(LegacyVersionRule.apply(clientHello), message);
    }

    @Override
    protected void handleHandshakeMessage(short type, HandshakeMessageInput message) throws IOException {
        HandshakeLimits.checkInbound(type, message.available());
        try {
            super.handleHandshakeMessage(type, message);
        } catch (EOFException e) {
            throw ParseFailures.truncatedMessage(type, e);
        }
    }
}
