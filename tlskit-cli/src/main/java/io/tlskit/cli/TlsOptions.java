package io.tlskit.cli;

import io.tlskit.ClientAuth;
import io.tlskit.Durations;
import io.tlskit.MaxFragmentLength;
import io.tlskit.Psk;
import io.tlskit.PskStore;
import io.tlskit.TlsConfig;
import io.tlskit.TlsVersion;
import io.tlskit.VerifyMode;
import io.tlskit.crypto.CryptoBackend;
import io.tlskit.pki.Credentials;
import io.tlskit.pki.TrustAnchors;
import io.tlskit.time.SecureTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** The TLS options shared by server, connect, get and post; builds a {@link TlsConfig.Builder}. */
public final class TlsOptions {
    @Option(names = "--ca", paramLabel = "FILE",
            description = "PEM file of trusted CA certificates (client: verifies the server, default the JDK's trust store; server: verifies client certificates).")
    Path ca;

    @Option(names = "--cert", paramLabel = "FILE", description = "Own certificate chain (PEM or DER, leaf first), or a PKCS#12 file (.p12/.pfx) without --key.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "Own private key (PEM or DER, PKCS#1/PKCS#8/SEC1, maybe encrypted).")
    Path key;

    @Option(names = "--key-password-file", paramLabel = "FILE", description = "File whose first line is the password of --key (or of the PKCS#12 file).")
    Path keyPasswordFile;

    @Option(names = "--psk", paramLabel = "IDENTITY:HEXKEY",
            description = "Pre-shared key (client: the one to offer; server: repeat for each accepted identity).")
    List<String> psk = new ArrayList<>();

    @Option(names = "--psk-hint", paramLabel = "TEXT", description = "Server: the PSK identity hint sent in TLS 1.2.")
    String pskHint;

    @Option(names = "--tls", paramLabel = "1.2|1.3", split = ",", description = "Protocol versions to enable (repeat or comma list; default both).")
    List<String> tls = new ArrayList<>();

    @Option(names = "--ciphers", paramLabel = "A,B", split = ",", description = "IANA cipher suite names, in order of preference.")
    List<String> ciphers = new ArrayList<>();

    @Option(names = "--groups", paramLabel = "G,H", split = ",", description = "Key-exchange groups, preferred first (x25519, secp256r1, secp384r1, ...).")
    List<String> groups = new ArrayList<>();

    @Option(names = "--server-name", paramLabel = "NAME", description = "Client: the name sent in SNI and checked against the server certificate (default the host).")
    String serverName;

    @Option(names = "--alpn", paramLabel = "a,b", split = ",", description = "ALPN protocols to offer (client) or accept (server).")
    List<String> alpn = new ArrayList<>();

    @Option(names = "--max-fragment", paramLabel = "N", description = "Client: request max_fragment_length 512, 1024, 2048 or 4096.")
    Integer maxFragment;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", description = "Handshake deadline, e.g. 500ms, 10s (default 10s).")
    String handshakeTimeout;

    @Option(names = "--verify", paramLabel = "required|optional|none", description = "Client: what a failed server verification does (default required).")
    String verify;

    @Option(names = "--client-auth", paramLabel = "none|optional|required", description = "Server: whether to ask for client certificates (needs --ca).")
    String clientAuth;

    @Option(names = "--crypto", paramLabel = "hybrid|bc|jdk", description = "Crypto backend (default hybrid).")
    String crypto;

    @Option(names = "--debug", paramLabel = "N",
            description = "Debug output on stderr like mbedtls_debug_set_threshold: 0 off, 1 errors, 2 state changes,"
                + " 3 informational, 4 full wire dump (hex of every record). Never prints keys or the PSK.")
    Integer debug;

    @Option(names = "--clock", paramLabel = "FILE",
            description = "Client: secure time kept in FILE (created if missing): verify with this device clock and correct it"
                + " from the TLS 1.2 server's ServerHello time under the PAL's rules (see --time-server-ca).")
    Path clock;

    @Option(names = "--time-server-ca", paramLabel = "FILE",
            description = "Client, with --clock: the CA certificate (PEM) of the trusted time server, whose time is strong.")
    Path timeServerCa;

    @Option(names = "--send-server-time", description = "Server: put this machine's clock in the TLS 1.2 ServerHello"
            + " (gmt_unix_time), for devices that set their clock from it; without it those bytes are random.")
    boolean sendServerTime;

    static final List<String> SERVER_ONLY = List.of("--client-auth", "--psk-hint", "--send-server-time");
    static final List<String> CLIENT_ONLY = List.of("--server-name", "--max-fragment", "--verify", "--clock", "--time-server-ca");

    /** Takes the other role's options out of each command, so help and parsing show only what applies. */
    static void removeOtherRoleOptions(CommandLine root) {
        for (CommandLine sub : root.getSubcommands().values()) {
            Object command = sub.getCommand();
            List<String> drop = command instanceof ServerCommand ? CLIENT_ONLY
                    : command instanceof ConnectCommand || command instanceof HttpCommands.Base ? SERVER_ONLY : List.of();
            for (String name : drop) {
                OptionSpec option = sub.getCommandSpec().findOption(name);
                if (option != null) {
                    sub.getCommandSpec().remove(option);
                }
            }
        }
    }

    /** True when the user named their own certificate (or PKCS#12) file. */
    boolean hasOwnCertificate() {
        return cert != null || key != null;
    }

    /** A client config builder with every option applied. */
    TlsConfig.Builder client() {
        serverOnly("--client-auth", clientAuth);
        serverOnly("--psk-hint", pskHint);
        if (psk.size() > 1) {
            throw new CliException("a client offers one --psk IDENTITY:HEXKEY, not " + psk.size());
        }
        TlsConfig.Builder b = TlsConfig.client();
        common(b);
        if (ca != null) {
            b.trustAnchors(TrustAnchors.fromFile(ca));
        }
        Credentials own = ownCredentials();
        if (own != null) {
            b.credentials(own);
        }
        if (!psk.isEmpty()) {
            b.psk(Psk.parse(psk.get(0)));
        }
        if (serverName != null) {
            b.serverName(serverName);
        }
        if (maxFragment != null) {
            b.maxFragmentLength(MaxFragmentLength.ofBytes(maxFragment));
        }
        if (verify != null) {
            b.verifyMode(VerifyMode.parse(verify));
        }
        if (clock != null) {
            SecureTime time = SecureTime.open(clock, io.tlskit.TimeSource.system());
            if (timeServerCa != null) {
                List<java.security.cert.X509Certificate> cas = io.tlskit.pki.PemReader.certificates(timeServerCa);
                if (cas.isEmpty()) {
                    throw new CliException("--time-server-ca " + timeServerCa + " holds no certificate: give the time server's CA in PEM");
                }
                time.trustTimeServer(cas.get(0));
            }
            b.secureTime(time);
        } else if (timeServerCa != null) {
            throw new CliException("--time-server-ca needs --clock FILE, where the device clock is kept");
        }
        return b;
    }

    /**
     * A server config builder with every option applied; {@code defaultCredentials} (may be null) is
     * used when no --cert/--key was given.
     */
    TlsConfig.Builder server(Credentials defaultCredentials) {
        clientOnly("--server-name", serverName);
        clientOnly("--max-fragment", maxFragment);
        clientOnly("--verify", verify);
        TlsConfig.Builder b = TlsConfig.server();
        common(b);
        Credentials own = ownCredentials();
        if (own == null) {
            own = defaultCredentials;
        }
        if (own != null) {
            b.credentials(own);
        }
        if (ca != null) {
            b.trustAnchors(TrustAnchors.fromFile(ca));
        }
        if (clientAuth != null) {
            b.clientAuth(ClientAuth.parse(clientAuth));
        }
        if (!psk.isEmpty()) {
            b.pskStore(PskStore.of(psk.stream().map(Psk::parse).toArray(Psk[]::new)));
        }
        if (pskHint != null) {
            b.pskHint(pskHint);
        }
        b.sendServerTime(sendServerTime);
        return b;
    }

    private void common(TlsConfig.Builder b) {
        if (!tls.isEmpty()) {
            b.versions(tls.stream().map(String::trim).filter(s -> !s.isEmpty()).map(TlsVersion::parse).toArray(TlsVersion[]::new));
        }
        if (!groups.isEmpty()) {
            b.groups(groups.stream().map(String::trim).filter(g -> !g.isEmpty()).toArray(String[]::new));
        }
        if (!ciphers.isEmpty()) {
            b.cipherSuites(ciphers.stream().map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new));
        }
        if (!alpn.isEmpty()) {
            b.alpn(alpn.stream().map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new));
        }
        if (handshakeTimeout != null) {
            b.handshakeTimeout(Durations.parse(handshakeTimeout));
        }
        if (crypto != null) {
            b.cryptoBackend(parseCrypto(crypto));
        }
        if (debug != null) {
            if (debug < 0 || debug > 4) {
                throw new CliException("--debug " + debug + " is not a level: use 0 (off) to 4 (full wire dump)");
            }
            b.debug(debug);
        }
    }

