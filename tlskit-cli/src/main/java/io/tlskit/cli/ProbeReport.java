package io.tlskit.cli;

import io.tlskit.cli.probe.CertificateFacts;
import io.tlskit.cli.probe.ClientCheck;
import io.tlskit.cli.probe.ServerProbe;
import io.tlskit.cli.probe.ServerProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The findings of {@code tlskit probe} as a readable table or as JSON (maps and lists for {@link JsonWriter}). */
final class ProbeReport {
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
