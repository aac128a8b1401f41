package io.tlskit.bench.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.MACAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.TlsHMAC;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.TlsSigner;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.TlsBlockCipherImpl;
import org.bouncycastle.tls.crypto.impl.bc.BcChaCha20Poly1305;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsECDSASigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsECDSASigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JceAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.jcajce.JceBlockCipherImpl;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.tlskit.crypto.HybridTlsCrypto;


/**
 * The primitives a TLS connection spends its CPU on, each measured on the path BouncyCastle's
 * {@code BcTlsCrypto} (lightweight, pure Java) takes and on the path {@code JcaTlsCrypto} over the
 * JDK's own providers takes. These figures decide where {@link HybridTlsCrypto} takes each primitive
 * from. Bulk operations work on one 16 KiB record (the TLS maximum); divide the time by 16384 for
 * ns/byte.
 *
 * <p>The elliptic-curve, hash and HMAC benchmarks go through the public {@link TlsCrypto} API. Record
 * ciphers are measured one layer down ({@link TlsAEADCipherImpl}/{@link TlsBlockCipherImpl}, or the
 * same BC engine {@code BcTlsCrypto} builds), because a {@code TlsCipher} needs a negotiated
 * connection; the per-record calls are the ones {@code TlsAEADCipher} and {@code TlsBlockCipher} make.
 *
 * <pre>java -jar tlskit-bench/target/tlskit-benchmarks.jar PrimitivesBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PrimitivesBenchmark {

    /** {@code bc}: BcTlsCrypto's lightweight classes; {@code jdk}: JcaTlsCrypto over the JDK providers; {@code hybrid}: tlskit's default. */
    @Param({"bc", "jdk", "hybrid"})
    public String path;

    private static final int RECORD = 16 * 1024;

    private TlsCrypto crypto;
    private TlsSigner signer;
    private byte[] sha256OfMessage;
    private SignatureAndHashAlgorithm ecdsaSha256;
    private TlsECConfig p256;
    private byte[] peerPoint;

    private byte[] plaintext;
    private byte[] ciphertext;
    private byte[] aad;
    private byte[] nonce;
    private final byte[] iv = new byte[16];
    private long sequence;

    private TlsAEADCipherImpl aesGcm;
    private TlsAEADCipherImpl chacha;
    private TlsBlockCipherImpl aesCbc;
    private TlsHash sha256;
    private TlsHMAC hmacSha256;

    /** Gives the benchmark the exact engines BcTlsCrypto builds for its record ciphers. */
    static final class BcEngines extends BcTlsCrypto {
        BcEngines(SecureRandom random) {
            super(random);
        }

        AEADBlockCipher aesGcm() {
            return createAEADBlockCipher_AES_GCM();
        }

        BlockCipher aesCbc() throws IOException {
            return createCBCBlockCipher(EncryptionAlgorithm.AES_128_CBC);
        }
    }

    @Setup
    public void setup() throws Exception {
        SecureRandom random = new SecureRandom();
        BcEngines bc = new BcEngines(random);
        JcaTlsCrypto jca = new JcaTlsCryptoProvider().create(random);
        switch (path) {
            case "bc": crypto = bc; break;
            case "jdk": crypto = jca; break;
            case "hybrid": crypto = new HybridEngines(random); break;
            default: throw new IllegalArgumentException(path);
        }

        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair kp = kpg.generateKeyPair();
        ecdsaSha256 = new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
        sha256OfMessage = new byte[32];
        random.nextBytes(sha256OfMessage);
        if (crypto instanceof BcTlsCrypto) {
            signer = new BcTlsECDSASigner((BcTlsCrypto) crypto,
                    (ECPrivateKeyParameters) PrivateKeyFactory.createKey(kp.getPrivate().getEncoded()));
        } else {
            signer = new JcaTlsECDSASigner(jca, kp.getPrivate());
        }
        p256 = new TlsECConfig(NamedGroup.secp256r1);
        peerPoint = crypto.createECDomain(p256).createECDH().generateEphemeral();

        plaintext = new byte[RECORD];
        random.nextBytes(plaintext);
        ciphertext = new byte[RECORD + 16];
        aad = new byte[13];
        nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] key16 = new byte[16];
        byte[] key32 = new byte[32];
        random.nextBytes(key16);
        random.nextBytes(key32);

        // Record ciphers. "hybrid" goes through HybridTlsCrypto's own factories where it takes the
        // primitive from the JDK, and otherwise through the BC engine it inherits.
        boolean jdk = path.equals("jdk");
        HybridEngines hybrid = crypto instanceof HybridEngines ? (HybridEngines) crypto : null;
        if (hybrid != null && hybrid.fromJdk("AES-GCM")) {
            aesGcm = hybrid.aesGcm();
        } else {
            aesGcm = jdk
                    ? new JceAEADCipherImpl(jca, jca.getHelper(), "AES/GCM/NoPadding", "AES", 16, true)
                    : new BcAead(bc.aesGcm());
        }
        aesGcm.setKey(key16, 0, 16);

        // JcaTlsCrypto has no ChaCha20-Poly1305 over SunJCE (it asks for "ChaCha7539"), so the JDK
        // path is the JDK's own "ChaCha20-Poly1305" cipher, one record per init as TLS uses it.
        if (hybrid != null && hybrid.fromJdk("ChaCha20-Poly1305")) {
            chacha = hybrid.chacha();
        } else {
            chacha = jdk ? new JdkChaCha() : new BcChaCha20Poly1305(true);
        }
        chacha.setKey(key32, 0, 32);

        if (hybrid != null && hybrid.fromJdk("AES-CBC")) {
            aesCbc = hybrid.aesCbc();
        } else {
            aesCbc = jdk
                    ? new JceBlockCipherImpl(jca, Cipher.getInstance("AES/CBC/NoPadding"), "AES", 16, true)
                    : new BcBlock(bc.aesCbc());
        }
        aesCbc.setKey(key16, 0, 16);

        sha256 = crypto.createHash(CryptoHashAlgorithm.sha256);
        hmacSha256 = crypto.createHMAC(MACAlgorithm.hmac_sha256);
        hmacSha256.setKey(key32, 0, 32);
    }

    /** A fresh nonce per record, as TLS does (the JDK refuses to encrypt twice under one key and nonce). */
    private byte[] nextNonce() {
        long s = ++sequence;
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] = (byte) (s >>> (8 * i));
        }
        return nonce;
    }

    @Benchmark
    public byte[] ecdsaP256Sign() throws IOException {
        return signer.generateRawSignature(ecdsaSha256, sha256OfMessage);
    }

    /** One side of an ECDHE key exchange: ephemeral key generation plus the shared-secret derivation. */
    @Benchmark
    public TlsSecret ecdhP256Agreement() throws IOException {
        TlsAgreement agreement = crypto.createECDomain(p256).createECDH();
        agreement.generateEphemeral();
        agreement.receivePeerValue(peerPoint);
        return agreement.calculateSecret();
    }

    @Benchmark
    public byte[] ecdhP256KeyGen() throws IOException {
        return crypto.createECDomain(p256).createECDH().generateEphemeral();
    }

    @Benchmark
    public int aes128GcmEncrypt16k() throws IOException {
        aesGcm.init(nextNonce(), 16);
        return aesGcm.doFinal(aad, plaintext, 0, RECORD, ciphertext, 0);
    }

    @Benchmark
    public int chacha20Poly1305Encrypt16k() throws IOException {
        chacha.init(nextNonce(), 16);
        return chacha.doFinal(aad, plaintext, 0, RECORD, ciphertext, 0);
    }

    @Benchmark
    public int aes128CbcEncrypt16k() throws IOException {
        nextNonce();
        System.arraycopy(nonce, 0, iv, 4, 12);
        aesCbc.init(iv, 0, 16);
        return aesCbc.doFinal(plaintext, 0, RECORD, ciphertext, 0);
    }

    @Benchmark
    public byte[] sha256Of16k() {
        sha256.update(plaintext, 0, RECORD);
        return sha256.calculateHash();
    }

    @Benchmark
    public byte[] hmacSha256Of16k() {
        hmacSha256.update(plaintext, 0, RECORD);
        return hmacSha256.calculateMAC();
    }

    /** Gives the benchmark the record-cipher parts HybridTlsCrypto builds. */
    static final class HybridEngines extends HybridTlsCrypto {
        HybridEngines(SecureRandom random) {
            super(random);
        }

        boolean fromJdk(String primitive) {
            return primitiveSources().get(primitive).startsWith("JDK");
        }

        TlsAEADCipherImpl aesGcm() throws IOException {
            return createAEADCipherImpl_AES_GCM(16, true);
        }

        TlsAEADCipherImpl chacha() throws IOException {
            return createAEADCipherImpl_ChaCha20Poly1305(true);
        }

        TlsBlockCipherImpl aesCbc() throws IOException {
            return createBlockCipherImpl_AES_CBC(true, 16, true);
        }
    }

    /** What BcTlsCrypto's (package-private) AEAD wrapper does per record. */
    static final class BcAead implements TlsAEADCipherImpl {
        private final AEADBlockCipher cipher;
        private KeyParameter key;

        BcAead(AEADBlockCipher cipher) {
            this.cipher = cipher;
        }

        @Override
        public void setKey(byte[] k, int off, int len) {
            key = new KeyParameter(k, off, len);
        }

        @Override
        public void init(byte[] n, int macSize) {
            cipher.init(true, new AEADParameters(key, macSize * 8, n, null));
        }

        @Override
        public int getOutputSize(int inputLength) {
            return cipher.getOutputSize(inputLength);
        }

        @Override
        public int doFinal(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws IOException {
            cipher.processAADBytes(ad, 0, ad.length);
            int n = cipher.processBytes(in, inOff, len, out, outOff);
            try {
                return n + cipher.doFinal(out, outOff + n);
            } catch (InvalidCipherTextException e) {
                throw new IOException(e);
            }
        }
    }

    /** What BcTlsCrypto's (package-private) CBC wrapper does per record. */
    static final class BcBlock implements TlsBlockCipherImpl {
        private final BlockCipher cipher;
        private KeyParameter key;

        BcBlock(BlockCipher cipher) {
            this.cipher = cipher;
        }

        @Override
        public void setKey(byte[] k, int off, int len) {
            key = new KeyParameter(k, off, len);
        }

        @Override
        public void init(byte[] iv, int off, int len) {
            cipher.init(true, new ParametersWithIV(key, iv, off, len));
        }

        @Override
        public int doFinal(byte[] in, int inOff, int len, byte[] out, int outOff) {
            for (int i = 0; i < len; i += 16) {
                cipher.processBlock(in, inOff + i, out, outOff + i);
            }
            return len;
        }

        @Override
        public int getBlockSize() {
            return 16;
        }
    }

    /** The JDK's SunJCE "ChaCha20-Poly1305", one record per init. */
    static final class JdkChaCha implements TlsAEADCipherImpl {
        private final Cipher cipher;
        private SecretKeySpec key;

        JdkChaCha() throws GeneralSecurityException {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        }

        @Override
        public void setKey(byte[] k, int off, int len) {
            key = new SecretKeySpec(k, off, len, "ChaCha20");
        }

        @Override
        public void init(byte[] n, int macSize) {
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(n));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int getOutputSize(int inputLength) {
            return inputLength + 16;
        }

        @Override
        public int doFinal(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws IOException {
            try {
                cipher.updateAAD(ad);
                return cipher.doFinal(in, inOff, len, out, outOff);
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }
    }
}
