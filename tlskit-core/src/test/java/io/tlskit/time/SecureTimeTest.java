package io.tlskit.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.ConfigException;
import io.tlskit.TimeSource;
import io.tlskit.TlsError;
import io.tlskit.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device clock: start-up, persistence, the running-clock rule, and bad clock files. */
class SecureTimeTest {
    private static final long T = 1_800_000_000L;

    @TempDir
    Path dir;

    /** A hardware clock without RTC whose monotonic ticks the test moves. */
    static final class Ticks implements TimeSource {
        final AtomicLong millis = new AtomicLong(1_000);

        @Override
        public Instant now() {
            return Instant.EPOCH;
        }

        @Override
        public long monotonicMillis() {
            return millis.get();
        }
    }

    @Test
    void startsUnsetThenRunsFromTheSavedTimeAfterARestart() throws Exception {
        Path file = dir.resolve("clock");
        Ticks ticks = new Ticks();
        SecureTime first = SecureTime.open(file, ticks);
        assertThat(first.now()).isEqualTo(Instant.EPOCH);
        assertThat(first.strength()).isEqualTo(TimeStrength.UNSET);
        assertThat(Files.readString(file)).contains("saved-time=0");

        TimeUpdate u = first.apply(Instant.ofEpochSecond(T), TimeStrength.WEAK);
        assertThat(u.clockChanged()).isTrue();
        assertThat(u.savedChanged()).isTrue();
        assertThat(first.strength()).isEqualTo(TimeStrength.WEAK);
        ticks.millis.addAndGet(5_000);
        assertThat(first.now()).isEqualTo(Instant.ofEpochSecond(T + 5));

        SecureTime rebooted = SecureTime.open(file, new Ticks());
        assertThat(rebooted.now()).isEqualTo(Instant.ofEpochSecond(T));
        assertThat(rebooted.savedTime()).isEqualTo(Instant.ofEpochSecond(T));
        assertThat(rebooted.strength()).isEqualTo(TimeStrength.WEAK);
    }

    @Test
    void aClockRunningFarPastTheSavedTimeIsSaved() throws Exception {
        Path file = dir.resolve("clock");
        Ticks ticks = new Ticks();
        SecureTime clock = SecureTime.open(file, ticks);
        clock.apply(Instant.ofEpochSecond(T), TimeStrength.STRONG);
        ticks.millis.addAndGet(2_500_000_000L);
        clock.now();
        assertThat(clock.savedTime()).isEqualTo(Instant.ofEpochSecond(T));
        ticks.millis.addAndGet(1_000);
        clock.now();
        assertThat(clock.savedTime()).isEqualTo(Instant.ofEpochSecond(T + 2_500_001));
        assertThat(Files.readString(file)).contains("saved-time=" + (T + 2_500_001));
    }

    @Test
    void theTrustedTimeServerIsPersistedByItsCaFingerprint() {
        Path file = dir.resolve("clock");
        SecureTime clock = SecureTime.open(file, new Ticks()).trustTimeServer(TestPki.INSTANCE.ca.certificate());
        assertThat(clock.isTrustedTimeServerCa(TestPki.INSTANCE.ca.certificate())).isTrue();
        assertThat(clock.isTrustedTimeServerCa(TestPki.INSTANCE.otherCa.certificate())).isFalse();
        assertThat(SecureTime.open(file, new Ticks()).isTrustedTimeServerCa(TestPki.INSTANCE.ca.certificate())).isTrue();
    }

    @Test
    void aCorruptClockFileIsOneSentenceNamingTheFix() throws Exception {
        Path file = dir.resolve("clock");
        Files.writeString(file, "saved-time=12x\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SecureTime.open(file, new Ticks()))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CLOCK_FILE_CORRUPT))
            .hasMessage("the clock file " + file + " is corrupt (line 1 'saved-time=12x' is not a number of seconds since 1970):"
                + " restore it from a backup or delete it (the device then takes its time from the next server it trusts)");
        Files.writeString(file, "", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SecureTime.open(file, new Ticks())).hasMessageContaining("is corrupt (it holds no saved-time= line: it is empty)");
        Files.writeString(file, "color=blue\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SecureTime.open(file, new Ticks())).hasMessageContaining("line 1 'color=blue' is not saved-time=");
    }

    @Test
    void anUnwritableClockFileIsOneSentenceNamingTheFix() throws Exception {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        Path file = notADirectory.resolve("clock");
        assertThatThrownBy(() -> SecureTime.open(file, new Ticks()))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CLOCK_FILE_UNWRITABLE))
            .hasMessageStartingWith("the clock file " + file + " cannot be written (")
            .hasMessageEndingWith("): make " + notADirectory + " a writable directory or choose another path");
        // a directory where the file should be
        Path isDirectory = Files.createDirectory(dir.resolve("clockdir"));
        Files.createDirectory(isDirectory.resolve("sub"));
        assertThatThrownBy(() -> SecureTime.open(isDirectory, new Ticks()))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CLOCK_FILE_UNWRITABLE))
            .hasMessage("the clock file " + isDirectory + " is a directory: give the path of a file in it, e.g. " + isDirectory.resolve("clock"));
    }

    @Test
    void writesAreAtomicReplacements() throws Exception {
        Path file = dir.resolve("clock");
        SecureTime clock = SecureTime.open(file, new Ticks());
        for (int i = 1; i <= 20; i++) {
            clock.apply(Instant.ofEpochSecond(T + i * 1_000_000L), TimeStrength.STRONG);
        }
        assertThat(Files.readString(file)).contains("saved-time=" + (T + 20_000_000L));
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("clock");
        }
    }
}
