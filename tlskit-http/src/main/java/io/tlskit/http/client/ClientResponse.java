package io.tlskit.http.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** One response: status, reason, headers in arrival order, the body (empty when streamed elsewhere). */
public final class ClientResponse {
    private final int status;
    private final String reason;
    private final List<String[]> headers;
    private final byte[] body;
    private final long bodyLength;
    private final boolean endedByClose;
    private final boolean reusedConnection;

    ClientResponse(int status, String reason, List<String[]> headers, byte[] body, long bodyLength, boolean endedByClose,
            boolean reusedConnection) {
        this.status = status;
        this.reason = reason;
        this.headers = List.copyOf(headers);
        this.body = body;
        this.bodyLength = bodyLength;
        this.endedByClose = endedByClose;
        this.reusedConnection = reusedConnection;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The first value of a header, matched without regard to case. */
    public Optional<String> header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return Optional.of(h[1]);
            }
        }
        return Optional.empty();
    }

    public List<String[]> headers() {
        return headers;
    }

    /** The body; empty for HEAD, 204, 304, and when it was streamed to an OutputStream. */
    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body's length in bytes (also when streamed). */
    public long bodyLength() {
        return bodyLength;
    }

    /**
     * True when the body had neither Content-Length nor chunked framing and ended by the server
     * closing the connection without close_notify: it may be incomplete.
     */
    public boolean endedWithoutCloseNotify() {
        return endedByClose;
    }

    /** True when the request went over a kept-alive connection of an earlier request. */
    public boolean reusedConnection() {
        return reusedConnection;
    }

    /** The status line and headers, as they came. */
    public String headText() {
        StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append(reason.isEmpty() ? "" : " " + reason).append("\r\n");
        for (String[] h : headers) {
            s.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "ClientResponse[" + status + " " + reason + ", " + bodyLength + " bytes]";
    }
}
