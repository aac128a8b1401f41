package io.tlskit.pki;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.DEROctetString;

/**
 * What a certificate made by {@link CertificateIssuer} should say. Immutable; build it with
 * {@link #builder()}. Unset times default at issue time (now−1h … now+validityDays).
 */
public final class CertificateSpec {
    /** Which extendedKeyUsage a leaf gets. */
    public enum Usage { SERVER, CLIENT, BOTH }

    static final int DEFAULT_LEAF_DAYS = 825;
    static final int DEFAULT_CA_DAYS = 3650;

    private final X500Name subject;
    private final List<String> sans;
    private final List<GeneralName> generalNames;
    private final CertificateIssuer.KeyType keyType;
    private final KeyPair keyPair;
    private final Instant notBefore;
    private final Instant notAfter;
    private final Integer validityDays;
    private final String signatureAlgorithm;
    private final boolean ca;
    private final Usage usage;

    private CertificateSpec(Builder b) {
        this.subject = b.subject;
        this.sans = List.copyOf(b.sans);
        this.generalNames = List.copyOf(b.generalNames);
        this.keyType = b.keyType;
        this.keyPair = b.keyPair;
        this.notBefore = b.notBefore;
        this.notAfter = b.notAfter;
        this.validityDays = b.validityDays;
        this.signatureAlgorithm = b.signatureAlgorithm;
        this.ca = b.ca;
        this.usage = b.usage;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A server leaf for the given subject and SANs, EC P-256, default validity. */
    public static CertificateSpec leaf(String subject, String... sans) {
        return builder().subject(subject).sans(sans).build();
    }

    /** A CA for the given subject, EC P-256, default validity. */
    public static CertificateSpec ca(String subject) {
        return builder().subject(subject).ca(true).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.subject = subject;
        b.sans.addAll(sans);
        b.generalNames.addAll(generalNames);
        b.keyType = keyType;
        b.keyPair = keyPair;
        b.notBefore = notBefore;
        b.notAfter = notAfter;
        b.validityDays = validityDays;
        b.signatureAlgorithm = signatureAlgorithm;
        b.ca = ca;
        b.usage = usage;
        return b;
    }

    X500Name subject() {
        return subject;
    }

    public List<String> sans() {
        return sans;
    }

    List<GeneralName> generalNames() {
        return generalNames;
    }

    public CertificateIssuer.KeyType keyType() {
        return keyType;
    }

    /** An existing key pair to certify instead of generating one, or null. */
    public KeyPair keyPair() {
        return keyPair;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** Days of validity when notAfter is unset; 825 for leaves, 3650 for CAs unless set. */
    public int validityDays() {
        return validityDays != null ? validityDays : ca ? DEFAULT_CA_DAYS : DEFAULT_LEAF_DAYS;
    }

    /** Null means "the default for the signing key". */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public boolean isCa() {
        return ca;
    }

    public Usage usage() {
        return usage;
    }

    public static final class Builder {
        private X500Name subject;
        private final List<String> sans = new ArrayList<>();
        private final List<GeneralName> generalNames = new ArrayList<>();
        private CertificateIssuer.KeyType keyType = CertificateIssuer.KeyType.EC_P256;
        private KeyPair keyPair;
        private Instant notBefore;
        private Instant notAfter;
        private Integer validityDays;
        private String signatureAlgorithm;
        private boolean ca;
        private Usage usage = Usage.SERVER;

        private Builder() {
        }

        /** A plain name becomes CN=name; text with '=' is read as an RFC 2253 DN ("CN=a,O=Example"). */
        public Builder subject(String nameOrDn) {
            Objects.requireNonNull(nameOrDn, "subject");
            if (nameOrDn.isBlank()) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "the certificate subject is empty: give a name such as 'device-1' or a DN such as 'CN=device-1,O=Example'");
            }
            if (nameOrDn.contains("=")) {
                try {
                    subject = X500Name.getInstance(new X500Principal(nameOrDn).getEncoded());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(TlsError.CONFIG_INVALID, "the subject '" + nameOrDn
                            + "' is not a valid distinguished name (" + e.getMessage() + "): write it like 'CN=device-1,O=Example'", e);
                }
            } else {
                subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, nameOrDn).build();
            }
            return this;
        }

        /** Adds subjectAltNames written "DNS:name", "IP:1.2.3.4" or "IP:::1". */
        public Builder sans(String... names) {
            for (String name : names) {
                san(name);
            }
            return this;
        }

        public Builder sans(List<String> names) {
            names.forEach(this::san);
            return this;
        }

        public Builder san(String name) {
            Objects.requireNonNull(name, "san");
            int colon = name.indexOf(':');
            String kind = colon < 0 ? "" : name.substring(0, colon).trim().toUpperCase(java.util.Locale.ROOT);
            String value = colon < 0 ? "" : name.substring(colon + 1).trim();
            if ("DNS".equals(kind) && !value.isEmpty() && value.indexOf(' ') < 0) {
                String ascii = HostnameMatcher.normalizeHost(value.startsWith("*.") ? "x" + value.substring(1) : value);
                if (ascii == null) {
                    throw badSan(name, "is not a valid DNS name");
                }
                String stored = value.startsWith("*.") ? "*" + ascii.substring(1) : ascii;
                generalNames.add(new GeneralName(GeneralName.dNSName, stored));
                sans.add("DNS:" + stored);
            } else if ("IP".equals(kind)) {
                byte[] ip = IpLiterals.parse(value);
                if (ip == null) {
                    throw badSan(name, "is not an IPv4 or IPv6 address");
                }
                generalNames.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip)));
                sans.add("IP:" + IpLiterals.format(ip));
            } else {
                throw badSan(name, "has no DNS: or IP: prefix");
            }
            return this;
        }

        public Builder keyType(CertificateIssuer.KeyType type) {
            this.keyType = Objects.requireNonNull(type, "keyType");
            return this;
        }

        /** Certify this key pair instead of generating a new one. */
        public Builder keyPair(KeyPair pair) {
            this.keyPair = pair;
            return this;
        }

        public Builder notBefore(Instant instant) {
            this.notBefore = instant;
            return this;
        }

        public Builder notAfter(Instant instant) {
            this.notAfter = instant;
            return this;
        }

        public Builder validityDays(int days) {
            if (days <= 0) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "validity of " + days + " days: give a positive number of days");
            }
            this.validityDays = days;
            return this;
        }

        /** E.g. "SHA256withECDSA", "SHA384withECDSA", "SHA256withRSA", "SHA1withRSA" (test fixtures only). */
        public Builder signatureAlgorithm(String algorithm) {
            this.signatureAlgorithm = algorithm;
            return this;
        }

        public Builder ca(boolean isCa) {
            this.ca = isCa;
            return this;
        }

        public Builder usage(Usage u) {
            this.usage = Objects.requireNonNull(u, "usage");
            return this;
        }

        public CertificateSpec build() {
            if (subject == null) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "the certificate has no subject: set one, e.g. subject(\"device-1\")");
            }
            if (notBefore != null && notAfter != null && !notAfter.isAfter(notBefore)) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "notAfter " + CertText.instant(notAfter)
                        + " is not after notBefore " + CertText.instant(notBefore) + ": swap or correct the dates");
            }
            return new CertificateSpec(this);
        }

        private static ConfigException badSan(String name, String problem) {
            return new ConfigException(TlsError.CONFIG_INVALID, "subjectAltName '" + name + "' " + problem
                    + ": write DNS:<name> (e.g. DNS:device.example) or IP:<address> (e.g. IP:10.0.0.1, IP:::1)");
        }
    }
}
