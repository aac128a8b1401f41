package io.tlskit.mqtt;

/**
 * Packet identifiers 1..65535. Hands them out round-robin so a just-released identifier is not
 * reused at once (a late acknowledgement for it then stays detectable), and never hands out one in use.
 *
 * <p>The identifiers in use sit in a small open-addressing set (linear probing, 0 = empty slot)
 * sized by how many are in use, not by how high they go: a client with one message in flight keeps
 * 16 slots whatever the identifier, and allocates nothing per message.
 */
final class PacketIdAllocator {
    private static final int MAX = 0xFFFF;
    private static final int MIN_CAPACITY = 16;

    private int[] slots = new int[MIN_CAPACITY];
    private int next = 1;
    private int count;

    int allocate() {
        if (count == MAX) {
            throw new MqttUsageException(MqttError.PACKET_IDS_EXHAUSTED,
                    "all 65535 packet identifiers are in flight; wait for acknowledgements before publishing or subscribing more");
        }
        int id = next;
        while (inUse(id)) { // ends: fewer than MAX are in use
            id = id == MAX ? 1 : id + 1;
        }
        reserve(id);
        next = id == MAX ? 1 : id + 1;
        return id;
    }

    /** Marks an identifier taken (restored from the session store). */
    void reserve(int id) {
        if (id < 1 || id > MAX) {
            throw new IllegalArgumentException("packet identifier out of range: " + id);
        }
        if ((count + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        int mask = slots.length - 1;
        int i = slot(id, mask);
        while (slots[i] != 0) {
            if (slots[i] == id) {
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = id;
        count++;
    }

    void release(int id) {
        int mask = slots.length - 1;
        int i = slot(id, mask);
        while (slots[i] != id) {
            if (slots[i] == 0) {
                return; // not in use
            }
            i = (i + 1) & mask;
        }
        slots[i] = 0;
        count--;
        // backward-shift deletion: move later members of the probe run into the gap, so lookups
        // never stop early at it (no tombstones to clean up)
        int gap = i;
        for (int j = (gap + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
            int home = slot(slots[j], mask);
            boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
            if (movable) {
                slots[gap] = slots[j];
                slots[j] = 0;
                gap = j;
            }
        }
        if (count == 0 && slots.length > 4 * MIN_CAPACITY) {
            slots = new int[MIN_CAPACITY]; // idle clients stay small; round-robin still continues at next
        }
    }

    boolean inUse(int id) {
        int mask = slots.length - 1;
        for (int i = slot(id, mask); slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == id) {
                return true;
            }
        }
        return false;
    }

    int count() {
        return count;
    }

    private void rehash(int capacity) {
        int[] old = slots;
        slots = new int[capacity];
        int mask = capacity - 1;
        for (int id : old) {
            if (id != 0) {
                int i = slot(id, mask);
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = id;
            }
        }
    }

    private static int slot(int id, int mask) {
        int h = id * 0x9E3779B1;
        return (h ^ (h >>> 16)) & mask;
    }
}
