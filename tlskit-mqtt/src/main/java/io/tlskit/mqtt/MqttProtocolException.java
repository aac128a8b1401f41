package io.tlskit.mqtt;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * The broker broke the MQTT protocol (or went silent, or the transport closed). {@link #error()}
 * is the stable code; the message says what the broker did and what it means. When the session
 * sent a DISCONNECT before closing (MQTT 5), {@link #disconnectReasonSent()} names its reason code.
 */
public class MqttProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final MqttError error;
    private int disconnectReasonSent = -1;

    public MqttProtocolException(MqttError error, String message) {
        super(message);
        this.error = error;
    }

    public MqttError error() {
        return error;
    }

    /** The reason code of the DISCONNECT the session queued before failing, if it queued one. */
    public OptionalInt disconnectReasonSent() {
        return disconnectReasonSent < 0 ? OptionalInt.empty() : OptionalInt.of(disconnectReasonSent);
    }

    void disconnectReasonSent(int reason) {
        this.disconnectReasonSent = reason;
    }

    @Override
    public String toString() {
        return "MqttProtocolException[" + error + "]: " + getMessage();
    }
}
