package io.tlskit.http.client;

import io.tlskit.TlsError;
import io.tlskit.TlsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses (RFC 9112) from a stream: the status line and headers, then the body
 * framed by chunked coding, Content-Length, or (neither) the end of the connection. The one
 * response parser of the project; the CLI's get and post use it through {@link HttpsClient}.
 */
final class ResponseReader {
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 100;

    /** A parsed status line and headers. */
    static final class Head {
        final String version;
        final int status;
        final String reason;
        final List<String[]> headers;

        Head(String version, int status, String reason, List<String[]> headers) {
            this.version = version;
            this.status = status;
            this.reason = reason;
            this.headers = headers;
        }

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        boolean hasToken(String name, String token) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    for (String part : h[1].split(",")) {
                        if (part.trim().equalsIgnoreCase(token)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        boolean chunked() {
            String te = header("Transfer-Encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }

        long contentLength() throws HttpClientException {
            String value = header("Content-Length");
            if (value == null) {
                return -1;
            }
            try {
                long n = Long.parseLong(value.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new HttpClientException("bad Content-Length '" + abbreviate(value) + "'");
            }
        }

        /** True when the connection can carry another request after this response. */
        boolean keepAlive() {
            if (hasToken("Connection", "close")) {
                return false;
            }
            return !version.equals("HTTP/1.0") || hasToken("Connection", "keep-alive");
        }
    }

    /** How a body ended. */
    static final class Body {
        long length;
        boolean endedByClose;
    }

    private ResponseReader() {
    }

    /** The next head; null when the stream ends before its first byte (an idle connection the server closed). */
    static Head readHead(InputStream in) throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        String start;
        do {
            start = readLine(in, budget, true);
            if (start == null) {
                return null;
            }
        } while (start.isEmpty());
        String[] parts = start.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new HttpClientException("not an HTTP/1.x status line: '" + abbreviate(start) + "'");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 100 || status > 999) {
            throw new HttpClientException("bad status code in '" + abbreviate(start) + "'");
        }
        List<String[]> headers = new ArrayList<>();
        while (true) {
            String line = readLine(in, budget, false);
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new HttpClientException("obsolete header line folding in the response");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpClientException("header line without a name: '" + abbreviate(line) + "'");
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new HttpClientException("more than " + MAX_HEADERS + " response headers");
            }
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return new Head(parts[0], status, parts.length > 2 ? parts[2] : "", headers);
    }

    /**
     * Copies the body into {@code out}, at most {@code limit} bytes. A body framed by the end of the
     * connection tolerates a close without close_notify (many servers end that way) and says so.
     */
    static Body readBody(InputStream in, Head head, boolean noBody, OutputStream out, long limit) throws IOException {
        Body body = new Body();
        if (noBody) {
            return body;
        }
        if (head.chunked()) {
            body.length = copyChunked(in, out, limit);
            return body;
        }
        long length = head.contentLength();
        if (length >= 0) {
            if (length > limit) {
                throw new HttpClientException("the response body of " + length + " bytes exceeds the limit of " + limit
                    + " bytes: raise maxResponseBytes or stream it to an OutputStream");
            }
            copyExactly(in, out, length);
            body.length = length;
            return body;
        }
        byte[] buffer = new byte[8 * 1024];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (TlsException e) {
                if (e.error() == TlsError.TRUNCATED) {
                    body.endedByClose = true;
                    return body;
                }
                throw e;
            }
            if (n < 0) {
                return body;
            }
            body.length += n;
            if (body.length > limit) {
                throw new HttpClientException("the response body exceeds the limit of " + limit + " bytes: raise maxResponseBytes");
            }
            out.write(buffer, 0, n);
        }
    }

    private static long copyChunked(InputStream in, OutputStream out, long limit) throws IOException {
        long total = 0;
        int[] budget = {Integer.MAX_VALUE};
        while (true) {
            String sizeLine = readLine(in, budget, false);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
                if (size < 0 || hex.length() > 15) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new HttpClientException("bad chunk size '" + abbreviate(sizeLine) + "'");
            }
            if (size == 0) {
                break;
            }
            total += size;
            if (total > limit) {
                throw new HttpClientException("the chunked response body exceeds the limit of " + limit + " bytes: raise maxResponseBytes");
            }
            copyExactly(in, out, size);
            if (!readLine(in, budget, false).isEmpty()) {
                throw new HttpClientException("a chunk is not followed by CRLF");
            }
        }
        int[] trailerBudget = {MAX_HEAD_BYTES};
        while (!readLine(in, trailerBudget, false).isEmpty()) {
            // trailer fields are read and dropped
        }
        return total;
    }

    private static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[8 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new TlsException(TlsError.TRUNCATED, "the server closed the connection after " + (length - left) + " of "
                    + length + " body bytes: the response is incomplete");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** A line without CRLF (a bare LF is accepted); null at end of stream before any byte when {@code eofOk}. */
    static String readLine(InputStream in, int[] budget, boolean eofOk) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofOk && line.size() == 0) {
                    return null;
                }
                throw new TlsException(TlsError.TRUNCATED, "the server closed the connection in the middle of the response head");
            }
            if (--budget[0] < 0) {
                throw new HttpClientException("response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
