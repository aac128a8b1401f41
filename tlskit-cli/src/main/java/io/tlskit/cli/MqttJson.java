package io.tlskit.cli;

import io.tlskit.mqtt.MqttMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** One MQTT message as a line of JSON for {@code tlskit mqtt sub --json}. */
final class MqttJson {
    private MqttJson() {
    }

    static String message(MqttMessage m) {
        String text = text(m.payload());
        StringBuilder b = new StringBuilder(64 + m.payload().length);
        b.append("{\"topic\":");
        string(b, m.topic());
        b.append(",\"qos\":").append(m.qos()).append(",\"retain\":").append(m.retain()).append(",\"payload\":");
        string(b, text != null ? text : Base64.getEncoder().encodeToString(m.payload()));
        b.append(",\"base64\":").append(text == null).append('}');
        return b.toString();
    }

    /** The payload as text if it is well-formed UTF-8 without control characters other than tab, CR and LF; else null. */
    static String text(byte[] payload) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                return null;
            }
        }
        return s;
    }

    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }
}
