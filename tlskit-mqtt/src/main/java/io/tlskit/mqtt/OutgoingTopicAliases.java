package io.tlskit.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aliases we define towards the broker, up to its Topic Alias Maximum. Least-recently-used: when
 * all are taken the alias of the topic used longest ago is re-pointed, so busy topics keep theirs.
 * Lives for one connection (aliases do not survive a reconnect).
 */
final class OutgoingTopicAliases {
    /** What to put in a PUBLISH: the topic ("" once the broker knows the alias) and the alias (0 = none). */
    record Choice(String topic, int alias) {
    }

    private final int maximum;
    private final LinkedHashMap<String, Integer> byTopic = new LinkedHashMap<>(16, 0.75f, true);

    OutgoingTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    Choice choose(String topic) {
        if (maximum == 0) {
            return new Choice(topic, 0);
        }
        Integer known = byTopic.get(topic); // touches the entry: most recently used
        if (known != null) {
            return new Choice("", known);
        }
        int alias;
        if (byTopic.size() < maximum) {
            alias = byTopic.size() + 1;
        } else {
            Map.Entry<String, Integer> eldest = byTopic.entrySet().iterator().next();
            alias = eldest.getValue();
            byTopic.remove(eldest.getKey());
        }
        byTopic.put(topic, alias);
        return new Choice(topic, alias);
    }

    /** Drops a mapping the broker never learned. */
    void forget(String topic) {
        byTopic.remove(topic);
    }
}
