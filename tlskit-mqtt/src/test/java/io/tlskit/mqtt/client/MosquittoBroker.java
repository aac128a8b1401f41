package io.tlskit.mqtt.client;

import io.tlskit.testing.Peers;
import io.tlskit.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto on 127.0.0.1 for tests: writes a config into a temp dir, starts
 * {@code mosquitto -c conf}, waits for every listener port, and kills it on close. Listeners:
 * TLS with a server certificate, TLS requiring a client certificate (identity as user name),
 * TLS-PSK (PSK-AES128-CCM8, TLS 1.2), and TLS with a password file (anonymous refused).
 */
public final class MosquittoBroker implements AutoCloseable {
    public static final String PSK_IDENTITY = "dev1";
    public static final byte[] PSK_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret";

    public final Path dir;
    public final int tlsPort;
    public final int mtlsPort;
    public final int pskPort;
    public final int passwordPort;
    private final Path conf;
    private final Path logFile;
    private Process process;
    private boolean paused;

    private MosquittoBroker(Path dir, boolean persistence, String extraConfig) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.tlsPort = Peers.freePort();
        this.mtlsPort = Peers.freePort();
        this.pskPort = Peers.freePort();
        this.passwordPort = Peers.freePort();
        this.conf = dir.resolve("mosquitto.conf");
        this.logFile = dir.resolve("mosquitto.log");
        Path pki = TestPki.INSTANCE.files();
        Files.writeString(dir.resolve("psk.txt"), PSK_IDENTITY + ":" + HexFormat.of().formatHex(PSK_KEY) + "\n");
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "");
        Path mosquittoPasswd = Peers.find("mosquitto_passwd");
        if (mosquittoPasswd == null) {
            throw new IOException("mosquitto_passwd is missing (apt-get install mosquitto)");
        }
        Process p = new ProcessBuilder(mosquittoPasswd.toString(), "-b", passwd.toString(), USER, PASSWORD)
                .redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("mosquitto_passwd failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String tlsFiles = "cafile " + pki.resolve("ca.pem") + "\ncertfile " + pki.resolve("server-ec.pem") + "\nkeyfile "
                + pki.resolve("server-ec.key") + "\n";
        StringBuilder c = new StringBuilder();
        if ("root".equals(System.getProperty("user.name"))) {
            c.append("user root\n"); // else mosquitto drops to user 'mosquitto', who cannot read the temp files
        }
        c.append("per_listener_settings true\n");
        if (persistence) {
            c.append("persistence true\npersistence_location ").append(dir).append("/\n");
        } else {
            c.append("persistence false\n");
        }
        c.append("log_dest file ").append(logFile).append("\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
        c.append("max_queued_messages 100000\nmax_inflight_messages 0\n");
        c.append(extraConfig); // general settings, after the defaults above so they override them
        c.append("\n# 1: TLS, server certificate\nlistener ").append(tlsPort).append(" 127.0.0.1\nallow_anonymous true\n").append(tlsFiles);
        c.append("\n# 2: TLS, client certificate required, its CN is the user name\nlistener ").append(mtlsPort)
                .append(" 127.0.0.1\nallow_anonymous true\n").append(tlsFiles)
                .append("require_certificate true\nuse_identity_as_username true\n");
        c.append("\n# 3: TLS-PSK\nlistener ").append(pskPort).append(" 127.0.0.1\nallow_anonymous true\npsk_hint tlskit\npsk_file ")
                .append(dir.resolve("psk.txt")).append("\nciphers PSK-AES128-CCM8\ntls_version tlsv1.2\n");
        c.append("\n# 4: TLS, user name and password required\nlistener ").append(passwordPort)
                .append(" 127.0.0.1\nallow_anonymous false\npassword_file ").append(passwd).append("\n").append(tlsFiles);
        Files.writeString(conf, c.toString());
    }

    /** The mosquitto binary: on PATH, else /usr/sbin or /usr/local/sbin (often not on a user's PATH); skips if absent. */
    public static Path binary() {
        Path found = Peers.find("mosquitto");
        for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin")) {
            if (found == null && Files.isExecutable(Path.of(dir, "mosquitto"))) {
                found = Path.of(dir, "mosquitto");
            }
        }
        return found != null ? found : Peers.require("mosquitto");
    }

    public static MosquittoBroker start(Path dir) throws IOException {
        return start(dir, false);
    }

    public static MosquittoBroker start(Path dir, boolean persistence) throws IOException {
        return start(dir, persistence, "");
    }

    /** With {@code extraConfig} (general settings, one per line) added after the defaults, so it can override them. */
    public static MosquittoBroker start(Path dir, boolean persistence, String extraConfig) throws IOException {
        Peers.require("mosquitto_sub");
        Peers.require("mosquitto_pub");
        binary();
        MosquittoBroker b = new MosquittoBroker(dir, persistence, extraConfig.isEmpty() || extraConfig.endsWith("\n")
                ? extraConfig : extraConfig + "\n");
        b.launch();
        return b;
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(binary().toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.out").toFile()))
                .start();
        for (int port : List.of(tlsPort, mtlsPort, pskPort, passwordPort)) {
            awaitPort(port, Duration.ofSeconds(15));
        }
    }

    private void awaitPort(int port, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited early with " + process.exitValue() + ":\n" + log());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(30);
            }
        }
        throw new IOException("mosquitto did not listen on " + port + " within " + timeout + ":\n" + log());
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, waiting for exit (mosquitto writes its persistence file on the way out). */
    public void stop() throws IOException {
        resume();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: no persistence written. */
    public void kill() {
        resume();
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts again with the same config and ports. */
    public void restart() throws IOException {
        launch();
    }

    /** SIGSTOP: the broker keeps its sockets open but answers nothing. */
    public void pause() throws IOException {
        signal("STOP");
        paused = true;
    }

    public void resume() {
        if (paused) {
            try {
                signal("CONT");
            } catch (IOException e) {
                // the process is gone
            }
            paused = false;
        }
    }

    private void signal(String name) throws IOException {
        Process k = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
        try {
            if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IOException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String config() throws IOException {
        return Files.readString(conf);
    }

    public String log() {
        try {
            StringBuilder b = new StringBuilder();
            for (Path p : List.of(dir.resolve("mosquitto.out"), logFile)) {
                if (Files.exists(p)) {
                    b.append(Files.readString(p, StandardCharsets.ISO_8859_1));
                }
            }
            return b.toString();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The last {@code lines} lines of {@link #log()}, for failure messages. */
    public String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Where mosquitto writes its persistence database ({@code persistence true}): mosquitto.db in {@link #dir}. */
    public Path persistenceFile() {
        return dir.resolve("mosquitto.db");
    }

    /** mosquitto_pub / mosquitto_sub arguments for a listener. */
    public List<String> clientArgs(Listener l) {
        Path pki = TestPki.INSTANCE.files();
        List<String> a = new ArrayList<>();
        switch (l) {
            case TLS:
                a.addAll(List.of("-h", "localhost", "-p", String.valueOf(tlsPort), "--cafile", pki.resolve("ca.pem").toString()));
                break;
            case MUTUAL_TLS:
                a.addAll(List.of("-h", "localhost", "-p", String.valueOf(mtlsPort), "--cafile", pki.resolve("ca.pem").toString(),
                        "--cert", pki.resolve("client.pem").toString(), "--key", pki.resolve("client.key").toString()));
                break;
            case PSK:
                a.addAll(List.of("-h", "127.0.0.1", "-p", String.valueOf(pskPort), "--psk-identity", PSK_IDENTITY,
                        "--psk", HexFormat.of().formatHex(PSK_KEY), "--ciphers", "PSK-AES128-CCM8", "--tls-version", "tlsv1.2"));
                break;
            default:
                throw new IllegalArgumentException(l.toString());
        }
        return a;
    }

    public int port(Listener l) {
        switch (l) {
            case TLS:
                return tlsPort;
            case MUTUAL_TLS:
                return mtlsPort;
            case PSK:
                return pskPort;
            default:
                return passwordPort;
        }
    }

    public enum Listener { TLS, MUTUAL_TLS, PSK, PASSWORD }

    /** A mosquitto_sub/pub command line, line-buffered (via stdbuf when present) so tests see its output at once. */
    public static List<String> command(String program, List<String> args) {
        List<String> c = new ArrayList<>();
        Path stdbuf = Peers.find("stdbuf");
        if (stdbuf != null) {
            c.addAll(List.of(stdbuf.toString(), "-oL", "-eL"));
        }
        c.add(Peers.require(program).toString());
        c.addAll(args);
        return c;
    }

    @Override
    public void close() {
        resume();
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
