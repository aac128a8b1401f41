package io.tlskit.cli.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link ServerProbe} found out about one server. Versions are named "TLS 1.2", suites by IANA name. */
public final class ServerProfile {
    /** host:port as given. */
    public String target;
    /** Every version tried, with "accepted" or why not. */
    public final Map<String, String> versions = new LinkedHashMap<>();
    /** TLS 1.2 suites accepted, in the server's order of preference when {@link #tls12ServerOrder}. */
    public final List<String> tls12Suites = new ArrayList<>();
    /** True: the server picks by its own order; false: by the client's; null: fewer than two suites. */
    public Boolean tls12ServerOrder;
    public final List<String> tls13Suites = new ArrayList<>();
    public Boolean tls13ServerOrder;
    /** Key-exchange groups accepted, per version. */
    public final Map<String, List<String>> groups = new LinkedHashMap<>();
    /** Signature schemes the server signs with, per version. */
    public final Map<String, List<String>> signatureSchemes = new LinkedHashMap<>();
    public CertificateFacts certificates;
    /** Whether the server stapled an OCSP response (asked in TLS 1.2; null: not tested). */
    public Boolean ocspStapled;
    /** "yes", "no (...)", or "not tested (...)". */
    public String resumptionById;
    public String resumptionByTicket;
    /** max_fragment_length request (512...4096) to "accepted" / "ignored" / "refused: ...". */
    public final Map<Integer, String> maxFragmentLength = new LinkedHashMap<>();
    /** ALPN protocols the server selected, first-offered first; empty when it never selected one. */
    public final List<String> alpn = new ArrayList<>();
    public boolean clientCertificateRequested;
    /** Anything odd the probe met (a server closing on unknown suites, say). */
    public final List<String> notes = new ArrayList<>();
    public int connections;

    public boolean accepts(String version) {
        return "accepted".equals(versions.get(version));
    }
}
