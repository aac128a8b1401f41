package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    @Test
    void tasksRunOneAtATimeInSubmissionOrderOnAPoolOfSeveralThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<Integer> seen = new ArrayList<>(); // unsynchronized on purpose: one task at a time
            AtomicInteger running = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            for (int i = 0; i < 20_000; i++) {
                int n = i;
                serial.execute(() -> {
                    if (running.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    seen.add(n);
                    running.decrementAndGet();
                });
            }
            assertThat(serial.awaitIdle(20, TimeUnit.SECONDS)).isTrue();
            assertThat(overlaps.get()).isZero();
            assertThat(seen).hasSize(20_000);
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i)).isEqualTo(i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() throws Exception {
        SerialExecutor serial = new SerialExecutor(SharedExecutors.pool());
        AtomicInteger ran = new AtomicInteger();
        serial.execute(() -> {
            throw new IllegalStateException("expected in this test");
        });
        serial.execute(ran::incrementAndGet);
        assertThat(serial.awaitIdle(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(1);
    }
}
