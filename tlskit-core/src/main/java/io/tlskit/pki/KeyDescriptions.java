package io.tlskit.pki;

import java.math.BigInteger;
import java.security.Key;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECParameterSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/**
 * Human descriptions of keys for messages ("RSA 2048", "EC P-256", "Ed25519") and the type and size
 * facts verification policies need. Reads only public parameters, never private material.
 */
public final class KeyDescriptions {
    /** Curve names by (field size, order); looking a curve up in BouncyCastle's tables is slow. */
    private static final Map<BigInteger, String> CURVE_NAMES = new ConcurrentHashMap<>();

    private KeyDescriptions() {
    }

    /** "RSA 2048", "EC P-256", "Ed25519", "DSA 2048", or the JCA algorithm name. */
    public static String describeKey(Key key) {
        String type = type(key);
        switch (type) {
            case "RSA":
            case "RSASSA-PSS":
            case "DSA":
                return type + " " + bits(key);
            case "EC":
                return "EC " + curveName(((ECKey) key).getParams());
            default:
                return type;
        }
    }

    /** "RSA", "EC", "Ed25519", "Ed448", "DSA", "RSASSA-PSS", or the key's algorithm name. */
    public static String type(Key key) {
        if (key instanceof RSAKey) {
            return "RSASSA-PSS".equalsIgnoreCase(key.getAlgorithm()) ? "RSASSA-PSS" : "RSA";
        }
        if (key instanceof ECKey) {
            return "EC";
        }
        if (key instanceof DSAKey) {
            return "DSA";
        }
        if (key instanceof EdECKey) {
            return ((EdECKey) key).getParams().getName();
        }
        String alg = key.getAlgorithm();
        if ("Ed25519".equalsIgnoreCase(alg) || "Ed448".equalsIgnoreCase(alg)) {
            return alg.equalsIgnoreCase("Ed25519") ? "Ed25519" : "Ed448";
        }
        ASN1ObjectIdentifier oid = encodedAlgorithm(key);
        if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            return "Ed25519";
        }
        if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
            return "Ed448";
        }
        return alg;
    }

    /** RSA/DSA modulus bits, EC group order bits, 256/456 for Ed25519/Ed448, else -1. */
    public static int bits(Key key) {
        if (key instanceof RSAKey) {
            return ((RSAKey) key).getModulus().bitLength();
        }
        if (key instanceof ECKey) {
            return ((ECKey) key).getParams().getOrder().bitLength();
        }
        if (key instanceof DSAKey && ((DSAKey) key).getParams() != null) {
            return ((DSAKey) key).getParams().getP().bitLength();
        }
        String type = type(key);
        if ("Ed25519".equals(type)) {
            return 256;
        }
        return "Ed448".equals(type) ? 456 : -1;
    }

    /** "P-256" for the NIST curves, BouncyCastle's name for others, else "explicit 256-bit curve". */
    static String curveName(ECParameterSpec spec) {
        BigInteger id = spec.getOrder().shiftLeft(16).or(BigInteger.valueOf(spec.getCurve().getField().getFieldSize()));
        return CURVE_NAMES.computeIfAbsent(id, unused -> lookUpCurve(spec));
    }

    private static String lookUpCurve(ECParameterSpec spec) {
        try {
            ASN1ObjectIdentifier oid = ECUtil.getNamedCurveOid(EC5Util.convertSpec(spec));
            if (oid != null) {
                String nist = NISTNamedCurves.getName(oid);
                return nist != null ? nist : ECUtil.getCurveName(oid);
            }
        } catch (RuntimeException ignored) {
            // fall through to the generic description
        }
        return "explicit " + spec.getOrder().bitLength() + "-bit curve";
    }

    private static ASN1ObjectIdentifier encodedAlgorithm(Key key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            return null;
        }
        try {
            if ("X.509".equals(key.getFormat())) {
                return SubjectPublicKeyInfo.getInstance(encoded).getAlgorithm().getAlgorithm();
            }
            if ("PKCS#8".equals(key.getFormat())) {
                return PrivateKeyInfo.getInstance(encoded).getPrivateKeyAlgorithm().getAlgorithm();
            }
        } catch (RuntimeException ignored) {
            // unknown encoding: no OID (the array is not wiped: some providers may hand out their own)
        }
        return null;
    }
}
