package io.tlskit.pki;

import java.net.IDN;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * RFC 6125 name checks of a certificate against the host name or IP address we connected to.
 * Names compare case-insensitively as ASCII (IDNs as A-labels), a trailing dot is ignored, a
 * wildcard may only be the whole left-most label of a name with at least two labels after it, and
 * IP literals match only iPAddress entries, byte for byte.
 */
public final class HostnameMatcher {
    private HostnameMatcher() {
    }

    public static boolean matches(X509Certificate cert, String hostOrIp) {
        if (cert == null || hostOrIp == null || hostOrIp.isEmpty()) {
            return false;
        }
        byte[] ip = IpLiterals.parse(hostOrIp);
        GeneralNames sans = subjectAltNames(cert);
        if (sans == null) {
            // No subjectAltName extension at all: like mbedTLS (and unlike browsers) fall back to
            // the subject CN, which old device certificates still rely on.
            return cnMatches(cert, hostOrIp, ip);
        }
        String host = ip == null ? normalizeHost(hostOrIp) : null;
        for (GeneralName name : sans.getNames()) {
            if (ip != null && name.getTagNo() == GeneralName.iPAddress) {
                if (Arrays.equals(ip, ASN1OctetString.getInstance(name.getName()).getOctets())) {
                    return true;
                }
            } else if (host != null && name.getTagNo() == GeneralName.dNSName) {
                if (dnsMatches(((ASN1String) name.getName()).getString(), host)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The certificate's subjectAltNames as "DNS:name" and "IP:address"; other kinds are skipped. */
    public static List<String> names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        GeneralNames sans = subjectAltNames(cert);
        if (sans == null) {
            return out;
        }
        for (GeneralName name : sans.getNames()) {
            if (name.getTagNo() == GeneralName.dNSName) {
                out.add("DNS:" + ((ASN1String) name.getName()).getString());
            } else if (name.getTagNo() == GeneralName.iPAddress) {
                out.add("IP:" + IpLiterals.format(ASN1OctetString.getInstance(name.getName()).getOctets()));
            }
        }
        return out;
    }

    /** True when the certificate carries a subjectAltName extension (even an empty one). */
    static boolean hasSubjectAltNames(X509Certificate cert) {
        return cert.getExtensionValue(Extension.subjectAlternativeName.getId()) != null;
    }

    /** The most specific (last) CN of the subject, or null. */
    static String commonName(X509Certificate cert) {
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        RDN[] cns = subject.getRDNs(BCStyle.CN);
        if (cns.length == 0) {
            return null;
        }
        return ((ASN1String) cns[cns.length - 1].getFirst().getValue()).getString();
    }

    static boolean dnsMatches(String pattern, String normalizedHost) {
        String p = normalizeHost(pattern);
        if (p == null || normalizedHost == null || p.isEmpty()) {
            return false;
        }
        if (p.indexOf('*') < 0) {
            return p.equals(normalizedHost);
        }
        // the only wildcard form accepted: "*." followed by at least two labels, no other '*'
        if (!p.startsWith("*.") || p.indexOf('*', 1) >= 0) {
            return false;
        }
        String suffix = p.substring(2);
        if (suffix.indexOf('.') < 0 || emptyLabel(suffix)) {
            return false;
        }
        int firstDot = normalizedHost.indexOf('.');
        return firstDot > 0 && normalizedHost.substring(firstDot + 1).equals(suffix);
    }

    private static boolean cnMatches(X509Certificate cert, String hostOrIp, byte[] ip) {
        String cn = commonName(cert);
        if (cn == null) {
            return false;
        }
        if (ip != null) {
            byte[] cnIp = IpLiterals.parse(cn);
            return cnIp != null && Arrays.equals(ip, cnIp);
        }
        return dnsMatches(cn, normalizeHost(hostOrIp));
    }

    /** Lower-case ASCII (A-labels) without a trailing dot; null when not a usable name. */
    static String normalizeHost(String name) {
        String s = name.trim();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || emptyLabel(s)) {
            return null;
        }
        if (!s.chars().allMatch(c -> c < 0x80)) {
            try {
                s = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static boolean emptyLabel(String name) {
        return name.startsWith(".") || name.endsWith(".") || name.contains("..");
    }

    private static GeneralNames subjectAltNames(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectAlternativeName.getId());
        if (ext == null) {
            return null;
        }
        try {
            return GeneralNames.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext));
        } catch (Exception e) {
            return new GeneralNames(new GeneralName[0]); // unreadable SAN: matches nothing, no CN fallback
        }
    }
}
