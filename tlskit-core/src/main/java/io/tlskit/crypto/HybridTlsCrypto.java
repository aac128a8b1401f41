package io.tlskit.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import javax.crypto.Cipher;

import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoException;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsHMAC;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipher;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.TlsBlockCipher;
import org.bouncycastle.tls.crypto.impl.TlsBlockCipherImpl;
import org.bouncycastle.tls.crypto.impl.TlsImplUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JceAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.jcajce.JceBlockCipherImpl;
import org.bouncycastle.tls.crypto.impl.jcajce.JceBlockCipherWithCBCImplicitIVImpl;

/**
 * A {@code TlsCrypto} that takes each primitive from where it is fastest on the JDK (measured on
 * JDK 17 with {@code PrimitivesBenchmark}; the numbers are in the comments below).
 *
 * <ul>
 *   <li><b>BouncyCastle's lightweight classes</b> (inherited from {@link BcTlsCrypto}): ECDSA,
 *       ECDH, X25519/Ed25519, RSA, DH, AES-CCM/CCM_8 and everything not listed below. On JDK 17
 *       BC signs with P-256 in ~100 µs against the JDK's ~600-1000 µs, and does one side of a
 *       P-256 ECDHE exchange (key generation + derivation) in ~300 µs against ~1800 µs. SunJCE
 *       has no AES-CCM at all.</li>
 *   <li><b>The JDK's providers</b> (a companion {@link JcaTlsCrypto} over the default providers),
 *       for the bulk primitives, where HotSpot has CPU intrinsics (AES-NI, CLMUL, SHA-NI/AVX2):
 *       AES-GCM (0.35 vs 12 ns/byte), AES-CBC (0.8 vs 9), ChaCha20-Poly1305 (5 vs 8), and the
 *       SHA-1/SHA-2/MD5 hashes and HMACs that the transcript hash and CBC record MACs use
 *       (SHA-256 and HMAC-SHA256: 0.6 vs 5.5 ns/byte).</li>
 * </ul>
 *
 * Each JDK primitive is checked (once per JVM); one the JVM's providers cannot do
 * stays on BouncyCastle, so {@code hasEncryptionAlgorithm} and the other {@code has*} answers
 * (inherited from {@link BcTlsCrypto}) stay true: every cipher suite BouncyCastle supports is
 * supported. Key material (TLS 1.2 PRF, TLS 1.3 HKDF) stays in BouncyCastle's {@code TlsSecret};
 * only the per-record key bytes reach the JDK ciphers. {@link #primitiveSources()} says which
 * primitive comes from where.
 */
public class HybridTlsCrypto extends BcTlsCrypto {

    private static final String AES_GCM = "AES/GCM/NoPadding";
    private static final String AES_CBC = "AES/CBC/NoPadding";
    /** Hashes the JDK offers with intrinsics; SM3 and GOST stay on BouncyCastle. */
    private static final int[] JDK_HASHES = {
        CryptoHashAlgorithm.md5, CryptoHashAlgorithm.sha1, CryptoHashAlgorithm.sha224,
        CryptoHashAlgorithm.sha256, CryptoHashAlgorithm.sha384, CryptoHashAlgorithm.sha512,
    };

    /** What the JVM's providers can do; probed once per JVM (about 0.5 ms), then shared. */
    private static volatile JdkSupport support;

    private final JcaTlsCrypto jdk;
    private final boolean jdkAesGcm;
    private final boolean jdkAesCbc;
    private final boolean jdkChaCha;
    private final BitSet jdkHash;
    private final BitSet jdkHmac;
    private final Map<String, String> sources;

    /** @param random the source of keys, nonces and randoms for both halves (e.g. {@link Drbg}) */
    public HybridTlsCrypto(SecureRandom random) {
        super(Objects.requireNonNull(random, "random"));
        this.jdk = new JcaTlsCryptoProvider().create(random);
        JdkSupport s = support;
        if (s == null) {
            support = s = new JdkSupport(jdk);   // a benign race: every probe finds the same
        }
        this.jdkAesGcm = s.aesGcm;
        this.jdkAesCbc = s.aesCbc;
        this.jdkChaCha = s.chacha;
        this.jdkHash = s.hash;
        this.jdkHmac = s.hmac;
        this.sources = s.sources;
    }

