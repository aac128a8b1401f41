package io.tlskit.time;

import io.tlskit.ConfigException;
import io.tlskit.TlsError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Where {@link SecureTime} keeps what survives a power cycle (the PAL keeps it in SOTP): the saved
 * time, the last-time-back record and the trusted time server's CA fingerprint. A small text file,
 * replaced atomically (write a temporary file, force it to disk, rename over the old one), so a
 * power cut leaves the old content or the new one, never half of each.
 */
final class ClockFile {
    static final String SAVED = "saved-time";
    static final String LAST_BACK = "last-time-back";
    static final String TRUSTED = "trusted-time-server";

    /** The persisted values; 0 and null mean "none". */
    record Content(long saved, long lastTimeBack, String trustedTimeServer) {
        static final Content EMPTY = new Content(0, 0, null);
    }

    private final Path path;

    ClockFile(Path path) {
        this.path = path.toAbsolutePath();
    }

    Path path() {
        return path;
    }

    /** Reads the file; a missing file is empty content. Corrupt content is a one-sentence ConfigException. */
    Content read() {
        if (Files.isDirectory(path)) {
            throw new ConfigException(TlsError.CLOCK_FILE_UNWRITABLE, "the clock file " + path + " is a directory: give the path"
                + " of a file in it, e.g. " + path.resolve("clock"));
        }
        if (!Files.exists(path)) {
            return Content.EMPTY;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Content.EMPTY;
        } catch (IOException e) {
            throw corrupt("cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        long saved = 0;
        long back = 0;
        String trusted = null;
        boolean any = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            String value = eq < 0 ? "" : line.substring(eq + 1).strip();
            String where = "line " + (i + 1) + " '" + abbreviate(line) + "'";
            switch (key) {
                case SAVED:
                    saved = seconds(value, where);
                    break;
                case LAST_BACK:
                    back = seconds(value, where);
                    break;
                case TRUSTED:
                    if (!value.matches("sha256:[0-9a-f]{64}")) {
                        throw corrupt("is corrupt (" + where + " is not sha256: and 64 hex digits)", null);
                    }
                    trusted = value;
                    break;
                default:
                    throw corrupt("is corrupt (" + where + " is not saved-time=, last-time-back= or trusted-time-server=)", null);
            }
            any = true;
        }
        if (!any) {
            throw corrupt("is corrupt (it holds no saved-time= line" + (lines.isEmpty() ? ": it is empty" : "") + ")", null);
        }
        return new Content(saved, back, trusted);
    }

    /** Replaces the file atomically; IOException when the directory is not writable. */
    void write(Content content) throws IOException {
        StringBuilder text = new StringBuilder("# tlskit secure time: written by SecureTime, replaced atomically\n");
        text.append(SAVED).append('=').append(content.saved()).append('\n');
        text.append(LAST_BACK).append('=').append(content.lastTimeBack()).append('\n');
        if (content.trustedTimeServer() != null) {
            text.append(TRUSTED).append('=').append(content.trustedTimeServer()).append('\n');
        }
        Path dir = path.getParent();
        Path tmp = dir.resolve("." + path.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes the content, or throws the one-sentence CLOCK_FILE_UNWRITABLE error. */
    void writeOrThrow(Content content) {
        try {
            write(content);
        } catch (IOException e) {
            throw unwritable(e);
        }
    }

    ConfigException unwritable(IOException e) {
        return new ConfigException(TlsError.CLOCK_FILE_UNWRITABLE, "the clock file " + path + " cannot be written ("
            + e.getClass().getSimpleName() + ": " + e.getMessage() + "): make " + path.getParent()
            + " a writable directory or choose another path", e);
    }

    private ConfigException corrupt(String what, Throwable cause) {
        return new ConfigException(TlsError.CLOCK_FILE_CORRUPT, "the clock file " + path + " " + what
            + ": restore it from a backup or delete it (the device then takes its time from the next server it trusts)", cause);
    }

    private long seconds(String value, String where) {
        try {
            long v = Long.parseLong(value);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw corrupt("is corrupt (" + where + " is not a number of seconds since 1970)", null);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
