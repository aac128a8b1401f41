package io.tlskit.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A response: status, header fields and a body. Immutable; built with {@link #status(int)} or one
 * of the shortcuts. The server adds Date, Server, Content-Length and Connection itself (those, and
 * Transfer-Encoding, cannot be set here); for a HEAD request it sends the header fields with the
 * Content-Length of the body it leaves out.
 *
 * <pre>{@code
 * HttpResponse.json("{\"ok\":true}")
 * HttpResponse.status(201).header("Location", "/items/7").text("created\n")
 * }</pre>
 */
public final class HttpResponse {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";
    static final String JSON = "application/json";
    private static final byte[] NO_BYTES = new byte[0];
    private static final Set<String> SERVER_OWNED = Set.of("content-length", "transfer-encoding", "connection", "date",
        "keep-alive", "upgrade", "trailer");

    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;
    private final Path file;
    private final long fileOffset;
    private final long fileLength;
    /** The header fields as they go on the wire, encoded on first use (a cached response is sent many times). */
    private volatile byte[] encodedHeaders;

    private HttpResponse(int status, HttpHeaders headers, byte[] body, Path file, long fileOffset, long fileLength) {
        this.status = status;
        this.headers = headers.freeze();
        this.body = body;
        this.file = file;
        this.fileOffset = fileOffset;
        this.fileLength = fileLength;
    }

    /** A builder for a response with this status (100-599; 1xx other than 101 are not allowed). */
    public static Builder status(int status) {
        return new Builder(status);
    }

    /** 200 text/plain (UTF-8). */
    public static HttpResponse ok(String text) {
        return status(200).text(text);
    }

    public static HttpResponse text(int status, String text) {
        return status(status).text(text);
    }

    /** 200 text/html (UTF-8). */
    public static HttpResponse html(String html) {
        return status(200).body(HTML, html.getBytes(StandardCharsets.UTF_8));
    }

    /** 200 application/json (UTF-8). */
    public static HttpResponse json(String json) {
        return status(200).body(JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse bytes(int status, String contentType, byte[] body) {
        return status(status).body(contentType, body);
    }

    /** 204 No Content. */
    public static HttpResponse noContent() {
        return status(204).build();
    }

    /** A short text/plain error page: "404 Not Found\n" and so on. */
    static HttpResponse error(int status) {
        return error(status, null);
    }

    static HttpResponse error(int status, String detail) {
        String text = status + " " + HttpStatus.reason(status) + (detail == null || detail.isEmpty() ? "" : ": " + detail) + "\n";
        return status(status).header("Cache-Control", "no-store").text(text);
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** "Name: value\r\n" for every field, ISO-8859-1. */
    byte[] encodedHeaders() {
        byte[] encoded = encodedHeaders;
        if (encoded == null) {
            StringBuilder s = new StringBuilder(32 * headers.size());
            for (int i = 0; i < headers.size(); i++) {
                s.append(headers.nameAt(i)).append(": ").append(headers.valueAt(i)).append("\r\n");
            }
            encoded = ResponseHeadEncoder.ascii(s.toString());
            encodedHeaders = encoded; // a race only encodes twice: the array is never changed
        }
        return encoded;
    }

    /** The body bytes (empty for a file body or no body). Do not modify. */
    public byte[] body() {
        return body;
    }

    /** The number of body bytes (what Content-Length says). */
    public long contentLength() {
        return file != null ? fileLength : body.length;
    }

    boolean isFile() {
        return file != null;
    }

    Path file() {
        return file;
    }

    long fileOffset() {
        return fileOffset;
    }

    /** Statuses that never have a body (and no Content-Length is sent for 1xx/204/304). */
    boolean bodyless() {
        return status < 200 || status == 204 || status == 304;
    }

    @Override
    public String toString() {
        return "HttpResponse(" + status + ", " + contentLength() + " bytes)";
    }

    public static final class Builder {
        private final int status;
        private final HttpHeaders headers = new HttpHeaders();
        private byte[] body = NO_BYTES;
        private Path file;
        private long fileOffset;
        private long fileLength;

        private Builder(int status) {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status must be 200-599, was " + status);
            }
            this.status = status;
        }

        /**
         * Adds a header field. Content-Length, Transfer-Encoding, Connection, Date, Keep-Alive,
         * Upgrade and Trailer belong to the server; CR, LF and NUL are refused (response splitting).
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || !HttpStatus.isToken(name)) {
                throw new IllegalArgumentException("not a valid header name: " + name);
            }
            if (SERVER_OWNED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + " is set by the server");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                    throw new IllegalArgumentException("header " + name + ": value has a CR, LF, NUL or non-Latin-1 character");
                }
            }
            headers.add(name, value.trim());
            return this;
        }

        /** Replaces any Content-Type set so far. */
        public Builder contentType(String type) {
            headers.remove("Content-Type");
            return header("Content-Type", type);
        }

        public HttpResponse body(String contentType, byte[] bytes) {
            contentType(contentType);
            this.body = Objects.requireNonNull(bytes, "bytes");
            this.file = null;
            return build();
        }

        /** text/plain; charset=utf-8. */
        public HttpResponse text(String text) {
            return body(TEXT, text.getBytes(StandardCharsets.UTF_8));
        }

        public HttpResponse html(String html) {
            return body(HTML, html.getBytes(StandardCharsets.UTF_8));
        }

        public HttpResponse json(String json) {
            return body(JSON, json.getBytes(StandardCharsets.UTF_8));
        }

        /** These bytes as the body, with the header fields set so far (Content-Type included). */
        HttpResponse bytes(byte[] bytes) {
            this.body = Objects.requireNonNull(bytes, "bytes");
            this.file = null;
            return build();
        }

        /** A part of a file as the body; the file is opened when the response is written. */
        HttpResponse file(Path path, long offset, long length) {
            this.file = path;
            this.fileOffset = offset;
            this.fileLength = length;
            this.body = NO_BYTES;
            return build();
        }

        public HttpResponse build() {
            return new HttpResponse(status, headers, body, file, fileOffset, fileLength);
        }
    }
}
