package io.tlskit.cli.probe;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ProtocolVersion;

/**
 * Whether a client configured like a {@link ClientSpec} can connect to a probed server: one real
 * handshake decides, the {@link ServerProfile} explains a failure (which setting of which side
 * leaves nothing in common) and says what to change.
 */
public final class ClientCheck {
    /** The verdict. */
    public static final class Verdict {
        public final String client;
        public boolean canConnect;
        /** "TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, secp256r1" when it connects. */
        public String negotiated;
        public final List<String> problems = new ArrayList<>();
        public final List<String> fixes = new ArrayList<>();
        public final List<String> warnings = new ArrayList<>();

        Verdict(String client) {
            this.client = client;
        }
    }

    private ClientCheck() {
    }

    public static Verdict check(ClientSpec spec, ServerProfile server, Prober prober) {
        Verdict v = new Verdict(spec.description);
        Outcome o = prober.run(spec.attempt());
        if (o.ok()) {
            v.canConnect = true;
            v.negotiated = Catalog.versionName(o.version) + ", " + Catalog.suiteName(o.suite)
                    + (o.group >= 0 ? ", " + Catalog.groupName(o.group) : "");
        } else {
            explain(spec, server, o, v);
        }
        warnings(spec, server, v);
        return v;
    }

    private static void explain(ClientSpec spec, ServerProfile server, Outcome o, Verdict v) {
        List<ProtocolVersion> common = new ArrayList<>();
        for (ProtocolVersion version : spec.versions) {
            if (server.accepts(Catalog.versionName(version))) {
                common.add(version);
            }
        }
        if (common.isEmpty()) {
            v.problems.add("no protocol version in common: the client offers " + names(spec.versions) + ", the server accepts "
                    + accepted(server));
            v.fixes.add("client: enable " + accepted(server) + " (--tls " + accepted(server).replace("TLS ", "") + ")");
            v.fixes.add("server: enable " + names(spec.versions));
            return;
        }
        boolean suiteInCommon = false;
        for (ProtocolVersion version : common) {
            List<String> serverSuites = ProtocolVersion.TLSv13.equals(version) ? server.tls13Suites : server.tls12Suites;
            List<String> offered = offeredFor(spec, version);
            if (offered.isEmpty()) {
                continue;
            }
            List<String> both = new ArrayList<>(offered);
            both.retainAll(serverSuites);
            if (!both.isEmpty()) {
                suiteInCommon = true;
                continue;
            }
            boolean pskOffered = offered.stream().anyMatch(n -> Catalog.isPsk(Catalog.suiteByName(n)));
            v.problems.add("no " + Catalog.versionName(version) + " cipher suite in common: the client offers " + offered
                    + ", the server accepts " + (serverSuites.isEmpty() ? "none" : serverSuites)
                    + (pskOffered && spec.psk == null ? "" : pskOffered ? " (it chose no PSK suite: it may have no PSK configured)" : ""));
            if (!serverSuites.isEmpty()) {
                String pick = preferred(serverSuites);
                boolean first = pick.equals(serverSuites.get(0)) && Boolean.TRUE.equals(ProtocolVersion.TLSv13.equals(version)
                        ? server.tls13ServerOrder : server.tls12ServerOrder);
                v.fixes.add("client: add " + pick + (first ? " (the server's first choice)" : "") + " to its suites, e.g. --ciphers " + pick);
            }
            v.fixes.add("server: enable " + offered.get(0) + (pskOffered ? " and configure the client's PSK identity" : ""));
        }
        if (!suiteInCommon) {
            return;
        }
        if (spec.groups != null) {
            for (ProtocolVersion version : common) {
                List<String> serverGroups = server.groups.getOrDefault(Catalog.versionName(version), List.of());
                List<String> clientGroups = new ArrayList<>();
                for (int g : spec.groups) {
                    clientGroups.add(Catalog.groupName(g));
                }
                List<String> both = new ArrayList<>(clientGroups);
                both.retainAll(serverGroups);
                if (both.isEmpty() && !serverGroups.isEmpty()) {
                    v.problems.add("no key-exchange group in common for " + Catalog.versionName(version) + ": the client offers "
                            + clientGroups + ", the server accepts " + serverGroups);
                    v.fixes.add("client: enable " + serverGroups.get(0) + " (--groups " + serverGroups.get(0) + ")");
                    v.fixes.add("server: enable " + clientGroups.get(0) + " (OpenSSL/nginx: -groups / ssl_ecdh_curve; tlskit: --groups)");
                }
            }
        }
        if (spec.signatureSchemes != null) {
            for (ProtocolVersion version : common) {
                List<String> serverSchemes = server.signatureSchemes.getOrDefault(Catalog.versionName(version), List.of());
                List<String> clientSchemes = new ArrayList<>();
                for (int s : spec.signatureSchemes) {
                    clientSchemes.add(Catalog.schemeName(s));
                }
                List<String> both = new ArrayList<>(clientSchemes);
                both.retainAll(serverSchemes);
                if (both.isEmpty() && !serverSchemes.isEmpty()) {
                    String key = server.certificates == null || server.certificates.entries.isEmpty() ? "its certificate"
                            : "its " + server.certificates.entries.get(0).key + " certificate";
                    v.problems.add("the server signs with " + serverSchemes + " (" + key + "), the client accepts only " + clientSchemes);
                    v.fixes.add("server: serve a certificate whose key fits " + clientSchemes.get(0)
                            + " (e.g. an EC P-256 key: tlskit cert issue --key-type ec256)");
                    v.fixes.add("client: accept " + serverSchemes.get(0));
                }
            }
        }
        if (v.problems.isEmpty()) {
            v.problems.add("the handshake failed: " + o.failure() + hint(spec, server, o));
            if (o.certificateRequested) {
                v.fixes.add("client: present a certificate the server trusts (--cert/--key); or server: make client certificates optional");
            } else if (spec.psk != null) {
                v.fixes.add("check that both sides hold the same identity and key (--psk IDENTITY:HEXKEY)");
            }
        }
    }

