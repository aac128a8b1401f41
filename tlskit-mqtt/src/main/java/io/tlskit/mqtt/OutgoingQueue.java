package io.tlskit.mqtt;

import java.util.ArrayList;
import java.util.List;

/**
 * The session's outgoing QoS 1/2 messages, in publish order, keyed by packet identifier without
 * boxing, with per-connection state kept in the entries: which are on the wire of the current
 * connection, and a cursor to the first one not (re)sent on it yet.
 *
 * <p>While connected, the messages sent on the connection are always a prefix of the publish order
 * (the session sends in order and only appends), so "unsent" is the suffix from {@link #cursor()}
 * and the number on the wire is a counter. Entries are mutable and owned by the session alone: phase
 * changes update them in place (the store gets its own {@link OutgoingMessage} records).
 *
 * <p>Not thread-safe; memory follows the number of messages held (the index shrinks when it empties).
 */
final class OutgoingQueue {
    static final class Entry {
        final int id;
        /** Replaced only when {@link InMemorySessionStore} is given a message for an identifier it holds. */
        MqttMessage message;
        OutgoingPhase phase;
        /** The connection generation this entry was put on the wire in; on the wire iff equal to the current one. */
        long wire;
        Entry prev;
        Entry next;

        Entry(int id, MqttMessage message, OutgoingPhase phase) {
            this.id = id;
            this.message = message;
            this.phase = phase;
        }

        /** True if a PUBLISH for it may already have reached the broker, so a resend carries DUP=1. */
        boolean dup() {
            return phase != OutgoingPhase.QUEUED;
        }

        OutgoingMessage toRecord() {
            return new OutgoingMessage(id, message, phase);
        }
    }

    private static final int MIN_CAPACITY = 16;

    // open addressing, linear probing; key 0 = empty (identifiers are 1..65535)
    private int[] keys = new int[MIN_CAPACITY];
    private Entry[] values = new Entry[MIN_CAPACITY];
    private int size;

    private Entry head;
    private Entry tail;
    private Entry cursor;
    /** Starts at 1 so a new entry (wire = 0) is never on the wire. */
    private long generation = 1;
    private int onWire;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    Entry get(int id) {
        int mask = keys.length - 1;
        for (int i = mix(id) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == id) {
                return values[i];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    /** Appends a message (the identifier must not be held). It is unsent on the current connection. */
    Entry append(int id, MqttMessage message, OutgoingPhase phase) {
        Entry e = new Entry(id, message, phase);
        if ((size + 1) * 2 > keys.length) {
            rehash(keys.length * 2);
        }
        insert(id, e);
        size++;
        e.prev = tail;
        if (tail == null) {
            head = e;
        } else {
            tail.next = e;
        }
        tail = e;
        if (cursor == null) {
            cursor = e;
        }
        return e;
    }

    /** Removes the message (wherever it is: on the wire, unsent, or not sent at all); null if not held. */
    Entry remove(int id) {
        int mask = keys.length - 1;
        int i = mix(id) & mask;
        while (true) {
            int k = keys[i];
            if (k == 0) {
                return null;
            }
            if (k == id) {
                break;
            }
            i = (i + 1) & mask;
        }
        Entry e = values[i];
        deleteSlot(i);
        size--;
        if (onWire(e)) {
            onWire--;
        }
        if (cursor == e) {
            cursor = e.next;
        }
        if (e.prev == null) {
            head = e.next;
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            tail = e.prev;
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        if (size == 0 && keys.length > 64) { // small indexes stay: no churn when it empties often
            keys = new int[MIN_CAPACITY];
            values = new Entry[MIN_CAPACITY];
        }
        return e;
    }

    /** The first message in publish order, or null. */
    Entry first() {
        return head;
    }

    /** The first message not (re)sent on the current connection, or null. */
    Entry cursor() {
        return cursor;
    }

    /** Moves the cursor past {@code e} (the cursor) and marks it on the wire of the current connection. */
    void markSent(Entry e) {
        assert e == cursor;
        cursor = e.next;
        e.wire = generation;
        onWire++;
    }

    /** Moves the cursor past {@code e} (the cursor) without sending it (the caller removes it next). */
    void skip(Entry e) {
        assert e == cursor;
        cursor = e.next;
    }

    boolean onWire(Entry e) {
        return e.wire == generation;
    }

    /** Number of messages on the wire of the current connection. */
    int onWireCount() {
        return onWire;
    }

    /** A new connection: nothing is on the wire, nothing was sent on it. */
    void newConnection() {
        generation++;
        onWire = 0;
        cursor = null;
    }

    /** Everything becomes unsent on the (current) connection, from the first message in publish order. */
    void rewind() {
        cursor = head;
    }

    List<OutgoingMessage> records() {
        List<OutgoingMessage> out = new ArrayList<>(size);
        for (Entry e = head; e != null; e = e.next) {
            out.add(e.toRecord());
        }
        return out;
    }

    private static int mix(int id) {
        int h = id * 0x9E3779B1;
        return h ^ (h >>> 16);
    }

    private void insert(int id, Entry e) {
        int mask = keys.length - 1;
        int i = mix(id) & mask;
        while (keys[i] != 0) {
            if (keys[i] == id) {
                throw new IllegalStateException("packet identifier " + id + " is already held");
            }
            i = (i + 1) & mask;
        }
        keys[i] = id;
        values[i] = e;
    }

    /** Backward-shift deletion: keeps every probe chain unbroken without tombstones. */
    private void deleteSlot(int i) {
        int mask = keys.length - 1;
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int k = keys[j];
            if (k == 0) {
                break;
            }
            int home = mix(k) & mask;
            // move k into the hole unless its home lies cyclically in (hole, j]
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = k;
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
    }

    private void rehash(int capacity) {
        int[] oldKeys = keys;
        Entry[] oldValues = values;
        keys = new int[capacity];
        values = new Entry[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }
}
