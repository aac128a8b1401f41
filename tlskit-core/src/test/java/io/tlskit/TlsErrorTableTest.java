package io.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the error numbers: once released a number keeps its meaning forever. A new constant is
 * appended here with its number; changing or reusing a line below is a breaking change.
 */
class TlsErrorTableTest {
    private static final String TABLE = String.join("\n",
        "100 CONFIG_INVALID",
        "101 MALFORMED_PEM",
        "102 KEY_PASSWORD_REQUIRED",
        "103 KEY_PASSWORD_WRONG",
        "104 KEY_CERT_MISMATCH",
        "105 UNSUPPORTED_KEY",
        "106 UNKNOWN_CIPHER_SUITE",
        "107 FILE_UNREADABLE",
        "200 CERT_VERIFY_FAILED",
        "201 CERT_UNKNOWN_CA",
        "202 CERT_EXPIRED",
        "203 CERT_NOT_YET_VALID",
        "204 CERT_HOSTNAME_MISMATCH",
        "205 CERT_WEAK_SIGNATURE",
        "206 CERT_WEAK_KEY",
        "207 CERT_BAD_KEY_TYPE",
        "208 CLIENT_CERT_REQUIRED",
        "300 NO_COMMON_CIPHER_SUITE",
        "301 NO_COMMON_PROTOCOL",
        "302 PSK_IDENTITY_UNKNOWN",
        "303 PSK_KEY_MISMATCH",
        "304 HANDSHAKE_FAILED",
        "305 HANDSHAKE_TIMEOUT",
        "306 PEER_ALERT",
        "400 PROTOCOL_ERROR",
        "401 PEER_CLOSED_DURING_HANDSHAKE",
        "402 TRUNCATED",
        "403 CLOSED",
        "404 READ_TIMEOUT",
        "405 IO_ERROR",
        "499 INTERNAL",
        "500 RESOURCE",
        "501 ENTROPY_FAILED",
        "502 CLOCK_FILE_CORRUPT",
        "503 CLOCK_FILE_UNWRITABLE",
        "504 SERIAL_LINE_UNAVAILABLE",
        "505 MODEM_CHAT_FAILED");

    private static Map<Integer, String> pinned() {
        Map<Integer, String> table = new LinkedHashMap<>();
        for (String line : TABLE.split("\n")) {
            String[] parts = line.split(" ");
            table.put(Integer.parseInt(parts[0]), parts[1]);
        }
        return table;
    }

    @Test
    void everyReleasedNumberKeepsItsConstant() {
        pinned().forEach((code, name) -> assertThat(TlsError.byCode(code))
            .as("error number %d", code).hasValueSatisfying(e -> assertThat(e.name()).isEqualTo(name)));
    }

    @Test
    void everyConstantIsPinnedAndNumbersAreUnique() {
        Map<Integer, String> table = pinned();
        Set<Integer> seen = new HashSet<>();
        for (TlsError e : TlsError.values()) {
            assertThat(seen.add(e.code())).as("number %d used twice", e.code()).isTrue();
            assertThat(table).as("%s (%d) must be added to the pinned table", e, e.code()).containsEntry(e.code(), e.name());
            assertThat(e.text()).isNotBlank();
            assertThat(e.remedy()).isNotBlank();
        }
    }

    @Test
    void codesParseInEverySpelling() {
        assertThat(TlsError.parse("202")).contains(TlsError.CERT_EXPIRED);
        assertThat(TlsError.parse("E202")).contains(TlsError.CERT_EXPIRED);
        assertThat(TlsError.parse("cert-expired")).contains(TlsError.CERT_EXPIRED);
        assertThat(TlsError.parse("CERT_EXPIRED")).contains(TlsError.CERT_EXPIRED);
        assertThat(TlsError.parse("9999")).isEmpty();
        assertThat(TlsError.parse("nonsense")).isEmpty();
        assertThat(TlsError.CERT_EXPIRED.label()).isEqualTo("E202 CERT_EXPIRED");
    }
}
