package io.tlskit.time;

import java.time.Instant;
import java.util.Optional;

/** What one server time did to a {@link SecureTime}: the clock and saved time before and after, and why. */
public record TimeUpdate(Instant serverTime, TimeStrength kind, Instant clockBefore, Instant clockAfter,
        Instant savedBefore, Instant savedAfter, String description, String persistFailure) {

    /** True when the device clock now reads differently than before. */
    public boolean clockChanged() {
        return !clockBefore.equals(clockAfter);
    }

    /** True when the saved time (the clock file) changed. */
    public boolean savedChanged() {
        return !savedBefore.equals(savedAfter);
    }

    /** Why the new saved time could not be written, when it could not (the clock in memory is still set). */
    public Optional<String> persistFailureMessage() {
        return Optional.ofNullable(persistFailure);
    }

    @Override
    public String toString() {
        return description + (persistFailure == null ? "" : "; but " + persistFailure);
    }
}
