package io.tlskit.badinput;

import io.tlskit.TlsConfig;
import io.tlskit.TlsEngine;
import io.tlskit.testing.TestPki;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Shared settings for the bad-input tests. */
final class BadInput {
    static final TestPki PKI = TestPki.INSTANCE;

    private BadInput() {
    }

    /** A client that trusts the test CA; add serverName at connect time. */
    static TlsConfig.Builder client() {
        return TlsConfig.client().trustAnchors(PKI.trust());
    }

    /** A server with the good EC certificate for localhost. */
    static TlsConfig.Builder server() {
        return TlsConfig.server().credentials(PKI.serverEcCredentials());
    }

    /** How CertText prints instants in messages (ISO-8601 UTC, seconds). */
    static String date(java.util.Date date) {
        return date.toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static Instant daysFromNow(long days) {
        return Instant.now().plus(days, ChronoUnit.DAYS);
    }

    /**
     * One in-memory handshake so class loading and the first key operations are done before a
     * test with a short handshake timeout runs.
     */
    static void warmUp() throws Exception {
        TlsEngine c = TlsEngine.client(client().build(), "localhost", null);
        TlsEngine s = TlsEngine.server(server().build());
        for (int i = 0; i < 20 && (c.isHandshaking() || s.isHandshaking()); i++) {
            byte[] out = c.takeOutput();
            if (out.length > 0) {
                s.receive(out, 0, out.length);
            }
            out = s.takeOutput();
            if (out.length > 0) {
                c.receive(out, 0, out.length);
            }
        }
    }

    /** Prints what an operator would read, so a reviewer can judge the sentences from the test log. */
    static void show(String label, Object failure) {
        if (Boolean.getBoolean("badinput.show") || System.getenv("BADINPUT_SHOW") != null) {
            System.out.println("[badinput] " + label + " -> " + failure);
        }
    }
}
