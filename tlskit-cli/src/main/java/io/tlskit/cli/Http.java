package io.tlskit.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 for the CLI: reading a message head (request or status line plus headers)
 * and a body framed by Content-Length or chunked transfer coding, and writing a head.
 */
final class Http {
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 100;

    private Http() {
    }

    /** A malformed message; {@code status} is what a server answers (400, 413, 431). */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        ProtocolException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** The start line and the headers of a request or response, in arrival order. */
    static final class Head {
        final String startLine;
        final List<String[]> headers;

        Head(String startLine, List<String[]> headers) {
            this.startLine = startLine;
            this.headers = headers;
        }

        /** The first value of a header (case-insensitive name), or null. */
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** True when a comma-separated header such as Connection contains the token. */
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

        /** Content-Length, -1 when absent. */
        long contentLength() throws ProtocolException {
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
                throw new ProtocolException(400, "bad Content-Length '" + value + "'");
            }
        }

        String text() {
            StringBuilder s = new StringBuilder(startLine).append("\r\n");
            for (String[] h : headers) {
                s.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            return s.toString();
        }
    }

    /**
     * Reads a head. Returns null on end of stream before the first byte (a client that closed an idle
     * keep-alive connection). Empty lines before the start line are skipped (RFC 9112 2.2).
     */
    static Head readHead(InputStream in) throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        String start;
        do {
            start = readLine(in, budget, true);
            if (start == null) {
                return null;
            }
        } while (start.isEmpty());
        List<String[]> headers = new ArrayList<>();
        while (true) {
            String line = readLine(in, budget, false);
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new ProtocolException(400, "obsolete header line folding");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException(400, "header line without a name: " + abbreviate(line));
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new ProtocolException(431, "more than " + MAX_HEADERS + " headers");
            }
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return new Head(start, headers);
    }

    /** A line without its CRLF (a bare LF is accepted); null at end of stream when {@code eofOk}. */
    static String readLine(InputStream in, int[] budget, boolean eofOk) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofOk && line.size() == 0) {
                    return null;
                }
                throw new ProtocolException(400, "connection closed in the middle of the message head");
            }
            if (--budget[0] < 0) {
                throw new ProtocolException(431, "message head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    /**
     * Reads a body framed by chunked coding or Content-Length, at most {@code limit} bytes; with
     * neither, {@code untilEof} decides between reading to end of stream (responses) and no body.
     */
    static byte[] readBody(InputStream in, Head head, long limit, boolean untilEof) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        copyBody(in, head, body, limit, untilEof);
        return body.toByteArray();
    }

    /** Like {@link #readBody} but streams into {@code out}; returns the byte count. */
    static long copyBody(InputStream in, Head head, OutputStream out, long limit, boolean untilEof) throws IOException {
        if (head.chunked()) {
            return copyChunked(in, out, limit);
        }
        long length = head.contentLength();
        if (length >= 0) {
            if (length > limit) {
                throw new ProtocolException(413, "body of " + length + " bytes is larger than the limit of " + limit);
            }
            copyExactly(in, out, length);
            return length;
        }
        if (!untilEof) {
            return 0;
        }
        long total = 0;
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > limit) {
                throw new ProtocolException(413, "body larger than the limit of " + limit + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return total;
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
                throw new ProtocolException(400, "bad chunk size '" + abbreviate(sizeLine) + "'");
            }
            if (size == 0) {
                break;
            }
            total += size;
            if (total > limit) {
                throw new ProtocolException(413, "chunked body larger than the limit of " + limit + " bytes");
            }
            copyExactly(in, out, size);
            if (!readLine(in, budget, false).isEmpty()) {
                throw new ProtocolException(400, "chunk not followed by CRLF");
            }
        }
        int[] trailerBudget = {MAX_HEAD_BYTES};
        while (!readLine(in, trailerBudget, false).isEmpty()) {
            // trailer fields are read and dropped
        }
        return total;
    }

    private static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new ProtocolException(400, "connection closed after " + (length - left) + " of " + length + " body bytes");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    static String reason(int status) {
        switch (status) {
            case 100: return "Continue";
            case 200: return "OK";
            case 204: return "No Content";
            case 400: return "Bad Request";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 413: return "Content Too Large";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 505: return "HTTP Version Not Supported";
            default: return "Status " + status;
        }
    }
}
