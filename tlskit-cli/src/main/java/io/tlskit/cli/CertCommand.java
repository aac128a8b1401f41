package io.tlskit.cli;

import io.tlskit.TimeSource;
import io.tlskit.pki.CertificateIssuer;
import io.tlskit.pki.CertificateSpec;
import io.tlskit.pki.Credentials;
import io.tlskit.pki.HostnameMatcher;
import io.tlskit.pki.IssuedCertificate;
import io.tlskit.pki.KeyDescriptions;
import io.tlskit.pki.KeyMatch;
import io.tlskit.pki.PeerVerifier;
import io.tlskit.pki.PemReader;
import io.tlskit.pki.PemWriter;
import io.tlskit.pki.TrustAnchors;
import io.tlskit.pki.VerifyFlag;
import io.tlskit.pki.VerifyResult;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.security.auth.x500.X500Principal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "Make, check and show certificates.",
        subcommands = {CertCommand.Ca.class, CertCommand.Issue.class, CertCommand.Check.class, CertCommand.Show.class,
            TicketKeysCommand.class})
final class CertCommand implements Callable<Integer>, Cli.Aware {
    private Cli cli;

    @Override
    public void cli(Cli context) {
        this.cli = context;
    }

    @Override
    public Integer call() {
        new CommandLine(this, cli.factory()).usage(cli.out);
        return Main.EXIT_USAGE;
    }

