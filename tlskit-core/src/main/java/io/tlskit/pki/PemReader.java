package io.tlskit.pki;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import javax.crypto.BadPaddingException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

/**
 * The one place where certificates and private keys are parsed: PEM (any number of blocks) or DER,
 * PKCS#8 (plain or encrypted with PBES2, scrypt or PBE-SHA1-3DES), PKCS#1, SEC1, legacy
 * {@code Proc-Type: 4,ENCRYPTED} keys and PKCS#12. Keys come back as JDK keys where the JDK can hold
 * them. Every failure is a {@link ConfigException} that names the source, the problem and the fix.
 */
public final class PemReader {
    private static final String CERT_FLAG = "--cert";
    private static final String KEY_FLAG = "--key";

    private PemReader() {
    }

    // ---------------------------------------------------------------- certificates

    public static List<X509Certificate> certificates(Path file) {
        return certificates(read(file), fileName(file));
    }

    /** One or more certificates from PEM (other block types are ignored) or one DER certificate. */
    public static List<X509Certificate> certificates(byte[] data, String sourceName) {
        requireContent(data, sourceName, "a certificate");
        if (PemBlocks.looksLikePem(data)) {
            return pemCertificates(data, sourceName);
        }
        DerShape shape = DerShape.of(data);
        if (shape == DerShape.CERTIFICATE) {
            return List.of(toX509(data, sourceName, "the DER certificate"));
        }
        throw notWhatWasExpected(sourceName, shape, "CERTIFICATE", "a PEM ('-----BEGIN CERTIFICATE-----') or DER X.509 certificate");
    }

