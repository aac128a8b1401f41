package io.tlskit.cli.probe;

import io.tlskit.TimeSource;
import io.tlskit.pki.TrustAnchors;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsUtils;

/**
 * The sequence of probing handshakes behind {@code tlskit probe}: versions, suites (removing each
 * accepted suite from the next offer, so the server reveals its order), groups and signature schemes
 * one at a time, the certificate chain with OCSP stapling, resumption by session ID and by ticket,
 * max_fragment_length and ALPN. Every step survives a server that closes, alerts or goes silent.
 */
public final class ServerProbe {
    /** ALPN protocols offered, most common first. */
    public static final List<String> ALPN = List.of("h2", "http/1.1", "mqtt", "x-amzn-mqtt-ca", "coap", "acme-tls/1");
    private static final int MAX_SUITE_ROUNDS = 80;

    private final Prober prober;
    private final TrustAnchors anchors;
    private final String trustSource;
    private final String host;
    private final TimeSource time;

    public ServerProbe(Prober prober, TrustAnchors anchors, String trustSource, String host, TimeSource time) {
        this.prober = prober;
        this.anchors = anchors;
        this.trustSource = trustSource;
        this.host = host;
        this.time = time;
    }

    /**
     * Probes everything. Throws {@link NotTlsException} when the first handshake shows the server
     * does not speak TLS at all.
     */
    public ServerProfile run(String target) throws NotTlsException {
        ServerProfile p = new ServerProfile();
        p.target = target;
        firstContact();
        versions(p);
        ProtocolVersion best = p.accepts("TLS 1.3") ? ProtocolVersion.TLSv13 : p.accepts("TLS 1.2") ? ProtocolVersion.TLSv12 : null;
        if (best == null) {
            p.notes.add("the server accepted neither TLS 1.2 nor TLS 1.3: nothing more to probe");
            p.connections = prober.connections();
            return p;
        }
        if (p.accepts("TLS 1.2")) {
            suites(p, ProtocolVersion.TLSv12, p.tls12Suites, true);
        }
        if (p.accepts("TLS 1.3")) {
            suites(p, ProtocolVersion.TLSv13, p.tls13Suites, false);
        }
        for (ProtocolVersion v : List.of(ProtocolVersion.TLSv13, ProtocolVersion.TLSv12)) {
            if (p.accepts(Catalog.versionName(v))) {
                groups(p, v);
                signatureSchemes(p, v);
            }
        }
        chain(p, p.accepts("TLS 1.2") ? ProtocolVersion.TLSv12 : best);
        resumption(p);
        maxFragmentLength(p, best);
        alpn(p, best);
        p.connections = prober.connections();
        return p;
    }

    /** A first, generous ClientHello: anything that answers it with something other than TLS is not a TLS server. */
    private void firstContact() throws NotTlsException {
        Outcome o = prober.run(Attempt.of(List.of(ProtocolVersion.TLSv13, ProtocolVersion.TLSv12), allSuites())
                .withGroups(Catalog.GROUPS).stopAt(Attempt.StopAt.SUITE));
        if (o.end() == Outcome.End.NOT_TLS) {
            throw new NotTlsException(o.firstBytes);
        }
        if (o.end() == Outcome.End.TIMEOUT) {
            throw new NotTlsException(null);
        }
    }

    private void versions(ServerProfile p) {
        for (ProtocolVersion v : Catalog.VERSIONS) {
            Outcome o = prober.run(Attempt.of(List.of(v), Catalog.suitesFor(v)).withGroups(Catalog.GROUPS).stopAt(Attempt.StopAt.SUITE));
            String name = Catalog.versionName(v);
            if (o.ok() && v.equals(o.version)) {
                p.versions.put(name, "accepted");
            } else if (o.ok()) {
                p.versions.put(name, "no (the server answered " + (o.version == null ? "?" : Catalog.versionName(o.version)) + ")");
            } else {
                p.versions.put(name, "no (" + o.failure() + ")");
            }
        }
    }

