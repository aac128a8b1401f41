package io.tlskit.pki;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits PEM text into its BEGIN/END blocks before BouncyCastle decodes them, so that structural
 * damage (a truncated file, a missing END line) gets a sentence naming the line, rather than
 * BouncyCastle's terse "END not found".
 */
final class PemBlocks {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** One block: its type ("CERTIFICATE"), its text from BEGIN to END, and its 1-based BEGIN line. */
    record Block(String type, String text, int line) {
    }

    private PemBlocks() {
    }

    /** True when the data reads as text with a PEM BEGIN line (DER never contains one up front). */
    static boolean looksLikePem(byte[] data) {
        String head = new String(data, 0, Math.min(data.length, 64 * 1024), StandardCharsets.ISO_8859_1);
        return head.contains(BEGIN);
    }

    static List<Block> split(byte[] data, String sourceName) {
        String[] lines = new String(data, StandardCharsets.ISO_8859_1).split("\r\n|\r|\n", -1);
        List<Block> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].trim();
            if (line.startsWith(END)) {
                throw malformed(sourceName, "'" + line + "' on line " + (i + 1) + " has no BEGIN line before it",
                        "the file was cut at the start; copy the whole block including its BEGIN line");
            }
            if (!line.startsWith(BEGIN)) {
                i++;
                continue;
            }
            String type = typeOf(line, BEGIN);
            if (type == null) {
                throw malformed(sourceName, "line " + (i + 1) + " '" + line + "' is not a valid BEGIN line",
                        "it must read -----BEGIN <TYPE>-----");
            }
            int begin = i;
            StringBuilder text = new StringBuilder(line).append('\n');
            int j = i + 1;
            for (; j < lines.length; j++) {
                String inner = lines[j].trim();
                text.append(inner).append('\n');
                if (inner.startsWith(END)) {
                    String endType = typeOf(inner, END);
                    if (endType == null) {
                        j = lines.length; // a cut-off END line: the file is truncated
                        break;
                    }
                    if (!type.equals(endType)) {
                        throw malformed(sourceName, "'" + line + "' on line " + (begin + 1) + " ends with '" + inner
                                + "' on line " + (j + 1), "two PEM blocks were merged; keep each BEGIN/END pair intact");
                    }
                    break;
                }
                if (inner.startsWith(BEGIN)) {
                    j = lines.length; // a new block started first: this one is unterminated
                    break;
                }
            }
            if (j >= lines.length) {
                throw malformed(sourceName, "'" + line + "' on line " + (begin + 1) + " has no matching END line",
                        "the file is truncated; copy the whole block including '" + END + type + DASHES + "'");
            }
            blocks.add(new Block(type, text.toString(), begin + 1));
            i = j + 1;
        }
        return blocks;
    }

    private static String typeOf(String line, String prefix) {
        if (!line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length() + 1) {
            return null;
        }
        return line.substring(prefix.length(), line.length() - DASHES.length()).trim();
    }

    static ConfigException malformed(String sourceName, String problem, String fix) {
        return new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": malformed PEM: " + problem + ": " + fix);
    }
}
