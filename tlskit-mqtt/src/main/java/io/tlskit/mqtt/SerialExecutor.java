package io.tlskit.mqtt;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one client's tasks one at a time, in submission order, on a pool shared by all clients: the
 * ordering of a single-thread executor without a thread per client. At most one pool thread works
 * for this executor at a time; while it has nothing to do it holds no thread.
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks submitted and not finished; the submitter that moves it from 0 schedules the drain. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            pool.execute(this::drain);
        }
    }

    private void drain() {
        running = Thread.currentThread();
        try {
            // Bounded, so one busy client cannot keep a pool thread forever while others wait in the queue.
            for (int done = 0; done < 1024; done++) {
                Runnable r = tasks.poll();
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    log.warn("a task failed: {}", e.toString(), e);
                }
                if (pending.decrementAndGet() == 0) {
                    return;
                }
            }
        } finally {
            running = null;
        }
        pool.execute(this::drain); // more work: continue behind the other clients' tasks
    }

    /** True on the thread currently running one of this executor's tasks. */
    boolean inTask() {
        return running == Thread.currentThread();
    }

    /** Waits until every task submitted so far ran (false on timeout); returns at once when called from a task. */
    boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        if (inTask()) {
            return pending.get() <= 1;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (pending.get() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
