package io.tlskit.cli.probe;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsUtils;

/** What the probe offers: every cipher suite BouncyCastle has a code for, the usual groups and signature schemes. */
final class Catalog {
    static final List<ProtocolVersion> VERSIONS = List.of(ProtocolVersion.TLSv13, ProtocolVersion.TLSv12,
            ProtocolVersion.TLSv11, ProtocolVersion.TLSv10);

    static final int[] TLS13_SUITES = {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_CCM_8_SHA256};

    static final int[] GROUPS = {NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1,
        NamedGroup.x448, NamedGroup.brainpoolP256r1, NamedGroup.brainpoolP384r1, NamedGroup.brainpoolP512r1,
        NamedGroup.brainpoolP256r1tls13, NamedGroup.brainpoolP384r1tls13, NamedGroup.brainpoolP512r1tls13,
        NamedGroup.secp256k1, NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096,
        NamedGroup.X25519MLKEM768, NamedGroup.SecP256r1MLKEM768, NamedGroup.SecP384r1MLKEM1024};

    static final int[] SCHEMES = {SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.ecdsa_secp384r1_sha384,
        SignatureScheme.ecdsa_secp521r1_sha512, SignatureScheme.ed25519, SignatureScheme.ed448,
        SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512,
        SignatureScheme.rsa_pss_pss_sha256, SignatureScheme.rsa_pss_pss_sha384, SignatureScheme.rsa_pss_pss_sha512,
        SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pkcs1_sha384, SignatureScheme.rsa_pkcs1_sha512,
        SignatureScheme.ecdsa_sha1, SignatureScheme.rsa_pkcs1_sha1};

    private static final Map<String, Integer> SUITES_BY_NAME = new LinkedHashMap<>();
    private static final Map<Integer, String> SUITE_NAMES = new LinkedHashMap<>();

    static {
        for (Field field : CipherSuite.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class && field.getName().startsWith("TLS_")) {
                try {
                    int id = field.getInt(null);
                    SUITES_BY_NAME.put(field.getName(), id);
                    SUITE_NAMES.putIfAbsent(id, field.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private Catalog() {
    }

    /** Every suite with a code usable in {@code version} (TLS 1.3: its five suites). */
    static int[] suitesFor(ProtocolVersion version) {
        if (ProtocolVersion.TLSv13.equals(version)) {
            return TLS13_SUITES.clone();
        }
        List<Integer> list = new ArrayList<>();
        for (int id : SUITE_NAMES.keySet()) {
            if (id == CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV || id == CipherSuite.TLS_FALLBACK_SCSV || isTls13(id)) {
                continue;
            }
            if (TlsUtils.isValidVersionForCipherSuite(id, version)) {
                list.add(id);
            }
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    static boolean isTls13(int suite) {
        for (int s : TLS13_SUITES) {
            if (s == suite) {
                return true;
            }
        }
        return (suite & 0xFF00) == 0x1300;
    }

    static String suiteName(int suite) {
        String name = SUITE_NAMES.get(suite);
        return name != null ? name : String.format(Locale.ROOT, "0x%04X", suite);
    }

    /** The suite for an IANA name (the TLS_ prefix may be left out), or -1. */
    static int suiteByName(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        Integer id = SUITES_BY_NAME.get(key.startsWith("TLS_") ? key : "TLS_" + key);
        return id == null ? -1 : id;
    }

    /** ECDHE key exchange: the suites whose group comes from supported_groups in TLS 1.2. */
    static boolean isEcdhe(int suite) {
        int kx = TlsUtils.getKeyExchangeAlgorithm(suite);
        return kx == KeyExchangeAlgorithm.ECDHE_ECDSA || kx == KeyExchangeAlgorithm.ECDHE_RSA || kx == KeyExchangeAlgorithm.ECDHE_PSK;
    }

    /** Key exchanges signed by the server's certificate (so signature_algorithms applies in TLS 1.2). */
    static boolean isSigned(int suite) {
        int kx = TlsUtils.getKeyExchangeAlgorithm(suite);
        return kx == KeyExchangeAlgorithm.ECDHE_ECDSA || kx == KeyExchangeAlgorithm.ECDHE_RSA
                || kx == KeyExchangeAlgorithm.DHE_RSA || kx == KeyExchangeAlgorithm.DHE_DSS;
    }

    static boolean isPsk(int suite) {
        int kx = TlsUtils.getKeyExchangeAlgorithm(suite);
        return kx == KeyExchangeAlgorithm.PSK || kx == KeyExchangeAlgorithm.ECDHE_PSK || kx == KeyExchangeAlgorithm.DHE_PSK
                || kx == KeyExchangeAlgorithm.RSA_PSK;
    }

    static String groupName(int group) {
        String name = NamedGroup.getName(group);
        return name != null ? name : "0x" + Integer.toHexString(group);
    }

    /** A group by its IANA name (x25519, secp256r1) or common alias (P-256), or -1. */
    static int groupByName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "p-256":
            case "p256":
            case "prime256v1":
                return NamedGroup.secp256r1;
            case "p-384":
            case "p384":
                return NamedGroup.secp384r1;
            case "p-521":
            case "p521":
                return NamedGroup.secp521r1;
            default:
                for (int g : GROUPS) {
                    if (groupName(g).equalsIgnoreCase(n)) {
                        return g;
                    }
                }
                return -1;
        }
    }

    static String schemeName(int scheme) {
        String name = SignatureScheme.getName(scheme);
        return name != null ? name : "0x" + Integer.toHexString(scheme);
    }

    /** Signature schemes a TLS 1.3 server may use in CertificateVerify (no PKCS#1 v1.5, no SHA-1). */
    static boolean usableInTls13(int scheme) {
        return scheme != SignatureScheme.rsa_pkcs1_sha256 && scheme != SignatureScheme.rsa_pkcs1_sha384
                && scheme != SignatureScheme.rsa_pkcs1_sha512 && scheme != SignatureScheme.ecdsa_sha1
                && scheme != SignatureScheme.rsa_pkcs1_sha1;
    }

    static String versionName(ProtocolVersion v) {
        return v.getName(); // "TLS 1.3"
    }
}
