package io.tlskit.pki;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/** Names a private key's encryption for messages ("PBES2/AES-256-CBC"); never anything secret. */
final class PbeNames {
    /** id-scrypt (RFC 7914); not a public constant in BouncyCastle (checked up to 1.87). */
    static final ASN1ObjectIdentifier SCRYPT = new ASN1ObjectIdentifier("1.3.6.1.4.1.11591.4.11");

    private PbeNames() {
    }

    static String describe(AlgorithmIdentifier alg) {
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        if (PKCSObjectIdentifiers.id_PBES2.equals(oid)) {
            try {
                PBES2Parameters p = PBES2Parameters.getInstance(alg.getParameters());
                String kdf = SCRYPT.equals(p.getKeyDerivationFunc().getAlgorithm()) ? "scrypt/" : "";
                return "PBES2/" + kdf + cipher(p.getEncryptionScheme().getAlgorithm());
            } catch (RuntimeException e) {
                return "PBES2";
            }
        }
        if (PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC.equals(oid)) {
            return "PBE-SHA1-3DES";
        }
        if (PKCSObjectIdentifiers.pbeWithSHAAnd2_KeyTripleDES_CBC.equals(oid)) {
            return "PBE-SHA1-2DES";
        }
        if (PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC.equals(oid)) {
            return "PBE-SHA1-RC2-40";
        }
        if (PKCSObjectIdentifiers.pbeWithSHAAnd128BitRC2_CBC.equals(oid)) {
            return "PBE-SHA1-RC2-128";
        }
        return oid.getId();
    }

    private static String cipher(ASN1ObjectIdentifier oid) {
        if (NISTObjectIdentifiers.id_aes128_CBC.equals(oid)) {
            return "AES-128-CBC";
        }
        if (NISTObjectIdentifiers.id_aes192_CBC.equals(oid)) {
            return "AES-192-CBC";
        }
        if (NISTObjectIdentifiers.id_aes256_CBC.equals(oid)) {
            return "AES-256-CBC";
        }
        if (PKCSObjectIdentifiers.des_EDE3_CBC.equals(oid)) {
            return "DES-EDE3-CBC";
        }
        return oid.getId();
    }
}
