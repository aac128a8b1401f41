package io.tlskit.pki;

import io.tlskit.TlsError;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The outcome of verifying a peer: every flag raised (in PAL order), the mbedTLS bitmask, one
 * stable error code, and sentences that name the certificate, the facts and the fix.
 */
public final class VerifyResult {
    private final Map<VerifyFlag, List<String>> reasons;
    private final Set<VerifyFlag> flags;
    private final List<X509Certificate> chain;
    private final Instant verifiedAt;
    private final String expectedName;

    private VerifyResult(Builder b) {
        EnumMap<VerifyFlag, List<String>> copy = new EnumMap<>(VerifyFlag.class);
        b.reasons.forEach((flag, list) -> copy.put(flag, List.copyOf(list)));
        this.reasons = Collections.unmodifiableMap(copy);
        this.flags = Collections.unmodifiableSet(copy.isEmpty() ? EnumSet.noneOf(VerifyFlag.class) : EnumSet.copyOf(copy.keySet()));
        this.chain = List.copyOf(b.chain);
        this.verifiedAt = b.verifiedAt;
        this.expectedName = b.expectedName;
    }

    /** A passing result. */
    public static VerifyResult ok(List<X509Certificate> chain, Instant verifiedAt, String expectedNameOrNull) {
        return builder(chain, verifiedAt, expectedNameOrNull).build();
    }

    /** A result with one flag and its sentence, e.g. for "the peer sent no certificate". */
    public static VerifyResult failed(VerifyFlag flag, String sentence, List<X509Certificate> chain, Instant verifiedAt,
            String expectedNameOrNull) {
        return builder(chain, verifiedAt, expectedNameOrNull).add(flag, sentence).build();
    }

    public static Builder builder(List<X509Certificate> chain, Instant verifiedAt, String expectedNameOrNull) {
        return new Builder(chain, verifiedAt, expectedNameOrNull);
    }

    /** The raised flags; iteration follows the PAL order (declaration order of {@link VerifyFlag}). */
    public Set<VerifyFlag> flags() {
        return flags;
    }

    public boolean isValid() {
        return flags.isEmpty();
    }

    /** The OR of the flags' mbedTLS MBEDTLS_X509_BADCERT_* bits; 0 when valid. */
    public int mbedtlsFlags() {
        int bits = 0;
        for (VerifyFlag flag : flags) {
            bits |= flag.mbedtlsBit();
        }
        return bits;
    }

    /** Null when valid; the flag's own code for one flag; CERT_VERIFY_FAILED for several. */
    public TlsError error() {
        if (flags.isEmpty()) {
            return null;
        }
        return flags.size() == 1 ? flags.iterator().next().error() : TlsError.CERT_VERIFY_FAILED;
    }

    /** The sentences for one flag (empty when it is not raised). */
    public List<String> reasons(VerifyFlag flag) {
        return reasons.getOrDefault(flag, List.of());
    }

    /** One sentence per finding, in PAL order; "" when valid. */
    public String explanation() {
        List<String> all = new ArrayList<>();
        reasons.values().forEach(all::addAll);
        return String.join(" ", all);
    }

    /** The chain as presented by the peer. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public Instant verifiedAt() {
        return verifiedAt;
    }

    /** The host name or IP the peer had to match, or null when none was checked. */
    public String expectedName() {
        return expectedName;
    }

    @Override
    public String toString() {
        return isValid() ? "VerifyResult[valid]" : "VerifyResult" + flags + ": " + explanation();
    }

    /** Collects flags and sentences; a flag may carry several sentences (one per certificate). */
    public static final class Builder {
        private final EnumMap<VerifyFlag, List<String>> reasons = new EnumMap<>(VerifyFlag.class);
        private final List<X509Certificate> chain;
        private final Instant verifiedAt;
        private final String expectedName;

        private Builder(List<X509Certificate> chain, Instant verifiedAt, String expectedName) {
            this.chain = Objects.requireNonNull(chain, "chain");
            this.verifiedAt = Objects.requireNonNull(verifiedAt, "verifiedAt");
            this.expectedName = expectedName;
        }

        public Builder add(VerifyFlag flag, String sentence) {
            Objects.requireNonNull(flag, "flag");
            Objects.requireNonNull(sentence, "sentence");
            String s = sentence.endsWith(".") ? sentence : sentence + ".";
            reasons.computeIfAbsent(flag, f -> new ArrayList<>()).add(s);
            return this;
        }

        public boolean has(VerifyFlag flag) {
            return reasons.containsKey(flag);
        }

        public VerifyResult build() {
            return new VerifyResult(this);
        }
    }
}
