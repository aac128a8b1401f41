package io.tlskit.netty;

import io.tlskit.HandshakeInfo;
import io.tlskit.TlsException;
import java.util.Optional;

/**
 * Fired through {@code userEventTriggered} by {@link TlsHandler} once per connection, when the
 * handshake succeeded ({@link #info()}) or failed ({@link #cause()}: its {@code error()} says why).
 */
public final class TlsHandshakeCompletionEvent {
    private final HandshakeInfo info;
    private final TlsException cause;

    private TlsHandshakeCompletionEvent(HandshakeInfo info, TlsException cause) {
        this.info = info;
        this.cause = cause;
    }

    public static TlsHandshakeCompletionEvent success(HandshakeInfo info) {
        if (info == null) {
            throw new NullPointerException("info");
        }
        return new TlsHandshakeCompletionEvent(info, null);
    }

    public static TlsHandshakeCompletionEvent failure(TlsException cause) {
        if (cause == null) {
            throw new NullPointerException("cause");
        }
        return new TlsHandshakeCompletionEvent(null, cause);
    }

    public boolean isSuccess() {
        return cause == null;
    }

    /** The negotiated parameters; present on success. */
    public Optional<HandshakeInfo> info() {
        return Optional.ofNullable(info);
    }

    /** Why the handshake failed; present on failure. */
    public Optional<TlsException> cause() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return isSuccess()
            ? "TlsHandshakeCompletionEvent(success " + info.version().displayName() + " " + info.cipherSuite() + (info.resumed() ? " resumed" : "") + ")"
            : "TlsHandshakeCompletionEvent(failure " + cause.error() + ": " + cause.getMessage() + ")";
    }
}
