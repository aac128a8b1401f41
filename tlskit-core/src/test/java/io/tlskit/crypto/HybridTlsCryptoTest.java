package io.tlskit.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsHMAC;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.TlsBlockCipherImpl;
import org.bouncycastle.tls.crypto.impl.bc.BcChaCha20Poly1305;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JceBlockCipherImpl;
import org.bouncycastle.tls.crypto.impl.jcajce.JceBlockCipherWithCBCImplicitIVImpl;
import org.junit.jupiter.api.Test;

/** Each JDK-backed primitive of HybridTlsCrypto is the JDK's and agrees byte for byte with BouncyCastle's. */
class HybridTlsCryptoTest {

    private final SecureRandom random = new SecureRandom();
    private final HybridTlsCrypto hybrid = new HybridTlsCrypto(random);
    private final BcTlsCrypto bc = new BcTlsCrypto(random);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void saysWhereEachPrimitiveComesFrom() {
        assertThat(hybrid.primitiveSources())
                .containsEntry("AES-GCM", "JDK (SunJCE)")
                .containsEntry("AES-CBC", "JDK (SunJCE)")
                .containsEntry("ChaCha20-Poly1305", "JDK (SunJCE)")
                .containsEntry("SHA-256 hash", "JDK")
                .containsEntry("HMAC-SHA256", "JDK")
                .containsEntry("AES-CCM", "BouncyCastle")
                .containsEntry("ECDSA/ECDH/EdDSA/X25519", "BouncyCastle");
        assertThat(hybrid.toString()).startsWith("HybridTlsCrypto{AES-GCM=JDK");
    }

