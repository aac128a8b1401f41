package io.tlskit.mqtt;

/**
 * Receives the messages of a subscription. Runs on the client's callback thread, one message at a
 * time, in arrival order; a QoS 1/2 message is acknowledged to the broker after the handler returns
 * (so a crash inside the handler means redelivery, not loss). An exception is logged and the message
 * still acknowledged; it never stops the client.
 */
@FunctionalInterface
public interface MqttMessageHandler {
    void onMessage(MqttMessage message) throws Exception;
}
