package io.tlskit.mqtt;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets acknowledgements pile up before the reader reads again, while many publishes await theirs.
 *
 * <p>A broker writes each PUBACK on its own (Mosquitto: one TLS record and one {@code write} per
 * packet). A reader that goes straight back to a blocking read is woken for every one of them: a
 * wake-up and a read per message on our side, and a wake-up of ours on every one of the broker's
 * writes, which is most of what the single-threaded broker spends per message. When at least
 * {@link #MIN_UNACKNOWLEDGED} messages are unacknowledged, more acknowledgements are certainly on
 * their way, so after a small read the reader pauses {@link #PAUSE_NANOS} and then takes them all
 * in one read. Throughput is not touched (the in-flight window stays full); what arrives in that
 * window (acknowledgements, deliveries) waits at most the pause. A client with few messages in
 * flight never pauses, so request/response latency is unchanged.
 *
 * <p>Measured (docs/benchmarks.md, QoS 1 over TLS to Mosquitto, 1,000 in flight): client CPU per
 * message 15.5 to 7 µs, broker CPU per message 12 to 9 µs.
 */
final class ReadPacer {
    static final long PAUSE_NANOS = 50_000;
    static final int MIN_UNACKNOWLEDGED = 32;
    /** A read below this is a trickle: the broker writes acknowledgements one by one. */
    static final int SMALL_READ_BYTES = 1024;

    private ReadPacer() {
    }

    /** How long to wait before the next read, after one that returned {@code bytesRead}. */
    static long pauseNanos(int bytesRead, int unacknowledged) {
        return bytesRead < SMALL_READ_BYTES && unacknowledged >= MIN_UNACKNOWLEDGED ? PAUSE_NANOS : 0;
    }

    static void pauseAfter(int bytesRead, int unacknowledged) {
        long pause = pauseNanos(bytesRead, unacknowledged);
        if (pause > 0) {
            LockSupport.parkNanos(pause);
        }
    }
}
