package io.tlskit.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlskit.TlsConfig;
import io.tlskit.TlsEngine;
import io.tlskit.TlsException;
import io.tlskit.testing.TestPki;

/**
 * Fuzz target: the bytes a client sends first, into a fresh tlskit server engine. Only
 * {@link TlsException} may escape (everything else is a bug: an unchecked exception would kill a
 * driver thread or event loop), and whatever the engine answers is a sequence of well-formed TLS
 * records of bounded size. Without JAZZER_FUZZ this replays the committed inputs (a regression
 * test); see docs/fuzzing.md for a campaign.
 */
class ServerFirstFlightFuzzTest {
    /** RFC 8446 §5.2: a protected record carries at most 2^14 + 256 bytes (RFC 5246 §6.2.3 allows 2^14 + 2048). */
    private static final int MAX_RECORD_BODY = 16384 + 2048;
    /** One full server flight (ServerHello, certificate, key exchange) fits easily; more means something runs away. */
    private static final int MAX_FLIGHT = 64 * 1024;

    private static final TlsConfig SERVER = TlsConfig.server().credentials(TestPki.INSTANCE.serverEcCredentials())
        .cipherSuites("TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8")
        .build();

    @FuzzTest(maxDuration = "10s")
    void firstFlight(byte[] input) throws Exception {
        TlsEngine engine = TlsEngine.server(SERVER);
        try {
            engine.receive(input, 0, input.length);
            engine.receiveEof();
        } catch (TlsException expected) {
            // refused: the alert (if any) is in the output checked below
        }
        assertThat(engine.pendingOutput()).as("bytes queued for the peer").isLessThanOrEqualTo(MAX_FLIGHT);
        assertWellFormedRecords(engine.takeOutput());
    }

    static void assertWellFormedRecords(byte[] out) {
        int off = 0;
        while (off < out.length) {
            assertThat(out.length - off).as("a record header at offset %d", off).isGreaterThanOrEqualTo(5);
            int type = out[off] & 0xff;
            int major = out[off + 1] & 0xff;
            int length = ((out[off + 3] & 0xff) << 8) | (out[off + 4] & 0xff);
            assertThat(type).as("content type at offset %d", off).isBetween(20, 23);
            assertThat(major).as("record version major at offset %d", off).isEqualTo(3);
            assertThat(length).as("record length at offset %d", off).isBetween(1, MAX_RECORD_BODY);
            assertThat(off + 5 + length).as("record at offset %d ends inside the output", off).isLessThanOrEqualTo(out.length);
            if (type == 21 && off + 5 + length == out.length && length == 2) {
                assertThat(out[off + 5]).as("alert level").isIn((byte) 1, (byte) 2);
            }
            off += 5 + length;
        }
    }
}