    @Test
    void aesGcmIsTheJdkCipherAndMatchesBouncyCastle() throws Exception {
        for (int keySize : new int[] {16, 32}) {
            TlsAEADCipherImpl enc = hybrid.createAEADCipherImpl_AES_GCM(keySize, true);
            TlsAEADCipherImpl dec = hybrid.createAEADCipherImpl_AES_GCM(keySize, false);
            assertThat(enc).isInstanceOf(JdkAesGcm.class);
            assertThat(dec).isInstanceOf(JdkAesGcm.class);

            byte[] key = bytes(keySize);
            byte[] nonce = bytes(12);
            byte[] aad = bytes(13);
            byte[] plain = bytes(16384);
            enc.setKey(key, 0, keySize);
            enc.init(nonce, 16);
            // in place, as TlsAEADCipher encrypts records
            byte[] record = Arrays.copyOf(plain, plain.length + 16);
            assertThat(enc.getOutputSize(plain.length)).isEqualTo(plain.length + 16);
            assertThat(enc.doFinal(aad, record, 0, plain.length, record, 0)).isEqualTo(plain.length + 16);

            // BouncyCastle's lightweight GCM (what BcTlsCrypto uses) decrypts it
            GCMBlockCipher bcGcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
            bcGcm.init(false, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
            byte[] out = new byte[plain.length];
            int n = bcGcm.processBytes(record, 0, record.length, out, 0);
            n += bcGcm.doFinal(out, n);
            assertThat(n).isEqualTo(plain.length);
            assertThat(out).isEqualTo(plain);

            // and the JDK decrypts it in place too; a flipped bit is refused
            dec.setKey(key, 0, keySize);
            dec.init(nonce, 16);
            byte[] copy = record.clone();
            assertThat(dec.doFinal(aad, copy, 0, copy.length, copy, 0)).isEqualTo(plain.length);
            assertThat(Arrays.copyOf(copy, plain.length)).isEqualTo(plain);
            record[100] ^= 1;
            dec.init(nonce, 16);
            assertThatThrownBy(() -> dec.doFinal(aad, record, 0, record.length, record, 0))
                    .isInstanceOfSatisfying(org.bouncycastle.tls.TlsFatalAlert.class, alert -> assertThat(alert.getAlertDescription())
                        .isEqualTo(org.bouncycastle.tls.AlertDescription.bad_record_mac));
        }
    }

    @Test
    void chaCha20Poly1305IsTheJdkCipherAndMatchesBouncyCastle() throws Exception {
        TlsAEADCipherImpl enc = hybrid.createAEADCipherImpl_ChaCha20Poly1305(true);
        TlsAEADCipherImpl dec = hybrid.createAEADCipherImpl_ChaCha20Poly1305(false);
        assertThat(enc).isInstanceOf(JdkChaCha20Poly1305.class);
        byte[] key = bytes(32);
        byte[] nonce = bytes(12);
        byte[] aad = bytes(13);
        byte[] plain = bytes(5000);

        enc.setKey(key, 0, 32);
        enc.init(nonce, 16);
        byte[] record = Arrays.copyOf(plain, plain.length + 16);
        assertThat(enc.doFinal(aad, record, 0, plain.length, record, 0)).isEqualTo(plain.length + 16);

        BcChaCha20Poly1305 bcDec = new BcChaCha20Poly1305(false);
        bcDec.setKey(key, 0, 32);
        bcDec.init(nonce, 16);
        byte[] out = new byte[plain.length];
        assertThat(bcDec.getOutputSize(record.length)).isEqualTo(dec.getOutputSize(record.length));
        assertThat(bcDec.doFinal(aad, record, 0, record.length, out, 0)).isEqualTo(plain.length);
        assertThat(out).isEqualTo(plain);

        // BC encrypts, the JDK decrypts in place
        BcChaCha20Poly1305 bcEnc = new BcChaCha20Poly1305(true);
        bcEnc.setKey(key, 0, 32);
        bcEnc.init(nonce, 16);
        byte[] bcRecord = new byte[plain.length + 16];
        bcEnc.doFinal(aad, plain, 0, plain.length, bcRecord, 0);
        assertThat(bcRecord).isEqualTo(record);
        dec.setKey(key, 0, 32);
        dec.init(nonce, 16);
        assertThat(dec.doFinal(aad, bcRecord, 0, bcRecord.length, bcRecord, 0)).isEqualTo(plain.length);
        assertThat(Arrays.copyOf(bcRecord, plain.length)).isEqualTo(plain);

        // a forged record is refused, and the genuine one with the same nonce (a DTLS sequence
        // number) still decrypts afterwards, although SunJCE dislikes re-initialising a nonce
        byte[] forged = record.clone();
        forged[0] ^= 1;
        dec.init(nonce, 16);
        assertThatThrownBy(() -> dec.doFinal(aad, forged, 0, forged.length, forged, 0))
                .isInstanceOf(IllegalStateException.class);
        dec.init(nonce, 16);
        assertThat(dec.doFinal(aad, record, 0, record.length, record, 0)).isEqualTo(plain.length);
        assertThat(Arrays.copyOf(record, plain.length)).isEqualTo(plain);

        // but encrypting twice under one nonce stays refused
        assertThatThrownBy(() -> enc.init(nonce, 16)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aesCbcIsTheJdkCipherAndMatchesBouncyCastle() throws Exception {
        assertThat(hybrid.createBlockCipherImpl_AES_CBC(false, 16, true))
                .isInstanceOf(JceBlockCipherWithCBCImplicitIVImpl.class);
        TlsBlockCipherImpl enc = hybrid.createBlockCipherImpl_AES_CBC(true, 32, true);
        assertThat(enc).isInstanceOf(JceBlockCipherImpl.class);
        byte[] key = bytes(32);
        byte[] iv = bytes(16);
        byte[] plain = bytes(4096);
        enc.setKey(key, 0, 32);
        enc.init(iv, 0, 16);
        byte[] ct = new byte[plain.length];
        assertThat(enc.doFinal(plain, 0, plain.length, ct, 0)).isEqualTo(plain.length);

        CBCBlockCipher bcCbc = (CBCBlockCipher) CBCBlockCipher.newInstance(AESEngine.newInstance());
        bcCbc.init(false, new ParametersWithIV(new KeyParameter(key), iv));
        byte[] out = new byte[plain.length];
        for (int i = 0; i < ct.length; i += 16) {
            bcCbc.processBlock(ct, i, out, i);
        }
        assertThat(out).isEqualTo(plain);
    }

    @Test
    void hashesAndHmacsAreTheJdkOnesAndMatchBouncyCastle() {
        byte[] data = bytes(20000);
        byte[] key = bytes(32);
        for (int alg : new int[] {CryptoHashAlgorithm.sha1, CryptoHashAlgorithm.sha256,
                CryptoHashAlgorithm.sha384, CryptoHashAlgorithm.sha512}) {
            TlsHash h = hybrid.createHash(alg);
            assertThat(h.getClass().getName()).contains("jcajce");
            h.update(data, 0, data.length);
            TlsHash clone = h.cloneHash();
            TlsHash b = bc.createHash(alg);
            b.update(data, 0, data.length);
            byte[] expected = b.calculateHash();
            assertThat(h.calculateHash()).isEqualTo(expected);
            assertThat(clone.calculateHash()).isEqualTo(expected);

            TlsHMAC m = hybrid.createHMACForHash(alg);
            assertThat(m.getClass().getName()).contains("jcajce");
            TlsHMAC bm = bc.createHMACForHash(alg);
            m.setKey(key, 0, key.length);
            bm.setKey(key, 0, key.length);
            m.update(data, 0, data.length);
            bm.update(data, 0, data.length);
            assertThat(m.getMacLength()).isEqualTo(bm.getMacLength());
            assertThat(m.getInternalBlockSize()).isEqualTo(bm.getInternalBlockSize());
            assertThat(m.calculateMAC()).isEqualTo(bm.calculateMAC());
        }
        // what the JDK lacks stays on BouncyCastle
        assertThat(hybrid.createHash(CryptoHashAlgorithm.sm3).getClass().getName()).contains(".bc.");
    }
}
