package io.tlskit.bench;

import io.tlskit.TlsVersion;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;

/** A handshake workload: one version and one cipher suite, identical for every implementation. */
public enum Scenario {
    /** TLS 1.3, TLS_AES_128_GCM_SHA256, server certificate EC P-256 (ecdsa_secp256r1_sha256). */
    TLS13_ECDSA("tls13-ecdsa", TlsVersion.TLS_1_3, ProtocolVersion.TLSv13, "TLSv1.3",
        "TLS_AES_128_GCM_SHA256", CipherSuite.TLS_AES_128_GCM_SHA256, true),
    /** TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, server certificate EC P-256. */
    TLS12_ECDSA("tls12-ecdsa", TlsVersion.TLS_1_2, ProtocolVersion.TLSv12, "TLSv1.2",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true),
    /** TLS 1.2, TLS_PSK_WITH_AES_128_CCM_8: no certificates, no ECDHE (the JDK SSLEngine has no PSK). */
    TLS12_PSK_CCM8("tls12-psk-ccm8", TlsVersion.TLS_1_2, ProtocolVersion.TLSv12, "TLSv1.2",
        "TLS_PSK_WITH_AES_128_CCM_8", CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, false);

    public final String id;
    public final TlsVersion version;
    public final ProtocolVersion bcVersion;
    public final String jdkProtocol;
    public final String suite;
    public final int bcSuite;
    public final boolean certificates;

    Scenario(String id, TlsVersion version, ProtocolVersion bcVersion, String jdkProtocol, String suite, int bcSuite,
            boolean certificates) {
        this.id = id;
        this.version = version;
        this.bcVersion = bcVersion;
        this.jdkProtocol = jdkProtocol;
        this.suite = suite;
        this.bcSuite = bcSuite;
        this.certificates = certificates;
    }

    public static Scenario of(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario " + id);
    }

    /** What each implementation reports for this workload once established, e.g. "TLSv1.3 TLS_AES_128_GCM_SHA256". */
    public String expected() {
        return jdkProtocol + " " + suite;
    }

    static String suiteName(int code) {
        for (Scenario s : values()) {
            if (s.bcSuite == code) {
                return s.suite;
            }
        }
        return String.format("0x%04X", code);
    }
}
