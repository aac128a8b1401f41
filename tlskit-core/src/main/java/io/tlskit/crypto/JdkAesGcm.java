package io.tlskit.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;

/**
 * The JDK's AES-GCM behind BouncyCastle's record cipher interface, tuned for records: the nonce is
 * handed over as a {@link GCMParameterSpec} (BouncyCastle's generic adapter looks up and encodes an
 * AlgorithmParameters object per record), and in-place records are first copied to a scratch
 * buffer, because SunJCE handles overlapping input and output on a slower path that misses its
 * AES/GHASH intrinsics. The scratch buffer belongs to the thread, not the connection, so thousands
 * of idle connections do not each keep a record-sized array. Not thread-safe, like every record
 * cipher: one per direction per connection.
 */
final class JdkAesGcm implements TlsAEADCipherImpl {
    private final Cipher cipher;
    private final int mode;
    private SecretKeySpec key;
    private int tagSize = 16;
    /** Grows only as large as the records a thread actually handles: small for MQTT-style traffic. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

    JdkAesGcm(boolean encrypting) throws GeneralSecurityException {
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        this.mode = encrypting ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    }

    @Override
    public void setKey(byte[] bytes, int offset, int length) {
        this.key = new SecretKeySpec(bytes, offset, length, "AES");
    }

    @Override
    public void init(byte[] nonce, int macSize) throws IOException {
        try {
            cipher.init(mode, key, new GCMParameterSpec(macSize * 8, nonce));
            tagSize = macSize;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM init failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int getOutputSize(int inputLength) {
        // what Cipher.getOutputSize answers for a whole record, without its state checks per record
        return mode == Cipher.ENCRYPT_MODE ? inputLength + tagSize : Math.max(0, inputLength - tagSize);
    }

    @Override
    public int doFinal(byte[] aad, byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset) throws IOException {
        if (aad != null && aad.length > 0) {
            cipher.updateAAD(aad);
        }
        byte[] source = input;
        int sourceOffset = inputOffset;
        if (input == output) {
            byte[] scratch = SCRATCH.get();
            if (scratch.length < inputLength) {
                scratch = new byte[(inputLength + 1023) & ~1023];
                SCRATCH.set(scratch);
            }
            System.arraycopy(input, inputOffset, scratch, 0, inputLength);
            source = scratch;
            sourceOffset = 0;
        }
        try {
            return cipher.doFinal(source, sourceOffset, inputLength, output, outputOffset);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac, e);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM failed: " + e.getMessage(), e);
        }
    }
}
