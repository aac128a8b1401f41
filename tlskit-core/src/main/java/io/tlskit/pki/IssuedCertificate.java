package io.tlskit.pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** A certificate just made by {@link CertificateIssuer}, with its key pair and its issuer's chain. */
public final class IssuedCertificate {
    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private final List<X509Certificate> chain;

    IssuedCertificate(X509Certificate certificate, KeyPair keyPair, List<X509Certificate> issuerChain) {
        this.certificate = certificate;
        this.keyPair = keyPair;
        List<X509Certificate> all = new ArrayList<>();
        all.add(certificate);
        all.addAll(issuerChain);
        this.chain = List.copyOf(all);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /** This certificate followed by its issuer's chain (a self-signed one alone). */
    public List<X509Certificate> chain() {
        return chain;
    }

    public Credentials credentials() {
        return Credentials.of(chain, keyPair.getPrivate());
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + CertText.subject(certificate) + ", issuer " + CertText.issuer(certificate) + "]";
    }
}
