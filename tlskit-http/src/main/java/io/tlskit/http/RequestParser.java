package io.tlskit.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.x request parser for one connection, fed the connection's plaintext. Strict where
 * leniency lets requests be smuggled or limits be dodged: one SP between the parts of the request
 * line, no whitespace before a header colon, no obs-fold, no bare CR, no Content-Length together
 * with Transfer-Encoding, identical duplicate Content-Lengths only, exactly one Host in HTTP/1.1.
 * Lines may end in CRLF or LF; empty lines before a request line are skipped.
 *
 * <p>Limits: the request-target ({@code maxUriLength}, 414), the header section after the request
 * line, and separately the trailer section ({@code maxHeaderBytes}, 431), the body
 * ({@code maxBodyBytes}, 413: Content-Length is checked before any body byte is read, chunked
 * bodies are counted as they arrive). Not thread-safe; the connection's event loop only.
 */
final class RequestParser {
    /** The parsed head of a request. */
    static final class Head {
        String method;
        String target;
        String version;
        HttpHeaders headers;
        long contentLength = -1;
        boolean chunked;
        boolean keepAlive;
        boolean expectContinue;
    }

    interface Sink {
        void head(Head head) throws HttpError;

        /** {@code length} body bytes at {@code in}'s reader index; the sink must consume them. */
        void body(ByteBuf in, int length);

        void end();
    }

