package io.tlskit.pki;

import io.tlskit.ConfigException;
import io.tlskit.TimeSource;
import io.tlskit.TlsError;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes CAs and certificates in code (for `tlskit cert ca/issue` and for test fixtures) instead of
 * driving openssl with config files. Time and randomness are injected so fixtures are reproducible
 * in their dates and tests can pin the clock.
 */
public final class CertificateIssuer {
    /** Key types a certificate can be generated with. */
    public enum KeyType {
        EC_P256, EC_P384, RSA_2048, RSA_3072, RSA_4096,
        /** Too weak for real use: exists so tests can check that verification rejects it. */
        RSA_1024;

        public KeyPair generate(SecureRandom random) {
            try {
                KeyPairGenerator generator;
                switch (this) {
                    case EC_P256:
                    case EC_P384:
                        generator = KeyPairGenerator.getInstance("EC");
                        generator.initialize(new ECGenParameterSpec(this == EC_P256 ? "secp256r1" : "secp384r1"), random);
                        break;
                    default:
                        generator = KeyPairGenerator.getInstance("RSA");
                        generator.initialize(Integer.parseInt(name().substring(4)), random);
                }
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK cannot generate " + this + " keys", e);
            }
        }
    }

    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final int SERIAL_BYTES = 16;

    private final TimeSource time;
    private final SecureRandom random;

    public CertificateIssuer(TimeSource time, SecureRandom random) {
        this.time = Objects.requireNonNull(time, "time");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A self-signed CA (CA:true, keyCertSign, cRLSign) whatever spec.isCa() says. */
    public IssuedCertificate selfSignedCa(CertificateSpec spec) {
        return selfSigned(spec.isCa() ? spec : spec.toBuilder().ca(true).build());
    }

    /** A self-signed certificate, CA or leaf as the spec says. */
    public IssuedCertificate selfSigned(CertificateSpec spec) {
        KeyPair keys = keysFor(spec);
        X509Certificate cert = build(spec, keys.getPublic(), spec.subject(), keys.getPrivate(), null);
        return new IssuedCertificate(cert, keys, List.of());
    }

    public IssuedCertificate issue(IssuedCertificate ca, CertificateSpec spec) {
        return issue(ca.certificate(), ca.privateKey(), ca.chain(), spec);
    }

    /** Issues from CA credentials loaded from files (`tlskit cert issue --ca-cert --ca-key`). */
    public IssuedCertificate issue(Credentials ca, CertificateSpec spec) {
        return issue(ca.leaf(), ca.privateKey(), ca.chain(), spec);
    }

    private IssuedCertificate issue(X509Certificate caCert, PrivateKey caKey, List<X509Certificate> caChain, CertificateSpec spec) {
        if (caCert.getBasicConstraints() < 0) {
            throw new ConfigException(TlsError.CONFIG_INVALID, CertText.subject(caCert)
                    + " is not a CA certificate (no basicConstraints CA:true): issue from a CA made with 'tlskit cert ca'");
        }
        KeyPair keys = keysFor(spec);
        X500Name issuer = X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded());
        X509Certificate cert = build(spec, keys.getPublic(), issuer, caKey, caCert);
        return new IssuedCertificate(cert, keys, caChain);
    }

    private KeyPair keysFor(CertificateSpec spec) {
        return spec.keyPair() != null ? spec.keyPair() : spec.keyType().generate(random);
    }

    private X509Certificate build(CertificateSpec spec, PublicKey subjectKey, X500Name issuer, PrivateKey signingKey,
            X509Certificate issuerCertOrNull) {
        Instant now = time.now();
        Instant notBefore = spec.notBefore() != null ? spec.notBefore() : now.minus(BACKDATE);
        Instant base = spec.notBefore() != null && spec.notBefore().isAfter(now) ? spec.notBefore() : now;
        Instant notAfter = spec.notAfter() != null ? spec.notAfter() : base.plus(Duration.ofDays(spec.validityDays()));
        if (!notAfter.isAfter(notBefore)) {
            throw new ConfigException(TlsError.CONFIG_INVALID, "notAfter " + CertText.instant(notAfter)
                    + " is not after notBefore " + CertText.instant(notBefore) + ": correct the dates");
        }
        try {
            JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(notBefore), Date.from(notAfter), spec.subject(), subjectKey);
            builder.addExtension(Extension.subjectKeyIdentifier, false, ids.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(ids, issuerCertOrNull, subjectKey));
            boolean rsa = subjectKey instanceof RSAKey;
            if (spec.isCa()) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0)));
                builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(spec.usage()));
            }
            if (!spec.generalNames().isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(spec.generalNames().toArray(new GeneralName[0])));
            }
            String algorithm = spec.signatureAlgorithm() != null ? spec.signatureAlgorithm() : defaultSignatureAlgorithm(signingKey);
            X509CertificateHolder holder = builder.build(signer(algorithm, signingKey));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not build the certificate for " + spec.subject(), e);
        }
    }

    private static AuthorityKeyIdentifier authorityKeyId(JcaX509ExtensionUtils ids, X509Certificate issuerCertOrNull,
            PublicKey selfKey) {
        if (issuerCertOrNull == null) {
            return ids.createAuthorityKeyIdentifier(selfKey);
        }
        byte[] ski = issuerCertOrNull.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ski != null) {
            try {
                // reuse the issuer's own identifier so AKI/SKI chain even if it was computed differently
                return new AuthorityKeyIdentifier(SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ski)).getKeyIdentifier());
            } catch (IOException | IllegalArgumentException ignored) {
                // fall back to computing it from the key
            }
        }
        return ids.createAuthorityKeyIdentifier(issuerCertOrNull.getPublicKey());
    }

    private static ExtendedKeyUsage extendedKeyUsage(CertificateSpec.Usage usage) {
        List<KeyPurposeId> purposes = new ArrayList<>();
        if (usage != CertificateSpec.Usage.CLIENT) {
            purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (usage != CertificateSpec.Usage.SERVER) {
            purposes.add(KeyPurposeId.id_kp_clientAuth);
        }
        return new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0]));
    }

    /** SHA-256 for P-256 and RSA, SHA-384 for P-384, SHA-512 for P-521, pure EdDSA for Ed25519/Ed448. */
    static String defaultSignatureAlgorithm(PrivateKey signingKey) {
        String type = KeyDescriptions.type(signingKey);
        switch (type) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                int bits = KeyDescriptions.bits(signingKey);
                return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
            case "Ed25519":
            case "Ed448":
                return type;
            default:
                throw new ConfigException(TlsError.UNSUPPORTED_KEY, "cannot sign certificates with a "
                        + KeyDescriptions.describeKey(signingKey) + " key: use an EC or RSA CA key");
        }
    }

    private ContentSigner signer(String algorithm, PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(algorithm).setSecureRandom(random).build(key);
        } catch (OperatorCreationException | IllegalArgumentException jdkRefused) {
            try {
                return new JcaContentSignerBuilder(algorithm).setProvider(BouncyCastle.PROVIDER).setSecureRandom(random).build(key);
            } catch (OperatorCreationException | IllegalArgumentException e) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "cannot sign with '" + algorithm + "' using a "
                        + KeyDescriptions.describeKey(key) + " key (" + e.getMessage()
                        + "): use e.g. SHA256withECDSA for EC keys or SHA256withRSA for RSA keys", e);
            }
        }
    }

    /** 16 random bytes, positive and non-zero (RFC 5280 §4.1.2.2). */
    private BigInteger serial() {
        byte[] bytes = new byte[SERIAL_BYTES];
        BigInteger serial;
        do {
            random.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }
}
