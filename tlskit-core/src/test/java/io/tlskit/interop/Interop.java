package io.tlskit.interop;

import io.tlskit.Psk;
import io.tlskit.PskStore;
import io.tlskit.TlsConfig;
import io.tlskit.TlsConnection;
import io.tlskit.TlsVersion;
import io.tlskit.pki.Credentials;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared pieces of the interop tests: the test PKI as files, the PSK, suite names as OpenSSL and
 * GnuTLS spell them, and starting the real peers with a deadline on every wait.
 *
 * <p>Every peer binds or connects to 127.0.0.1 only, except gnutls-serv: GnuTLS 3.7's gnutls-serv has
 * no option to choose the listen address and always binds 0.0.0.0 and [::] on the given port.
 */
final class Interop {
    static final TestPki PKI = TestPki.INSTANCE;
    /** How long a peer may take to start listening. */
    static final Duration STARTUP = Duration.ofSeconds(5);
    /** How long any one peer interaction may take. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    static final String PSK_IDENTITY = "device-7";
    static final String PSK_HEX = "00112233445566778899aabbccddeeff";
    static final Psk PSK = Psk.of(PSK_IDENTITY, HexFormat.of().parseHex(PSK_HEX));
    static final String PSK_HINT = "tlskit-hint";

    static final String PSK_AES_128_CCM_8 = "TLS_PSK_WITH_AES_128_CCM_8";
    static final String PSK_AES_256_CCM_8 = "TLS_PSK_WITH_AES_256_CCM_8";
    static final String PSK_AES_128_CBC_SHA256 = "TLS_PSK_WITH_AES_128_CBC_SHA256";
    static final String ECDSA_AES_128_CCM_8 = "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
    static final String ECDSA_AES_128_GCM = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    static final String ECDSA_AES_256_GCM = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";

    /** IANA name to OpenSSL name (TLS 1.3 suites are spelled the IANA way by OpenSSL). */
    private static final Map<String, String> OPENSSL_NAMES = Map.of(
        PSK_AES_128_CCM_8, "PSK-AES128-CCM8",
        PSK_AES_256_CCM_8, "PSK-AES256-CCM8",
        PSK_AES_128_CBC_SHA256, "PSK-AES128-CBC-SHA256",
        ECDSA_AES_128_CCM_8, "ECDHE-ECDSA-AES128-CCM8",
        ECDSA_AES_128_GCM, "ECDHE-ECDSA-AES128-GCM-SHA256",
        ECDSA_AES_256_GCM, "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384");

    /** A TLS 1.2 suite as GnuTLS priority keywords: key exchange, cipher, MAC. */
    record GnuTlsSuite(String kx, String cipher, String mac) {
        /** A priority string allowing TLS 1.2 and exactly this suite. */
        String priority() {
            return "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+" + kx + ":-CIPHER-ALL:+" + cipher + ":-MAC-ALL:+" + mac;
        }
    }

    private static final Map<String, GnuTlsSuite> GNUTLS_SUITES = Map.of(
        PSK_AES_128_CCM_8, new GnuTlsSuite("PSK", "AES-128-CCM-8", "AEAD"),
        PSK_AES_256_CCM_8, new GnuTlsSuite("PSK", "AES-256-CCM-8", "AEAD"),
        PSK_AES_128_CBC_SHA256, new GnuTlsSuite("PSK", "AES-128-CBC", "SHA256"),
        ECDSA_AES_128_CCM_8, new GnuTlsSuite("ECDHE-ECDSA", "AES-128-CCM-8", "AEAD"),
        ECDSA_AES_128_GCM, new GnuTlsSuite("ECDHE-ECDSA", "AES-128-GCM", "AEAD"),
        ECDSA_AES_256_GCM, new GnuTlsSuite("ECDHE-ECDSA", "AES-256-GCM", "AEAD"));

