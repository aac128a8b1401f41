package io.tlskit.mqtt.client;

import io.tlskit.mqtt.FileSessionStore;
import io.tlskit.mqtt.MqttMessage;
import io.tlskit.mqtt.OutgoingMessage;
import io.tlskit.mqtt.OutgoingPhase;
import java.nio.file.Path;

/** Opens a store, stores one message, prints "locked" and waits to be killed (for the stale-lock test). */
public final class StoreHolder {
    private StoreHolder() {
    }

    public static void main(String[] args) throws Exception {
        FileSessionStore s = FileSessionStore.open(Path.of(args[0]));
        s.storeOutgoing(new OutgoingMessage(1, MqttMessage.of("t", "x", 1), OutgoingPhase.QUEUED));
        s.flush();
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
