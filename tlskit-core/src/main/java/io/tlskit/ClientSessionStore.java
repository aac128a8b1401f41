package io.tlskit;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsSession;

/**
 * Client side of TLS 1.2 resumption: the last session (ID or RFC 5077 ticket) per server, bounded
 * and expiring. Keyed by "host:port" or whatever key the caller gives the engine. Thread-safe, so
 * one store can serve every connection of a config.
 */
public final class ClientSessionStore {
    private final int capacity;
    private final Duration lifetime;
    private final TimeSource time;
    private final Map<String, Saved> sessions;

    public ClientSessionStore(int capacity, Duration lifetime, TimeSource time) {
        this.capacity = capacity;
        this.lifetime = lifetime;
        this.time = time;
        this.sessions = new LinkedHashMap<>(16, 0.75f, true);
    }

    synchronized Saved get(String key) {
        Saved saved = sessions.get(key);
        if (saved != null && saved.savedAt.plus(lifetime).isBefore(time.now())) {
            sessions.remove(key);
            return null;
        }
        return saved;
    }

    synchronized void put(String key, Saved saved) {
        sessions.put(key, saved);
        while (sessions.size() > capacity) {
            String eldest = sessions.keySet().iterator().next();
            sessions.remove(eldest);
        }
    }

    /** Forget what is stored for one server, e.g. after it refused to resume. */
    public synchronized void remove(String key) {
        sessions.remove(key);
    }

    public synchronized int size() {
        return sessions.size();
    }

    /** A saved session: either a BC session with an ID, or a ticket with its parameters. */
    static final class Saved {
        final TlsSession session;
        final byte[] ticket;
        final SessionParameters parameters;
        final Instant savedAt;

        Saved(TlsSession session, byte[] ticket, SessionParameters parameters, Instant savedAt) {
            this.session = session;
            this.ticket = ticket;
            this.parameters = parameters;
            this.savedAt = savedAt;
        }
    }
}
