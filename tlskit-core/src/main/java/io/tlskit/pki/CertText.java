package io.tlskit.pki;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.security.auth.x500.X500Principal;

/** How certificates and instants appear in messages: RFC 2253 names, ISO-8601 UTC seconds. */
final class CertText {
    private CertText() {
    }

    static String subject(X509Certificate cert) {
        String name = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
        return name.isEmpty() ? "(empty subject, serial " + cert.getSerialNumber().toString(16) + ")" : name;
    }

    static String issuer(X509Certificate cert) {
        String name = cert.getIssuerX500Principal().getName(X500Principal.RFC2253);
        return name.isEmpty() ? "(empty issuer)" : name;
    }

    static String instant(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static boolean selfIssued(X509Certificate cert) {
        return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
    }
}
