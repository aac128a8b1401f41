package io.tlskit.pki;

import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1BitString;

/**
 * Recognises what a DER blob is from its outer ASN.1 shape, so the loaders can take the right
 * path and say "this is a certificate, not a key" instead of "parse error".
 */
enum DerShape {
    CERTIFICATE("a CERTIFICATE"),
    PKCS8("a PRIVATE KEY (PKCS#8)"),
    ENCRYPTED_PKCS8("an ENCRYPTED PRIVATE KEY (PKCS#8)"),
    RSA_PKCS1("an RSA PRIVATE KEY (PKCS#1)"),
    EC_SEC1("an EC PRIVATE KEY (SEC1)"),
    DSA_TRADITIONAL("a DSA PRIVATE KEY"),
    PKCS12("a PKCS#12 bundle"),
    UNKNOWN("DER of an unknown kind"),
    NOT_DER("neither PEM nor DER");

    private final String description;

    DerShape(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    static DerShape of(byte[] data) {
        ASN1Sequence seq = sequence(data);
        if (seq == null) {
            return NOT_DER;
        }
        int n = seq.size();
        if (n < 2) {
            return UNKNOWN;
        }
        ASN1Encodable e0 = seq.getObjectAt(0);
        ASN1Encodable e1 = seq.getObjectAt(1);
        if (n == 3 && e0 instanceof ASN1Sequence && isAlgorithmId(e1) && seq.getObjectAt(2) instanceof ASN1BitString) {
            return CERTIFICATE;
        }
        if (n == 2 && isAlgorithmId(e0) && e1 instanceof ASN1OctetString) {
            return ENCRYPTED_PKCS8;
        }
        if (!(e0 instanceof ASN1Integer)) {
            return UNKNOWN;
        }
        BigInteger version = ((ASN1Integer) e0).getValue();
        if (n >= 3 && version.intValue() <= 1 && version.bitLength() <= 1 && isAlgorithmId(e1)
                && seq.getObjectAt(2) instanceof ASN1OctetString) {
            return PKCS8;
        }
        if (version.equals(BigInteger.ZERO) && n >= 9 && allIntegers(seq)) {
            return RSA_PKCS1;
        }
        if (version.equals(BigInteger.ZERO) && n == 6 && allIntegers(seq)) {
            return DSA_TRADITIONAL;
        }
        if (version.equals(BigInteger.ONE) && e1 instanceof ASN1OctetString) {
            return EC_SEC1;
        }
        if (version.equals(BigInteger.valueOf(3)) && e1 instanceof ASN1Sequence) {
            return PKCS12;
        }
        return UNKNOWN;
    }

    /** The whole input as one DER SEQUENCE, or null (trailing bytes count as not DER). */
    static ASN1Sequence sequence(byte[] data) {
        if (data.length < 2 || data[0] != 0x30) {
            return null;
        }
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(data);
            return p instanceof ASN1Sequence ? (ASN1Sequence) p : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean isAlgorithmId(ASN1Encodable e) {
        return e instanceof ASN1Sequence && ((ASN1Sequence) e).size() >= 1
                && ((ASN1Sequence) e).getObjectAt(0) instanceof ASN1ObjectIdentifier;
    }

    private static boolean allIntegers(ASN1Sequence seq) {
        for (ASN1Encodable e : seq) {
            if (!(e instanceof ASN1Integer)) {
                return false;
            }
        }
        return true;
    }
}
