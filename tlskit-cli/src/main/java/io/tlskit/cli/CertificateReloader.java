package io.tlskit.cli;

import io.tlskit.TicketKeyFile;
import io.tlskit.TlsConfig;
import io.tlskit.pki.Credentials;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The server's current {@link TlsConfig}, rebuilt from the same inputs (the command line's
 * certificate, key, CA and password files, or the local PKI) on SIGHUP, when one of those files
 * changes on disk, or when {@link #reload(String)} is called. {@link #current()} is the
 * {@code HttpsServer} TLS supplier: new connections get the newest config, open ones keep theirs.
 *
 * <p>Every rebuilt config shares the first one's {@code SessionCache} and {@code TicketKeys}, so
 * sessions and tickets issued before a reload still resume after it; keys from a shared ticket-key
 * file are re-read with the certificate and replace the shared keys in place. A reload that fails (a file
 * half written, a key that does not match its certificate) changes nothing and logs one line.
 */
final class CertificateReloader implements AutoCloseable {
    /** How often the watched files are checked. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    /**
     * After a change is seen, how long the files must stay unchanged before they are read: a cert
     * and key replaced one after the other are then read as a pair, not one old and one new.
     */
    static final Duration SETTLE = Duration.ofMillis(300);

    private final Supplier<TlsConfig.Builder> source;
    /** The shared session-ticket key file re-read with the certificate, or null for in-process keys. */
    private final Path ticketKeyFile;
    private final List<Path> files;
    private final PrintStream log;
    private volatile TlsConfig current;
    private volatile List<Object> seen;
    private volatile boolean closed;
    private Thread watcher;
    private Runnable restoreSignal;

    /**
     * @param initial the config the server starts with (its session cache and ticket keys are kept)
     * @param source builds a fresh config builder from the inputs, reading the files again
     * @param files the files {@code source} reads (null entries are ignored)
     * @param log where the one-line reload messages go
     */
    CertificateReloader(TlsConfig initial, Supplier<TlsConfig.Builder> source, List<Path> files, PrintStream log) {
        this(initial, source, files, null, log);
    }

    /**
     * As above, and {@code ticketKeyFile} (may be null), the key file of the initial config's given
     * {@code TicketKeys}, is watched and re-read too: its keys replace the shared ones in place.
     */
    CertificateReloader(TlsConfig initial, Supplier<TlsConfig.Builder> source, List<Path> files, Path ticketKeyFile, PrintStream log) {
        this.current = Objects.requireNonNull(initial, "initial");
        this.source = Objects.requireNonNull(source, "source");
        this.ticketKeyFile = initial.ticketKeys() != null && !initial.ticketKeys().rotating() ? ticketKeyFile : null;
        LinkedHashSet<Path> unique = new LinkedHashSet<>();
        for (Path f : files) {
            if (f != null) {
                unique.add(f.toAbsolutePath().normalize());
            }
        }
        if (this.ticketKeyFile != null) {
            unique.add(this.ticketKeyFile.toAbsolutePath().normalize());
        }
        this.files = List.copyOf(unique);
        this.log = log;
        this.seen = fingerprint();
    }

    /** The config for a new connection. */
    TlsConfig current() {
        return current;
    }

    /** The files watched for changes. */
    List<Path> files() {
        return files;
    }

    /**
     * Rebuilds the config from the inputs; on success new connections use it, on failure the
     * previous one stays. Logs one line either way; returns whether the certificate was reloaded.
     */
    synchronized boolean reload(String why) {
        List<Object> before = fingerprint();
        TlsConfig previous = current;
        TlsConfig next;
        List<byte[]> ticketKeys = null;
        try {
            if (ticketKeyFile != null) {
                ticketKeys = TicketKeyFile.read(ticketKeyFile); // read before anything changes: all or nothing
            }
            TlsConfig.Builder b = source.get();
            if (previous.sessionCache() != null) {
                b.sessionCache(previous.sessionCache());
            }
            if (previous.ticketKeys() != null) {
                b.ticketKeys(previous.ticketKeys());
            }
            next = b.build();
        } catch (RuntimeException e) {
            seen = before;
            print("reload failed: " + Main.describe(e) + " (still serving the previous certificate)");
            return false;
        }
        seen = before;
        if (ticketKeys != null) {
            next.ticketKeys().replace(ticketKeys);
        }
        current = next;
        print("reloaded certificate " + describe(next.credentials())
            + (ticketKeys == null ? "" : " and " + ticketKeys.size() + " session-ticket key" + (ticketKeys.size() == 1 ? "" : "s") + " from " + ticketKeyFile)
            + (why == null ? "" : "; " + why));
        return true;
    }

    static String describe(Credentials credentials) {
        if (credentials == null) {
            return "(none: PSK only)";
        }
        return credentials.subject() + ", valid until " + credentials.leaf().getNotAfter().toInstant()
                + " (serial " + credentials.leaf().getSerialNumber().toString(16) + ")";
    }

    /** Polls the files every {@code interval} on a daemon thread and reloads when one changed. */
    synchronized void watch(Duration interval) {
        if (watcher != null || files.isEmpty()) {
            return;
        }
        long millis = Math.max(10, interval.toMillis());
        watcher = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(millis);
                    checkFiles();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    print("reload failed: " + Main.describe(e) + " (still serving the previous certificate)");
                }
            }
        }, "tlskit-cert-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** One poll: reloads if a watched file changed since the last reload (or failed reload). */
    void checkFiles() throws InterruptedException {
        List<Object> now = fingerprint();
        if (now.equals(seen)) {
            return;
        }
        // wait until the files stop changing, so a certificate and key replaced together are read together
        long deadline = System.nanoTime() + 10 * SETTLE.toNanos();
        while (System.nanoTime() < deadline && !closed) {
            Thread.sleep(SETTLE.toMillis());
            List<Object> later = fingerprint();
            if (later.equals(now)) {
                break;
            }
            now = later;
        }
        if (!closed && !now.equals(seen)) { // not already reloaded meanwhile (SIGHUP, reload())
            reload("changed on disk");
        }
    }

    /**
     * Reload on SIGHUP (the convention of nginx and most daemons). Uses sun.misc.Signal from the
     * jdk.unsupported module; where that or the signal is not available, reloads still happen when
     * the files change. Returns whether the handler was installed.
     */
    synchronized boolean handleSighup() {
        if (restoreSignal != null) {
            return true;
        }
        if (hupIgnoredAtStart()) {
            // the JVM keeps a signal ignored at start-up ignored (nohup): say so instead of pretending
            print("SIGHUP is ignored in this process (started under nohup?): certificates reload when their files change");
            return false;
        }
        try {
            sun.misc.Signal hup = new sun.misc.Signal("HUP");
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(hup, signal -> reload("SIGHUP"));
            restoreSignal = () -> sun.misc.Signal.handle(hup, previous);
            return true;
        } catch (Throwable unavailable) { // IllegalArgumentException (no such signal / in use by the JVM), LinkageError
            return false;
        }
    }

    /** Linux: bit 0 of SigIgn in /proc/self/status is SIGHUP. Elsewhere: assume it is not ignored. */
    private static boolean hupIgnoredAtStart() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or unreadable: nothing to report
        }
        return false;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
        if (restoreSignal != null) {
            try {
                restoreSignal.run();
            } catch (RuntimeException ignored) {
                // the JVM is shutting down
            }
            restoreSignal = null;
        }
    }

    /** Modification time, size and file key (inode) of every watched file; a rename over a file changes the key. */
    private List<Object> fingerprint() {
        List<Object> all = new ArrayList<>(files.size() * 3);
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                all.add(a.lastModifiedTime());
                all.add(a.size());
                all.add(a.fileKey());
            } catch (NoSuchFileException e) {
                all.add("missing");
            } catch (IOException e) {
                all.add("unreadable " + e.getClass().getSimpleName());
            }
        }
        return all;
    }

    private void print(String line) {
        if (log == null) {
            return;
        }
        synchronized (log) {
            log.println("tlskit server: " + Cli.oneLine(line));
            log.flush();
        }
    }
}
