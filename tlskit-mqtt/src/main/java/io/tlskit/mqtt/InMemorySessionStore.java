package io.tlskit.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A session store in memory: survives reconnects of the same process, not a restart. Useful on
 * its own for cleanStart sessions and as the reference behaviour for persistent stores.
 */
public final class InMemorySessionStore implements SessionStore {
    private final Map<Integer, OutgoingMessage> outgoing = new LinkedHashMap<>();
    private final Set<Integer> incomingQos2 = new LinkedHashSet<>();

    public InMemorySessionStore() {
    }

    /** Starts from a saved state (e.g. one read back from a file). */
    public InMemorySessionStore(SessionState initial) {
        initial.outgoing().forEach(m -> outgoing.put(m.packetId(), m));
        incomingQos2.addAll(initial.incomingQos2());
    }

    @Override
    public synchronized SessionState load() {
        return new SessionState(new ArrayList<>(outgoing.values()), new ArrayList<>(incomingQos2));
    }

    /** The same as {@link #load()}: what a persistent store would have on disk now. */
    public SessionState snapshot() {
        return load();
    }

    @Override
    public synchronized void storeOutgoing(OutgoingMessage message) {
        outgoing.put(message.packetId(), message);
    }

    @Override
    public synchronized void updatePhase(int packetId, OutgoingPhase phase) {
        // replace keeps the insertion position, so publish order survives phase changes
        outgoing.computeIfPresent(packetId, (id, m) -> m.withPhase(phase));
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
