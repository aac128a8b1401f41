package io.tlskit;

import java.time.Clock;
import java.time.Instant;

/**
 * Where tlskit reads the time: certificate validity, session expiry, handshake timeouts. Must be
 * thread-safe. Tests pin it; devices without a real-time clock can set it from a trusted server.
 */
@FunctionalInterface
public interface TimeSource {
    /** Wall-clock time, used for certificate validity and the ServerHello gmt_unix_time. */
    Instant now();

    /** Monotonic milliseconds for timeouts; defaults to the wall clock. */
    default long monotonicMillis() {
        return now().toEpochMilli();
    }

    static TimeSource system() {
        return SystemTime.INSTANCE;
    }

    /** Wall time pinned to one instant; timeouts still run on the real monotonic clock. */
    static TimeSource fixed(Instant instant) {
        return new TimeSource() {
            @Override
            public Instant now() {
                return instant;
            }

            @Override
            public long monotonicMillis() {
                return System.nanoTime() / 1_000_000L;
            }
        };
    }

    /** Wall time from the clock; timeouts on the real monotonic clock. */
    static TimeSource of(Clock clock) {
        return new TimeSource() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public long monotonicMillis() {
                return System.nanoTime() / 1_000_000L;
            }
        };
    }

    /** The system clock for wall time and System.nanoTime for timeouts. */
    enum SystemTime implements TimeSource {
        INSTANCE;

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public long monotonicMillis() {
            return System.nanoTime() / 1_000_000L;
        }
    }
}
