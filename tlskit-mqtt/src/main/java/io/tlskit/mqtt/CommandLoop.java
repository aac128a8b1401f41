package io.tlskit.mqtt;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client's command queue and the "session thread" that is not a thread: commands run one at a
 * time, in order, on whichever thread finds the loop free. The connection's reader runs them
 * inline right after a read (no hand-off for what the broker sent, PUBACKs included); commands
 * posted from other threads (API calls, timers) run on the shared pool. Timers (keep-alive,
 * connect deadline, reconnect backoff) are armed on the shared scheduler. So an idle connected
 * client owns one thread, its reader, and nothing else.
 *
 * <p>Whoever runs a turn owns the session until the turn ends; the {@link #running} flag is the
 * hand-over point (its CAS and reset order all access to the session state).
 */
final class CommandLoop {
    /** What the loop drives: the client's session-side code. Called only inside a turn. */
    interface Owner {
        /** Runs due timers and flushes what earlier commands produced (events, store sync, writes). */
        void tick();

        /** When tick() must next run (the owner's monotonic clock), or Long.MAX_VALUE. */
        long nextWakeup();

        long now();

        /** The loop stops: fail what waits, release what is held; may use {@link #poll()}. */
        void shutdown();

        void commandFailed(RuntimeException e);
    }

    /** Commands per turn: bounds how long a reader spends writing before it reads again. */
    private static final int TURN_LIMIT = 1000;
    private static final long MAX_TIMER_MILLIS = 60_000;

    private final Owner owner;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    /**
     * A pool turn is submitted and has not started yet: later posts need not submit another. Without
     * it, a publisher posting faster than a pool thread wakes up submits one task per message (each a
     * hand-off to, or the start of, a pool thread), and all but the first find nothing to do.
     */
    private final AtomicBoolean kicked = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Runnable turnOnPool = () -> {
        kicked.set(false); // before looking at the inbox: a post that still sees true is picked up below
        turnIfFree(false);
    };
    private volatile Thread runner;
    private volatile boolean stopRequested;
    // inside a turn only
    private boolean finished;
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;

    CommandLoop(Owner owner) {
        this.owner = owner;
    }

    /** Queues a command; a pool thread runs it unless a turn is under way (which then picks it up). */
    void post(Runnable command) {
        inbox.add(command);
        kick();
    }

    /** Queues a command and, if the loop is free, runs the turn on this thread (the reader). */
    void postAndRun(Runnable command) {
        inbox.add(command);
        turnIfFree(true);
    }

    /** True on the thread running a turn now: the session may be touched directly. */
    boolean inTurn() {
        return runner == Thread.currentThread();
    }

    /** Asks the loop to stop: the next turn calls {@link Owner#shutdown()} and no turn runs after it. */
    void stop() {
        stopRequested = true;
        kick();
    }

    boolean awaitStopped(long millis) throws InterruptedException {
        return stopped.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** The next queued command, for {@link Owner#shutdown()} to run what was posted during close. */
    Runnable poll() {
        return inbox.poll();
    }

    private void kick() {
        if (!running.get() && stopped.getCount() > 0 && !kicked.get() && kicked.compareAndSet(false, true)) {
            try {
                SharedExecutors.pool().execute(turnOnPool);
            } catch (RuntimeException | Error e) {
                kicked.set(false); // not submitted: the next post tries again
                throw e;
            }
        }
    }

    private void turnIfFree(boolean onReader) {
        while (running.compareAndSet(false, true)) {
            runner = Thread.currentThread();
            try {
                if (!finished) {
                    turn();
                }
            } finally {
                runner = null;
                running.set(false);
            }
            // A command posted while we held the loop found it busy and relied on us: look again.
            if (finished || (inbox.isEmpty() && !stopRequested)) {
                return;
            }
            if (onReader) {
                kick(); // the reader goes back to reading; the pool takes the rest
                return;
            }
        }
    }

    private void turn() {
        try {
            owner.tick();
        } catch (RuntimeException e) {
            owner.commandFailed(e);
        }
        Runnable r;
        for (int n = 0; n < TURN_LIMIT && (r = inbox.poll()) != null; n++) {
            try {
                r.run();
            } catch (RuntimeException e) {
                owner.commandFailed(e);
            }
        }
        try {
            owner.tick(); // what the commands queued is written now, one write for the whole turn
        } catch (RuntimeException e) {
            owner.commandFailed(e);
        }
        if (stopRequested) {
            finished = true;
            if (timer != null) {
                timer.cancel(false);
            }
            try {
                owner.shutdown();
            } finally {
                stopped.countDown();
            }
            return;
        }
        armTimer();
    }

    /** One pending wake-up at the earliest deadline; a stale one only causes an extra tick. */
    private void armTimer() {
        long at = owner.nextWakeup();
        if (at == Long.MAX_VALUE) {
            return;
        }
        long now = owner.now();
        // keep an armed wake-up that comes first and is still ahead (one at or past its time may be
        // the very one whose kick started this turn: it is not "done" until kick() returned)
        if (timer != null && !timer.isDone() && timerAt <= at && timerAt > now) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        long delay = Math.min(MAX_TIMER_MILLIS, Math.max(0, at - now));
        timerAt = at;
        timer = SharedExecutors.scheduler().schedule(this::kick, delay, TimeUnit.MILLISECONDS);
    }
}
