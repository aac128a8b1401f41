package io.tlskit.mqtt;

import java.util.HashMap;
import java.util.Map;

/** Aliases the broker defines towards us, bounded by the Topic Alias Maximum we announced; one connection long. */
final class IncomingTopicAliases {
    private final int maximum;
    private final Map<Integer, String> byAlias = new HashMap<>();

    IncomingTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** The topic a PUBLISH stands for, recording a new mapping when it carries both topic and alias. */
    String resolve(String topic, int alias) throws MqttProtocolException {
        if (alias == 0 || alias > maximum) {
            throw new MqttProtocolException(MqttError.TOPIC_ALIAS_INVALID, "the broker sent a PUBLISH with topic alias "
                    + alias + " but we allow aliases 1.." + maximum + (maximum == 0 ? " (we announced none)" : ""));
        }
        if (!topic.isEmpty()) {
            byAlias.put(alias, topic);
            return topic;
        }
        String known = byAlias.get(alias);
        if (known == null) {
            throw new MqttProtocolException(MqttError.TOPIC_ALIAS_INVALID, "the broker sent a PUBLISH with an empty topic and topic alias "
                    + alias + ", which it never defined on this connection");
        }
        return known;
    }
}
