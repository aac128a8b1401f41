package io.tlskit.mqtt;

/**
 * Packet identifiers 1..65535. Hands them out round-robin so a just-released identifier is not
 * reused at once (a late acknowledgement for it then stays detectable), and never hands out one in use.
 *
 * <p>The identifiers in use are the keys of an {@link IntMap}, sized by how many are in use, not by
 * how high they go: a client with one message in flight keeps 16 slots whatever the identifier, and
 * allocates nothing per message.
 */
final class PacketIdAllocator {
    private static final int MAX = 0xFFFF;

    private final IntMap<Boolean> inUse = new IntMap<>();
    private int next = 1;

    int allocate() {
        if (inUse.size() == MAX) {
            throw new MqttUsageException(MqttError.PACKET_IDS_EXHAUSTED,
                    "all 65535 packet identifiers are in flight; wait for acknowledgements before publishing or subscribing more");
        }
        int id = next;
        while (inUse(id)) { // ends: fewer than MAX are in use
            id = id == MAX ? 1 : id + 1;
        }
        inUse.put(id, Boolean.TRUE);
        next = id == MAX ? 1 : id + 1;
        return id;
    }

    /** Marks an identifier taken (restored from the session store). */
    void reserve(int id) {
        if (id < 1 || id > MAX) {
            throw new IllegalArgumentException("packet identifier out of range: " + id);
        }
        inUse.put(id, Boolean.TRUE);
    }

    void release(int id) {
        inUse.remove(id); // an identifier not in use is ignored
    }

    boolean inUse(int id) {
        return inUse.get(id) != null;
    }

    int count() {
        return inUse.size();
    }
}
