package io.tlskit.time;

import java.time.Instant;

/**
 * The PAL's set-time rules (pal_plat_osSetWeakTime / pal_plat_osSetStrongTime / pal_osGetTime),
 * as pure functions over seconds: what a time from a server does to the device clock, the saved
 * time and the last-time-back record. The thresholds are the PAL's; they limit how often storage is
 * written and how far a server that is not trusted may move the clock back.
 */
public final class TimeRules {
    /** pal_osGetTime persists the clock once it runs this far past the saved time. */
    public static final long LAST_SAVED_TIME_LATENCY_SEC = 2_500_000;
    /** A forward move larger than this is persisted. */
    public static final long MINIMUM_FORWARD_LATENCY_SEC = 100_000;
    /** A weak time this far past the saved time is persisted. */
    public static final long MINIMUM_STORAGE_LATENCY_SEC = 500_000;
    /** A strong backward move larger than this is persisted. */
    public static final long MINIMUM_BACKWARD_LATENCY_SEC = 100;
    /** A weak backward move may be 1/480 of the time since the last backward move (3 minutes a day). */
    public static final long RATIO_SECONDS_PER_DAY = 480;
    /** PAL_MIN_SEC_FROM_EPOCH (2017-02-13): a server time before this is not a clock reading. */
    public static final long MIN_SEC_FROM_EPOCH = 1_487_015_542L;

    private TimeRules() {
    }

    /** The clock, the saved time and the last-time-back record, in seconds since 1970 (0: none). */
    public record State(long device, long saved, long lastTimeBack) {
    }

    /** What a rule did: the new state and a sentence saying what changed and why. */
    public record Outcome(State after, boolean clockChanged, boolean stored, String description) {
    }

    /** pal_osSetWeakTime: a time from a server that is not the trusted time server. */
    public static Outcome weak(State s, long newTime) {
        long device = s.device;
        long saved = s.saved;
        long back = s.lastTimeBack;
        String what;
        if (newTime > s.device) {
            device = newTime;
            long forward = newTime - s.device;
            if (forward > MINIMUM_FORWARD_LATENCY_SEC) {
                saved = newTime;
                what = "moved the clock forward " + span(forward) + " (more than " + MINIMUM_FORWARD_LATENCY_SEC + " s: saved)";
            } else {
                what = "moved the clock forward " + span(forward) + " (not more than " + MINIMUM_FORWARD_LATENCY_SEC + " s: not saved)";
            }
        } else if (newTime < s.device) {
            long backward = s.device - newTime;
            long allowed = newTime > back ? (newTime - back) / RATIO_SECONDS_PER_DAY : -1;
            if (allowed > backward) {
                device = newTime;
                saved = newTime;
                back = newTime;
                what = "moved the clock back " + span(backward) + " (within the " + span(allowed)
                    + " a weak time may go back since the last backward move: saved)";
            } else {
                what = "did not move the clock back " + span(backward) + ": a server that is not the trusted time server may move it back"
                    + " only 3 minutes per day since the last backward move" + (allowed >= 0 ? " (" + span(Math.max(0, allowed)) + " now)" : "");
            }
        } else {
            what = "left the clock as it was (it already agrees)";
        }
        if (newTime > saved && newTime - saved > MINIMUM_STORAGE_LATENCY_SEC) {
            saved = newTime;
            what += "; saved, as it is more than " + MINIMUM_STORAGE_LATENCY_SEC + " s past the saved time";
        }
        State after = new State(device, saved, back);
        return new Outcome(after, device != s.device, saved != s.saved || back != s.lastTimeBack, "weak time: " + what);
    }

    /** pal_osSetStrongTime: a time from the trusted time server, taken unconditionally. */
    public static Outcome strong(State s, long newTime) {
        long saved = s.saved;
        long back = s.lastTimeBack;
        boolean forward = newTime > s.saved && newTime - s.saved > MINIMUM_FORWARD_LATENCY_SEC;
        boolean backward = newTime < s.saved && s.saved - newTime > MINIMUM_BACKWARD_LATENCY_SEC;
        if (forward || backward) {
            saved = newTime;
            back = newTime;
        }
        long delta = newTime - s.device;
        String what = delta == 0 ? "left the clock as it was (it already agrees)"
            : "set the clock " + (delta > 0 ? "forward " : "back ") + span(Math.abs(delta));
        what += forward ? " (more than " + MINIMUM_FORWARD_LATENCY_SEC + " s past the saved time: saved)"
            : backward ? " (more than " + MINIMUM_BACKWARD_LATENCY_SEC + " s before the saved time: saved)"
            : " (within the saved time's latency: not saved)";
        State after = new State(newTime, saved, back);
        return new Outcome(after, newTime != s.device, forward || backward, "strong time: " + what);
    }

    /** pal_osGetTime's side effect: a clock this far past the saved time is saved. */
    public static boolean shouldPersistRunningClock(long device, long saved) {
        return device > saved && device - saved > LAST_SAVED_TIME_LATENCY_SEC;
    }

    /** False for times no real clock shows (before 2017-02-13): random bytes, an unset server clock. */
    public static boolean isPlausible(Instant serverTime) {
        return serverTime != null && serverTime.getEpochSecond() >= MIN_SEC_FROM_EPOCH;
    }

    static String span(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 2 * 3600) {
            return (seconds / 60) + " min";
        }
        if (seconds < 2 * 86400) {
            return (seconds / 3600) + " h";
        }
        return (seconds / 86400) + " days";
    }
}
