package io.tlskit.http;

import io.tlskit.HandshakeInfo;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * The page on / and /status.json: how this client connected, the successor of the mbedTLS example
 * servers' "Successful connection using: &lt;cipher&gt;" page. Same facts and JSON keys as
 * {@code tlskit server} always had, plus the key-exchange group.
 */
final class StatusPage {
    private StatusPage() {
    }

    /** The facts, in display order; values are String, Boolean, Number or null. */
    static Map<String, Object> facts(HttpRequest r) {
        HandshakeInfo info = r.handshakeInfo();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", info.version().displayName());
        m.put("cipherSuite", info.cipherSuite());
        m.put("resumed", info.resumed());
        m.put("serverName", info.serverName().orElse(null));
        m.put("alpn", info.alpn().orElse(null));
        m.put("clientCertificate", info.peerCertificate().map(StatusPage::subject).orElse(null));
        m.put("clientCertificateIssuer", info.peerCertificate().map(StatusPage::issuer).orElse(null));
        m.put("pskIdentity", info.pskIdentity().orElse(null));
        m.put("keyExchangeGroup", info.keyExchangeGroup().orElse(null));
        m.put("client", address(r.remoteAddress()));
        m.put("connection", r.connectionId());
        m.put("requestOnConnection", r.requestNumber());
        return m;
    }

    static String html(HttpRequest r) {
        Map<String, Object> f = facts(r);
        StringBuilder s = new StringBuilder(1024);
        s.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>tlskit server</title>\n")
            .append("<style>body{font-family:sans-serif;margin:2em}th{text-align:left;padding-right:1em}</style>\n")
            .append("</head>\n<body>\n");
        s.append("<h1>tlskit server</h1>\n");
        s.append("<p>Successful connection using ").append(escape(r.handshakeInfo().cipherSuite())).append("</p>\n");
        s.append("<table>\n");
        row(s, "Protocol", f.get("protocol"));
        row(s, "Cipher suite", f.get("cipherSuite"));
        row(s, "Session resumed", Boolean.TRUE.equals(f.get("resumed")) ? "yes" : "no");
        row(s, "Server name (SNI)", orNone(f.get("serverName")));
        row(s, "ALPN", orNone(f.get("alpn")));
        row(s, "Client certificate", orNone(f.get("clientCertificate")));
        if (f.get("clientCertificateIssuer") != null) {
            row(s, "Client certificate issuer", f.get("clientCertificateIssuer"));
        }
        if (f.get("pskIdentity") != null) {
            row(s, "PSK identity", f.get("pskIdentity"));
        }
        row(s, "Key exchange group", orNone(f.get("keyExchangeGroup")));
        row(s, "Client address", f.get("client"));
        row(s, "Request on this connection", f.get("requestOnConnection"));
        s.append("</table>\n<p>The same as JSON: <a href=\"/status.json\">/status.json</a></p>\n</body>\n</html>\n");
        return s.toString();
    }

    static String json(HttpRequest r) {
        StringBuilder s = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : facts(r).entrySet()) {
            if (!first) {
                s.append(',');
            }
            first = false;
            s.append("\n  ").append(quote(e.getKey())).append(": ");
            Object v = e.getValue();
            if (v == null) {
                s.append("null");
            } else if (v instanceof Boolean || v instanceof Number) {
                s.append(v);
            } else {
                s.append(quote(v.toString()));
            }
        }
        return s.append("\n}\n").toString();
    }

    static String address(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static void row(StringBuilder s, String name, Object value) {
        s.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(String.valueOf(value))).append("</td></tr>\n");
    }

    private static Object orNone(Object value) {
        return value == null ? "none" : value;
    }

    static String subject(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    static String issuer(X509Certificate cert) {
        return cert.getIssuerX500Principal().getName(X500Principal.RFC2253);
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&': s.append("&amp;"); break;
                case '<': s.append("&lt;"); break;
                case '>': s.append("&gt;"); break;
                case '"': s.append("&quot;"); break;
                case '\'': s.append("&#39;"); break;
                default: s.append(ch);
            }
        }
        return s.toString();
    }

    /** A JSON string literal (also safe inside HTML script). */
    static String quote(String text) {
        StringBuilder s = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '"': s.append("\\\""); break;
                case '\\': s.append("\\\\"); break;
                case '\n': s.append("\\n"); break;
                case '\r': s.append("\\r"); break;
                case '\t': s.append("\\t"); break;
                default:
                    if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
                        s.append(String.format("\\u%04x", (int) ch));
                    } else {
                        s.append(ch);
                    }
            }
        }
        return s.append('"').toString();
    }
}
