package io.tlskit;

import java.io.EOFException;
import java.io.IOException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * BouncyCastle's message parsers signal a field that runs past the end of its message with an
 * {@link EOFException}, and its ASN.1 decoder a corrupt certificate with a plain IOException; its
 * record loop answers both with internal_error. The message was malformed, so RFC 8446 §6.2 and
 * RFC 5246 §7.2.2 want decode_error (bad_certificate for the certificate).
 */
final class ParseFailures {
    private ParseFailures() {
    }

    /** One call into BouncyCastle's handling of a handshake message. */
    interface MessageHandling {
        void run() throws IOException;
    }

    /** Runs BouncyCastle's handling of one message, turning its parsers' failures into the alerts above. */
    static void mapped(short handshakeType, MessageHandling handling) throws IOException {
        try {
            handling.run();
        } catch (EOFException e) {
            throw truncatedMessage(handshakeType, e);
        } catch (IOException e) {
            throw isParserFailure(e) ? undecodable(handshakeType, e) : e;
        }
    }

    /**
     * Any other parse failure below a handshake message (BouncyCastle's ASN.1 decoder throws plain
     * IOExceptions) is an undecodable message, or for a Certificate message a corrupt certificate.
     */
    private static TlsFatalAlert undecodable(short handshakeType, IOException cause) {
        if (handshakeType == HandshakeType.certificate) {
            return new TlsFatalAlert(AlertDescription.bad_certificate, "a certificate in the peer's Certificate message cannot be"
                + " decoded: " + cause.getMessage(), cause);
        }
        return new TlsFatalAlert(AlertDescription.decode_error, "the peer's " + HandshakeType.getText(handshakeType)
            + " message cannot be decoded: " + cause.getMessage(), cause);
    }

    /** Whether a failure from BouncyCastle's message handling is a parser's, not an alert it already chose. */
    private static boolean isParserFailure(IOException e) {
        return !(e instanceof org.bouncycastle.tls.TlsFatalAlert) && !(e instanceof org.bouncycastle.tls.TlsFatalAlertReceived);
    }

    private static TlsFatalAlert truncatedMessage(short handshakeType, EOFException cause) {
        return new TlsFatalAlert(AlertDescription.decode_error,
            "a field of the " + HandshakeType.getText(handshakeType) + " message runs past the end of the message", cause);
    }
}
