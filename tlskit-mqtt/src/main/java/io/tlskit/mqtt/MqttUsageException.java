package io.tlskit.mqtt;

/**
 * The caller asked for something MQTT (or the broker's announced limits) does not allow: an
 * invalid topic, a message larger than the broker accepts, connect while connected. Nothing was
 * queued or stored; the session is unchanged.
 */
public class MqttUsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final MqttError error;

    public MqttUsageException(MqttError error, String message) {
        super(message);
        this.error = error;
    }

    public MqttError error() {
        return error;
    }

    @Override
    public String toString() {
        return "MqttUsageException[" + error + "]: " + getMessage();
    }
}