    static CertificateIssuer.KeyType keyType(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "ec":
            case "ec256":
            case "p256":
            case "p-256":
                return CertificateIssuer.KeyType.EC_P256;
            case "ec384":
            case "p384":
            case "p-384":
                return CertificateIssuer.KeyType.EC_P384;
            case "rsa2048":
            case "rsa":
                return CertificateIssuer.KeyType.RSA_2048;
            case "rsa3072":
                return CertificateIssuer.KeyType.RSA_3072;
            case "rsa4096":
                return CertificateIssuer.KeyType.RSA_4096;
            default:
                throw new CliException("unknown key type '" + text + "': use ec, ec384, rsa2048, rsa3072 or rsa4096");
        }
    }

    static void refuseOverwrite(boolean force, Path... files) {
        if (force) {
            return;
        }
        for (Path f : files) {
            if (Files.exists(f)) {
                throw new CliException(f + " already exists: remove it, pick another --out, or add --force to replace it");
            }
        }
    }

    static String describe(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName(X500Principal.RFC2253) + " (" + KeyDescriptions.describeKey(cert.getPublicKey())
                + ", valid until " + cert.getNotAfter().toInstant() + ")";
    }

    @Command(name = "ca", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Make a self-signed CA: DIR/ca.pem and DIR/ca.key (mode 0600).")
    static final class Ca implements Callable<Integer>, Cli.Aware {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for ca.pem and ca.key (created if missing).")
        Path out;

        @Option(names = "--cn", paramLabel = "NAME", defaultValue = "tlskit CA", description = "Common name or full DN (default '${DEFAULT-VALUE}').")
        String cn;

        @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec", description = "ec, ec384, rsa2048, rsa3072 or rsa4096 (default ${DEFAULT-VALUE}).")
        String keyType;

        @Option(names = "--days", paramLabel = "N", defaultValue = "3650", description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--key-password-file", paramLabel = "FILE", description = "Encrypt ca.key with the first line of FILE.")
        Path keyPasswordFile;

        @Option(names = "--force", description = "Replace existing files.")
        boolean force;

        private Cli cli;

        @Override
        public void cli(Cli context) {
            this.cli = context;
        }

        @Override
        public Integer call() throws IOException {
            Path pem = out.resolve("ca.pem");
            Path key = out.resolve("ca.key");
            refuseOverwrite(force, pem, key);
            CertificateSpec spec = CertificateSpec.builder().subject(cn).keyType(keyType(keyType)).validityDays(days).ca(true).build();
            char[] password = keyPasswordFile == null ? null : TlsOptions.readPasswordFile(keyPasswordFile);
            IssuedCertificate ca = new CertificateIssuer(TimeSource.system(), new SecureRandom()).selfSignedCa(spec);
            Files.createDirectories(out);
            try {
                PemWriter.writePrivateKey(key, ca.privateKey(), password);
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
            PemWriter.writeCertificate(pem, ca.certificate());
            cli.out.println("CA:  " + describe(ca.certificate()));
            cli.out.println("wrote " + pem);
            cli.out.println("wrote " + key + (keyPasswordFile != null ? " (encrypted)" : "") + " (keep it private)");
            return 0;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Issue a server (or --client) certificate from a CA: PREFIX.pem (the certificate), "
                + "PREFIX-chain.pem (certificate and CA chain) and PREFIX.key (mode 0600).",
                "Without --san a server certificate names its --cn (DNS or IP)."})
    static final class Issue implements Callable<Integer>, Cli.Aware {
        @Option(names = "--ca-cert", required = true, paramLabel = "FILE", description = "The CA certificate (PEM).")
        Path caCert;

        @Option(names = "--ca-key", required = true, paramLabel = "FILE", description = "The CA private key.")
        Path caKey;

        @Option(names = "--ca-key-password-file", paramLabel = "FILE", description = "Password of --ca-key (first line).")
        Path caKeyPasswordFile;

        @Option(names = "--cn", required = true, paramLabel = "NAME", description = "Common name (or a full DN such as CN=a,O=b).")
        String cn;

        @Option(names = "--san", paramLabel = "DNS:a,IP:1.2.3.4", split = ",", description = "subjectAltNames (repeatable or comma list).")
        List<String> sans = new ArrayList<>();

        @Option(names = "--client", description = "A client certificate (extendedKeyUsage clientAuth) instead of a server one.")
        boolean client;

        @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec", description = "ec, ec384, rsa2048, rsa3072 or rsa4096 (default ${DEFAULT-VALUE}).")
        String keyType;

        @Option(names = "--days", paramLabel = "N", defaultValue = "397", description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--key-password-file", paramLabel = "FILE", description = "Encrypt PREFIX.key with the first line of FILE.")
        Path keyPasswordFile;

        @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Output prefix, e.g. certs/server.")
        String out;

        @Option(names = "--force", description = "Replace existing files.")
        boolean force;

        private Cli cli;

        @Override
        public void cli(Cli context) {
            this.cli = context;
        }

        @Override
        public Integer call() throws IOException {
            Path pem = Path.of(out + ".pem");
            Path chainPem = Path.of(out + "-chain.pem");
            Path key = Path.of(out + ".key");
            refuseOverwrite(force, pem, chainPem, key);
            char[] caPassword = caKeyPasswordFile == null ? null : TlsOptions.readPasswordFile(caKeyPasswordFile);
            Credentials ca;
            try {
                ca = Credentials.load(caCert, caKey, caPassword);
            } finally {
                if (caPassword != null) {
                    Arrays.fill(caPassword, '\0');
                }
            }
            List<String> names = new ArrayList<>();
            sans.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
            if (names.isEmpty() && !client && !cn.contains("=")) {
                names.add((isIpLiteral(cn) ? "IP:" : "DNS:") + cn);
            }
            CertificateSpec spec = CertificateSpec.builder().subject(cn).sans(names).keyType(keyType(keyType)).validityDays(days)
                    .usage(client ? CertificateSpec.Usage.CLIENT : CertificateSpec.Usage.SERVER).build();
            char[] password = keyPasswordFile == null ? null : TlsOptions.readPasswordFile(keyPasswordFile);
            IssuedCertificate issued = new CertificateIssuer(TimeSource.system(), new SecureRandom()).issue(ca, spec);
            Path parent = pem.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                PemWriter.writePrivateKey(key, issued.privateKey(), password);
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
            PemWriter.writeCertificate(pem, issued.certificate());
            PemWriter.writeCertificates(chainPem, issued.chain());
            cli.out.println((client ? "client" : "server") + " certificate: " + describe(issued.certificate()));
            cli.out.println("issued by: " + ca.subject());
            if (!spec.sans().isEmpty()) {
                cli.out.println("names: " + String.join(", ", spec.sans()));
            }
            cli.out.println("wrote " + pem);
            cli.out.println("wrote " + chainPem);
            cli.out.println("wrote " + key + (keyPasswordFile != null ? " (encrypted)" : "") + " (keep it private)");
            return 0;
        }

        private static boolean isIpLiteral(String text) {
            if (text.indexOf(':') >= 0) {
                return text.matches("[0-9a-fA-F:.]+");
            }
            return text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Check a certificate and key before deploying them: the key matches the certificate, the chain leads to --ca, "
                + "the dates are valid now, and the certificate names --host.",
                "Prints one line per check; exits 0 only when all pass."})
    static final class Check implements Callable<Integer>, Cli.Aware {
        static final Set<VerifyFlag> DATE_FLAGS = EnumSet.of(VerifyFlag.FUTURE, VerifyFlag.EXPIRED);

        @Option(names = "--cert", required = true, paramLabel = "FILE", description = "Certificate or chain (PEM/DER), leaf first.")
        Path cert;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "The private key.")
        Path key;

        @Option(names = "--key-password-file", paramLabel = "FILE", description = "Password of --key (first line).")
        Path keyPasswordFile;

        @Option(names = "--ca", paramLabel = "FILE", description = "Trusted CA certificates the chain must lead to.")
        Path ca;

        @Option(names = "--host", paramLabel = "NAME", description = "Host name or IP address the certificate must name.")
        String host;

        private Cli cli;
        private int failed;

        @Override
        public void cli(Cli context) {
            this.cli = context;
        }

        @Override
        public Integer call() {
            List<X509Certificate> chain = PemReader.certificates(cert);
            X509Certificate leaf = chain.get(0);
            cli.out.println("certificate: " + describe(leaf));

            char[] password = keyPasswordFile == null ? null : TlsOptions.readPasswordFile(keyPasswordFile);
            try {
                PrivateKey privateKey = PemReader.privateKey(key, password);
                if (KeyMatch.matches(leaf.getPublicKey(), privateKey)) {
                    report(true, "key matches certificate", KeyDescriptions.describeKey(privateKey));
                } else {
                    String why;
                    try {
                        Credentials.of(chain, privateKey);
                        why = "the key does not belong to the certificate";
                    } catch (RuntimeException e) {
                        why = e.getMessage();
                    }
                    report(false, "key matches certificate", why);
                }
            } catch (RuntimeException e) {
                report(false, "key matches certificate", "cannot read the key: " + e.getMessage());
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }

            VerifyResult verified = null;
            if (ca == null) {
                cli.out.println("skip  chain to CA (no --ca given)");
            } else {
                PeerVerifier verifier = new PeerVerifier(TrustAnchors.fromFile(ca), TimeSource.system());
                verified = verifier.verify(chain, null, purpose(leaf));
                List<String> reasons = new ArrayList<>();
                for (VerifyFlag flag : verified.flags()) {
                    if (!DATE_FLAGS.contains(flag)) {
                        reasons.addAll(verified.reasons(flag));
                    }
                }
                report(reasons.isEmpty(), "chain to CA", reasons.isEmpty() ? "leads to " + ca : String.join(" ", reasons));
            }

            List<String> dateProblems = new ArrayList<>();
            Instant now = Instant.now();
            for (X509Certificate c : chain) {
                String name = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
                if (c.getNotBefore().toInstant().isAfter(now)) {
                    dateProblems.add(name + " is not valid before " + c.getNotBefore().toInstant() + ".");
                } else if (!c.getNotAfter().toInstant().isAfter(now)) {
                    dateProblems.add(name + " expired on " + c.getNotAfter().toInstant() + ".");
                }
            }
            if (verified != null && dateProblems.isEmpty()) {
                for (VerifyFlag flag : DATE_FLAGS) {
                    dateProblems.addAll(verified.reasons(flag));
                }
            }
            long daysLeft = Duration.between(now, leaf.getNotAfter().toInstant()).toDays();
            report(dateProblems.isEmpty(), "validity",
                    dateProblems.isEmpty() ? "valid until " + leaf.getNotAfter().toInstant() + " (" + daysLeft + " days left)"
                            : String.join(" ", dateProblems));

            if (host == null) {
                cli.out.println("skip  hostname (no --host given)");
            } else {
                String h = ServerCommand.stripBrackets(host.trim());
                boolean ok = HostnameMatcher.matches(leaf, h);
                report(ok, "hostname", ok ? "names " + h
                        : "the certificate names " + HostnameMatcher.names(leaf) + ", not " + h
                            + ": issue one with --san DNS:" + h + " (or IP:) or connect with a name it has");
            }

            if (failed > 0) {
                cli.error(failed + (failed == 1 ? " check failed" : " checks failed") + " for " + cert);
                return Main.EXIT_FAILURE;
            }
            cli.out.println("all checks passed");
            return 0;
        }

        private void report(boolean ok, String check, String detail) {
            if (!ok) {
                failed++;
            }
            cli.out.println((ok ? "ok    " : "FAIL  ") + check + ": " + Cli.oneLine(detail));
        }

        /** Server unless the extendedKeyUsage allows only client authentication. */
        static PeerVerifier.Purpose purpose(X509Certificate leaf) {
            try {
                List<String> eku = leaf.getExtendedKeyUsage();
                if (eku != null && !eku.contains("1.3.6.1.5.5.7.3.1") && !eku.contains("2.5.29.37.0") && eku.contains("1.3.6.1.5.5.7.3.2")) {
                    return PeerVerifier.Purpose.CLIENT;
                }
            } catch (CertificateParsingException e) {
                // an unreadable extension is reported by the verifier
            }
            return PeerVerifier.Purpose.SERVER;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show each certificate in a file: subject, issuer, serial, validity, key, names, SHA-256 fingerprint.")
    static final class Show implements Callable<Integer>, Cli.Aware {
        @Parameters(index = "0", paramLabel = "FILE", description = "PEM (one or more certificates) or DER file.")
        Path file;

        private Cli cli;

        @Override
        public void cli(Cli context) {
            this.cli = context;
        }

        @Override
        public Integer call() throws Exception {
            List<X509Certificate> certs = PemReader.certificates(file);
            Instant now = Instant.now();
            for (int i = 0; i < certs.size(); i++) {
                X509Certificate c = certs.get(i);
                if (i > 0) {
                    cli.out.println();
                }
                cli.out.println("certificate " + (i + 1) + " of " + certs.size());
                line("subject", c.getSubjectX500Principal().getName(X500Principal.RFC2253));
                line("issuer", c.getIssuerX500Principal().getName(X500Principal.RFC2253)
                        + (c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) ? " (self-issued)" : ""));
                line("serial", colonHex(c.getSerialNumber().toByteArray()));
                line("not before", c.getNotBefore().toInstant().toString());
                Instant notAfter = c.getNotAfter().toInstant();
                String state = c.getNotBefore().toInstant().isAfter(now) ? "not yet valid"
                        : notAfter.isAfter(now) ? Duration.between(now, notAfter).toDays() + " days left" : "EXPIRED";
                line("not after", notAfter + " (" + state + ")");
                line("key", KeyDescriptions.describeKey(c.getPublicKey()));
                line("signature", c.getSigAlgName());
                line("CA", c.getBasicConstraints() >= 0 ? "yes" + (c.getBasicConstraints() == Integer.MAX_VALUE ? ""
                        : " (path length " + c.getBasicConstraints() + ")") : "no");
                List<String> names = subjectAltNames(c);
                line("names", names.isEmpty() ? "none (no subjectAltName)" : String.join(", ", names));
                List<String> eku = c.getExtendedKeyUsage();
                if (eku != null) {
                    line("usage", String.join(", ", eku.stream().map(Show::ekuName).toArray(String[]::new)));
                }
                line("SHA-256", fingerprint(c));
            }
            return 0;
        }

        private void line(String name, String value) {
            cli.out.printf("  %-11s %s%n", name + ":", value);
        }

        static List<String> subjectAltNames(X509Certificate c) throws CertificateParsingException {
            List<String> names = new ArrayList<>();
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans == null) {
                return names;
            }
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                Object value = san.get(1);
                switch (type) {
                    case 2:
                        names.add("DNS:" + value);
                        break;
                    case 7:
                        names.add("IP:" + ipText(String.valueOf(value)));
                        break;
                    case 1:
                        names.add("email:" + value);
                        break;
                    case 6:
                        names.add("URI:" + value);
                        break;
                    default:
                        names.add("other(" + type + ")");
                }
            }
            return names;
        }

        /** The JDK writes IPv6 SANs in full form (0:0:0:0:0:0:0:1); show the RFC 5952 short form (::1). */
        static String ipText(String value) {
            if (value.indexOf(':') < 0) {
                return value;
            }
            byte[] a;
            try {
                a = InetAddress.getByName(value).getAddress();
            } catch (IOException e) {
                return value;
            }
            if (a.length != 16) {
                return value;
            }
            int[] groups = new int[8];
            for (int i = 0; i < 8; i++) {
                groups[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
            }
            int bestStart = -1;
            int bestLen = 1;
            for (int i = 0; i < 8; i++) {
                int j = i;
                while (j < 8 && groups[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = Math.max(i, j);
            }
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                if (i == bestStart) {
                    s.append("::");
                    i += bestLen - 1;
                    continue;
                }
                if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                    s.append(':');
                }
                s.append(Integer.toHexString(groups[i]));
            }
            return s.toString();
        }

        private static String ekuName(String oid) {
            switch (oid) {
                case "1.3.6.1.5.5.7.3.1": return "serverAuth";
                case "1.3.6.1.5.5.7.3.2": return "clientAuth";
                case "1.3.6.1.5.5.7.3.3": return "codeSigning";
                case "1.3.6.1.5.5.7.3.4": return "emailProtection";
                case "2.5.29.37.0": return "any";
                default: return oid;
            }
        }

        static String fingerprint(X509Certificate c) throws CertificateEncodingException, NoSuchAlgorithmException {
            return colonHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        }

        static String colonHex(byte[] bytes) {
            byte[] b = bytes;
            if (b.length > 1 && b[0] == 0) {
                b = Arrays.copyOfRange(b, 1, b.length); // the sign byte of a positive serial
            }
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(b);
        }
    }
}
