package io.tlskit.mqtt;

import java.util.Objects;

/** One MQTT 5 user property: a UTF-8 name/value pair; names may repeat and order is kept. */
public record UserProperty(String name, String value) {
    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
