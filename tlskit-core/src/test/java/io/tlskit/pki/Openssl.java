package io.tlskit.pki;

import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the openssl command line in one directory; names without '/' are files in that directory. */
final class Openssl {
    private final Path dir;

    Openssl(Path dir) {
        Peers.require("openssl");
        this.dir = dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Runs "openssl args..." and fails the test on a non-zero exit. Tokens "@name" become paths. */
    String run(String... args) throws IOException {
        return attempt(args).orThrow().output;
    }

    PeerProcess.Result attempt(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        for (String arg : args) {
            cmd.add(arg.startsWith("@") ? file(arg.substring(1)).toString() : arg);
        }
        return PeerProcess.run(Duration.ofSeconds(120), cmd.toArray(new String[0]));
    }
}