    /** Offers every remaining suite; the server's pick is accepted and left out of the next offer. */
    private void suites(ServerProfile p, ProtocolVersion v, List<String> out, boolean tls12) {
        List<Integer> remaining = new ArrayList<>();
        for (int s : Catalog.suitesFor(v)) {
            remaining.add(s);
        }
        List<Integer> accepted = new ArrayList<>();
        for (int round = 0; round < MAX_SUITE_ROUNDS && !remaining.isEmpty(); round++) {
            Outcome o = prober.run(Attempt.of(List.of(v), toArray(remaining)).withGroups(Catalog.GROUPS).stopAt(Attempt.StopAt.SUITE));
            if (!o.ok() || o.suite < 0 || !remaining.contains(o.suite)) {
                if (accepted.isEmpty() && !o.ok()) {
                    p.notes.add(Catalog.versionName(v) + " suites: " + o.failure());
                }
                break;
            }
            accepted.add(o.suite);
            remaining.remove(Integer.valueOf(o.suite));
        }
        Boolean serverOrder = null;
        if (accepted.size() >= 2) {
            List<Integer> reversed = new ArrayList<>(accepted);
            Collections.reverse(reversed);
            Outcome o = prober.run(Attempt.of(List.of(v), toArray(reversed)).withGroups(Catalog.GROUPS).stopAt(Attempt.StopAt.SUITE));
            serverOrder = o.ok() ? o.suite == accepted.get(0) : null;
        }
        for (int s : accepted) {
            out.add(Catalog.suiteName(s));
        }
        if (tls12) {
            p.tls12ServerOrder = serverOrder;
        } else {
            p.tls13ServerOrder = serverOrder;
        }
    }

    private void groups(ServerProfile p, ProtocolVersion v) {
        boolean tls13 = ProtocolVersion.TLSv13.equals(v);
        int[] suites = tls13 ? Catalog.TLS13_SUITES : supported(Catalog.suitesFor(v), true, false);
        List<String> accepted = new ArrayList<>();
        p.groups.put(Catalog.versionName(v), accepted);
        if (suites.length == 0) {
            return;
        }
        boolean hidden = false;
        for (int g : Catalog.GROUPS) {
            if (!prober.crypto().hasNamedGroup(g) || !NamedGroup.canBeNegotiated(g, v) || (!tls13 && NamedGroup.isFiniteField(g))) {
                continue; // TLS 1.2 DHE uses the server's own parameters, not supported_groups
            }
            Attempt a = Attempt.of(List.of(v), suites).withGroups(g).stopAt(tls13 ? Attempt.StopAt.SUITE : Attempt.StopAt.COMPLETE);
            Outcome o = prober.run(a);
            if (!tls13 && !(o.ok() || o.certificateRequested)) {
                // TLS 1.2: supported_groups also limits the curve of an ECDSA certificate, so offer those after g
                o = prober.run(a.withGroups(withSigningCurves(g)));
                // a server that follows the client's order would have taken g: only its own order can hide g here
                hidden |= (o.ok() || o.certificateRequested) && o.group != g && Boolean.TRUE.equals(p.tls12ServerOrder);
            }
            if ((o.ok() || o.certificateRequested) && (o.group < 0 || o.group == g)) {
                accepted.add(Catalog.groupName(g));
            }
        }
        if (hidden) {
            p.notes.add("TLS 1.2 groups: with an ECDSA certificate a group can only be offered beside the certificate's curve, "
                    + "and this server then preferred the certificate's curve: groups it ranks below that curve may be missing");
        }
    }

    private static int[] withSigningCurves(int g) {
        List<Integer> list = new ArrayList<>(List.of(g));
        for (int curve : new int[] {NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1}) {
            if (curve != g) {
                list.add(curve);
            }
        }
        return toArray(list);
    }

    private void signatureSchemes(ServerProfile p, ProtocolVersion v) {
        boolean tls13 = ProtocolVersion.TLSv13.equals(v);
        int[] suites = tls13 ? Catalog.TLS13_SUITES : supported(Catalog.suitesFor(v), false, true);
        List<String> accepted = new ArrayList<>();
        for (int scheme : Catalog.SCHEMES) {
            if (suites.length == 0 || (tls13 && !Catalog.usableInTls13(scheme))) {
                continue;
            }
            Outcome o = prober.run(Attempt.of(List.of(v), suites).withSignatureSchemes(scheme));
            if (o.ok() || o.certificateRequested) {
                accepted.add(Catalog.schemeName(scheme));
            }
        }
        p.signatureSchemes.put(Catalog.versionName(v), accepted);
    }

    private void chain(ServerProfile p, ProtocolVersion v) {
        Outcome o = prober.run(Attempt.of(List.of(v), supported(Catalog.suitesFor(v), false, false)).withStatusRequest(true));
        p.clientCertificateRequested = o.certificateRequested;
        if (o.chain.isEmpty()) {
            p.notes.add("no certificate chain seen (" + (o.ok() ? "PSK-only server?" : o.failure()) + ")");
            return;
        }
        p.certificates = new CertificateFacts(o.chain, anchors, trustSource, host, time);
        p.ocspStapled = ProtocolVersion.TLSv12.equals(v) ? o.ocspStapled : null;
    }

