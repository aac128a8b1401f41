package io.tlskit;

/** Whether a server asks clients for a certificate. */
public enum ClientAuth {
    NONE,
    /** Ask; accept clients without one; a presented certificate is verified and reported. */
    OPTIONAL,
    /** Ask and refuse clients without a valid certificate. */
    REQUIRED;

    public static ClientAuth parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("unknown client-auth mode '" + text + "': use none, optional or required");
        }
    }
}
