package io.tlskit;

/**
 * A configuration or credential that cannot work, found before any byte is sent. The message says
 * what is wrong and how to fix it.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final TlsError error;

    public ConfigException(TlsError error, String message) {
        this(error, message, null);
    }

    public ConfigException(TlsError error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public ConfigException(String message) {
        this(TlsError.CONFIG_INVALID, message, null);
    }

    public TlsError error() {
        return error;
    }

    @Override
    public String toString() {
        return "ConfigException[" + error + "]: " + getMessage();
    }
}
