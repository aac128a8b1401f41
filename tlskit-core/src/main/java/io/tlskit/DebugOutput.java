package io.tlskit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * One connection's debug output under a threshold (mbedtls_debug_set_threshold): to the config's
 * {@link DebugSink}, or by default to SLF4J (levels 1-3 on {@code io.tlskit.handshake} as ERROR,
 * INFO and DEBUG; level 4 on {@code io.tlskit.wire} as TRACE). Without an explicit threshold the
 * SLF4J configuration decides: TRACE on io.tlskit.wire gives 4, DEBUG on io.tlskit.handshake 3,
 * otherwise nothing.
 */
final class DebugOutput {
    static final Logger HANDSHAKE = LoggerFactory.getLogger("io.tlskit.handshake");
    static final Logger WIRE = LoggerFactory.getLogger("io.tlskit.wire");

    private final DebugSink sink;
    private final int threshold;
    private final String connection;

    DebugOutput(TlsConfig config, String connection) {
        this.sink = config.debugSink();
        this.connection = connection;
        this.threshold = config.debugThreshold() >= 0 ? config.debugThreshold() : sink != null ? DebugSink.ERRORS : fromSlf4j();
    }

    private static int fromSlf4j() {
        if (WIRE.isTraceEnabled()) {
            return DebugSink.WIRE;
        }
        // INFO is many applications' default level: only an explicit DEBUG turns handshake output on
        return HANDSHAKE.isDebugEnabled() ? DebugSink.INFO : 0;
    }

    boolean enabled(int level) {
        return level <= threshold;
    }

    void log(int level, String format, Object... args) {
        if (level > threshold) {
            return;
        }
        String message = MessageFormatter.arrayFormat(format, args).getMessage();
        if (sink != null) {
            sink.debug(level, connection, message);
            return;
        }
        String line = "[" + connection + "] " + message;
        switch (level) {
            case DebugSink.ERRORS:
                HANDSHAKE.error(line);
                break;
            case DebugSink.STATE:
                HANDSHAKE.info(line);
                break;
            case DebugSink.INFO:
                HANDSHAKE.debug(line);
                break;
            default:
                WIRE.trace(line);
                break;
        }
    }
}
