package io.tlskit.time;

import io.tlskit.pki.VerifyResult;
import java.time.Instant;
import java.util.Optional;

/**
 * What secure time did in one handshake: the server's ServerHello time, the device clock the chain
 * was first verified at and that result, whether the handshake was rescued by verifying again at
 * the server's time, and what the rules then did to the clock (or why nothing happened).
 */
public record SecureTimeReport(Instant serverTime, Instant clockAtVerification, boolean trustedTimeServer,
        VerifyResult resultAtClock, boolean rescued, TimeUpdate update, String note) {

    public Optional<Instant> serverHelloTime() {
        return Optional.ofNullable(serverTime);
    }

    public Optional<TimeUpdate> timeUpdate() {
        return Optional.ofNullable(update);
    }

    /** Why the server's time was not used, when it was not. */
    public Optional<String> whyUnused() {
        return Optional.ofNullable(note);
    }

    /** Lines for people, as {@code tlskit connect -v} prints them. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append("server time:   ").append(serverTime == null ? "none" : serverTime.toString())
            .append(trustedTimeServer ? " (trusted time server)" : "").append('\n');
        s.append("device clock:  ").append(clockAtVerification).append(resultAtClock == null ? ""
            : resultAtClock.isValid() ? " (chain valid)" : " (chain failed: " + resultAtClock.flags() + ")").append('\n');
        if (rescued) {
            s.append("secure time:   verified again at the server's time: passed\n");
        }
        if (update != null) {
            s.append("time rules:    ").append(update).append('\n');
        } else if (note != null) {
            s.append("time rules:    not applied: ").append(note).append('\n');
        }
        return s.toString();
    }
}
