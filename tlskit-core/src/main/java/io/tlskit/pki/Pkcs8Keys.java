package io.tlskit.pki;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** PKCS#8 structures for writing keys that every peer reads. */
final class Pkcs8Keys {
    private Pkcs8Keys() {
    }

    /**
     * The key's PKCS#8 form; for EC keys the inner SEC1 structure gets its optional public point,
     * which the JDK leaves out and GnuTLS (3.7) requires.
     */
    static PrivateKeyInfo withPublicKey(PrivateKey key) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        if (!(key instanceof ECPrivateKey)) {
            return info;
        }
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        if (inner.getPublicKey() != null) {
            return info;
        }
        ECPrivateKey ec = (ECPrivateKey) key;
        org.bouncycastle.jce.spec.ECParameterSpec spec = EC5Util.convertSpec(ec.getParams());
        ECPoint q = new FixedPointCombMultiplier().multiply(spec.getG(), ec.getS()).normalize();
        org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(
            ec.getParams().getOrder().bitLength(), ec.getS(), new DERBitString(q.getEncoded(false)), null);
        return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), full);
    }
}
