package io.tlskit;

import java.util.HashMap;
import java.util.Map;

/** Server side: the key for a PSK identity, or null when the identity is unknown. */
@FunctionalInterface
public interface PskStore {
    byte[] keyFor(String identity);

    static PskStore of(Psk... psks) {
        Map<String, byte[]> keys = new HashMap<>();
        for (Psk psk : psks) {
            keys.put(psk.identity(), psk.key());
        }
        return identity -> {
            byte[] key = keys.get(identity);
            return key == null ? null : key.clone();
        };
    }
}
