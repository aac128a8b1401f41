package io.tlskit;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * How large a handshake message we buffer. BouncyCastle has one limit per handshake (32 KiB by
 * default), which refuses legal ClientHellos with many extensions or padding. The ClientHello gets
 * the largest size its RFC 8446 §4.1.2 encoding allows; every other message keeps the old limit, so
 * a connection holds at most one ClientHello's worth of handshake buffer.
 */
final class HandshakeLimits {
    /**
     * legacy_version 2 + random 32 + session id 1+32 + cipher suites 2+(2^16-2) + compression
     * methods 1+255 + extensions 2+(2^16-1).
     */
    static final int MAX_CLIENT_HELLO = 2 + 32 + 1 + 32 + 2 + 65534 + 1 + 255 + 2 + 65535;
    /** Certificate chains, key exchanges, Finished: what BouncyCastle allows by default. */
    static final int MAX_OTHER_MESSAGE = 32768;

    private HandshakeLimits() {
    }

    /** Refuses a message other than the ClientHello that is larger than {@link #MAX_OTHER_MESSAGE}. */
    static void checkInbound(short type, int length) throws TlsFatalAlert {
        int limit = type == HandshakeType.client_hello ? MAX_CLIENT_HELLO : MAX_OTHER_MESSAGE;
        if (length > limit) {
            // RFC 8446 §6.2: internal_error is for limits of ours unrelated to the correctness of the protocol
            throw new TlsFatalAlert(AlertDescription.internal_error, "the peer's " + HandshakeType.getText(type)
                + " message has " + length + " bytes, more than the " + limit + " this endpoint buffers");
        }
    }
}
