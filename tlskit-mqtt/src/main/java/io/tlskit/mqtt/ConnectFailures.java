package io.tlskit.mqtt;

import io.tlskit.TlsException;

/** Turns the ways a connection attempt or connection can end into the exception the user sees. */
final class ConnectFailures {
    private ConnectFailures() {
    }

    /** What to check after a CONNACK refusal, appended to the broker's reason. */
    static String refusalHint(int reasonCode) {
        if (reasonCode == MqttReasonCode.BAD_USER_NAME_OR_PASSWORD.code()) {
            return "; check the user name and password (or the client certificate the broker maps to a user)";
        }
        if (reasonCode == MqttReasonCode.NOT_AUTHORIZED.code()) {
            return "; check the user name and password, the client certificate, and whether the broker allows "
                    + "anonymous clients";
        }
        if (reasonCode == MqttReasonCode.UNSUPPORTED_PROTOCOL_VERSION.code()) {
            return "; try the other MQTT version";
        }
        return "";
    }

    /**
     * Why a link ended, as the user should read it: unreachable, TLS, a write blocked on a broker
     * that stopped reading, closed by the broker, or dropped while connecting (the likely mistakes named).
     */
    static MqttClientException describe(MqttLink l, Exception cause, boolean connecting, MqttVersion version) {
        if (cause instanceof MqttClientException m) {
            return m;
        }
        if (l.stalledMillis() > 0) {
            return new MqttClientException(MqttClientException.Kind.TIMEOUT, "connection to " + l.broker + " lost: a write was "
                    + "blocked for " + l.stalledMillis() + " ms (1.5 times the keep-alive) because the broker stopped reading; "
                    + "the broker or the network path is presumed dead", cause);
        }
        if (!l.transportOpen && cause != null) {
            return new MqttClientException(MqttClientException.Kind.UNREACHABLE, cause instanceof TlsException
                    ? cause.getMessage() : "cannot reach the broker " + l.broker + ": " + cause.getMessage(), cause);
        }
        if (cause instanceof TlsException t) {
            boolean tlsProblem = !l.handshakeDone || !transportLevel(t);
            return new MqttClientException(tlsProblem ? MqttClientException.Kind.TLS : MqttClientException.Kind.CONNECTION_LOST,
                    (l.connected && !tlsProblem ? "connection to " + l.broker + " lost: " : "") + t.getMessage(), t);
        }
        if (cause == null) {
            return new MqttClientException(MqttClientException.Kind.CONNECTION_LOST, "the broker " + l.broker
                    + " closed the connection" + (!connecting ? "" : " before answering CONNECT (does it speak "
                    + version + (l.broker.tls() ? " with TLS" : " without TLS") + " on this port?)"));
        }
        if (connecting) {
            return new MqttClientException(MqttClientException.Kind.CONNECTION_LOST, "the broker " + l.broker
                    + " dropped the connection before answering CONNECT (" + cause.getMessage() + "): is this an MQTT port "
                    + (l.broker.tls() ? "with TLS" : "without TLS (mqtt:// is plain TCP, mqtts:// is TLS)") + ", and does the "
                    + "broker speak " + version + "?", cause);
        }
        return new MqttClientException(MqttClientException.Kind.CONNECTION_LOST, "connection to " + l.broker + " lost: "
                + cause.getMessage(), cause);
    }

    private static boolean transportLevel(TlsException t) {
        switch (t.error()) {
            case IO_ERROR:
            case CLOSED:
            case TRUNCATED:
            case READ_TIMEOUT:
                return true;
            default:
                return false;
        }
    }

    /** Reports the most telling failure across brokers: a refusal or TLS error beats "unreachable". */
    static MqttClientException mostTelling(MqttClientException previous, MqttClientException next) {
        if (previous == null) {
            return next;
        }
        return rank(next) >= rank(previous) ? next : previous;
    }

    private static int rank(MqttClientException e) {
        switch (e.kind()) {
            case REFUSED:
                return 4;
            case TLS:
                return 3;
            case TIMEOUT:
            case CONNECTION_LOST:
                return 2;
            default:
                return 1;
        }
    }
}
