package io.tlskit;

/**
 * Where a connection's debug output goes when there is no logging framework (a device printing on
 * a UART): the mbedtls_ssl_conf_dbg callback. Levels follow mbedtls_debug_set_threshold: 1 errors,
 * 2 state changes, 3 informational, 4 full wire dump (hex of every record). Secrets (keys, the
 * PSK, the master secret) are never passed to it. Called on the connection's thread; keep it quick.
 */
@FunctionalInterface
public interface DebugSink {
    int ERRORS = 1;
    int STATE = 2;
    int INFO = 3;
    int WIRE = 4;

    /**
     * @param level 1 to 4, see above
     * @param connection which connection, e.g. "client localhost" or "server"
     * @param message one line, already formatted
     */
    void debug(int level, String connection, String message);
}
