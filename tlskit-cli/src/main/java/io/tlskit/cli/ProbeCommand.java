package io.tlskit.cli;

import io.tlskit.Durations;
import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
import io.tlskit.cli.probe.CertificateFacts;
import io.tlskit.cli.probe.ClientCheck;
import io.tlskit.cli.probe.ClientSpec;
import io.tlskit.cli.probe.NotTlsException;
import io.tlskit.cli.probe.Prober;
import io.tlskit.cli.probe.ServerProbe;
import io.tlskit.cli.probe.ServerProfile;
import io.tlskit.pki.TrustAnchors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tlskit probe HOST:PORT}: what a TLS server accepts, and whether a given client can connect to it. */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find out what a TLS server accepts: protocol versions, cipher suites in its order of preference, "
                + "key-exchange groups, signature schemes, its certificate chain, OCSP stapling, resumption by session ID and "
                + "by ticket, max_fragment_length and ALPN. It connects as many times as it needs (about 100 short handshakes).",
            "Given a client configuration (--tls, --ciphers, --groups, --psk, --max-fragment, or --profile mbedtls-device), "
                + "it also says whether such a client can connect and, if not, why and what to change on which side "
                + "(exit status 1 when it cannot)."})
final class ProbeCommand implements Callable<Integer>, Cli.Aware {
    @Parameters(paramLabel = "HOST:PORT", description = "The server, e.g. localhost:8443, [::1]:8883, broker.example.com:8883.")
    String target;

    @Option(names = "--ca", paramLabel = "FILE", description = "Check the chain against these CA certificates (default: the system trust store).")
    Path ca;

