package io.tlskit.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One served request, as written to the access log. The line format is stable (fields in this
 * order, space-separated {@code key=value}, quoted values escape {@code "} {@code \} and control
 * characters as {@code \xHH}):
 *
 * <pre>
 * remote=127.0.0.1:50312 method=GET path="/status.json" status=200 bytes=412 ms=3 tls=TLSv1.3/TLS_AES_128_GCM_SHA256 resumed=no cert="CN=device-1"
 * </pre>
 *
 * {@code bytes} counts body bytes written (0 for HEAD and 304; less than the Content-Length when the
 * client went away mid-body); {@code ms} runs from the end of the request head to the last byte
 * handed to the socket; {@code cert=-} without a client certificate; {@code tls=-} if the
 * handshake is unknown. The query string is left out (it often carries secrets).
 */
public final class AccessLogEntry {
    /** The logger the default access log writes to, at INFO. */
    public static final String LOGGER = "io.tlskit.http.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    /** The default sink, {@link #log}; one instance so the server can tell it apart. */
    static final java.util.function.Consumer<AccessLogEntry> DEFAULT_SINK = AccessLogEntry::log;

    private final String remote;
    private final String method;
    private final String path;
    private final int status;
    private final long bytes;
    private final long millis;
    private final String protocol;
    private final String cipherSuite;
    private final boolean resumed;
    private final String clientCertificate;

    AccessLogEntry(String remote, String method, String path, int status, long bytes, long millis, String protocol,
                   String cipherSuite, boolean resumed, String clientCertificate) {
        this.remote = remote;
        this.method = method;
        this.path = path;
        this.status = status;
        this.bytes = bytes;
        this.millis = millis;
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
        this.resumed = resumed;
        this.clientCertificate = clientCertificate;
    }

    public String remote() {
        return remote;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public int status() {
        return status;
    }

    public long bytes() {
        return bytes;
    }

    public long millis() {
        return millis;
    }

    /** "TLSv1.3", or null if unknown. */
    public String protocol() {
        return protocol;
    }

    public String cipherSuite() {
        return cipherSuite;
    }

    public boolean resumed() {
        return resumed;
    }

    /** The client certificate's subject (RFC 2253), or null. */
    public String clientCertificate() {
        return clientCertificate;
    }

    /** The access log line (see the class comment). */
    public String format() {
        StringBuilder s = new StringBuilder(160);
        s.append("remote=").append(remote);
        s.append(" method=").append(bare(method));
        s.append(" path=");
        quoted(s, path);
        s.append(" status=").append(status);
        s.append(" bytes=").append(bytes);
        s.append(" ms=").append(millis);
        s.append(" tls=").append(protocol == null ? "-" : protocol + "/" + cipherSuite);
        s.append(" resumed=").append(resumed ? "yes" : "no");
        s.append(" cert=");
        if (clientCertificate == null) {
            s.append('-');
        } else {
            quoted(s, clientCertificate);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    /** The default sink: {@link #format()} at INFO on {@value #LOGGER}. */
    static void log(AccessLogEntry entry) {
        if (enabled()) {
            LOG.info(entry.format());
        }
    }

    /** Whether the default sink writes anything. */
    static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    private static String bare(String token) {
        return token == null || token.isEmpty() ? "-" : token;
    }

    private static void quoted(StringBuilder s, String value) {
        s.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                s.append(String.format("\\x%02x", (int) c));
            } else {
                s.append(c);
            }
        }
        s.append('"');
    }
}
