package io.tlskit.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds real peer programs (openssl, gnutls-cli, mosquitto, ...). A missing peer skips the test on
 * a laptop and fails it when TLSKIT_REQUIRE_PEERS=1 (CI), so interop tests never pass silently.
 */
public final class Peers {
    private Peers() {
    }

    public static boolean required() {
        return "1".equals(System.getenv("TLSKIT_REQUIRE_PEERS"));
    }

    /** The absolute path of a program on PATH, or skip/fail the calling test. */
    public static Path require(String program) {
        Path found = find(program);
        if (found == null) {
            String why = program + " is not installed (Debian: apt-get install " + debianPackage(program) + ")";
            if (required()) {
                fail(why + " and TLSKIT_REQUIRE_PEERS=1");
            }
            assumeTrue(false, why);
        }
        return found;
    }

    public static Path find(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String debianPackage(String program) {
        switch (program) {
            case "gnutls-cli":
            case "gnutls-serv":
            case "certtool":
                return "gnutls-bin";
            case "mosquitto_pub":
            case "mosquitto_sub":
                return "mosquitto-clients";
            default:
                return program;
        }
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
