package io.tlskit.mqtt;

import java.util.BitSet;

/**
 * Packet identifiers 1..65535. Hands them out round-robin so a just-released identifier is not
 * reused at once (a late acknowledgement for it then stays detectable), and never hands out one in use.
 */
final class PacketIdAllocator {
    private static final int MAX = 0xFFFF;
    /** Grows with the highest identifier used (8 KiB at most); dropped when none is in use, so idle clients stay small. */
    private BitSet inUse = new BitSet();
    private int next = 1;
    private int count;

    int allocate() {
        if (count == MAX) {
            throw new MqttUsageException(MqttError.PACKET_IDS_EXHAUSTED,
                    "all 65535 packet identifiers are in flight; wait for acknowledgements before publishing or subscribing more");
        }
        int id = inUse.nextClearBit(next);
        if (id > MAX) {
            id = inUse.nextClearBit(1);
        }
        reserve(id);
        next = id == MAX ? 1 : id + 1;
        return id;
    }

    /** Marks an identifier taken (restored from the session store). */
    void reserve(int id) {
        if (!inUse.get(id)) {
            inUse.set(id);
            count++;
        }
    }

    void release(int id) {
        if (inUse.get(id)) {
            inUse.clear(id);
            count--;
            if (count == 0 && inUse.size() > 1024) {
                inUse = new BitSet(); // round-robin still continues at next
            }
        }
    }

    boolean inUse(int id) {
        return inUse.get(id);
    }

    int count() {
        return count;
    }
}