    private static final class JdkSupport {
        final boolean aesGcm;
        final boolean aesCbc;
        final boolean chacha;
        final BitSet hash = new BitSet();
        final BitSet hmac = new BitSet();
        final Map<String, String> sources;

        JdkSupport(JcaTlsCrypto jdk) {
            aesGcm = jdk.hasEncryptionAlgorithm(EncryptionAlgorithm.AES_128_GCM)
                    && jdk.hasEncryptionAlgorithm(EncryptionAlgorithm.AES_256_GCM);
            aesCbc = jdk.hasEncryptionAlgorithm(EncryptionAlgorithm.AES_128_CBC)
                    && jdk.hasEncryptionAlgorithm(EncryptionAlgorithm.AES_256_CBC);
            String chachaProvider = provider(jdk, JdkChaCha20Poly1305.TRANSFORMATION);
            chacha = chachaProvider != null;
            for (int h : JDK_HASHES) {
                try {
                    jdk.createHash(h);
                    hash.set(h);
                    jdk.createHMACForHash(h);
                    hmac.set(h);
                } catch (RuntimeException unavailable) {
                    // stays on BouncyCastle
                }
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("AES-GCM", aesGcm ? "JDK (" + provider(jdk, AES_GCM) + ")" : "BouncyCastle");
            m.put("AES-CBC", aesCbc ? "JDK (" + provider(jdk, AES_CBC) + ")" : "BouncyCastle");
            m.put("ChaCha20-Poly1305", chacha ? "JDK (" + chachaProvider + ")" : "BouncyCastle");
            m.put("SHA-256 hash", hash.get(CryptoHashAlgorithm.sha256) ? "JDK" : "BouncyCastle");
            m.put("HMAC-SHA256", hmac.get(CryptoHashAlgorithm.sha256) ? "JDK" : "BouncyCastle");
            m.put("AES-CCM", "BouncyCastle");
            m.put("ECDSA/ECDH/EdDSA/X25519", "BouncyCastle");
            m.put("RSA/DH", "BouncyCastle");
            m.put("PRF/HKDF", "BouncyCastle");
            sources = Collections.unmodifiableMap(m);
        }

        /** The provider that would serve this transformation, or null if none can. */
        private static String provider(JcaTlsCrypto jdk, String transformation) {
            try {
                return jdk.getHelper().createCipher(transformation).getProvider().getName();
            } catch (GeneralSecurityException e) {
                return null;
            }
        }
    }

    /**
     * Which primitive comes from where, e.g. {@code "AES-GCM" -> "JDK (SunJCE)"},
     * {@code "AES-CCM" -> "BouncyCastle"}: for logs, status pages and tests.
     */
    public Map<String, String> primitiveSources() {
        return sources;
    }

    @Override
    public String toString() {
        return "HybridTlsCrypto" + primitiveSources();
    }

    // ---- AES-GCM: JDK (HotSpot AES-NI + CLMUL intrinsics; ~0.35 ns/byte vs BC's ~12 ns/byte) ----

    @Override
    protected TlsAEADCipher createCipher_AES_GCM(TlsCryptoParameters cryptoParams, int cipherKeySize, int macSize)
            throws IOException {
        if (!jdkAesGcm) {
            return super.createCipher_AES_GCM(cryptoParams, cipherKeySize, macSize);
        }
        return new TlsAEADCipher(cryptoParams, createAEADCipherImpl_AES_GCM(cipherKeySize, true),
                createAEADCipherImpl_AES_GCM(cipherKeySize, false), cipherKeySize, macSize,
                TlsAEADCipher.AEAD_GCM, null);
    }

    /** The JDK's AES-GCM, through our record-tuned adapter (see {@link JdkAesGcm} for why not BC's). */
    protected TlsAEADCipherImpl createAEADCipherImpl_AES_GCM(int cipherKeySize, boolean encrypting)
            throws IOException {
        try {
            return new JdkAesGcm(encrypting);
        } catch (GeneralSecurityException e) {
            throw new TlsCryptoException("cannot create the JDK's AES-GCM: " + e.getMessage(), e);
        }
    }

