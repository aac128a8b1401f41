package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadPacerTest {
    @Test
    void aSmallReadWithManyMessagesInFlightPausesTheReader() {
        assertThat(ReadPacer.pauseNanos(26, 1000)).isEqualTo(ReadPacer.PAUSE_NANOS);
        assertThat(ReadPacer.pauseNanos(ReadPacer.SMALL_READ_BYTES - 1, ReadPacer.MIN_UNACKNOWLEDGED))
                .isEqualTo(ReadPacer.PAUSE_NANOS);
    }

    @Test
    void fewMessagesInFlightNeverDelayTheReader() {
        // request/response traffic: an acknowledgement or a delivery is handled as soon as it arrives
        assertThat(ReadPacer.pauseNanos(26, 0)).isZero();
        assertThat(ReadPacer.pauseNanos(26, ReadPacer.MIN_UNACKNOWLEDGED - 1)).isZero();
    }

    @Test
    void aLargeReadMeansTheReaderIsBehindAndReadsAgainAtOnce() {
        assertThat(ReadPacer.pauseNanos(ReadPacer.SMALL_READ_BYTES, 1000)).isZero();
        assertThat(ReadPacer.pauseNanos(16 * 1024, 1000)).isZero();
    }

    @Test
    void thePauseIsShortAgainstAnyTimeout() {
        // at most 1 ms: keep-alive and acknowledgement timeouts are seconds
        assertThat(ReadPacer.PAUSE_NANOS).isPositive().isLessThanOrEqualTo(1_000_000);
    }
}
