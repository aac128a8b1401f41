package io.tlskit.cli;

import io.tlskit.TicketKeyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlskit cert ticket-keys}: writes or rotates the session-ticket key file a fleet of servers shares. */
@Command(name = "ticket-keys", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a session-ticket key file for 'tlskit server --ticket-keys FILE' (mode 0600).",
            "Servers given the same file resume each other's TLS 1.2 sessions (behind a load balancer, say).",
            "Format: one key per line, base64 of a 16-byte name and a 32-byte AES-256-GCM key; the first key seals new "
                + "tickets, every listed key opens them. Servers re-read the file on SIGHUP and when it changes.",
            "Rotate: --rotate puts a new key first and keeps --keep keys (default 2: tickets of the previous key still resume); "
                + "copy the file to every server. See docs/operations.md."})
final class TicketKeysCommand implements Callable<Integer>, Cli.Aware {
    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The key file to write.")
    Path out;

    @Option(names = "--rotate", description = "Put a new key in front of the keys already in --out instead of starting afresh.")
    boolean rotate;

    @Option(names = "--keep", paramLabel = "N", defaultValue = "" + TicketKeyFile.DEFAULT_KEEP,
            description = "With --rotate: keys kept, the new one included (default ${DEFAULT-VALUE}).")
    int keep;

    private Cli cli;

    @Override
    public void cli(Cli context) {
        this.cli = context;
    }

    @Override
    public Integer call() throws Exception {
        if (keep < 1) {
            throw new CliException("--keep must be 1 or more (the key that seals new tickets), was " + keep);
        }
        SecureRandom random = new SecureRandom();
        if (rotate) {
            List<byte[]> keys = TicketKeyFile.rotate(out, random, keep);
            cli.out.println("rotated " + out + ": a new first key, " + keys.size() + " key" + (keys.size() == 1 ? "" : "s")
                    + " in all; copy it to every server (they re-read it on SIGHUP or within seconds of a change)");
            return 0;
        }
        if (Files.exists(out)) {
            throw new CliException(out + " exists: add --rotate to put a new key in front of its keys, or remove it first");
        }
        TicketKeyFile.write(out, List.of(TicketKeyFile.newKey(random)));
        cli.out.println("wrote " + out + " (mode 0600): start every server with --ticket-keys " + out);
        return 0;
    }
}
