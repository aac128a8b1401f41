package io.tlskit.pki;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the verifier accepts beyond the PKIX path: minimum key sizes, SHA-1 signatures and key
 * types. Immutable; change it with the withers.
 */
public final class VerifyPolicy {
    private static final VerifyPolicy DEFAULTS = new VerifyPolicy(2048, 256, false, Set.of("RSA", "EC", "Ed25519", "Ed448"));

    private final int minRsaBits;
    private final int minEcBits;
    private final boolean allowSha1;
    private final Set<String> acceptedKeyTypes;

    private VerifyPolicy(int minRsaBits, int minEcBits, boolean allowSha1, Set<String> acceptedKeyTypes) {
        if (minRsaBits < 0 || minEcBits < 0) {
            throw new IllegalArgumentException("key sizes must not be negative");
        }
        this.minRsaBits = minRsaBits;
        this.minEcBits = minEcBits;
        this.allowSha1 = allowSha1;
        this.acceptedKeyTypes = Set.copyOf(Objects.requireNonNull(acceptedKeyTypes, "acceptedKeyTypes"));
    }

    /** RSA ≥ 2048, EC ≥ 256, no SHA-1, key types RSA, EC, Ed25519, Ed448. */
    public static VerifyPolicy defaults() {
        return DEFAULTS;
    }

    public int minRsaBits() {
        return minRsaBits;
    }

    public int minEcBits() {
        return minEcBits;
    }

    public boolean allowSha1() {
        return allowSha1;
    }

    /** Key type names as {@link KeyDescriptions#type} returns them: "RSA", "EC", "Ed25519", "Ed448". */
    public Set<String> acceptedKeyTypes() {
        return acceptedKeyTypes;
    }

    public VerifyPolicy withMinRsaBits(int bits) {
        return new VerifyPolicy(bits, minEcBits, allowSha1, acceptedKeyTypes);
    }

    public VerifyPolicy withMinEcBits(int bits) {
        return new VerifyPolicy(minRsaBits, bits, allowSha1, acceptedKeyTypes);
    }

    public VerifyPolicy withAllowSha1(boolean allow) {
        return new VerifyPolicy(minRsaBits, minEcBits, allow, acceptedKeyTypes);
    }

    public VerifyPolicy withAcceptedKeyTypes(Set<String> types) {
        return new VerifyPolicy(minRsaBits, minEcBits, allowSha1, types);
    }

    @Override
    public String toString() {
        return "VerifyPolicy[minRsaBits=" + minRsaBits + ", minEcBits=" + minEcBits + ", allowSha1=" + allowSha1
                + ", keyTypes=" + new TreeSet<>(acceptedKeyTypes) + "]";
    }
}