    private static String hint(ClientSpec spec, ServerProfile server, Outcome o) {
        if (o.certificateRequested) {
            return "; the server asked for a client certificate and the client has none";
        }
        if (spec.psk != null && o.end() == Outcome.End.ALERT_RECEIVED) {
            if (o.alert == AlertDescription.unknown_psk_identity) {
                return "; the server does not know the PSK identity '" + spec.psk.identity() + "'";
            }
            if (o.alert == AlertDescription.decrypt_error || o.alert == AlertDescription.bad_record_mac) {
                return "; the server knows the identity '" + spec.psk.identity() + "' but with another key";
            }
        }
        return "";
    }

    private static void warnings(ClientSpec spec, ServerProfile server, Verdict v) {
        if (spec.maxFragment != null) {
            String answer = server.maxFragmentLength.get(spec.maxFragment.bytes());
            if (answer != null && !"accepted".equals(answer)) {
                v.warnings.add("the server " + (answer.startsWith("refused") ? "refuses" : "ignores") + " max_fragment_length "
                        + spec.maxFragment.bytes() + ": it sends records of up to 16384 bytes, so a client with a "
                        + spec.maxFragment.bytes() + "-byte input buffer fails on the first large record; fix: enable "
                        + "max_fragment_length on the server, or give the client a 16 KiB input buffer (mbedTLS: MBEDTLS_SSL_IN_CONTENT_LEN)");
            }
        }
        if (v.canConnect && server.certificates != null && !server.certificates.chainsToTrust() && spec.psk == null) {
            v.warnings.add("the server's chain does not verify against " + server.certificates.trustSource
                    + ": a client that verifies (as it should) refuses it: " + server.certificates.trustProblem);
        }
    }

    /** The server's first AEAD suite (what a device should add), else its first suite. */
    private static String preferred(List<String> serverSuites) {
        for (String s : serverSuites) {
            if (s.contains("_GCM_") || s.contains("_CCM") || s.contains("CHACHA20")) {
                return s;
            }
        }
        return serverSuites.get(0);
    }

    private static List<String> offeredFor(ClientSpec spec, ProtocolVersion version) {
        Set<String> names = new LinkedHashSet<>();
        for (int s : spec.suites) {
            boolean tls13 = Catalog.isTls13(s);
            if (tls13 == ProtocolVersion.TLSv13.equals(version)) {
                names.add(Catalog.suiteName(s));
            }
        }
        return new ArrayList<>(names);
    }

    private static String names(List<ProtocolVersion> versions) {
        List<String> n = new ArrayList<>();
        for (ProtocolVersion v : versions) {
            n.add(Catalog.versionName(v));
        }
        return String.join(", ", n);
    }

    private static String accepted(ServerProfile server) {
        List<String> n = new ArrayList<>();
        server.versions.forEach((name, result) -> {
            if ("accepted".equals(result)) {
                n.add(name);
            }
        });
        return n.isEmpty() ? "none" : String.join(", ", n);
    }
}
