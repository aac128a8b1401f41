package io.tlskit.cli.probe;

import java.nio.charset.StandardCharsets;

/** The probe target answered a ClientHello with something that is not TLS, or not at all. */
public final class NotTlsException extends Exception {
    private static final long serialVersionUID = 1L;

    NotTlsException(byte[] firstBytes) {
        super(describe(firstBytes));
    }

    private static String describe(byte[] first) {
        if (first == null) {
            return "it did not answer a TLS ClientHello within the timeout";
        }
        StringBuilder text = new StringBuilder();
        for (byte b : new String(first, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1)) {
            int c = b & 0xFF;
            if (c == '\r' || c == '\n') {
                break;
            }
            text.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
        }
        return "it answered a TLS ClientHello with '" + text + "'";
    }
}
