package io.tlskit.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A session store in memory: survives reconnects of the same process, not a restart. Useful on
 * its own for cleanStart sessions and as the reference behaviour for persistent stores.
 */
public final class InMemorySessionStore implements SessionStore {
    /**
     * Outgoing messages in publish order, keyed by identifier without boxing; a phase change updates
     * the entry in place (a LinkedHashMap of records cost a node, an Integer and two records per
     * message). Only the queue's order and index are used here, not its per-connection state.
     */
    private final OutgoingQueue outgoing = new OutgoingQueue();
    private final Set<Integer> incomingQos2 = new LinkedHashSet<>();

    public InMemorySessionStore() {
    }

    /** Starts from a saved state (e.g. one read back from a file). */
    public InMemorySessionStore(SessionState initial) {
        initial.outgoing().forEach(this::put);
        incomingQos2.addAll(initial.incomingQos2());
    }

    @Override
    public synchronized SessionState load() {
        return new SessionState(outgoing.records(), new ArrayList<>(incomingQos2));
    }

    /** The same as {@link #load()}: what a persistent store would have on disk now. */
    public SessionState snapshot() {
        return load();
    }

    @Override
    public synchronized void storeOutgoing(OutgoingMessage message) {
        put(message);
    }

    /** Like Map.put: a held identifier keeps its position and takes the new message and phase. */
    private void put(OutgoingMessage m) {
        OutgoingQueue.Entry e = outgoing.get(m.packetId());
        if (e == null) {
            outgoing.append(m.packetId(), m.message(), m.phase());
        } else {
            e.message = m.message();
            e.phase = m.phase();
        }
    }

    @Override
    public synchronized void updatePhase(int packetId, OutgoingPhase phase) {
        // in place: publish order survives phase changes
        OutgoingQueue.Entry e = outgoing.get(packetId);
        if (e != null) {
            e.phase = phase;
        }
    }

    @Override
    public synchronized void complete(int packetId) {
        outgoing.remove(packetId);
    }

    @Override
    public synchronized void storeIncomingQos2(int packetId) {
        incomingQos2.add(packetId);
    }

    @Override
    public synchronized void releaseIncomingQos2(int packetId) {
        incomingQos2.remove(packetId);
    }
}