    /** A request the server refuses: the status to answer with; the connection closes afterwards. */
    static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS }

    static final int MAX_HEADER_FIELDS = 128;
    private static final int MAX_CHUNK_LINE = 1024;
    private static final int MAX_METHOD = 32;

    private final int maxUriLength;
    private final int maxHeaderBytes;
    private final long maxBodyBytes;

    private State state = State.HEAD;
    /** Bytes of the current head already searched for its end (relative to the reader index). */
    private int scanned;
    /** Start of the line being scanned (relative to the reader index). */
    private int lineStart;
    /** End of the request line (relative), or -1 while not seen. */
    private int requestLineEnd = -1;
    private long headStartNanos;
    private long remaining;
    private long bodyBytes;
    private int trailerBytes;

    RequestParser(int maxUriLength, int maxHeaderBytes, long maxBodyBytes) {
        this.maxUriLength = maxUriLength;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A request head has started arriving and is not complete yet. */
    boolean headInProgress() {
        return state == State.HEAD && headStartNanos != 0;
    }

    /** When the current head's first byte arrived (System.nanoTime), 0 if none. */
    long headStartNanos() {
        return headStartNanos;
    }

    /** Between requests: nothing of a next request received yet. */
    boolean idle() {
        return state == State.HEAD && headStartNanos == 0;
    }

    /**
     * Parses what it can of {@code in}, up to the end of one request at most; returns true if it
     * consumed bytes or finished something, false if it needs more input.
     */
    boolean step(ByteBuf in, Sink sink) throws HttpError {
        switch (state) {
            case HEAD:
                return head(in, sink);
            case FIXED:
            case CHUNK_DATA:
                return data(in, sink);
            case CHUNK_SIZE:
                return chunkSize(in, sink);
            case CHUNK_END:
                return chunkEnd(in);
            case TRAILERS:
                return trailers(in, sink);
            default:
                throw new IllegalStateException(state.toString());
        }
    }

    // ---- head -----------------------------------------------------------------------------------

    private boolean head(ByteBuf in, Sink sink) throws HttpError {
        boolean skipped = false;
        if (headStartNanos == 0) {
            while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
                in.skipBytes(1);
                skipped = true;
            }
            if (!in.isReadable()) {
                return skipped;
            }
            headStartNanos = System.nanoTime();
            scanned = 0;
            lineStart = 0;
            requestLineEnd = -1;
        }
        int start = in.readerIndex();
        int end = in.writerIndex();
        int from = start + scanned;
        while (from < end) {
            int lf = in.indexOf(from, end, (byte) '\n');
            if (lf < 0) {
                break;
            }
            int lineFrom = start + lineStart;
            if (requestLineEnd < 0) {
                requestLineEnd = lf - start;
                checkRequestLineLength(in, start, requestLineEnd);
            } else {
                int lineLength = lf - lineFrom;
                if (lineLength == 0 || lineLength == 1 && in.getByte(lineFrom) == '\r') {
                    parseHead(in, start, lf - start, sink);
                    return true;
                }
            }
            from = lf + 1;
            lineStart = from - start;
            checkHeaderSection(from - start);
        }
        scanned = end - start;
        if (requestLineEnd < 0) {
            checkRequestLineLength(in, start, scanned);
        } else {
            checkHeaderSection(scanned);
        }
        return skipped;
    }

    private void checkRequestLineLength(ByteBuf in, int start, int length) throws HttpError {
        if (length <= maxUriLength + MAX_METHOD + 12) {
            return;
        }
        int sp = in.indexOf(start, start + Math.min(length, MAX_METHOD + 1), (byte) ' ');
        if (sp < 0) {
            throw new HttpError(400, "malformed request line");
        }
        throw new HttpError(414, "the request target is longer than " + maxUriLength + " bytes");
    }

    private void checkHeaderSection(int headBytesSoFar) throws HttpError {
        if (requestLineEnd >= 0 && headBytesSoFar - requestLineEnd - 1 > maxHeaderBytes) {
            throw new HttpError(431, "the header section is larger than " + maxHeaderBytes + " bytes");
        }
    }

    private void parseHead(ByteBuf in, int start, int length, Sink sink) throws HttpError {
        String text = in.toString(start, length, StandardCharsets.ISO_8859_1);
        in.readerIndex(start + length + 1);
        headStartNanos = 0;
        scanned = 0;
        lineStart = 0;
        requestLineEnd = -1;

        // lines by index rather than split(): no array and no String per line
        int firstLf = text.indexOf('\n');
        Head h = new Head();
        parseRequestLine(stripCr(text.substring(0, firstLf)), h);
        int emptyLine = text.lastIndexOf('\n') + 1; // the empty line (possibly "\r") that ended the head
        if (count(text, '\n', firstLf + 1, emptyLine) > MAX_HEADER_FIELDS) {
            throw new HttpError(431, "more than " + MAX_HEADER_FIELDS + " header fields");
        }
        HttpHeaders headers = new HttpHeaders();
        for (int from = firstLf + 1; from < emptyLine; ) {
            int lf = text.indexOf('\n', from);
            int end = lf > from && text.charAt(lf - 1) == '\r' ? lf - 1 : lf;
            if (count(text, '\r', from, end) > 0) {
                throw new HttpError(400, "bare CR in the request head");
            }
            parseField(text, from, end, headers);
            from = lf + 1;
        }
        h.headers = headers.freeze();
        frame(h);
        sink.head(h);
        bodyBytes = 0;
        if (h.chunked) {
            state = State.CHUNK_SIZE;
        } else if (h.contentLength > 0) {
            remaining = h.contentLength;
            state = State.FIXED;
        } else {
            state = State.HEAD;
            sink.end();
        }
    }

    private static String stripCr(String line) throws HttpError {
        String s = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (s.indexOf('\r') >= 0) {
            throw new HttpError(400, "bare CR in the request head");
        }
        return s;
    }

    private void parseRequestLine(String line, Head h) throws HttpError {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new HttpError(400, "malformed request line");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (method.length() > MAX_METHOD || !HttpStatus.isToken(method)) {
            throw new HttpError(400, "malformed method");
        }
        if (target.length() > maxUriLength) {
            throw new HttpError(414, "the request target is longer than " + maxUriLength + " bytes");
        }
        if (target.isEmpty()) {
            throw new HttpError(400, "empty request target");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new HttpError(400, "invalid character in the request target");
            }
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            if (version.matches("HTTP/[0-9](\\.[0-9])?")) {
                throw new HttpError(505, "only HTTP/1.0 and HTTP/1.1 are supported");
            }
            throw new HttpError(400, "malformed HTTP version");
        }
        h.method = method;
        h.target = target;
        h.version = version;
    }

    private static int count(String text, char c, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    /** The field on {@code text[from, end)} (its line without CRLF). */
    private static void parseField(String text, int from, int end, HttpHeaders headers) throws HttpError {
        if (from == end) {
            throw new HttpError(400, "empty header line");
        }
        char first = text.charAt(from);
        if (first == ' ' || first == '\t') {
            throw new HttpError(400, "obsolete line folding in the header section");
        }
        int colon = text.indexOf(':', from);
        if (colon <= from || colon >= end) {
            throw new HttpError(400, "header line without a colon");
        }
        String name = text.substring(from, colon);
        if (!HttpStatus.isToken(name)) {
            throw new HttpError(400, "invalid header name");
        }
        int vs = colon + 1;
        int ve = end;
        while (vs < ve && (text.charAt(vs) == ' ' || text.charAt(vs) == '\t')) {
            vs++;
        }
        while (ve > vs && (text.charAt(ve - 1) == ' ' || text.charAt(ve - 1) == '\t')) {
            ve--;
        }
        for (int i = vs; i < ve; i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new HttpError(400, "control character in header " + name);
            }
        }
        headers.add(name, text.substring(vs, ve));
    }

    /** Decides how the body is delimited and what the connection does afterwards. */
    private void frame(Head h) throws HttpError {
        HttpHeaders headers = h.headers;
        boolean http11 = h.version.equals("HTTP/1.1");
        if (http11 && headers.count("Host") != 1) {
            throw new HttpError(400, "an HTTP/1.1 request needs exactly one Host header");
        }
        boolean te = headers.contains("Transfer-Encoding");
        boolean cl = headers.contains("Content-Length");
        if (te) {
            if (!http11) {
                throw new HttpError(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (cl) {
                throw new HttpError(400, "both Transfer-Encoding and Content-Length");
            }
            StringBuilder all = new StringBuilder();
            for (String v : headers.all("Transfer-Encoding")) {
                all.append(all.length() == 0 ? "" : ",").append(v);
            }
            String[] codings = all.toString().split(",");
            if (codings.length != 1 || !codings[0].trim().equalsIgnoreCase("chunked")) {
                String lastCoding = codings[codings.length - 1].trim();
                throw new HttpError(lastCoding.equalsIgnoreCase("chunked") ? 501 : 400,
                    "only Transfer-Encoding: chunked is supported");
            }
            h.chunked = true;
        } else if (cl) {
            String value = null;
            for (String v : headers.all("Content-Length")) {
                for (String part : v.split(",", -1)) {
                    String p = part.trim();
                    if (value != null && !value.equals(p)) {
                        throw new HttpError(400, "conflicting Content-Length values");
                    }
                    value = p;
                }
            }
            h.contentLength = parseLength(value);
            if (h.contentLength > maxBodyBytes) {
                throw new HttpError(413, "the body is larger than " + maxBodyBytes + " bytes");
            }
        }
        h.keepAlive = http11 ? !headers.hasToken("Connection", "close") : headers.hasToken("Connection", "keep-alive");
        if (headers.contains("Expect")) {
            String expect = headers.first("Expect").get();
            if (!expect.equalsIgnoreCase("100-continue") || headers.all("Expect").size() > 1) {
                throw new HttpError(417, "only Expect: 100-continue is supported");
            }
            h.expectContinue = http11;
        }
    }

    private static long parseLength(String value) throws HttpError {
        if (value == null || value.isEmpty() || value.length() > 18) {
            if (value != null && value.length() > 18 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new HttpError(413, "the body is too large");
            }
            throw new HttpError(400, "invalid Content-Length");
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpError(400, "invalid Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    // ---- body -----------------------------------------------------------------------------------

    private boolean data(ByteBuf in, Sink sink) {
        if (!in.isReadable()) {
            return false;
        }
        int n = (int) Math.min(in.readableBytes(), remaining);
        int before = in.readerIndex();
        sink.body(in, n);
        in.readerIndex(before + n);
        remaining -= n;
        if (remaining == 0) {
            if (state == State.FIXED) {
                state = State.HEAD;
                sink.end();
            } else {
                state = State.CHUNK_END;
            }
        }
        return true;
    }

    private boolean chunkSize(ByteBuf in, Sink sink) throws HttpError {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > MAX_CHUNK_LINE) {
                throw new HttpError(400, "chunk size line too long");
            }
            return false;
        }
        if (lf - start > MAX_CHUNK_LINE) {
            throw new HttpError(400, "chunk size line too long");
        }
        String line = stripCr(in.toString(start, lf - start, StandardCharsets.ISO_8859_1));
        in.readerIndex(lf + 1);
        int semi = line.indexOf(';');
        String hex = (semi < 0 ? line : line.substring(0, semi));
        int hexEnd = hex.length();
        while (hexEnd > 0 && (hex.charAt(hexEnd - 1) == ' ' || hex.charAt(hexEnd - 1) == '\t')) {
            hexEnd--; // BWS before a chunk extension
        }
        hex = hex.substring(0, hexEnd);
        if (hex.isEmpty() || hex.length() > 15) {
            throw new HttpError(400, "invalid chunk size");
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new HttpError(400, "invalid chunk size");
            }
            size = size * 16 + d;
        }
        if (size == 0) {
            state = State.TRAILERS;
            trailerBytes = 0;
            return true;
        }
        bodyBytes += size;
        if (bodyBytes > maxBodyBytes) {
            throw new HttpError(413, "the body is larger than " + maxBodyBytes + " bytes");
        }
        remaining = size;
        state = State.CHUNK_DATA;
        return true;
    }

    private boolean chunkEnd(ByteBuf in) throws HttpError {
        if (!in.isReadable()) {
            return false;
        }
        byte b = in.getByte(in.readerIndex());
        if (b == '\n') {
            in.skipBytes(1);
        } else if (b == '\r') {
            if (in.readableBytes() < 2) {
                return false;
            }
            if (in.getByte(in.readerIndex() + 1) != '\n') {
                throw new HttpError(400, "chunk data not followed by CRLF");
            }
            in.skipBytes(2);
        } else {
            throw new HttpError(400, "chunk data not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
        return true;
    }

    private boolean trailers(ByteBuf in, Sink sink) throws HttpError {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (trailerBytes + in.readableBytes() > maxHeaderBytes) {
                throw new HttpError(431, "the trailer section is larger than " + maxHeaderBytes + " bytes");
            }
            return false;
        }
        int length = lf - start;
        in.readerIndex(lf + 1);
        if (length == 0 || length == 1 && in.getByte(start) == '\r') {
            state = State.HEAD;
            sink.end();
            return true;
        }
        trailerBytes += length + 1;
        if (trailerBytes > maxHeaderBytes) {
            throw new HttpError(431, "the trailer section is larger than " + maxHeaderBytes + " bytes");
        }
        return true; // trailer fields are read and dropped
    }
}
