package io.tlskit.time;

import io.tlskit.ConfigException;
import io.tlskit.TimeSource;
import io.tlskit.TlsError;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device clock of a device that may have no real-time clock (the PAL's secure time): it runs
 * from the saved time (or a real-time clock, whichever is later) and is corrected by the time
 * servers put in their TLS 1.2 ServerHello, under {@link TimeRules}. A server that is not the
 * trusted time server sets <em>weak</em> time, which may move the clock forward freely but back
 * only a little per day; the trusted time server (identified by its CA certificate) sets
 * <em>strong</em> time unconditionally.
 *
 * <p>Give it to a client with {@code TlsConfig.client().secureTime(time)}: a handshake whose
 * certificate check fails only because the clock is behind (FUTURE), or, for the trusted time
 * server, also ahead (EXPIRED), is verified again at the server's time inside the same handshake,
 * and after the handshake the clock follows the rules.
 *
 * <p>Thread-safe. Handshakes verify at a per-handshake snapshot; the clock changes only after a
 * handshake completes, atomically, so a concurrent certificate check sees the old time or the new
 * one, never a mix, and never another handshake's server time.
 */
public final class SecureTime implements TimeSource {
    private static final Logger LOG = LoggerFactory.getLogger("io.tlskit.time");

    /** Hooks for what the clock does; all run on the thread that caused them. */
    public interface Listener {
        /** A handshake is about to verify a chain at the server's time instead of the device clock. */
        default void verifyingAtServerTime(Instant serverTime) {
        }

        /** A server time was applied (changed or not). */
        default void updated(TimeUpdate update) {
        }
    }

    /** The device time in ms at {@code tick} (monotonic ms); 0 means the clock is unset. */
    private record Base(long deviceMillis, long tick, TimeStrength strength) {
    }

    private final TimeSource hardware;
    private final ClockFile file;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Base base;
    private long saved;              // guarded by this
    private long lastTimeBack;       // guarded by this
    private volatile String trustedTimeServer;

    private SecureTime(TimeSource hardware, ClockFile file, ClockFile.Content content) {
        this.hardware = Objects.requireNonNull(hardware, "hardware clock");
        this.file = file;
        this.saved = content.saved();
        this.lastTimeBack = content.lastTimeBack();
        this.trustedTimeServer = content.trustedTimeServer();
        // pal_initTime: the later of the real-time clock and the saved time (max with last-time-back too)
        long rtc = hardware.now().getEpochSecond();
        long start = Math.max(TimeRules.isPlausible(Instant.ofEpochSecond(rtc)) ? rtc : 0, Math.max(saved, lastTimeBack));
        this.base = new Base(start * 1000, hardware.monotonicMillis(), start == 0 ? TimeStrength.UNSET : TimeStrength.WEAK);
    }

    /**
     * A secure time persisted in {@code file}, created if missing. {@code hardware} gives monotonic
     * ticks and, through now(), a real-time clock reading ({@code TimeSource.fixed(Instant.EPOCH)}
     * on a device without one). A corrupt or unwritable file is a {@link ConfigException}
     * ({@link TlsError#CLOCK_FILE_CORRUPT}, {@link TlsError#CLOCK_FILE_UNWRITABLE}) naming the fix.
     */
    public static SecureTime open(Path file, TimeSource hardware) {
        ClockFile clockFile = new ClockFile(Objects.requireNonNull(file, "file"));
        ClockFile.Content content = clockFile.read();
        clockFile.writeOrThrow(content);     // find an unwritable file now, not at the first handshake
        return new SecureTime(hardware, clockFile, content);
    }

    /** A secure time kept in memory only (it restarts unset, or from the hardware clock). */
    public static SecureTime inMemory(TimeSource hardware) {
        return new SecureTime(hardware, null, ClockFile.Content.EMPTY);
    }

    public SecureTime addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** The device time (1970-01-01 while unset); persists it when it runs far past the saved time. */
    @Override
    public Instant now() {
        long millis = deviceMillis(base);
        long seconds = Math.floorDiv(millis, 1000);
        if (millis != 0 && TimeRules.shouldPersistRunningClock(seconds, savedSeconds())) {
            synchronized (this) {
                if (TimeRules.shouldPersistRunningClock(seconds, saved)) {
                    long before = saved;
                    saved = seconds;
                    String failure = persist();
                    LOG.debug("the clock ran {} s past the saved time: saved {}{}", seconds - before, Instant.ofEpochSecond(seconds),
                        failure == null ? "" : " (" + failure + ")");
                }
            }
        }
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long monotonicMillis() {
        return hardware.monotonicMillis();
    }

    public TimeStrength strength() {
        return base.strength();
    }

    /** The time last persisted (1970-01-01 when none). */
    public synchronized Instant savedTime() {
        return Instant.ofEpochSecond(saved);
    }

    /** The last time a backward move was persisted (1970-01-01 when none). */
    public synchronized Instant lastTimeBack() {
        return Instant.ofEpochSecond(lastTimeBack);
    }

    /** The clock file, if this secure time is persisted. */
    public java.util.Optional<Path> file() {
        return java.util.Optional.ofNullable(file).map(ClockFile::path);
    }

    /**
     * Sets the clock in memory only (pal_osSetTime): for a device's own time source, or a test.
     * {@link Instant#EPOCH} unsets it.
     */
    public synchronized void setTime(Instant time) {
        long millis = time.toEpochMilli();
        base = new Base(millis, hardware.monotonicMillis(), millis == 0 ? TimeStrength.UNSET : TimeStrength.WEAK);
    }

    /**
     * Names the trusted time server by the CA certificate that issues its certificate (the PAL
     * stores this ID in SOTP): its times are strong, and its expired certificate is tolerated
     * while the clock is corrected. Persisted in the clock file.
     */
    public synchronized SecureTime trustTimeServer(X509Certificate ca) {
        trustedTimeServer = fingerprint(ca);
        String failure = persist();
        if (failure != null && file != null) {
            throw new ConfigException(TlsError.CLOCK_FILE_UNWRITABLE, failure);
        }
        return this;
    }

    /** True when {@code ca} is the trusted time server's CA. */
    public boolean isTrustedTimeServerCa(X509Certificate ca) {
        String trusted = trustedTimeServer;
        return trusted != null && trusted.equals(fingerprint(ca));
    }

    public boolean hasTrustedTimeServer() {
        return trustedTimeServer != null;
    }

    /** Tells the listeners that a handshake verifies at this server time (called by the handshake). */
    public void beforeVerifyingAt(Instant serverTime) {
        for (Listener l : listeners) {
            l.verifyingAtServerTime(serverTime);
        }
    }

    /** Applies a server's time under the weak or strong rule; never throws for storage problems. */
    public TimeUpdate apply(Instant serverTime, TimeStrength kind) {
        if (kind == TimeStrength.UNSET) {
            throw new IllegalArgumentException("a server time is WEAK or STRONG");
        }
        TimeUpdate update;
        synchronized (this) {
            Base now = base;
            long deviceMillis = deviceMillis(now);
            long newTime = serverTime.getEpochSecond();
            TimeRules.State before = new TimeRules.State(Math.floorDiv(deviceMillis, 1000), saved, lastTimeBack);
            TimeRules.Outcome outcome = kind == TimeStrength.STRONG ? TimeRules.strong(before, newTime) : TimeRules.weak(before, newTime);
            TimeRules.State after = outcome.after();
            long tick = hardware.monotonicMillis();
            if (outcome.clockChanged() || kind == TimeStrength.STRONG) {
                base = new Base(after.device() * 1000, tick, kind);
            }
            String failure = null;
            long savedBefore = saved;
            if (outcome.stored()) {
                saved = after.saved();
                lastTimeBack = after.lastTimeBack();
                failure = persist();
            }
            update = new TimeUpdate(serverTime, kind, Instant.ofEpochMilli(deviceMillis), Instant.ofEpochMilli(deviceMillis(base)),
                Instant.ofEpochSecond(savedBefore), Instant.ofEpochSecond(saved), outcome.description(), failure);
        }
        LOG.debug("server time {}: {}", serverTime, update);
        for (Listener l : listeners) {
            l.updated(update);
        }
        return update;
    }

    private long deviceMillis(Base b) {
        if (b.deviceMillis() == 0) {
            return 0;      // an unset clock does not run (pal_osGetTime returns 0)
        }
        return b.deviceMillis() + (hardware.monotonicMillis() - b.tick());
    }

    private synchronized long savedSeconds() {
        return saved;
    }

    /** Writes the clock file; returns null, or why it failed (the caller decides whether that is fatal). */
    private synchronized String persist() {
        if (file == null) {
            return null;
        }
        try {
            file.write(new ClockFile.Content(saved, lastTimeBack, trustedTimeServer));
            return null;
        } catch (IOException e) {
            String why = file.unwritable(e).getMessage();
            LOG.warn("{}", why);
            return why;
        }
    }

    static String fingerprint(X509Certificate cert) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint " + cert.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SecureTime[" + now() + ", " + strength() + (file == null ? ", in memory" : ", " + file.path()) + "]";
    }
}
