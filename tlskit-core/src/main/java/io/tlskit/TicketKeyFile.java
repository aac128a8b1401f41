package io.tlskit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The session-ticket key file a fleet of servers shares. Text, one key per line: the base64 of
 * {@link TicketKeys#KEY_LENGTH} bytes (a 16-byte key name, then a 32-byte AES-256-GCM key), 64
 * characters. The first key seals new tickets; every key in the file opens them. Lines starting
 * with {@code #} and blank lines are ignored. The file must not be readable by group or others.
 *
 * <p>Rotation: put a new key first and keep the previous ones after it ({@link #rotate}); tickets
 * sealed by a key still in the file keep resuming, those of a key dropped from it do not.
 */
public final class TicketKeyFile {
    /** Base64 characters of one key (48 bytes, no padding needed). */
    public static final int LINE_LENGTH = 64;
    /** How many keys {@link #rotate} keeps by default: the new one and one generation before it. */
    public static final int DEFAULT_KEEP = 2;
    private static final String HEADER =
        "# tlskit session-ticket keys (written by 'tlskit cert ticket-keys'); keep this file secret (mode 0600).\n"
        + "# One key per line: base64 of a 16-byte key name and a 32-byte AES-256-GCM key.\n"
        + "# The first key seals new tickets; every key listed opens them. Rotate with 'tlskit cert ticket-keys --rotate --out FILE'.\n";

    private TicketKeyFile() {
    }

    /** A fresh random key. */
    public static byte[] newKey(SecureRandom random) {
        byte[] key = new byte[TicketKeys.KEY_LENGTH];
        random.nextBytes(key);
        return key;
    }

    /** Reads the keys, first (sealing) key first; fails with a sentence naming the file, line and fix. */
    public static List<byte[]> read(Path file) {
        checkPermissions(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new ConfigException("no ticket-keys file " + file + ": create one with 'tlskit cert ticket-keys --out " + file + "'");
        } catch (AccessDeniedException e) {
            throw new ConfigException("cannot read the ticket-keys file " + file + " (permission denied): run the server as the file's owner");
        } catch (IOException e) {
            throw new ConfigException("cannot read the ticket-keys file " + file + " (" + e.getMessage()
                + "): it must be text, one base64 key per line, as 'tlskit cert ticket-keys' writes it");
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            keys.add(decode(file, i + 1, line));
        }
        if (keys.isEmpty()) {
            throw new ConfigException("the ticket-keys file " + file + " holds no key: write one with 'tlskit cert ticket-keys --out " + file + "'");
        }
        return keys;
    }

    /** Loads a file as {@link TicketKeys} whose tickets are valid for {@code lifetime}. */
    public static TicketKeys load(Path file, SecureRandom random, TimeSource time, java.time.Duration lifetime) {
        return TicketKeys.of(read(file), random, time, lifetime);
    }

    /** Writes the keys (0600, replacing the file in one rename so a server never reads half of it). */
    public static void write(Path file, List<byte[]> keys) throws IOException {
        StringBuilder text = new StringBuilder(HEADER);
        for (byte[] key : keys) {
            if (key.length != TicketKeys.KEY_LENGTH) {
                throw new IllegalArgumentException("a ticket key is " + TicketKeys.KEY_LENGTH + " bytes");
            }
            text.append(Base64.getEncoder().encodeToString(key)).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Path temp = createPrivateTemp(dir, file.getFileName().toString());
        try {
            Files.write(temp, text.toString().getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Puts a new key first and keeps at most {@code keep} keys (the oldest go): the server seals with
     * the new key at once and still opens tickets of the {@code keep - 1} keys before it.
     */
    public static List<byte[]> rotate(Path file, SecureRandom random, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one key");
        }
        List<byte[]> keys = new ArrayList<>();
        keys.add(newKey(random));
        if (Files.exists(file)) {
            keys.addAll(read(file));
        }
        List<byte[]> kept = List.copyOf(keys.subList(0, Math.min(keep, keys.size())));
        write(file, kept);
        return kept;
    }

    private static byte[] decode(Path file, int lineNumber, String line) {
        String where = "ticket-keys file " + file + " line " + lineNumber;
        String fix = ": regenerate it with 'tlskit cert ticket-keys --out " + file + "'";
        if (line.length() != LINE_LENGTH && line.matches("[A-Za-z0-9+/=]+")) {
            String what = line.length() < LINE_LENGTH ? "truncated" : "too long";
            throw new ConfigException(where + " is " + what + ": a key is " + LINE_LENGTH + " base64 characters ("
                + TicketKeys.KEY_LENGTH + " bytes), this line has " + line.length() + fix);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + " is not base64 (" + e.getMessage() + ")" + fix);
        }
        if (key.length != TicketKeys.KEY_LENGTH) {
            Arrays.fill(key, (byte) 0);
            throw new ConfigException(where + " is not one key: a key is " + TicketKeys.KEY_LENGTH + " bytes" + fix);
        }
        return key;
    }

    /** Group- or world-readable secrets are refused, as ssh refuses such private keys. */
    private static void checkPermissions(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // not POSIX, or missing: read() says so
        }
        Set<PosixFilePermission> open = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        for (PosixFilePermission p : perms) {
            if (open.contains(p)) {
                throw new ConfigException(TlsError.CONFIG_INVALID, "the ticket-keys file " + file + " is accessible to other users (mode "
                    + PosixFilePermissions.toString(perms) + "): run 'chmod 600 " + file + "'");
            }
        }
    }

    private static Path createPrivateTemp(Path dir, String name) throws IOException {
        try {
            return Files.createTempFile(dir, "." + name, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, "." + name, ".tmp");
        }
    }
}
