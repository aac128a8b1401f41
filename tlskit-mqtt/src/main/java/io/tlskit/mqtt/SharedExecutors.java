package io.tlskit.mqtt;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads shared by every {@link MqttClient} in the JVM, so an idle connected client owns only its
 * reader.
 *
 * <p>{@link #pool()} runs handler callbacks and future completions through one
 * {@link SerialExecutor} per client and purpose (per-client order kept). It grows a thread per
 * client that is busy at the same moment, so a handler that blocks never holds up another client,
 * and its threads end after {@value #IDLE_SECONDS} s without work: idle clients cost no pool thread.
 *
 * <p>{@link #scheduler()} is one daemon thread for every client's timers (each only wakes a client's
 * {@link CommandLoop}) and the watchdog that aborts connections whose write has been blocked too
 * long (see {@link MqttLink}), which is what lets session code write to the connection itself.
 */
final class SharedExecutors {
    static final int IDLE_SECONDS = 10;
    private static final long WATCHDOG_PERIOD_MILLIS = 250;

    private SharedExecutors() {
    }

    private static final class Holder {
        static final ExecutorService POOL = pool();
        static final ScheduledExecutorService WATCHDOG = watchdog();
        static final Set<MqttLink> WRITING = ConcurrentHashMap.newKeySet();

        private static ExecutorService pool() {
            ThreadPoolExecutor p = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemon("tlskit-mqtt-shared-"));
            return p;
        }

        private static ScheduledExecutorService watchdog() {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("tlskit-mqtt-timers-"));
            s.setRemoveOnCancelPolicy(true); // re-armed timers do not pile up
            s.scheduleWithFixedDelay(() -> {
                long now = System.nanoTime();
                for (MqttLink l : WRITING) {
                    l.checkWriteDeadline(now);
                }
            }, WATCHDOG_PERIOD_MILLIS, WATCHDOG_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            return s;
        }
    }

    static ExecutorService pool() {
        return Holder.POOL;
    }

    /** One daemon thread for every client's timers (they only wake a client's command loop) and the watchdog. */
    static ScheduledExecutorService scheduler() {
        return Holder.WATCHDOG;
    }

    /** Starts watching the link's blocking writes (until {@link #unwatch}). */
    static void watch(MqttLink link) {
        Holder.WATCHDOG.getClass(); // starts the watchdog thread on first use
        Holder.WRITING.add(link);
    }

    static void unwatch(MqttLink link) {
        Holder.WRITING.remove(link);
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
