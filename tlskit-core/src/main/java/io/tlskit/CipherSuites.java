package io.tlskit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * Cipher suites by IANA name, the safe defaults, and the suites tlskit refuses. Names come from
 * BouncyCastle's {@link CipherSuite} constants, which use the IANA spelling.
 */
public final class CipherSuites {
    private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();
    private static final Map<Integer, String> BY_ID = new LinkedHashMap<>();

    static {
        for (Field field : CipherSuite.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class && field.getName().startsWith("TLS_")) {
                try {
                    int id = field.getInt(null);
                    BY_NAME.put(field.getName().toUpperCase(Locale.ROOT), id);
                    BY_ID.putIfAbsent(id, field.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** TLS 1.3 suites, strongest first. */
    static final int[] DEFAULT_TLS13 = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    };

    /** TLS 1.2 certificate suites: forward secret AEAD only; CCM last for embedded peers. */
    static final int[] DEFAULT_TLS12_CERT = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CCM,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8,
    };

    /** TLS 1.2 PSK suites, offered only when a PSK is configured. */
    static final int[] DEFAULT_TLS12_PSK = {
        CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM,
        CipherSuite.TLS_PSK_WITH_AES_256_CCM,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
        CipherSuite.TLS_PSK_WITH_AES_256_CCM_8,
        CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
    };

    private CipherSuites() {
    }

    /** The IANA name of a suite, or its hex code when unknown. */
    public static String name(int suite) {
        String name = BY_ID.get(suite);
        return name != null ? name : String.format(Locale.ROOT, "0x%04X", suite);
    }

    /** Names of real cipher suites; signalling values (renegotiation SCSV, fallback SCSV) are left out. */
    public static List<String> names(int[] suites) {
        List<String> names = new ArrayList<>(suites.length);
        for (int suite : suites) {
            if (suite != CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV && suite != CipherSuite.TLS_FALLBACK_SCSV) {
                names.add(name(suite));
            }
        }
        return names;
    }

    /**
     * The suite for an IANA name (case-insensitive; the "TLS_" prefix may be omitted). Unknown,
     * unsupported or unsafe names fail with the list of what this crypto backend supports.
     */
    static int byName(String name, TlsCrypto crypto) {
        String key = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (!key.startsWith("TLS_")) {
            key = "TLS_" + key;
        }
        Integer id = BY_NAME.get(key);
        if (id == null) {
            throw new ConfigException(TlsError.UNKNOWN_CIPHER_SUITE, "unknown cipher suite '" + name
                + "': use an IANA name such as TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256; supported here: "
                + String.join(", ", supportedNames(crypto)));
        }
        String canonical = name(id);
        String unsafe = unsafeReason(id);
        if (unsafe != null) {
            throw new ConfigException(TlsError.UNKNOWN_CIPHER_SUITE, "cipher suite " + canonical + " is refused: " + unsafe);
        }
        if (!TlsUtils.isSupportedCipherSuite(crypto, id)) {
            throw new ConfigException(TlsError.UNKNOWN_CIPHER_SUITE, "cipher suite " + canonical
                + " is not supported by this crypto backend (the JDK backend has no AES-CCM or ChaCha20; "
                + "the default hybrid backend has both); supported here: " + String.join(", ", supportedNames(crypto)));
        }
        return id;
    }

    /** Why a suite is never offered, or null when it is acceptable. */
    static String unsafeReason(int suite) {
        String name = name(suite);
        if (name.contains("_NULL_") || name.endsWith("_NULL") || name.contains("WITH_NULL")) {
            return "it does not encrypt (NULL cipher)";
        }
        if (name.contains("RC4")) {
            return "RC4 is broken (RFC 7465)";
        }
        if (name.contains("3DES") || name.contains("_DES_") || name.contains("DES40")) {
            return "DES/3DES are too weak (Sweet32)";
        }
        if (name.contains("EXPORT")) {
            return "export-grade ciphers are broken";
        }
        if (name.toUpperCase(Locale.ROOT).contains("_ANON_")) {
            return "anonymous key exchange cannot authenticate the peer";
        }
        if (name.contains("IDEA") || name.contains("_MD5")) {
            return "it relies on obsolete primitives";
        }
        return null;
    }

    /**
     * The suites worth suggesting for this crypto: TLS 1.3, then forward-secret AEAD, then PSK (which
     * embedded peers need, CBC included). Static-RSA and SHA-1 CBC suites still work when named, but
     * are not suggested.
     */
    static List<String> supportedNames(TlsCrypto crypto) {
        List<String> tls13 = new ArrayList<>();
        List<String> ecdhe = new ArrayList<>();
        List<String> psk = new ArrayList<>();
        for (Map.Entry<String, Integer> e : BY_NAME.entrySet()) {
            int id = e.getValue();
            String n = name(id);
            if (unsafeReason(id) != null || !isUsableKeyExchange(id) || !TlsUtils.isSupportedCipherSuite(crypto, id)
                || n.contains("CAMELLIA") || n.contains("ARIA") || n.contains("SM4")) {
                continue;
            }
            if (isTls13(id)) {
                tls13.add(n);
            } else if (isPsk(id)) {
                psk.add(n);
            } else if (n.startsWith("TLS_ECDHE_") && (n.contains("GCM") || n.contains("CCM") || n.contains("CHACHA20"))) {
                ecdhe.add(n);
            }
        }
        List<String> all = new ArrayList<>(tls13);
        all.addAll(ecdhe);
        all.addAll(psk);
        return Collections.unmodifiableList(all);
    }

    private static boolean isUsableKeyExchange(int suite) {
        switch (TlsUtils.getKeyExchangeAlgorithm(suite)) {
            case KeyExchangeAlgorithm.NULL: // TLS 1.3
            case KeyExchangeAlgorithm.ECDHE_ECDSA:
            case KeyExchangeAlgorithm.ECDHE_RSA:
            case KeyExchangeAlgorithm.DHE_RSA:
            case KeyExchangeAlgorithm.PSK:
            case KeyExchangeAlgorithm.ECDHE_PSK:
            case KeyExchangeAlgorithm.DHE_PSK:
            case KeyExchangeAlgorithm.RSA:
                return true;
            default:
                return false;
        }
    }

    static boolean isPsk(int suite) {
        int kx = TlsUtils.getKeyExchangeAlgorithm(suite);
        return kx == KeyExchangeAlgorithm.PSK || kx == KeyExchangeAlgorithm.ECDHE_PSK || kx == KeyExchangeAlgorithm.DHE_PSK;
    }

    /** TLS 1.2 suites whose key exchange the server signs with its certificate's key. */
    static boolean signsKeyExchange(int suite) {
        int kx = TlsUtils.getKeyExchangeAlgorithm(suite);
        return kx == KeyExchangeAlgorithm.ECDHE_ECDSA || kx == KeyExchangeAlgorithm.ECDHE_RSA || kx == KeyExchangeAlgorithm.DHE_RSA
            || kx == KeyExchangeAlgorithm.DHE_DSS;
    }

    /** TLS 1.2 suites whose server sends a Certificate (all but PSK and anonymous ones). */
    static boolean authenticatesWithCertificate(int suite) {
        int kx = TlsUtils.getKeyExchangeAlgorithm(suite);
        return kx == KeyExchangeAlgorithm.RSA || kx == KeyExchangeAlgorithm.RSA_PSK || signsKeyExchange(suite)
            || kx == KeyExchangeAlgorithm.ECDH_ECDSA || kx == KeyExchangeAlgorithm.ECDH_RSA
            || kx == KeyExchangeAlgorithm.DH_RSA || kx == KeyExchangeAlgorithm.DH_DSS;
    }

    static boolean isTls13(int suite) {
        return TlsUtils.getKeyExchangeAlgorithm(suite) == KeyExchangeAlgorithm.NULL;
    }
}
