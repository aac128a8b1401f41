package io.tlskit;

import java.io.IOException;
import java.util.Optional;

/**
 * A TLS connection failed. {@link #error()} is the stable code; the message says what went wrong
 * and what to do; the alert, when one crossed the wire, says which and in which direction.
 */
public class TlsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Who sent the alert that ended the connection. */
    public enum AlertDirection { SENT, RECEIVED }

    private final TlsError error;
    private final Short alert;
    private final AlertDirection alertDirection;

    public TlsException(TlsError error, String message) {
        this(error, message, null, null, null);
    }

    public TlsException(TlsError error, String message, Throwable cause) {
        this(error, message, null, null, cause);
    }

    public TlsException(TlsError error, String message, Short alert, AlertDirection direction, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.alert = alert;
        this.alertDirection = direction;
    }

    public TlsError error() {
        return error;
    }

    /** The TLS alert description (RFC 8446 §6) sent or received, if any. */
    public Optional<Short> alert() {
        return Optional.ofNullable(alert);
    }

    public Optional<AlertDirection> alertDirection() {
        return Optional.ofNullable(alertDirection);
    }

    @Override
    public String toString() {
        return "TlsException[" + error + "]: " + getMessage();
    }
}