    // ---- ChaCha20-Poly1305: JDK (~5 vs ~8 ns/byte on JDK 17, where both are plain Java;
    //      JDK 20+ adds ChaCha20/Poly1305 intrinsics, so the gap only grows) ----

    @Override
    protected TlsCipher createChaCha20Poly1305(TlsCryptoParameters cryptoParams) throws IOException {
        if (!jdkChaCha) {
            return super.createChaCha20Poly1305(cryptoParams);
        }
        return new TlsAEADCipher(cryptoParams, createAEADCipherImpl_ChaCha20Poly1305(true),
                createAEADCipherImpl_ChaCha20Poly1305(false), 32, 16, TlsAEADCipher.AEAD_CHACHA20_POLY1305, null);
    }

    /** The JDK's "ChaCha20-Poly1305" (BouncyCastle's JCE adapter cannot find it under that name). */
    protected TlsAEADCipherImpl createAEADCipherImpl_ChaCha20Poly1305(boolean encrypting) throws IOException {
        try {
            return new JdkChaCha20Poly1305(encrypting);
        } catch (GeneralSecurityException e) {
            throw new TlsCryptoException("cannot create the JDK's ChaCha20-Poly1305: " + e.getMessage(), e);
        }
    }

    // ---- AES-CBC (PSK-CBC suites): JDK (AES-NI; ~0.8 vs ~9 ns/byte); MAC from createHMAC ----

    @Override
    protected TlsCipher createCipher_CBC(TlsCryptoParameters cryptoParams, int encryptionAlgorithm,
            int cipherKeySize, int macAlgorithm) throws IOException {
        boolean aes = encryptionAlgorithm == EncryptionAlgorithm.AES_128_CBC
                || encryptionAlgorithm == EncryptionAlgorithm.AES_256_CBC;
        if (!aes || !jdkAesCbc) {
            return super.createCipher_CBC(cryptoParams, encryptionAlgorithm, cipherKeySize, macAlgorithm);
        }
        boolean explicitIV = TlsImplUtils.isTLSv11(cryptoParams);
        return new TlsBlockCipher(cryptoParams,
                createBlockCipherImpl_AES_CBC(explicitIV, cipherKeySize, true),
                createBlockCipherImpl_AES_CBC(explicitIV, cipherKeySize, false),
                createMAC(cryptoParams, macAlgorithm), createMAC(cryptoParams, macAlgorithm), cipherKeySize);
    }

    /**
     * The JDK's AES-CBC through BouncyCastle's JCE adapters; {@code explicitIV} is false only for
     * TLS 1.0, whose records chain the IV from the previous record.
     */
    protected TlsBlockCipherImpl createBlockCipherImpl_AES_CBC(boolean explicitIV, int cipherKeySize,
            boolean encrypting) throws IOException {
        try {
            Cipher cipher = jdk.getHelper().createCipher(AES_CBC);
            return explicitIV
                    ? new JceBlockCipherImpl(jdk, cipher, "AES", cipherKeySize, encrypting)
                    : new JceBlockCipherWithCBCImplicitIVImpl(jdk, cipher, "AES", encrypting);
        } catch (GeneralSecurityException e) {
            throw new TlsCryptoException("cannot create the JDK's AES-CBC: " + e.getMessage(), e);
        }
    }

    // ---- Hashes and HMAC: JDK (SHA-NI/AVX2 intrinsics; SHA-256 and HMAC ~0.6 vs ~5.5 ns/byte) ----
    // Used for the handshake transcript, Finished and the CBC record MAC. The PRF and HKDF stay in
    // BouncyCastle's TlsSecret (small inputs, and the secret never leaves BC's secret type).

    @Override
    public TlsHash createHash(int cryptoHashAlgorithm) {
        return jdkHash.get(cryptoHashAlgorithm) ? jdk.createHash(cryptoHashAlgorithm) : super.createHash(cryptoHashAlgorithm);
    }

    @Override
    public TlsHMAC createHMACForHash(int cryptoHashAlgorithm) {
        return jdkHmac.get(cryptoHashAlgorithm)
                ? jdk.createHMACForHash(cryptoHashAlgorithm)
                : super.createHMACForHash(cryptoHashAlgorithm);
    }
}
