package io.tlskit.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;

/**
 * ChaCha20-Poly1305 (RFC 8439) for TLS records on the JDK's own cipher (SunJCE, Java 11+).
 * BouncyCastle's {@code JceChaCha20Poly1305} cannot use it: it asks the providers for separate
 * "ChaCha7539" and "Poly1305" algorithms, which SunJCE does not offer. One record per
 * {@link #init}: TLS never reuses a nonce, and SunJCE refuses a repeated key and nonce when
 * encrypting. Failures surface as {@link IllegalStateException}, which {@code TlsAEADCipher} turns
 * into {@code bad_record_mac} (decryption) or {@code internal_error} (encryption).
 */
final class JdkChaCha20Poly1305 implements TlsAEADCipherImpl {

    static final String TRANSFORMATION = "ChaCha20-Poly1305";
    private static final int KEY_SIZE = 32;
    private static final int TAG_SIZE = 16;

    private final Cipher cipher;
    private final boolean encrypting;
    private SecretKey key;

    JdkChaCha20Poly1305(boolean encrypting) throws GeneralSecurityException {
        this.cipher = Cipher.getInstance(TRANSFORMATION);
        this.encrypting = encrypting;
    }

    @Override
    public void setKey(byte[] key, int keyOff, int keyLen) {
        if (keyLen != KEY_SIZE) {
            throw new IllegalStateException("ChaCha20-Poly1305 needs a 32-byte key, got " + keyLen);
        }
        this.key = new SecretKeySpec(key, keyOff, keyLen, "ChaCha20");
    }

    @Override
    public void init(byte[] nonce, int macSize) {
        if (macSize != TAG_SIZE) {
            throw new IllegalStateException("ChaCha20-Poly1305 has a 16-byte tag, not " + macSize);
        }
        int mode = encrypting ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
        try {
            try {
                cipher.init(mode, key, new IvParameterSpec(nonce));
            } catch (InvalidKeyException repeated) {
                if (encrypting) {
                    throw repeated;   // a repeated nonce when encrypting is a real fault: keep refusing
                }
                // SunJCE also refuses the previous key and nonce when decrypting (JDK 17). That
                // happens legitimately: in DTLS a forged record that failed authentication may be
                // followed by the genuine one with the same sequence number. The check compares
                // with the previous init only, so step over it with a throwaway nonce.
                byte[] other = nonce.clone();
                other[0] ^= 1;
                cipher.init(mode, key, new IvParameterSpec(other));
                cipher.init(mode, key, new IvParameterSpec(nonce));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise ChaCha20-Poly1305: " + e.getMessage(), e);
        }
    }

    @Override
    public int getOutputSize(int inputLength) {
        return encrypting ? inputLength + TAG_SIZE : Math.max(inputLength - TAG_SIZE, 0);
    }

    @Override
    public int doFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output,
            int outputOffset) {
        try {
            if (additionalData != null && additionalData.length > 0) {
                cipher.updateAAD(additionalData);
            }
            // One call for the whole record: no plaintext is released before the tag is checked.
            return cipher.doFinal(input, inputOffset, inputLength, output, outputOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 " + (encrypting ? "encryption" : "decryption")
                    + " failed: " + e.getMessage(), e);
        }
    }
}
