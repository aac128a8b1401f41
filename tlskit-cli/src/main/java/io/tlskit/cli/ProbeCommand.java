package io.tlskit.cli;

import io.tlskit.Durations;
import io.tlskit.TimeSource;
import io.tlskit.TlsConfig;
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
import java.util.List;
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
}
