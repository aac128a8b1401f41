package io.tlskit.cli.probe;

import io.tlskit.MaxFragmentLength;
import io.tlskit.Psk;
import io.tlskit.TlsConfig;
import io.tlskit.TlsVersion;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureScheme;

/**
 * A client configuration to check against a probed server: from the --tls, --ciphers, --groups,
 * --psk and --max-fragment options, read through tlskit's own {@link TlsConfig} (so names, defaults
 * and refusals are exactly tlskit's), or a named profile those options then override.
 */
public final class ClientSpec {
    /** Profiles of typical clients, by name. */
    public static final List<String> PROFILES = List.of("mbedtls-device");

    final String description;
    final List<ProtocolVersion> versions;
    final int[] suites;
    /** Null: the client's default groups. */
    final int[] groups;
    /** Null: the client's default signature schemes. */
    final int[] signatureSchemes;
    final Psk psk;
    final MaxFragmentLength maxFragment;

    private ClientSpec(String description, List<ProtocolVersion> versions, int[] suites, int[] groups, int[] signatureSchemes,
                       Psk psk, MaxFragmentLength maxFragment) {
        this.description = description;
        this.versions = versions;
        this.suites = suites;
        this.groups = groups;
        this.signatureSchemes = signatureSchemes;
        this.psk = psk;
        this.maxFragment = maxFragment;
    }

    /**
     * @param profile null or one of {@link #PROFILES}
     * @throws IllegalArgumentException naming the option that is wrong and what it accepts
     */
    public static ClientSpec of(String profile, List<String> tls, List<String> ciphers, List<String> groups, String psk, Integer maxFragment) {
        TlsConfig.Builder b = TlsConfig.client();
        int[] schemes = null;
        String description = "the client (" + describeOptions(tls, ciphers, groups, psk, maxFragment) + ")";
        if (profile != null) {
            if (!"mbedtls-device".equals(profile)) {
                throw new IllegalArgumentException("unknown --profile '" + profile + "': use one of " + PROFILES);
            }
            // a typical mbedTLS 2.28 device: TLS 1.2 only, one CCM_8 suite, P-256 only, ECDSA P-256 signatures
            b.versions(TlsVersion.TLS_1_2).groups("secp256r1");
            b.cipherSuites(psk != null ? "TLS_PSK_WITH_AES_128_CCM_8" : "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8");
            schemes = new int[] {SignatureScheme.ecdsa_secp256r1_sha256};
            description = "an mbedTLS 2.28 device (TLS 1.2, " + (psk != null ? "TLS_PSK_WITH_AES_128_CCM_8" : "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8")
                    + ", secp256r1, ecdsa_secp256r1_sha256" + (tls.isEmpty() && ciphers.isEmpty() && groups.isEmpty() && maxFragment == null
                        ? "" : "; overridden: " + describeOptions(tls, ciphers, groups, null, maxFragment)) + ")";
        }
        if (!tls.isEmpty()) {
            b.versions(tls.stream().map(TlsVersion::parse).toArray(TlsVersion[]::new));
        }
        if (!ciphers.isEmpty()) {
            b.cipherSuites(ciphers.toArray(String[]::new));
        }
        if (!groups.isEmpty()) {
            b.groups(groups.toArray(String[]::new));
        }
        Psk key = psk == null ? null : Psk.parse(psk);
        if (key != null) {
            b.psk(key);
        }
        MaxFragmentLength mfl = maxFragment == null ? null : MaxFragmentLength.ofBytes(maxFragment);
        if (mfl != null) {
            b.maxFragmentLength(mfl);
        }
        TlsConfig config = b.build();
        List<ProtocolVersion> versions = new ArrayList<>();
        for (ProtocolVersion v : Catalog.VERSIONS) {
            if (config.versions().stream().anyMatch(t -> v.equals(bc(t)))) {
                versions.add(v);
            }
        }
        int[] suites = config.cipherSuiteNames().stream().mapToInt(Catalog::suiteByName).filter(s -> s >= 0).toArray();
        int[] groupIds = config.groupNames().isEmpty() ? null
                : config.groupNames().stream().mapToInt(Catalog::groupByName).filter(g -> g >= 0).toArray();
        if (schemes != null && groupIds == null) {
            groupIds = new int[] {NamedGroup.secp256r1};
        }
        return new ClientSpec(description, versions, suites, groupIds, schemes, key, mfl);
    }

    private static String describeOptions(List<String> tls, List<String> ciphers, List<String> groups, String psk, Integer maxFragment) {
        List<String> parts = new ArrayList<>();
        if (!tls.isEmpty()) {
            parts.add("--tls " + String.join(",", tls));
        }
        if (!ciphers.isEmpty()) {
            parts.add("--ciphers " + String.join(",", ciphers));
        }
        if (!groups.isEmpty()) {
            parts.add("--groups " + String.join(",", groups));
        }
        if (psk != null) {
            parts.add("--psk " + psk.substring(0, Math.max(0, psk.indexOf(':'))) + ":...");
        }
        if (maxFragment != null) {
            parts.add("--max-fragment " + maxFragment);
        }
        return parts.isEmpty() ? "tlskit's defaults" : String.join(" ", parts);
    }

    /** The probing attempt that behaves like this client. */
    Attempt attempt() {
        Attempt a = Attempt.of(versions, suites);
        if (groups != null) {
            a = a.withGroups(groups);
        }
        if (signatureSchemes != null) {
            a = a.withSignatureSchemes(signatureSchemes);
        }
        if (psk != null) {
            a = a.withPsk(psk.identity(), psk.key());
        }
        if (maxFragment != null) {
            a = a.withMaxFragment(mflCode(maxFragment));
        }
        return a;
    }

    private static ProtocolVersion bc(TlsVersion t) {
        return t == TlsVersion.TLS_1_3 ? ProtocolVersion.TLSv13 : t == TlsVersion.TLS_1_2 ? ProtocolVersion.TLSv12 : null;
    }

    /** RFC 6066 code: 1 for 512 bytes ... 4 for 4096. */
    static short mflCode(MaxFragmentLength mfl) {
        return (short) (Integer.numberOfTrailingZeros(mfl.bytes()) - 8);
    }
}