    static CryptoBackend parseCrypto(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "hybrid":
                return CryptoBackend.HYBRID;
            case "bc":
            case "bouncy-castle":
            case "bouncycastle":
                return CryptoBackend.BOUNCY_CASTLE;
            case "jdk":
            case "jca":
                return CryptoBackend.JDK;
            default:
                throw new CliException("unknown crypto backend '" + text + "': use hybrid, bc or jdk");
        }
    }

    /** The --cert/--key pair (or PKCS#12 file), or null when neither was given. */
    Credentials ownCredentials() {
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null) {
            throw new CliException("--key " + key + " needs the matching certificate: add --cert FILE");
        }
        char[] password = keyPasswordFile == null ? null : readPasswordFile(keyPasswordFile);
        try {
            if (key == null) {
                String name = cert.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".p12") || name.endsWith(".pfx")) {
                    return Credentials.load(cert, password == null ? new char[0] : password);
                }
                throw new CliException("--cert " + cert + " needs its private key: add --key FILE (or give a .p12/.pfx file)");
            }
            return Credentials.load(cert, key, password);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** The first line of a password file, without the line end. Never printed. */
    static char[] readPasswordFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException("cannot read the password file " + file + " (" + e.getClass().getSimpleName()
                    + "): check the path given to --key-password-file", e);
        }
        try {
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes, 0, end));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            return password;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void serverOnly(String option, Object value) {
        if (value != null) {
            throw new CliException(option + " is a server option; a client does not use it");
        }
    }

    private static void clientOnly(String option, Object value) {
        if (value != null) {
            throw new CliException(option + " is a client option; tlskit server does not use it");
        }
    }
}
