package io.tlskit;

import java.io.EOFException;
import java.io.IOException;
import org.bouncycastle.tls.HandshakeMessageInput;
import org.bouncycastle.tls.TlsClientProtocol;

/** BouncyCastle's non-blocking client protocol, answering truncated fields in the server's messages with decode_error. */
final class HardenedClientProtocol extends TlsClientProtocol {

    @Override
    protected void handleHandshakeMessage(short type, HandshakeMessageInput message) throws IOException {
        try {
            super.handleHandshakeMessage(type, message);
        } catch (EOFException e) {
            throw ParseFailures.truncatedMessage(type, e);
        }
    }
}