    @Option(names = "--server-name", paramLabel = "NAME", description = "Name sent in SNI and checked against the certificate (default the host).")
    String serverName;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", description = "Per connection (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Option(names = "--profile", paramLabel = "NAME", description = "Check a typical client: mbedtls-device (mbedTLS 2.28: TLS 1.2, "
            + "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 or with --psk TLS_PSK_WITH_AES_128_CCM_8, secp256r1, ECDSA P-256 signatures).")
    String profile;

    @Option(names = "--tls", paramLabel = "1.2|1.3", split = ",", description = "Client check: the client's protocol versions.")
    List<String> tls = new ArrayList<>();

    @Option(names = "--ciphers", paramLabel = "A,B", split = ",", description = "Client check: the client's cipher suites (IANA names).")
    List<String> ciphers = new ArrayList<>();

    @Option(names = "--groups", paramLabel = "G,H", split = ",", description = "Client check: the client's key-exchange groups.")
    List<String> groups = new ArrayList<>();

    @Option(names = "--psk", paramLabel = "IDENTITY:HEXKEY", description = "Client check: the client's pre-shared key.")
    String psk;

    @Option(names = "--max-fragment", paramLabel = "N", description = "Client check: the client requests max_fragment_length N (512...4096).")
    Integer maxFragment;

    private Cli cli;

    @Override
    public void cli(Cli context) {
        this.cli = context;
    }

    @Override
    public Integer call() throws Exception {
        HostPort hp = HostPort.parse(target);
        ClientSpec spec = null;
        if (profile != null || !tls.isEmpty() || !ciphers.isEmpty() || !groups.isEmpty() || psk != null || maxFragment != null) {
            try {
                spec = ClientSpec.of(profile, trimmed(tls), trimmed(ciphers), trimmed(groups), psk, maxFragment);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }
        Duration perConnection = Durations.parse(timeout);
        String sni = serverName != null ? serverName : hp.isIpLiteral() ? null : hp.host;
        Prober prober = new Prober(hp.host, hp.port, sni, perConnection);
        try {
            prober.checkReachable();
        } catch (IOException e) {
            throw new CliException("cannot connect to " + target + " (" + e.getMessage() + "): is the server running, and is that its port?");
        }
        TrustAnchors anchors = ca != null ? TrustAnchors.fromFile(ca) : TlsConfig.client().build().trustAnchors();
        String trustSource = ca != null ? "--ca " + ca : "the system trust store";
        ServerProbe probe = new ServerProbe(prober, anchors, trustSource, serverName != null ? serverName : hp.host, TimeSource.system());
        ServerProfile profileFound;
        try {
            profileFound = probe.run(target);
        } catch (NotTlsException e) {
            throw new CliException(target + " does not speak TLS: " + e.getMessage()
                    + ": check the port (TLS servers usually listen on 443, 8443 or 8883)");
        }
        ClientCheck.Verdict verdict = spec == null ? null : ClientCheck.check(spec, profileFound, prober);
        profileFound.connections = prober.connections();
        if (json) {
            cli.out.println(JsonWriter.write(ProbeReport.json(profileFound, verdict)));
        } else {
            cli.out.print(ProbeReport.table(profileFound, verdict));
        }
        cli.out.flush();
        return verdict != null && !verdict.canConnect ? Main.EXIT_FAILURE : 0;
    }

    private static List<String> trimmed(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (!v.isBlank()) {
                out.add(v.trim());
            }
        }
        return out;
    }

    /** HOST:PORT with an optional [IPv6] literal. */
    static final class HostPort {
        final String host;
        final int port;

        private HostPort(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /** SNI carries names only (RFC 6066): no SNI for an IP address. */
        boolean isIpLiteral() {
            return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
        }

        static HostPort parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new CliException("'" + text + "' is not HOST:PORT: write e.g. localhost:8443 or [::1]:8883");
            }
            String host = ServerCommand.stripBrackets(text.substring(0, colon));
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return new HostPort(host, port);
            } catch (NumberFormatException e) {
                throw new CliException("'" + text.substring(colon + 1) + "' in " + text + " is not a port (1 to 65535)");
            }
        }
    }

    /** Keeps the report's two forms side by side. */
    static final class ProbeReport {
        private ProbeReport() {
        }

        static Map<String, Object> json(ServerProfile p, ClientCheck.Verdict verdict) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", p.target);
            m.put("connections", p.connections);
            m.put("versions", p.versions);
            m.put("tls12CipherSuites", p.tls12Suites);
            m.put("tls12ServerOrder", p.tls12ServerOrder);
            m.put("tls13CipherSuites", p.tls13Suites);
            m.put("tls13ServerOrder", p.tls13ServerOrder);
            m.put("groups", p.groups);
            m.put("signatureSchemes", p.signatureSchemes);
            m.put("certificates", chain(p.certificates));
            m.put("ocspStapled", p.ocspStapled);
            m.put("resumptionBySessionId", p.resumptionById);
            m.put("resumptionByTicket", p.resumptionByTicket);
            Map<String, Object> mfl = new LinkedHashMap<>();
            p.maxFragmentLength.forEach((k, v) -> mfl.put(String.valueOf(k), v));
            m.put("maxFragmentLength", mfl);
            m.put("alpn", p.alpn);
            m.put("clientCertificateRequested", p.clientCertificateRequested);
            m.put("notes", p.notes);
            if (verdict != null) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("client", verdict.client);
                c.put("canConnect", verdict.canConnect);
                c.put("negotiated", verdict.negotiated);
                c.put("problems", verdict.problems);
                c.put("fixes", verdict.fixes);
                c.put("warnings", verdict.warnings);
                m.put("clientCheck", c);
            }
            return m;
        }

        private static Map<String, Object> chain(CertificateFacts facts) {
            if (facts == null) {
                return null;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            List<Object> certs = new ArrayList<>();
            for (CertificateFacts.Entry e : facts.entries) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("subject", e.subject);
                c.put("issuer", e.issuer);
                c.put("notAfter", e.notAfter.toString());
                c.put("daysLeft", e.daysLeft);
                c.put("key", e.key);
                c.put("subjectAltNames", e.sans);
                c.put("selfSigned", e.selfSigned);
                certs.add(c);
            }
            m.put("chain", certs);
            m.put("inOrder", facts.inOrder);
            m.put("checkedAgainst", facts.trustSource);
            m.put("chainsToTrust", facts.chainsToTrust());
            m.put("trustProblem", facts.trustProblem);
            m.put("missingIntermediate", facts.missingIntermediate);
            m.put("nameProblem", facts.nameProblem);
            return m;
        }

        static String table(ServerProfile p, ClientCheck.Verdict verdict) {
            StringBuilder b = new StringBuilder();
            b.append("tlskit probe ").append(p.target).append(" (").append(p.connections).append(" connections)\n\n");
            b.append("Protocol versions\n");
            p.versions.forEach((v, r) -> row(b, v, r));
            if (!p.accepts("TLS 1.2") && !p.accepts("TLS 1.3")) {
                notes(b, p);
                verdict(b, verdict);
                return b.toString();
            }
            suites(b, "TLS 1.2", p.tls12Suites, p.tls12ServerOrder);
            suites(b, "TLS 1.3", p.tls13Suites, p.tls13ServerOrder);
            b.append("\nKey-exchange groups\n");
            p.groups.forEach((v, g) -> row(b, v, g.isEmpty() ? "none" : String.join(", ", g)));
            b.append("\nSignature schemes the server signs with\n");
            p.signatureSchemes.forEach((v, s) -> row(b, v, s.isEmpty() ? "none" : String.join(", ", s)));
            certificates(b, p.certificates);
            b.append('\n');
            row(b, "OCSP stapling", p.ocspStapled == null ? "not tested" : p.ocspStapled ? "yes" : "no");
            row(b, "Resumption by ID", p.resumptionById);
            row(b, "Resumption by ticket", p.resumptionByTicket);
            List<String> mfl = new ArrayList<>();
            p.maxFragmentLength.forEach((k, v) -> mfl.add(k + " " + v));
            row(b, "max_fragment_length", String.join(", ", mfl));
            row(b, "ALPN", p.alpn.isEmpty() ? "none selected (offered " + String.join(", ", ServerProbe.ALPN) + ")"
                    : String.join(", ", p.alpn));
            row(b, "Client certificate", p.clientCertificateRequested ? "requested" : "not requested");
            notes(b, p);
            verdict(b, verdict);
            return b.toString();
        }

        private static void verdict(StringBuilder b, ClientCheck.Verdict verdict) {
            if (verdict == null) {
                return;
            }
            b.append("\nClient check: ").append(verdict.client).append('\n');
            row(b, "result", verdict.canConnect ? "can connect: " + verdict.negotiated : "cannot connect");
            for (String s : verdict.problems) {
                row(b, "why", s);
            }
            for (String s : verdict.fixes) {
                row(b, "fix", s);
            }
            for (String s : verdict.warnings) {
                row(b, "warning", s);
            }
        }

        private static void notes(StringBuilder b, ServerProfile p) {
            if (!p.notes.isEmpty()) {
                b.append("\nNotes\n");
                for (String n : p.notes) {
                    b.append("  - ").append(n).append('\n');
                }
            }
        }

        private static void suites(StringBuilder b, String version, List<String> suites, Boolean serverOrder) {
            if (suites.isEmpty()) {
                return;
            }
            b.append('\n').append(version).append(" cipher suites").append(Boolean.TRUE.equals(serverOrder) ? " (server's order of preference)"
                    : Boolean.FALSE.equals(serverOrder) ? " (the server follows the client's order)" : "").append('\n');
            for (int i = 0; i < suites.size(); i++) {
                b.append(String.format("  %2d  %s%n", i + 1, suites.get(i)));
            }
        }

        private static void certificates(StringBuilder b, CertificateFacts facts) {
            if (facts == null) {
                return;
            }
            b.append("\nCertificate chain (checked against ").append(facts.trustSource).append(")\n");
            for (int i = 0; i < facts.entries.size(); i++) {
                CertificateFacts.Entry e = facts.entries.get(i);
                b.append(String.format("  %d  %s%n", i, e.subject));
                b.append("     key ").append(e.key).append(", expires ").append(e.notAfter.toString(), 0, 10)
                        .append(e.daysLeft < 0 ? " (EXPIRED " + -e.daysLeft + " days ago)" : " (" + e.daysLeft + " days)").append('\n');
                b.append("     issuer ").append(e.issuer).append(e.selfSigned ? " (self-signed)" : "").append('\n');
                if (!e.sans.isEmpty()) {
                    b.append("     names ").append(String.join(", ", e.sans)).append('\n');
                }
            }
            row(b, "order", facts.inOrder ? "leaf first, each certificate issued by the next" : "WRONG: a certificate is not issued by the next one");
            row(b, "trust", facts.chainsToTrust() ? "chains to " + facts.trustSource : "does not chain: " + facts.trustProblem);
            if (facts.missingIntermediate != null) {
                row(b, "missing", "the intermediate " + facts.missingIntermediate + " (the server should send it after its certificate)");
            }
            row(b, "name", facts.nameProblem == null ? "matches" : facts.nameProblem);
        }

        private static void row(StringBuilder b, String label, String value) {
            b.append(String.format("  %-22s %s%n", label, value));
        }
    }
}
