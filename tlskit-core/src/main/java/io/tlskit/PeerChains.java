package io.tlskit;

import io.tlskit.pki.VerifyFlag;
import io.tlskit.pki.VerifyResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsFatalAlert;

/** Conversions between BouncyCastle's certificate messages and JDK certificates. */
public final class PeerChains {
    private PeerChains() {
    }

    /** The JDK certificates of a BouncyCastle Certificate message (empty for null); an unparsable one is a bad_certificate alert. */
    public static List<X509Certificate> toX509(Certificate certificate) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        if (certificate == null) {
            return chain;
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < certificate.getLength(); i++) {
                byte[] der = certificate.getCertificateAt(i).getEncoded();
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "peer certificate cannot be parsed: " + e.getMessage(), e);
        }
        return chain;
    }

    /** The alert a failed verification sends, following OpenSSL's choices so peers log the familiar one. */
    static short alertFor(VerifyResult result) {
        if (result.flags().contains(VerifyFlag.NOT_TRUSTED)) {
            return AlertDescription.unknown_ca;
        }
        if (result.flags().contains(VerifyFlag.EXPIRED)) {
            return AlertDescription.certificate_expired;
        }
        return AlertDescription.bad_certificate;
    }
}
