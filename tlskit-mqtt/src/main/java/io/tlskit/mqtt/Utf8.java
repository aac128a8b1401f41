package io.tlskit.mqtt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** MQTT's UTF-8 rules (spec §1.5.4): well-formed, no surrogates, no U+0000. */
final class Utf8 {
    private Utf8() {
    }

    /** Decodes strictly; returns null if the bytes are not MQTT-legal UTF-8. */
    static String decode(byte[] b, int off, int len) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String s;
        try {
            s = d.decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return s.indexOf('\u0000') >= 0 ? null : s;
    }

    /** A sentence saying why the string cannot be sent, or null if it can. */
    static String problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "contains U+0000 (NUL), which MQTT forbids in strings";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate, which has no UTF-8 encoding";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate, which has no UTF-8 encoding";
            }
        }
        return null;
    }

    static byte[] encode(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
