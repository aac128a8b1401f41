package io.tlskit.mbedtls;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mbedTLS interop peers: small C programs in {@code peers/mbedtls} built with gcc against
 * Debian's libmbedtls-dev. {@code scripts/test} builds them before Maven; if they are missing this
 * class runs {@code make -C peers/mbedtls} itself. Without gcc, make or the mbedTLS headers the
 * calling test is skipped, or fails when TLSKIT_REQUIRE_PEERS=1.
 *
 * <p>The repository root is the system property {@code tlskit.repo}, else the environment variable
 * {@code TLSKIT_REPO} (set by surefire), else the first parent of the working directory holding
 * {@code peers/mbedtls/Makefile}.
 */
public final class MbedtlsPeer {
    static final Duration BUILD_DEADLINE = Duration.ofSeconds(120);
    static final Path MBEDTLS_HEADER = Path.of("/usr/include/mbedtls/ssl.h");

    private static Path peerDir;
    private static boolean built;

    private MbedtlsPeer() {
    }

    public static Path client() {
        return ensureBuilt().resolve("build/mbedtls_peer_client");
    }

    public static Path server() {
        return ensureBuilt().resolve("build/mbedtls_peer_server");
    }

    /** Builds the peers once per JVM (make is a no-op when they are up to date). */
    static synchronized Path ensureBuilt() {
        Path dir = peerDir();
        if (built) {
            return dir;
        }
        boolean haveBinaries = Files.isExecutable(dir.resolve("build/mbedtls_peer_client"))
            && Files.isExecutable(dir.resolve("build/mbedtls_peer_server"));
        String missing = missingToolchain();
        if (missing != null) {
            if (haveBinaries) {
                built = true; // prebuilt peers and no compiler: use them as they are
                return dir;
            }
            skipOrFail("the mbedTLS peer is not built and " + missing);
        }
        PeerProcess.Result make;
        try {
            make = PeerProcess.run(BUILD_DEADLINE, "make", "-C", dir.toString());
        } catch (IOException e) {
            throw new IllegalStateException("make -C " + dir + " could not run: " + e.getMessage(), e);
        }
        if (make.exitCode != 0) {
            fail("building the mbedTLS peer failed (make -C " + dir + "):\n" + make.output);
        }
        built = true;
        return dir;
    }

    /** What is missing to build the peer, or null. */
    private static String missingToolchain() {
        if (Peers.find("gcc") == null) {
            return "gcc is not installed (Debian: apt-get install gcc)";
        }
        if (Peers.find("make") == null) {
            return "make is not installed (Debian: apt-get install make)";
        }
        if (!Files.exists(MBEDTLS_HEADER)) {
            return MBEDTLS_HEADER + " is missing (Debian: apt-get install libmbedtls-dev)";
        }
        return null;
    }

    private static void skipOrFail(String why) {
        if (Peers.required()) {
            fail(why + " and TLSKIT_REQUIRE_PEERS=1");
        }
        assumeTrue(false, why);
    }

    private static synchronized Path peerDir() {
        if (peerDir != null) {
            return peerDir;
        }
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("tlskit.repo");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        String env = System.getenv("TLSKIT_REPO");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p);
        }
        for (Path root : candidates) {
            Path dir = root.toAbsolutePath().resolve("peers/mbedtls");
            if (Files.isRegularFile(dir.resolve("Makefile"))) {
                peerDir = dir;
                return dir;
            }
        }
        skipOrFail("peers/mbedtls was not found from -Dtlskit.repo, TLSKIT_REPO or the working directory " + candidates);
        throw new AssertionError("unreachable");
    }

    // ---- reading the peer's machine-readable output ----

    /** The first output line starting with {@code prefix}, without the prefix. */
    static Optional<String> line(String output, String prefix) {
        for (String line : output.split("\r?\n")) {
            if (line.startsWith(prefix)) {
                return Optional.of(line.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** A {@code key=value} number from the first line starting with {@code prefix}. */
    static long number(String output, String prefix, String key) {
        String line = line(output, prefix).orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + output));
        Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "=(\\d+)").matcher(line);
        if (!m.find()) {
            throw new AssertionError("no " + key + "= in '" + prefix + line + "'");
        }
        return Long.parseLong(m.group(1));
    }
}