    private void resumption(ServerProfile p) {
        if (!p.accepts("TLS 1.2")) {
            p.resumptionById = "not tested (TLS 1.2 not accepted; BouncyCastle has no TLS 1.3 resumption)";
            p.resumptionByTicket = p.resumptionById;
            return;
        }
        Attempt base = Attempt.of(List.of(ProtocolVersion.TLSv12), supported(Catalog.suitesFor(ProtocolVersion.TLSv12), false, false));
        Outcome first = prober.run(base);
        if (!first.ok() || first.session == null || first.session.getSessionID().length == 0) {
            p.resumptionById = first.ok() ? "no (the server sent no session ID)" : "not tested (" + first.failure() + ")";
        } else {
            Outcome again = prober.run(base.withResume(first.session));
            p.resumptionById = again.ok() && again.resumed ? "yes" : "no (" + (again.ok() ? "full handshake again" : again.failure()) + ")";
        }
        Outcome ticketed = prober.run(base.withTicket(TlsUtils.EMPTY_BYTES));
        if (!ticketed.ok() || ticketed.newTicket == null || ticketed.sessionParameters == null) {
            p.resumptionByTicket = ticketed.ok() ? "no (the server issued no ticket)" : "not tested (" + ticketed.failure() + ")";
            return;
        }
        byte[] id = new byte[32];
        new SecureRandom().nextBytes(id);
        Outcome resumed = prober.run(base.withTicket(ticketed.newTicket).withResume(TlsUtils.importSession(id, ticketed.sessionParameters)));
        p.resumptionByTicket = resumed.ok() && resumed.resumed ? "yes" : "no (" + (resumed.ok() ? "full handshake again" : resumed.failure()) + ")";
    }

    private void maxFragmentLength(ServerProfile p, ProtocolVersion v) {
        int[] suites = ProtocolVersion.TLSv13.equals(v) ? Catalog.TLS13_SUITES : Catalog.suitesFor(v);
        for (short code = 1; code <= 4; code++) {
            int bytes = 1 << (8 + code);
            Outcome o = prober.run(Attempt.of(List.of(v), suites).withGroups(Catalog.GROUPS).withMaxFragment(code)
                    .stopAt(Attempt.StopAt.EXTENSIONS));
            if (!o.ok()) {
                p.maxFragmentLength.put(bytes, "refused: " + o.failure());
                continue;
            }
            short echoed;
            try {
                echoed = o.serverExtensions == null ? -1 : TlsExtensionsUtils.getMaxFragmentLengthExtension(o.serverExtensions);
            } catch (java.io.IOException e) {
                echoed = -1;
            }
            p.maxFragmentLength.put(bytes, echoed == code ? "accepted" : "ignored");
        }
    }

    /** Offers the remaining protocols; each one the server selects is left out of the next offer. */
    private void alpn(ServerProfile p, ProtocolVersion v) {
        int[] suites = ProtocolVersion.TLSv13.equals(v) ? Catalog.TLS13_SUITES : Catalog.suitesFor(v);
        List<String> remaining = new ArrayList<>(ALPN);
        while (!remaining.isEmpty()) {
            Outcome o = prober.run(Attempt.of(List.of(v), suites).withGroups(Catalog.GROUPS).withAlpn(remaining)
                    .stopAt(Attempt.StopAt.EXTENSIONS));
            if (!o.ok() || o.alpn == null || !remaining.remove(o.alpn)) {
                if (!o.ok() && p.alpn.isEmpty()) {
                    p.notes.add("ALPN " + remaining + ": " + o.failure());
                }
                break;
            }
            p.alpn.add(o.alpn);
        }
    }

    private int[] allSuites() {
        int[] tls13 = Catalog.TLS13_SUITES;
        int[] tls12 = Catalog.suitesFor(ProtocolVersion.TLSv12);
        int[] all = new int[tls13.length + tls12.length];
        System.arraycopy(tls13, 0, all, 0, tls13.length);
        System.arraycopy(tls12, 0, all, tls13.length, tls12.length);
        return all;
    }

    /** The suites BouncyCastle can complete a handshake with, optionally only ECDHE or only signed key exchanges; no PSK. */
    private int[] supported(int[] suites, boolean ecdheOnly, boolean signedOnly) {
        List<Integer> list = new ArrayList<>();
        for (int s : suites) {
            if (TlsUtils.isSupportedCipherSuite(prober.crypto(), s) && !Catalog.isPsk(s)
                    && (!ecdheOnly || Catalog.isEcdhe(s)) && (!signedOnly || Catalog.isSigned(s))) {
                list.add(s);
            }
        }
        return toArray(list);
    }

    static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