    /** The server certificates of the matrix. */
    enum ServerCert {
        EC("server-ec", "ECDSA"),
        RSA("server-rsa", "RSA");

        final String fileName;
        /** How the suite or signature shows the key type (ECDHE_ECDSA / ECDHE_RSA in TLS 1.2). */
        final String keyWord;

        ServerCert(String fileName, String keyWord) {
            this.fileName = fileName;
            this.keyWord = keyWord;
        }

        String cert() {
            return pki(fileName + ".pem");
        }

        String key() {
            return pki(fileName + ".key");
        }

        Credentials credentials() {
            return this == EC ? PKI.serverEc.credentials() : PKI.serverRsa.credentials();
        }
    }

    private Interop() {
    }

    /** A file of the test PKI (ca.pem, server-ec.pem, client.key, ...). */
    static String pki(String name) {
        return PKI.files().resolve(name).toString();
    }

    static String openssl(String ianaSuite) {
        return OPENSSL_NAMES.getOrDefault(ianaSuite, ianaSuite);
    }

    static GnuTlsSuite gnutls(String ianaSuite) {
        GnuTlsSuite suite = GNUTLS_SUITES.get(ianaSuite);
        if (suite == null) {
            throw new IllegalArgumentException("no GnuTLS spelling for " + ianaSuite);
        }
        return suite;
    }

    /** How GnuTLS names the cipher of an IANA suite: AES-128-GCM, AES-128-CCM-8, AES-128-CBC, CHACHA20-POLY1305. */
    static String gnutlsCipher(String ianaSuite) {
        String cipher = ianaSuite.contains("_WITH_") ? ianaSuite.substring(ianaSuite.indexOf("_WITH_") + 6) : ianaSuite.substring(4);
        return cipher.replaceFirst("_SHA(256|384)$", "").replace('_', '-');
    }

    /** A GnuTLS priority string allowing only this TLS version. */
    static String gnutlsVersion(TlsVersion version) {
        return "NORMAL:-VERS-ALL:+VERS-TLS" + (version == TlsVersion.TLS_1_3 ? "1.3" : "1.2");
    }

    static String opensslVersionFlag(TlsVersion version) {
        return version == TlsVersion.TLS_1_3 ? "-tls1_3" : "-tls1_2";
    }

    /** A PSK file for gnutls-serv --pskpasswd. */
    static Path gnutlsPskFile() throws IOException {
        Path file = Files.createTempFile("tlskit-psk", ".txt");
        file.toFile().deleteOnExit();
        Files.writeString(file, PSK_IDENTITY + ":" + PSK_HEX + "\n");
        return file;
    }

    /** A client trusting the test CA, verifying the name "localhost". */
    static TlsConfig.Builder client() {
        return TlsConfig.client().trustAnchors(PKI.trust()).serverName("localhost").handshakeTimeout(Duration.ofSeconds(5));
    }

    static TlsConfig.Builder pskClient(String suite) {
        return TlsConfig.client().psk(PSK).cipherSuites(suite).versions(TlsVersion.TLS_1_2).handshakeTimeout(Duration.ofSeconds(5));
    }

    static TlsConfig.Builder pskServer(String... suites) {
        return TlsConfig.server().pskStore(PskStore.of(PSK)).pskHint(PSK_HINT).cipherSuites(suites).handshakeTimeout(Duration.ofSeconds(5));
    }

    // ---- peers --------------------------------------------------------------------------------