    private static List<X509Certificate> pemCertificates(byte[] data, String sourceName) {
        List<X509Certificate> certs = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (PemBlocks.Block block : PemBlocks.split(data, sourceName)) {
            Object obj = decode(block, sourceName);
            if (obj instanceof X509TrustedCertificateBlock) {
                obj = ((X509TrustedCertificateBlock) obj).getCertificateHolder();
            }
            if (obj instanceof X509CertificateHolder) {
                certs.add(toX509(encoded((X509CertificateHolder) obj), sourceName, "the CERTIFICATE block on line " + block.line()));
            } else {
                others.add(block.type());
            }
        }
        if (certs.isEmpty()) {
            String found = others.isEmpty() ? "no PEM block" : "found " + article(others.get(0));
            String fix = others.stream().anyMatch(t -> t.endsWith("PRIVATE KEY"))
                    ? "did you swap " + CERT_FLAG + " and " + KEY_FLAG + "?"
                    : "pass the certificate file (-----BEGIN CERTIFICATE-----)";
            throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": " + found + ", expected CERTIFICATE: " + fix);
        }
        return Collections.unmodifiableList(certs);
    }

    private static X509Certificate toX509(byte[] der, String sourceName, String what) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException jdkRefused) {
            try {
                // BouncyCastle is more lenient (e.g. curves the JDK no longer supports)
                X509Certificate lenient = (X509Certificate) CertificateFactory.getInstance("X.509", BouncyCastle.PROVIDER)
                        .generateCertificate(new ByteArrayInputStream(der));
                // it parses the public key only when asked, and throws IllegalStateException then: ask now (found by fuzzing)
                lenient.getPublicKey();
                return lenient;
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": " + what
                        + " is not a valid X.509 certificate (" + jdkRefused.getMessage() + "): re-export or reissue it", e);
            }
        }
    }

    // ---------------------------------------------------------------- private keys

    public static PrivateKey privateKey(Path file, char[] passwordOrNull) {
        return privateKey(read(file), passwordOrNull, fileName(file));
    }

    /**
     * A private key from PEM or DER in any of the common encodings. RSA keys come back as
     * {@link RSAPrivateCrtKey}, EC keys as {@link ECPrivateKey}; Ed25519 and Ed448 are accepted.
     */
    public static PrivateKey privateKey(byte[] data, char[] passwordOrNull, String sourceName) {
        requireContent(data, sourceName, "a private key");
        Object keyObject = PemBlocks.looksLikePem(data) ? pemKeyObject(data, sourceName) : derKeyObject(data, sourceName);
        return toPrivateKey(keyObject, passwordOrNull, sourceName);
    }

    private static Object pemKeyObject(byte[] data, String sourceName) {
        Object key = null;
        int keyLine = 0;
        List<String> others = new ArrayList<>();
        for (PemBlocks.Block block : PemBlocks.split(data, sourceName)) {
            if (PEMParser.TYPE_EC_PARAMETERS.equals(block.type())) {
                continue; // "openssl ecparam -genkey" writes the curve separately; SEC1 repeats it
            }
            Object obj = decode(block, sourceName);
            if (obj instanceof PrivateKeyInfo || obj instanceof PKCS8EncryptedPrivateKeyInfo
                    || obj instanceof PEMKeyPair || obj instanceof PEMEncryptedKeyPair) {
                if (key != null) {
                    throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": holds two private keys (lines "
                            + keyLine + " and " + block.line() + "): keep only the key of the certificate");
                }
                key = obj;
                keyLine = block.line();
            } else {
                others.add(block.type());
            }
        }
        if (key != null) {
            return key;
        }
        String found = others.isEmpty() ? "no PEM block" : "found " + article(others.get(0));
        if (others.contains("OPENSSH PRIVATE KEY")) {
            throw new ConfigException(TlsError.UNSUPPORTED_KEY, sourceName + ": " + found
                    + ", which tlskit cannot read: convert it with 'ssh-keygen -p -m PKCS8 -f " + sourceName + "'");
        }
        String fix = others.stream().anyMatch(t -> t.contains("CERTIFICATE"))
                ? "did you swap " + CERT_FLAG + " and " + KEY_FLAG + "?"
                : "pass the private key file (-----BEGIN PRIVATE KEY-----)";
        throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": " + found + ", expected a PRIVATE KEY: " + fix);
    }

    private static Object derKeyObject(byte[] data, String sourceName) {
        DerShape shape = DerShape.of(data);
        try {
            ASN1Sequence seq = DerShape.sequence(data);
            switch (shape) {
                case PKCS8:
                    return PrivateKeyInfo.getInstance(seq);
                case ENCRYPTED_PKCS8:
                    return new PKCS8EncryptedPrivateKeyInfo(EncryptedPrivateKeyInfo.getInstance(seq));
                case RSA_PKCS1:
                    return new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                            RSAPrivateKey.getInstance(seq));
                case EC_SEC1:
                    org.bouncycastle.asn1.sec.ECPrivateKey ec = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(seq);
                    org.bouncycastle.asn1.ASN1Object curve = ec.getParametersObject();
                    if (curve == null) {
                        throw new ConfigException(TlsError.UNSUPPORTED_KEY, sourceName
                                + ": the EC private key does not name its curve: convert it with 'openssl pkcs8 -topk8 -nocrypt'");
                    }
                    return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec);
                case DSA_TRADITIONAL:
                    throw unsupported(sourceName, "DSA");
                default:
                    throw notWhatWasExpected(sourceName, shape, "PRIVATE KEY", "a PEM or DER private key (PKCS#8, PKCS#1 or SEC1)");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": the DER private key does not decode ("
                    + e.getMessage() + "): re-export it with 'openssl pkcs8 -topk8'", e);
        }
    }

    private static PrivateKey toPrivateKey(Object obj, char[] password, String sourceName) {
        if (obj instanceof PrivateKeyInfo) {
            return jdkKey((PrivateKeyInfo) obj, sourceName, null);
        }
        if (obj instanceof PEMKeyPair) {
            return jdkKey(((PEMKeyPair) obj).getPrivateKeyInfo(), sourceName, null);
        }
        if (obj instanceof PKCS8EncryptedPrivateKeyInfo) {
            PKCS8EncryptedPrivateKeyInfo encrypted = (PKCS8EncryptedPrivateKeyInfo) obj;
            String scheme = PbeNames.describe(encrypted.getEncryptionAlgorithm());
            requirePassword(password, sourceName);
            PrivateKeyInfo info;
            try {
                // the PKCS#12-style builder handles PBES2, scrypt and the old PBE-SHA1 schemes alike
                info = encrypted.decryptPrivateKeyInfo(new JcePKCSPBEInputDecryptorProviderBuilder()
                        .setProvider(BouncyCastle.PROVIDER).build(password));
            } catch (Exception e) {
                throw wrongPassword(sourceName, scheme, e);
            }
            return jdkKey(info, sourceName, scheme);
        }
        if (obj instanceof PEMEncryptedKeyPair) {
            PEMEncryptedKeyPair encrypted = (PEMEncryptedKeyPair) obj;
            String scheme = "legacy PEM " + encrypted.getDekAlgName();
            requirePassword(password, sourceName);
            PrivateKeyInfo info;
            try {
                info = encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                        .setProvider(BouncyCastle.PROVIDER).build(password)).getPrivateKeyInfo();
            } catch (Exception e) {
                throw wrongPassword(sourceName, scheme, e);
            }
            return jdkKey(info, sourceName, scheme);
        }
        throw new IllegalStateException("not a key object: " + obj.getClass());
    }

    /** Converts to a JDK key; encryptionOrNull says a bad result means a wrong password. */
    private static PrivateKey jdkKey(PrivateKeyInfo info, String sourceName, String encryptionOrNull) {
        ASN1ObjectIdentifier oid;
        try {
            oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        } catch (RuntimeException e) {
            throw damaged(sourceName, encryptionOrNull, e);
        }
        String algorithm = jcaAlgorithm(oid);
        if (algorithm == null) {
            throw unsupported(sourceName, keyTypeName(oid));
        }
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | IOException | RuntimeException jdkRefused) {
            try {
                // e.g. explicit or Brainpool curves, which JDK 17 no longer handles
                key = new JcaPEMKeyConverter().setProvider(BouncyCastle.PROVIDER).getPrivateKey(info);
            } catch (IOException | RuntimeException e) {
                throw damaged(sourceName, encryptionOrNull, e);
            }
        }
        if (!consistent(key)) {
            throw damaged(sourceName, encryptionOrNull, null);
        }
        return key;
    }

    /** Catches keys that decoded but cannot be real: the sign of a wrong password or a damaged file. */
    private static boolean consistent(PrivateKey key) {
        if (key instanceof RSAPrivateCrtKey) {
            RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
            BigInteger p = rsa.getPrimeP();
            BigInteger q = rsa.getPrimeQ();
            return p == null || q == null || p.signum() == 0 || p.multiply(q).equals(rsa.getModulus());
        }
        if (key instanceof ECPrivateKey) {
            BigInteger d = ((ECPrivateKey) key).getS();
            return d.signum() > 0 && d.compareTo(((ECPrivateKey) key).getParams().getOrder()) < 0;
        }
        return true;
    }

    private static String jcaAlgorithm(ASN1ObjectIdentifier oid) {
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return "RSA";
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            return "EC";
        }
        if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            return "Ed25519";
        }
        if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
            return "Ed448";
        }
        return null;
    }

    private static String keyTypeName(ASN1ObjectIdentifier oid) {
        if (X9ObjectIdentifiers.id_dsa.equals(oid)) {
            return "DSA";
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            return "RSASSA-PSS";
        }
        if (EdECObjectIdentifiers.id_X25519.equals(oid) || EdECObjectIdentifiers.id_X448.equals(oid)) {
            return EdECObjectIdentifiers.id_X25519.equals(oid) ? "X25519" : "X448";
        }
        return "OID " + oid.getId();
    }

    // ---------------------------------------------------------------- PKCS#12

    public static Credentials pkcs12(Path file, char[] password) {
        return pkcs12(read(file), password, fileName(file));
    }

    /** The first key entry of a PKCS#12 file and its chain; a null password means "none set". */
    public static Credentials pkcs12(byte[] data, char[] password, String sourceName) {
        requireContent(data, sourceName, "a PKCS#12 file");
        if (!looksLikePkcs12(data)) {
            String found = PemBlocks.looksLikePem(data) ? "PEM text" : DerShape.of(data).description();
            throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": not a PKCS#12 file (found " + found
                    + "): pass a .p12/.pfx file, or use " + CERT_FLAG + " and " + KEY_FLAG + " for PEM files");
        }
        char[] pass = password == null ? new char[0] : password;
        KeyStore store = loadPkcs12(data, pass, password == null, sourceName);
        try {
            for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements();) {
                String alias = aliases.nextElement();
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                java.security.Key key;
                try {
                    key = store.getKey(alias, pass);
                } catch (UnrecoverableKeyException e) {
                    throw new ConfigException(TlsError.KEY_PASSWORD_WRONG, sourceName
                            + ": the private key inside uses a different password than the file: re-export it with one password", e);
                }
                Certificate[] chain = store.getCertificateChain(alias);
                if (!(key instanceof PrivateKey) || chain == null || chain.length == 0) {
                    continue;
                }
                PrivateKey privateKey = jdkKey(PrivateKeyInfo.getInstance(key.getEncoded()), sourceName, null);
                List<X509Certificate> certs = new ArrayList<>();
                for (Certificate c : chain) {
                    certs.add((X509Certificate) c);
                }
                return Credentials.of(certs, privateKey, sourceName);
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": the PKCS#12 entries do not decode ("
                    + e.getMessage() + "): re-export it with 'openssl pkcs12 -export'", e);
        }
        throw new ConfigException(TlsError.MALFORMED_PEM, sourceName
                + ": the PKCS#12 file holds no private key with a certificate: export it with 'openssl pkcs12 -export -inkey key.pem -in cert.pem'");
    }

    private static KeyStore loadPkcs12(byte[] data, char[] pass, boolean noPasswordGiven, String sourceName) {
        IOException firstFailure = null;
        // the JDK first (JDK keys, modern PBES2 files); BouncyCastle for old algorithms the JDK refuses
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                KeyStore store = attempt == 0 ? KeyStore.getInstance("PKCS12") : KeyStore.getInstance("PKCS12", BouncyCastle.PROVIDER);
                store.load(new ByteArrayInputStream(data), pass);
                return store;
            } catch (IOException e) {
                if (isPasswordFailure(e)) {
                    if (noPasswordGiven) {
                        throw new ConfigException(TlsError.KEY_PASSWORD_REQUIRED, sourceName
                                + ": the PKCS#12 file is protected by a password: pass --key-password-file", e);
                    }
                    throw new ConfigException(TlsError.KEY_PASSWORD_WRONG, sourceName
                            + ": wrong password for the PKCS#12 file: check --key-password-file", e);
                }
                if (firstFailure == null) {
                    firstFailure = e;
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                if (firstFailure == null) {
                    firstFailure = new IOException(e.getMessage(), e);
                }
            }
        }
        throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": the PKCS#12 file does not decode ("
                + firstFailure.getMessage() + "): re-export it with 'openssl pkcs12 -export'", firstFailure);
    }

    private static boolean isPasswordFailure(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnrecoverableKeyException || t instanceof BadPaddingException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("password")) {
                return true;
            }
        }
        return false;
    }

    /** A DER SEQUENCE { INTEGER 3, ContentInfo, ... }: the PFX outer shape. */
    public static boolean looksLikePkcs12(byte[] data) {
        return data != null && !PemBlocks.looksLikePem(data) && DerShape.of(data) == DerShape.PKCS12;
    }

    // ---------------------------------------------------------------- shared

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            String why = Files.exists(file) ? "cannot be read (" + e.getClass().getSimpleName() + ")" : "does not exist";
            throw new ConfigException(TlsError.FILE_UNREADABLE, file + ": the file " + why
                    + ": check the path and that this user may read it", e);
        }
    }

    static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    private static Object decode(PemBlocks.Block block, String sourceName) {
        try (PEMParser parser = new PEMParser(new StringReader(block.text()))) {
            if (!parser.getSupportedTypes().contains(block.type())) {
                return block.type();
            }
            Object obj = parser.readObject();
            if (obj == null) {
                throw new IOException("empty block");
            }
            return obj;
        } catch (IOException | RuntimeException e) {
            throw PemBlocks.malformed(sourceName, "the " + block.type() + " block on line " + block.line()
                    + " does not decode (its base64 text is damaged or holds something else)", "re-export or re-copy the file");
        }
    }

    private static byte[] encoded(X509CertificateHolder holder) {
        try {
            return holder.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireContent(byte[] data, String sourceName, String expected) {
        if (data == null) {
            throw new NullPointerException("data");
        }
        for (byte b : data) {
            if (!Character.isWhitespace(b)) {
                return;
            }
        }
        throw new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": the file is empty: expected " + expected + " in PEM or DER");
    }

    private static void requirePassword(char[] password, String sourceName) {
        if (password == null) {
            throw new ConfigException(TlsError.KEY_PASSWORD_REQUIRED, sourceName
                    + ": the private key is encrypted and needs a password: pass --key-password-file");
        }
    }

    private static ConfigException wrongPassword(String sourceName, String scheme, Exception cause) {
        // the cause names only the failed padding/decoding step, never the password
        return new ConfigException(TlsError.KEY_PASSWORD_WRONG, sourceName + ": wrong password for the encrypted private key ("
                + scheme + "): check --key-password-file", cause);
    }

    private static ConfigException damaged(String sourceName, String encryptionOrNull, Exception cause) {
        if (encryptionOrNull != null) {
            return wrongPassword(sourceName, encryptionOrNull, cause);
        }
        return new ConfigException(TlsError.MALFORMED_PEM, sourceName
                + ": the private key is damaged (its contents do not form a valid key): re-export it", cause);
    }

    private static ConfigException unsupported(String sourceName, String type) {
        return new ConfigException(TlsError.UNSUPPORTED_KEY, sourceName + ": " + type
                + " private keys are not supported: use an EC (P-256, P-384), RSA (2048 bits or more) or Ed25519 key");
    }

    private static ConfigException notWhatWasExpected(String sourceName, DerShape shape, String expected, String fix) {
        String hint;
        if (shape == DerShape.PKCS12) {
            hint = "load a PKCS#12 file with --pkcs12";
        } else if ("CERTIFICATE".equals(expected) && shape != DerShape.NOT_DER && shape != DerShape.UNKNOWN
                || "PRIVATE KEY".equals(expected) && shape == DerShape.CERTIFICATE) {
            hint = "did you swap " + CERT_FLAG + " and " + KEY_FLAG + "?";
        } else {
            hint = "pass " + fix;
        }
        String found = shape == DerShape.NOT_DER
                ? "no '-----BEGIN " + expected + "-----' line and not DER either"
                : "found " + shape.description();
        return new ConfigException(TlsError.MALFORMED_PEM, sourceName + ": " + found + ", expected " + expected + ": " + hint);
    }

    private static String article(String type) {
        return ("AEIOU".indexOf(type.isEmpty() ? 'X' : type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }
}
