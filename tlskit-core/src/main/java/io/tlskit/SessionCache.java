package io.tlskit;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.tls.TlsSession;

/**
 * Server side of TLS 1.2 session-ID resumption: bounded (least recently used goes first) and
 * expiring. One cache is shared by all connections of a server (mbedtls_ssl_cache).
 */
public final class SessionCache {
    private final int capacity;
    private final Duration lifetime;
    private final TimeSource time;
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

    public SessionCache(int capacity, Duration lifetime, TimeSource time) {
        if (capacity < 1) {
            throw new ConfigException("session cache capacity must be at least 1");
        }
        this.capacity = capacity;
        this.lifetime = lifetime;
        this.time = time;
    }

    synchronized void put(byte[] sessionId, TlsSession session) {
        entries.put(HexFormat.of().formatHex(sessionId), new Entry(session, time.now()));
        while (entries.size() > capacity) {
            entries.remove(entries.keySet().iterator().next());
        }
    }

    synchronized TlsSession get(byte[] sessionId) {
        if (sessionId == null || sessionId.length == 0) {
            return null;
        }
        String key = HexFormat.of().formatHex(sessionId);
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.createdAt.plus(lifetime).isBefore(time.now()) || !entry.session.isResumable()) {
            entries.remove(key);
            return null;
        }
        return entry.session;
    }

    public synchronized int size() {
        return entries.size();
    }

    public Duration lifetime() {
        return lifetime;
    }

    private static final class Entry {
        final TlsSession session;
        final Instant createdAt;

        Entry(TlsSession session, Instant createdAt) {
            this.session = session;
            this.createdAt = createdAt;
        }
    }
}
