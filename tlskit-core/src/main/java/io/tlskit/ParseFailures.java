package io.tlskit;

import java.io.EOFException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * BouncyCastle's message parsers signal a field that runs past the end of its message with an
 * {@link EOFException}, which its record loop answers with internal_error. The message was
 * malformed, so RFC 8446 §6.2 and RFC 5246 §7.2.2 want decode_error.
 */
final class ParseFailures {
    private ParseFailures() {
    }

    static TlsFatalAlert truncatedMessage(short handshakeType, EOFException cause) {
        return new TlsFatalAlert(AlertDescription.decode_error,
            "a field of the " + HandshakeType.getText(handshakeType) + " message runs past the end of the message", cause);
    }
}
