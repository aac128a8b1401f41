package io.tlskit.mqtt;

/**
 * Keep-alive bookkeeping on caller-supplied time. A PINGREQ is due when nothing was sent for the
 * keep-alive (the broker's rule), and also when nothing was received for it: a client that only
 * publishes QoS 0 hears nothing back, so without that probe a healthy broker would look dead.
 * The broker counts as dead after 1.5 keep-alives without a byte from it.
 */
final class KeepAlive {
    private long intervalMillis;
    private long lastSent;
    private long lastReceived;
    private boolean pingOutstanding;

    void start(int seconds, long now) {
        this.intervalMillis = seconds * 1000L;
        this.lastSent = now;
        this.lastReceived = now;
        this.pingOutstanding = false;
    }

    /** The broker's Server Keep Alive replaces ours. */
    void interval(int seconds) {
        this.intervalMillis = seconds * 1000L;
    }

    long intervalMillis() {
        return intervalMillis;
    }

    void sent(long now) {
        lastSent = Math.max(lastSent, now);
    }

    void received(long now) {
        lastReceived = Math.max(lastReceived, now);
        pingOutstanding = false;
    }

    void pingSent(long now) {
        sent(now);
        pingOutstanding = true;
    }

    boolean pingDue(long now) {
        return intervalMillis > 0 && now >= nextPing();
    }

    boolean brokerDead(long now) {
        return intervalMillis > 0 && now - lastReceived >= deadAfter();
    }

    long silenceMillis(long now) {
        return now - lastReceived;
    }

    long nextPing() {
        if (intervalMillis == 0) {
            return Long.MAX_VALUE;
        }
        long quietIn = pingOutstanding ? Long.MAX_VALUE : lastReceived + intervalMillis;
        return Math.min(lastSent + intervalMillis, quietIn);
    }

    long deadline() {
        return intervalMillis > 0 ? lastReceived + deadAfter() : Long.MAX_VALUE;
    }

    private long deadAfter() {
        return intervalMillis + intervalMillis / 2;
    }
}
