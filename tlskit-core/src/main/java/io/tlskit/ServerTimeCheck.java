package io.tlskit;

import io.tlskit.pki.PeerVerifier;
import io.tlskit.pki.VerifyFlag;
import io.tlskit.pki.VerifyResult;
import io.tlskit.time.SecureTime;
import io.tlskit.time.SecureTimeReport;
import io.tlskit.time.TimeRules;
import io.tlskit.time.TimeStrength;
import io.tlskit.time.TimeUpdate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The PAL's secure-time handshake, done inside one BouncyCastle handshake (BC cannot renegotiate):
 * the server's chain is verified at a snapshot of the device clock; when that fails <em>only</em>
 * because the clock is behind (FUTURE), or, for the trusted time server, also ahead (EXPIRED), it
 * is verified again at the time in the server's TLS 1.2 ServerHello, and if that passes the
 * handshake goes on. When the handshake completes, the server's time is applied under
 * {@link TimeRules} (strong for the trusted time server, weak otherwise). One per handshake.
 */
final class ServerTimeCheck {
    private static final Set<VerifyFlag> CLOCK_BEHIND = EnumSet.of(VerifyFlag.FUTURE);
    private static final Set<VerifyFlag> CLOCK_WRONG = EnumSet.of(VerifyFlag.FUTURE, VerifyFlag.EXPIRED);

    private final TlsConfig config;
    private final SecureTime time;
    private Instant serverTime;
    private Instant clock;
    private boolean trusted;
    private VerifyResult atClock;
    private boolean rescued;
    private Instant candidate;
    private TimeUpdate update;
    private String note;

    ServerTimeCheck(TlsConfig config, SecureTime time) {
        this.config = config;
        this.time = time;
    }

    /** Verifies the server's chain, rescuing a clock-only failure at the server's time. */
    VerifyResult verify(List<X509Certificate> chain, String serverName, Instant serverHelloTime) {
        serverTime = serverHelloTime;
        clock = time.now();
        atClock = verifier(clock).verify(chain, serverName, PeerVerifier.Purpose.SERVER);
        trusted = issuedByTrustedTimeServer(chain);
        if (atClock.isValid()) {
            considerServerTime(chain);
            return atClock;
        }
        Set<VerifyFlag> allowed = trusted ? CLOCK_WRONG : CLOCK_BEHIND;
        if (!allowed.containsAll(atClock.flags())) {
            EnumSet<VerifyFlag> others = EnumSet.copyOf(atClock.flags());
            others.removeAll(CLOCK_WRONG);
            note = others.isEmpty()
                ? "the clock is ahead (EXPIRED), and only the trusted time server may set it back through an expired certificate"
                : "the chain also failed for " + others + ", which no time can fix";
            return withNote(atClock);
        }
        if (serverTime == null) {
            note = "the server chose TLS 1.3, whose ServerHello carries no time: set the device clock, or limit this client"
                + " to TLS 1.2 (--tls 1.2) so that the server's time can correct it";
            return withNote(atClock);
        }
        if (!TimeRules.isPlausible(serverTime)) {
            note = "the server's ServerHello time " + serverTime + " is not a clock reading (servers such as OpenSSL send random"
                + " bytes there): use a server that sends its clock (tlskit server --send-server-time, mbedTLS)";
            return withNote(atClock);
        }
        time.beforeVerifyingAt(serverTime);
        VerifyResult atServer = verifier(serverTime).verify(chain, serverName, PeerVerifier.Purpose.SERVER);
        if (atServer.isValid() || (trusted && CLOCK_WRONG.containsAll(atServer.flags()))) {
            rescued = true;
            candidate = serverTime;
            // the trusted time server's certificate is tolerated even outside its validity (the PAL's rule)
            return atServer.isValid() ? atServer : VerifyResult.ok(chain, serverTime, serverName);
        }
        note = "verified again at the server's time " + serverTime + ", the chain still failed (" + atServer.explanation() + ")";
        return withNote(atClock);
    }

    /** After the handshake completed: apply the server's time, if it is one to use. */
    void handshakeCompleted() {
        if (candidate != null) {
            update = time.apply(candidate, trusted ? TimeStrength.STRONG : TimeStrength.WEAK);
        }
    }

    SecureTimeReport report() {
        return new SecureTimeReport(serverTime, clock, trusted, atClock, rescued, update, update == null ? note : null);
    }

    /**
     * A valid handshake's server time is used only when the chain is valid at it, also for the
     * trusted time server: a server that sends random bytes there must not set the clock.
     */
    private void considerServerTime(List<X509Certificate> chain) {
        if (serverTime == null) {
            note = "the server chose TLS 1.3, whose ServerHello carries no time";
        } else if (!TimeRules.isPlausible(serverTime)) {
            note = "the server's ServerHello time " + serverTime + " is not a clock reading (random bytes, as OpenSSL sends)";
        } else if (!validAt(chain, serverTime)) {
            note = "the server's time " + serverTime + " lies outside its certificate's validity, so it is not taken"
                + " (a server that sends random bytes there, such as OpenSSL, looks like this)";
        } else {
            candidate = serverTime;
        }
    }

    private PeerVerifier verifier(Instant at) {
        return new PeerVerifier(config.trustAnchors(), TimeSource.fixed(at), config.verifyPolicy());
    }

    private boolean issuedByTrustedTimeServer(List<X509Certificate> chain) {
        if (!time.hasTrustedTimeServer() || chain.isEmpty() || config.trustAnchors() == null) {
            return false;
        }
        for (X509Certificate anchor : config.trustAnchors().certificates()) {
            if (!time.isTrustedTimeServerCa(anchor)) {
                continue;
            }
            for (X509Certificate cert : chain) {
                if (cert.equals(anchor) || signedBy(cert, anchor)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean validAt(List<X509Certificate> chain, Instant t) {
        for (X509Certificate cert : chain) {
            if (t.isBefore(cert.getNotBefore().toInstant()) || t.isAfter(cert.getNotAfter().toInstant())) {
                return false;
            }
        }
        return true;
    }

    /** The same flags, with why secure time did not correct the clock added to the clock flag's sentences. */
    private VerifyResult withNote(VerifyResult result) {
        VerifyResult.Builder b = VerifyResult.builder(result.chain(), result.verifiedAt(), result.expectedName());
        boolean added = false;
        for (VerifyFlag flag : result.flags()) {
            for (String reason : result.reasons(flag)) {
                b.add(flag, reason);
            }
            if (!added && CLOCK_WRONG.contains(flag)) {
                b.add(flag, "Secure time did not correct the clock: " + note);
                added = true;
            }
        }
        return b.build();
    }
}
