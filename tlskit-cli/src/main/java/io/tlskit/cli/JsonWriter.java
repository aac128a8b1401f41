package io.tlskit.cli;

import java.util.List;
import java.util.Map;

/** Maps, lists, strings, numbers, booleans and null as JSON text (for --json outputs). */
final class JsonWriter {
    private JsonWriter() {
    }

    static String write(Object value) {
        StringBuilder b = new StringBuilder(1024);
        write(b, value, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object value, int indent) {
        if (value == null) {
            b.append("null");
        } else if (value instanceof String) {
            MqttJson.string(b, (String) value);
        } else if (value instanceof Number || value instanceof Boolean) {
            b.append(value);
        } else if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            if (map.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                b.append(first ? "\n" : ",\n");
                first = false;
                pad(b, indent + 1);
                MqttJson.string(b, String.valueOf(e.getKey()));
                b.append(": ");
                write(b, e.getValue(), indent + 1);
            }
            b.append('\n');
            pad(b, indent);
            b.append('}');
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                b.append(i == 0 ? "" : ", ");
                write(b, list.get(i), indent + 1);
            }
            b.append(']');
        } else {
            MqttJson.string(b, value.toString());
        }
    }

    private static void pad(StringBuilder b, int indent) {
        for (int i = 0; i < indent; i++) {
            b.append("  ");
        }
    }
}
