package io.tlskit.pki;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Does a private key belong to a public key? RSA compares modulus and public exponent; EC checks
 * the curve and recomputes Q = d·G with BouncyCastle's EC arithmetic; anything else signs a
 * challenge and verifies it. Catches the classic "wrong key file" before any handshake.
 */
public final class KeyMatch {
    /**
     * Fixed, not random: the check proves possession of the key, which needs no unpredictable
     * message, and a fixed one keeps this free of hidden randomness.
     */
    private static final byte[] CHALLENGE = "tlskit key/certificate match".getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {
    }

    public static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
        if (publicKey instanceof RSAPublicKey && privateKey instanceof RSAPrivateKey) {
            RSAPublicKey pub = (RSAPublicKey) publicKey;
            if (!pub.getModulus().equals(((RSAPrivateKey) privateKey).getModulus())) {
                return false;
            }
            if (privateKey instanceof RSAPrivateCrtKey) {
                return pub.getPublicExponent().equals(((RSAPrivateCrtKey) privateKey).getPublicExponent());
            }
            return signAndVerify(publicKey, privateKey);
        }
        if (publicKey instanceof ECPublicKey && privateKey instanceof ECPrivateKey) {
            return ecMatches((ECPublicKey) publicKey, (ECPrivateKey) privateKey);
        }
        if (!KeyDescriptions.type(publicKey).equals(KeyDescriptions.type(privateKey))) {
            return false;
        }
        return signAndVerify(publicKey, privateKey);
    }

    /** Throws KEY_CERT_MISMATCH naming the certificate and both keys; sourcePrefix may be "". */
    public static void check(X509Certificate certificate, PrivateKey privateKey, String sourcePrefix) {
        PublicKey publicKey = certificate.getPublicKey();
        if (!matches(publicKey, privateKey)) {
            throw new ConfigException(TlsError.KEY_CERT_MISMATCH, sourcePrefix + "private key does not match the certificate "
                    + CertText.subject(certificate) + " (key is " + KeyDescriptions.describeKey(privateKey)
                    + ", certificate holds " + KeyDescriptions.describeKey(publicKey)
                    + "): use the key the certificate was issued for");
        }
    }

    private static boolean ecMatches(ECPublicKey pub, ECPrivateKey priv) {
        try {
            org.bouncycastle.jce.spec.ECParameterSpec pubSpec = EC5Util.convertSpec(pub.getParams());
            org.bouncycastle.jce.spec.ECParameterSpec privSpec = EC5Util.convertSpec(priv.getParams());
            if (!pubSpec.getCurve().equals(privSpec.getCurve()) || !pubSpec.getG().equals(privSpec.getG())
                    || !pubSpec.getN().equals(privSpec.getN())) {
                return false;
            }
            BigInteger d = priv.getS();
            ECPoint computed = privSpec.getG().multiply(d).normalize();
            ECPoint actual = EC5Util.convertPoint(pubSpec.getCurve(), pub.getW()).normalize();
            return computed.equals(actual);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean signAndVerify(PublicKey publicKey, PrivateKey privateKey) {
        String algorithm = signatureAlgorithm(KeyDescriptions.type(publicKey));
        if (algorithm == null) {
            return false;
        }
        try {
            return signAndVerify(algorithm, publicKey, privateKey, false);
        } catch (GeneralSecurityException | RuntimeException jdkRefused) {
            try {
                return signAndVerify(algorithm, publicKey, privateKey, true);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
    }

    private static boolean signAndVerify(String algorithm, PublicKey publicKey, PrivateKey privateKey, boolean bc)
            throws GeneralSecurityException {
        Signature signer = bc ? Signature.getInstance(algorithm, BouncyCastle.PROVIDER) : Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(CHALLENGE);
        byte[] signature = signer.sign();
        Signature verifier = bc ? Signature.getInstance(algorithm, BouncyCastle.PROVIDER) : Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(CHALLENGE);
        return verifier.verify(signature);
    }

    private static String signatureAlgorithm(String type) {
        switch (type) {
            case "Ed25519":
            case "Ed448":
                return type;
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                return "SHA256withECDSA";
            case "DSA":
                return "SHA256withDSA";
            default:
                return null;
        }
    }
}
