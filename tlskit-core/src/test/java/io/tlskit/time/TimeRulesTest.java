package io.tlskit.time;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The PAL set-time rules, case by case, with the PAL's thresholds. */
class TimeRulesTest {
    private static final long T = 1_800_000_000L;     // a plausible "now"
    private static final long DAY = 86_400;

    @Test
    void weakForwardSetsTheClockAndSavesOnlyLargeMoves() {
        TimeRules.Outcome small = TimeRules.weak(new TimeRules.State(T - DAY / 2, T - DAY / 2, 0), T);
        assertThat(small.after().device()).isEqualTo(T);
        assertThat(small.after().saved()).isEqualTo(T - DAY / 2);
        assertThat(small.stored()).isFalse();
        assertThat(small.description()).startsWith("weak time: moved the clock forward 12 h (not more than 100000 s: not saved)");

        TimeRules.Outcome fromZero = TimeRules.weak(new TimeRules.State(0, 0, 0), T);
        assertThat(fromZero.after()).isEqualTo(new TimeRules.State(T, T, 0));
        assertThat(fromZero.stored()).isTrue();
    }

    @Test
    void weakStoresATimeFarPastTheSavedOneEvenWhenTheClockMovedLittle() {
        // clock already near T, saved time 7 days old: forward move small, but T - saved > 500,000 s
        TimeRules.Outcome o = TimeRules.weak(new TimeRules.State(T - 10, T - 7 * DAY, 0), T);
        assertThat(o.after().saved()).isEqualTo(T);
        assertThat(o.description()).contains("saved, as it is more than 500000 s past the saved time");
    }

    @Test
    void weakBackwardIsLimitedToThreeMinutesPerDaySinceTheLastBackwardMove() {
        // last backward move 10 days before T: allowed back = 10 days / 480 = 1800 s
        long lastBack = T - 10 * DAY;
        TimeRules.Outcome ok = TimeRules.weak(new TimeRules.State(T + 1000, T, lastBack), T);
        assertThat(ok.after().device()).isEqualTo(T);
        assertThat(ok.after().lastTimeBack()).isEqualTo(T);
        TimeRules.Outcome refused = TimeRules.weak(new TimeRules.State(T + DAY / 2, T, lastBack), T);
        assertThat(refused.after().device()).isEqualTo(T + DAY / 2);
        assertThat(refused.clockChanged()).isFalse();
        assertThat(refused.description()).contains("did not move the clock back 12 h");
        // a clock far in the future is never pulled back by a weak time without a last-time-back record
        TimeRules.Outcome never = TimeRules.weak(new TimeRules.State(2_145_542_642L, 2_145_542_642L, 0), T);
        assertThat(never.clockChanged()).isFalse();
    }

    @Test
    void strongIsTakenUnconditionallyAndSavedOutsideTheLatencies() {
        long future = 2_145_542_642L;
        TimeRules.Outcome back = TimeRules.strong(new TimeRules.State(future, future, future), T);
        assertThat(back.after()).isEqualTo(new TimeRules.State(T, T, T));
        assertThat(back.description()).startsWith("strong time: set the clock back").contains("saved");

        TimeRules.Outcome near = TimeRules.strong(new TimeRules.State(T - DAY / 2, T, 0), T + 50);
        assertThat(near.after().device()).isEqualTo(T + 50);
        assertThat(near.after().saved()).isEqualTo(T);
        assertThat(near.stored()).isFalse();
    }

    @Test
    void plausibilityAndTheRunningClockRule() {
        assertThat(TimeRules.isPlausible(java.time.Instant.ofEpochSecond(TimeRules.MIN_SEC_FROM_EPOCH))).isTrue();
        assertThat(TimeRules.isPlausible(java.time.Instant.ofEpochSecond(1_000_000_000L))).isFalse();
        assertThat(TimeRules.isPlausible(null)).isFalse();
        assertThat(TimeRules.shouldPersistRunningClock(T, T - 2_500_001)).isTrue();
        assertThat(TimeRules.shouldPersistRunningClock(T, T - 2_500_000)).isFalse();
    }
}
