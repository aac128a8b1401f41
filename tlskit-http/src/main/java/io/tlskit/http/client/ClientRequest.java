package io.tlskit.http.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** One request: method, https URL, extra headers and an optional body. Immutable. */
public final class ClientRequest {
    private final String method;
    private final URI url;
    private final List<String[]> headers;
    private final byte[] body;

    private ClientRequest(String method, URI url, List<String[]> headers, byte[] body) {
        this.method = method;
        this.url = url;
        this.headers = headers;
        this.body = body;
    }

    public static ClientRequest get(String url) {
        return new ClientRequest("GET", parse(url), List.of(), null);
    }

    public static ClientRequest head(String url) {
        return new ClientRequest("HEAD", parse(url), List.of(), null);
    }

    public static ClientRequest post(String url, String contentType, byte[] body) {
        return new ClientRequest("POST", parse(url), List.of(), Objects.requireNonNull(body, "body"))
            .header("Content-Type", Objects.requireNonNull(contentType, "contentType"));
    }

    /** Any method, e.g. PUT or DELETE; {@code body} may be null. */
    public static ClientRequest of(String method, String url, byte[] body) {
        if (!method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("'" + method + "' is not an HTTP method: use upper-case letters, e.g. PUT");
        }
        return new ClientRequest(method, parse(url), List.of(), body);
    }

    /** A copy with one more header; a name or value holding CR/LF is refused (header injection). */
    public ClientRequest header(String name, String value) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw new IllegalArgumentException("header name '" + name + "' is not a token: use letters, digits and '-'");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header " + name + " holds a line break: remove it");
        }
        List<String[]> more = new ArrayList<>(headers);
        more.add(new String[] {name, value.strip()});
        return new ClientRequest(method, url, List.copyOf(more), body);
    }

    public String method() {
        return method;
    }

    public URI url() {
        return url;
    }

    public String host() {
        String host = url.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    public int port() {
        return url.getPort() < 0 ? 443 : url.getPort();
    }

    /** host[:port] as the Host header spells it. */
    public String authority() {
        String h = host().indexOf(':') >= 0 ? "[" + host() + "]" : host();
        return port() == 443 ? h : h + ":" + port();
    }

    public String pathAndQuery() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    public List<String[]> headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    /** The same request to another URL (a redirect); a 303 turns it into a GET without a body. */
    ClientRequest redirectedTo(URI target, boolean toGet) {
        return new ClientRequest(toGet ? "GET" : method, target, headers, toGet ? null : body);
    }

    boolean idempotent() {
        return method.equals("GET") || method.equals("HEAD") || method.equals("PUT") || method.equals("DELETE");
    }

    /** The request head (and body) as bytes, with Host, User-Agent, Content-Length and keep-alive. */
    byte[] encode(String userAgent, boolean keepAlive) {
        StringBuilder s = new StringBuilder(256);
        s.append(method).append(' ').append(pathAndQuery()).append(" HTTP/1.1\r\n");
        s.append("Host: ").append(authority()).append("\r\n");
        boolean agent = false;
        boolean accept = false;
        for (String[] h : headers) {
            agent |= h[0].equalsIgnoreCase("User-Agent");
            accept |= h[0].equalsIgnoreCase("Accept");
            s.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (!agent) {
            s.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        if (!accept) {
            s.append("Accept: */*\r\n");
        }
        if (body != null) {
            s.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (!keepAlive) {
            s.append("Connection: close\r\n");
        }
        s.append("\r\n");
        byte[] head = s.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null || body.length == 0) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL (" + e.getReason() + "): write e.g. https://device.local/");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https")) {
            throw new IllegalArgumentException("'" + url + "' is not an https:// URL: this client speaks HTTP only over TLS");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' has no host: write e.g. https://device.local/");
        }
        return uri;
    }

    @Override
    public String toString() {
        return method + " " + url;
    }
}
