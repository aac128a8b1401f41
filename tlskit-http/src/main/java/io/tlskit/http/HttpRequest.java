package io.tlskit.http;

import io.tlskit.HandshakeInfo;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A complete request (head and body) as a handler sees it, with the TLS facts of its connection.
 * Immutable.
 */
public final class HttpRequest {
    private final String method;
    private final String target;
    private final String path;
    private final String query;
    private final String version;
    private final HttpHeaders headers;
    private final byte[] body;
    private final HandshakeInfo handshakeInfo;
    private final InetSocketAddress remoteAddress;
    private final long connectionId;
    private final int requestNumber;

    HttpRequest(String method, String target, String version, HttpHeaders headers, byte[] body, HandshakeInfo handshakeInfo,
                InetSocketAddress remoteAddress, long connectionId, int requestNumber) {
        this.method = method;
        this.target = target;
        this.version = version;
        this.headers = headers;
        this.body = body;
        this.handshakeInfo = handshakeInfo;
        this.remoteAddress = remoteAddress;
        this.connectionId = connectionId;
        this.requestNumber = requestNumber;
        String t = target;
        if (!t.startsWith("/") && !t.equals("*")) {
            // absolute-form (http://host/path?q): the server is not a proxy, keep the path and query
            int scheme = t.indexOf("://");
            int slash = scheme < 0 ? -1 : t.indexOf('/', scheme + 3);
            int question = scheme < 0 ? -1 : t.indexOf('?', scheme + 3);
            if (slash < 0 || question >= 0 && question < slash) {
                t = question < 0 ? "/" : "/" + t.substring(question);
            } else {
                t = t.substring(slash);
            }
        }
        int q = t.indexOf('?');
        this.path = q < 0 ? t : t.substring(0, q);
        this.query = q < 0 ? "" : t.substring(q + 1);
    }

    /** As sent, e.g. "GET". Methods are case-sensitive. */
    public String method() {
        return method;
    }

    /** The request-target as sent (origin-form "/a/b?c", or absolute-form). */
    public String target() {
        return target;
    }

    /** The path of the target, still percent-encoded, e.g. "/files/a%20b.txt". Routes match on it. */
    public String path() {
        return path;
    }

    /** The query (after '?', still percent-encoded), or "" if none. */
    public String query() {
        return query;
    }

    /** The first value of a query parameter, decoded (form encoding: '+' is a space). */
    public Optional<String> queryParameter(String name) {
        List<String> all = queryParameters(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    public List<String> queryParameters(String name) {
        List<String> out = new ArrayList<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
                    out.add(URLDecoder.decode(v, StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException malformed) {
                // a broken escape: not a match
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** "HTTP/1.1" or "HTTP/1.0". */
    public String version() {
        return version;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers.first(name);
    }

    /** The whole body (empty if none). Shared: do not modify. */
    public byte[] body() {
        return body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** What the TLS handshake of this connection agreed on. */
    public HandshakeInfo handshakeInfo() {
        return handshakeInfo;
    }

    /** The client's certificate, if it sent one (client authentication). */
    public Optional<X509Certificate> clientCertificate() {
        return handshakeInfo.peerCertificate();
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Server-wide number of this connection, from 1. */
    public long connectionId() {
        return connectionId;
    }

    /** Number of this request on its connection, from 1. */
    public int requestNumber() {
        return requestNumber;
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version;
    }
}
