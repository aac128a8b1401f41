package io.tlskit;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PAL's {@code PAL_MAX_NUM_OF_TLS_CTX}: at most N handshakes of one configuration run at once.
 * A handshake that finds no free slot fails at once with {@link TlsError#RESOURCE} instead of
 * waiting, as a device with memory for one TLS context must. Thread-safe.
 */
final class HandshakeSlots {
    private final int limit;
    private final AtomicInteger inUse = new AtomicInteger();

    /** {@code limit} 0 means unlimited. */
    HandshakeSlots(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    int inUse() {
        return inUse.get();
    }

    /** Takes a slot or throws RESOURCE; release the returned slot exactly when the handshake ends. */
    Slot acquire() throws TlsException {
        if (limit == 0) {
            return Slot.NONE;
        }
        while (true) {
            int now = inUse.get();
            if (now >= limit) {
                throw new TlsException(TlsError.RESOURCE, "this configuration allows " + limit + " concurrent handshake"
                    + (limit == 1 ? "" : "s") + " (maxConcurrentHandshakes) and " + now + (now == 1 ? " is" : " are")
                    + " running: retry when one has finished, or raise maxConcurrentHandshakes");
            }
            if (inUse.compareAndSet(now, now + 1)) {
                return new Slot(this);
            }
        }
    }

    /** One taken slot; {@link #release()} is idempotent. */
    static final class Slot {
        static final Slot NONE = new Slot(null);
        private final HandshakeSlots owner;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(HandshakeSlots owner) {
            this.owner = owner;
        }

        void release() {
            if (owner != null && released.compareAndSet(false, true)) {
                owner.inUse.decrementAndGet();
            }
        }
    }
}
