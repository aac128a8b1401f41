package io.tlskit.pki;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * Writes certificates and private keys as PEM that OpenSSL and tlskit both read. Keys are always
 * PKCS#8 (JcaPEMWriter would write SEC1 EC keys without their curve, which OpenSSL rejects), EC keys
 * with their public point (GnuTLS refuses them without it); key
 * files are created 0600 from the first byte and moved into place atomically.
 */
public final class PemWriter {
    /**
     * PBKDF2-HMAC-SHA256 rounds for encrypted keys: well above OpenSSL's default 2048, yet a key
     * still loads in a fraction of a second on a small device.
     */
    static final int PBKDF2_ITERATIONS = 100_000;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private PemWriter() {
    }

    public static String certificate(X509Certificate cert) {
        return certificates(List.of(cert));
    }

    public static String certificates(List<X509Certificate> certs) {
        StringWriter out = new StringWriter();
        try (org.bouncycastle.util.io.pem.PemWriter pem = new org.bouncycastle.util.io.pem.PemWriter(out)) {
            for (X509Certificate cert : certs) {
                pem.writeObject(new PemObject("CERTIFICATE", cert.getEncoded()));
            }
        } catch (IOException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
        return out.toString();
    }

    /** Unencrypted PKCS#8 "PRIVATE KEY". */
    public static String privateKey(PrivateKey key) {
        return pem(generator(key, null));
    }

    /** PKCS#8 "ENCRYPTED PRIVATE KEY": PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC. */
    public static String encryptedPrivateKey(PrivateKey key, char[] password) {
        return encryptedPrivateKey(key, password, new SecureRandom());
    }

    public static String encryptedPrivateKey(PrivateKey key, char[] password, SecureRandom random) {
        if (password == null || password.length == 0) {
            throw new ConfigException(TlsError.CONFIG_INVALID, "an encrypted private key needs a non-empty password: pass --key-password-file");
        }
        try {
            OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(BouncyCastle.PROVIDER)
                    .setPRF(PKCS8Generator.PRF_HMACSHA256)
                    .setIterationCount(PBKDF2_ITERATIONS)
                    .setRandom(random)
                    .setPassword(password)
                    .build();
            return pem(generator(key, encryptor));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot set up PBES2/AES-256-CBC encryption", e);
        }
    }

    public static void writeCertificate(Path file, X509Certificate cert) {
        writeCertificates(file, List.of(cert));
    }

    public static void writeCertificates(Path file, List<X509Certificate> certs) {
        try {
            Files.write(file, certificates(certs).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw cannotWrite(file, "certificate", e);
        }
    }

    /** Writes the key (encrypted when a password is given) to a new 0600 file, replacing any old one. */
    public static void writePrivateKey(Path file, PrivateKey key, char[] passwordOrNull) {
        String pem = passwordOrNull == null ? privateKey(key) : encryptedPrivateKey(key, passwordOrNull);
        byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
        try {
            writeOwnerOnly(file, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void writeOwnerOnly(Path file, byte[] bytes) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            String prefix = "." + target.getFileName() + ".";
            // created 0600: the key never exists on disk with wider permissions, not even briefly
            tmp = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)
                    ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                    : Files.createTempFile(dir, prefix, ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | UnsupportedOperationException e) {
            throw cannotWrite(file, "private key", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is 0600 anyway
                }
            }
        }
    }

    private static PemObjectGenerator generator(PrivateKey key, OutputEncryptor encryptorOrNull) {
        try {
            return new PKCS8Generator(Pkcs8Keys.withPublicKey(key), encryptorOrNull);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot encode the " + KeyDescriptions.describeKey(key) + " private key as PKCS#8", e);
        }
    }

    private static String pem(PemObjectGenerator generator) {
        StringWriter out = new StringWriter();
        try (org.bouncycastle.util.io.pem.PemWriter pem = new org.bouncycastle.util.io.pem.PemWriter(out)) {
            pem.writeObject(generator);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write PEM", e);
        }
        return out.toString();
    }

    private static ConfigException cannotWrite(Path file, String what, Exception e) {
        return new ConfigException(TlsError.IO_ERROR, file + ": cannot write the " + what + " (" + e.getClass().getSimpleName()
                + "): check that the directory exists and is writable", e);
    }
}
