package io.tlskit.mqtt;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * Why an {@link MqttClient} operation failed. {@link #kind()} is stable for programs; the message
 * says what happened and what to do. TLS failures keep the {@link io.tlskit.TlsException} as cause
 * (and its message, which already names the fix).
 */
public class MqttClientException extends IOException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** No TCP connection (or transport) could be opened: the broker is down, the port is wrong, or a firewall drops it. */
        UNREACHABLE,
        /** The TLS handshake failed; the cause is the TlsException. */
        TLS,
        /** The broker refused CONNECT (CONNACK reason code, e.g. 0x86 bad user name or password). */
        REFUSED,
        /** Nothing (or not enough) came back in time. */
        TIMEOUT,
        /** The connection was lost (protocol error, keep-alive timeout, transport closed). */
        CONNECTION_LOST,
        /** The broker refused a publish, subscribe or unsubscribe (reason code 0x80 or above). */
        REJECTED,
        /** The offline queue is full (OverflowPolicy.REJECT_NEW or DROP_OLDEST_QOS0). */
        QUEUE_FULL,
        /** The client was closed (or disconnected) before the operation finished. */
        CLOSED,
        /** The session store failed (disk full, permissions). */
        STORE
    }

    private final Kind kind;
    private final int reasonCode;

    public MqttClientException(Kind kind, String message) {
        this(kind, message, -1, null);
    }

    public MqttClientException(Kind kind, String message, Throwable cause) {
        this(kind, message, -1, cause);
    }

    public MqttClientException(Kind kind, String message, int reasonCode, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.reasonCode = reasonCode;
    }

    public Kind kind() {
        return kind;
    }

    /** The MQTT 5 reason code (CONNACK, PUBACK, SUBACK, ...) behind a REFUSED or REJECTED failure. */
    public OptionalInt reasonCode() {
        return reasonCode < 0 ? OptionalInt.empty() : OptionalInt.of(reasonCode);
    }

    @Override
    public String toString() {
        return "MqttClientException[" + kind + "]: " + getMessage();
    }
}