    /**
     * {@code openssl s_server -accept 127.0.0.1:PORT -rev ARGS}, returned once it listens. In -rev
     * mode it answers every line with the line reversed.
     */
    static PeerProcess opensslServer(int port, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Peers.require("openssl").toString(), "s_server",
            "-accept", "127.0.0.1:" + port, "-rev"));
        command.addAll(Arrays.asList(args));
        // s_server prints ACCEPT once listening; probing the port would use up one of its -naccept connections
        return started(PeerProcess.start(command), "ACCEPT");
    }

    /** {@code gnutls-serv --port PORT --echo ARGS}, returned once it listens (on all interfaces, see class comment). */
    static PeerProcess gnutlsServer(int port, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Peers.require("gnutls-serv").toString(), "--port", String.valueOf(port), "--echo"));
        command.addAll(Arrays.asList(args));
        // "listening on IPv4" can come out before 127.0.0.1 accepts (CI saw connection refused right
        // after it): also wait for the port. A bare TCP probe prints no "- Channel bindings" line, so
        // the tests' connection counts are unchanged.
        PeerProcess server = started(PeerProcess.start(command), "listening on IPv4");
        try {
            return server.awaitPort(port, STARTUP);
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    private static PeerProcess started(PeerProcess process, String readyText) throws IOException {
        try {
            return process.awaitOutput(readyText, STARTUP);
        } catch (IOException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /**
     * Runs {@code openssl s_client -connect 127.0.0.1:PORT ARGS}, sends {@code line} and waits for
     * {@code expectedReply}, then closes stdin so s_client sends close_notify and exits. Returns its output.
     */
    static String opensslClient(int port, String line, String expectedReply, String... args) throws IOException {
        // -nocommands: lines starting with Q, R, k or K are data, not s_client commands
        List<String> command = new ArrayList<>(List.of(Peers.require("openssl").toString(), "s_client",
            "-connect", "127.0.0.1:" + port, "-nocommands"));
        command.addAll(Arrays.asList(args));
        return talk(PeerProcess.start(command), line, expectedReply);
    }

    /** Runs {@code gnutls-cli 127.0.0.1 -p PORT ARGS} like {@link #opensslClient}. */
    static String gnutlsClient(int port, String line, String expectedReply, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Peers.require("gnutls-cli").toString(), "127.0.0.1", "-p", String.valueOf(port)));
        command.addAll(Arrays.asList(args));
        return talk(PeerProcess.start(command), line, expectedReply);
    }

    private static String talk(PeerProcess peer, String line, String expectedReply) throws IOException {
        try (peer) {
            peer.write(line + "\n");
            peer.awaitOutput(expectedReply, DEADLINE);
            peer.closeStdin();
            int exit = peer.waitFor(DEADLINE);
            if (exit != 0) {
                throw new IOException("peer exited with " + exit + " after the exchange:\n" + peer.output());
            }
            return peer.output();
        }
    }

    /** Runs a peer client that is expected to fail; returns its exit code and output. */
    static PeerProcess.Result failingClient(String... command) throws IOException {
        return PeerProcess.run(DEADLINE, command);
    }

    // ---- data ---------------------------------------------------------------------------------

    /** Sends one line over a tlskit connection and reads the line that comes back. */
    static String exchangeLine(TlsConnection connection, String line) throws IOException {
        connection.readTimeout(DEADLINE);
        connection.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            int n = connection.read(buffer, 0, buffer.length);
            if (n < 0) {
                throw new IOException("connection closed before a full line came back; got: " + reply.toString(StandardCharsets.UTF_8));
            }
            reply.write(buffer, 0, n);
            byte[] sofar = reply.toByteArray();
            if (sofar.length > 0 && sofar[sofar.length - 1] == '\n') {
                String text = reply.toString(StandardCharsets.UTF_8);
                return text.substring(0, text.length() - 1);
            }
        }
    }

    /** A line of random letters (no spaces or control characters), deterministic per seed. */
    static String randomLine(int length, long seed) {
        Random random = new Random(seed);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    static String reversed(String s) {
        return new StringBuilder(s).reverse().toString();
    }

    /** The first group of the first match of {@code regex} (MULTILINE) in {@code text}, or fail. */
    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no match for /" + regex + "/ in peer output:\n" + text);
        }
        return m.group(1);
    }

    static List<String> findAll(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        List<String> all = new ArrayList<>();
        while (m.find()) {
            all.add(m.group(1));
        }
        return all;
    }
}
