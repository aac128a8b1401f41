package io.tlskit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.HandshakeMessageInput;
import org.bouncycastle.tls.ServerHello;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;

/**
 * BouncyCastle's non-blocking server protocol with the refusals RFC 8446/5246 ask for where its own
 * differ: truncated fields give decode_error, legacy_version is read as {@link LegacyVersionRule}
 * says, and messages other than the ClientHello keep a bounded size.
 */
final class HardenedServerProtocol extends TlsServerProtocol {
    /** BouncyCastle's ClientHello keeps only whether null compression was offered; TLS 1.3 needs the whole list. */
    private byte[] compressionMethods;

    @Override
    protected ClientHello receiveClientHelloMessage(ByteArrayInputStream message) throws IOException {
        byte[] body = message.readAllBytes();
        compressionMethods = ClientHelloRules.compressionMethods(body);
        return super.receiveClientHelloMessage(new ByteArrayInputStream(body));
    }

    @Override
    protected ServerHello generateServerHello(ClientHello clientHello, HandshakeMessageInput message) throws IOException {
        ServerHello serverHello = super.generateServerHello(LegacyVersionRule.apply(clientHello), message);
        if (TlsUtils.isTLSv13(getContext())) {
            ClientHelloRules.checkCompressionForTls13(compressionMethods); // before the ServerHello is written
        }
        return serverHello;
    }

    @Override
    protected void handleHandshakeMessage(short type, HandshakeMessageInput message) throws IOException {
        HandshakeLimits.checkInbound(type, message.available());
        ParseFailures.mapped(type, () -> super.handleHandshakeMessage(type, message));
    }
}
