package io.tlskit.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Serves files below one directory for GET and HEAD.
 *
 * <p>Path safety: encoded slashes and backslashes ({@code %2F}, {@code %5C}) are refused (400), the
 * path is strictly percent-decoded as UTF-8 (a broken escape or byte sequence: 400), NUL and
 * backslash are refused (400), "." and ".." segments and dot files are not served (404); the
 * result is resolved, normalised and must stay under the root, and so must its real path (a
 * symbolic link leading out of the root: 404). A directory serves its {@code index.html}
 * (redirecting "/dir" to "/dir/" first).
 *
 * <p>Caching: a strong ETag from size and modification time, Last-Modified; If-None-Match (weak
 * comparison) and, without it, If-Modified-Since answer 304. A single {@code Range: bytes=...}
 * on GET answers 206 (416 when unsatisfiable), honouring If-Range; several ranges are served as
 * the whole file.
 *
 * <p>Files up to {@value SmallFileCache#MAX_FILE_BYTES} bytes are served from memory
 * ({@link SmallFileCache}), checked against the disk at most every
 * {@value SmallFileCache#CHECK_AGAIN_MILLIS} ms.
 */
final class StaticFiles {
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
        .withZone(ZoneOffset.UTC);

    private static final Map<String, String> TYPES = Map.ofEntries(
        Map.entry("html", "text/html; charset=utf-8"),
        Map.entry("htm", "text/html; charset=utf-8"),
        Map.entry("css", "text/css; charset=utf-8"),
        Map.entry("js", "text/javascript; charset=utf-8"),
        Map.entry("mjs", "text/javascript; charset=utf-8"),
        Map.entry("json", "application/json"),
        Map.entry("txt", "text/plain; charset=utf-8"),
        Map.entry("svg", "image/svg+xml"),
        Map.entry("png", "image/png"),
        Map.entry("jpg", "image/jpeg"),
        Map.entry("jpeg", "image/jpeg"),
        Map.entry("gif", "image/gif"),
        Map.entry("webp", "image/webp"),
        Map.entry("ico", "image/x-icon"),
        Map.entry("wasm", "application/wasm"),
        Map.entry("xml", "application/xml"),
        Map.entry("pdf", "application/pdf"));

    private final Path root;
    private final SmallFileCache cache = new SmallFileCache();

    StaticFiles(Path dir) throws IOException {
        this.root = dir.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException(dir + " is not a directory");
        }
    }

    Path root() {
        return root;
    }

    boolean hasRootIndex() {
        return Files.isRegularFile(root.resolve("index.html"));
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** The response for a GET or HEAD of {@code request.path()}. */
    HttpResponse serve(HttpRequest request) {
        String raw = request.path();
        SmallFileCache.Entry cached = cache.lookup(raw);
        if (cached != null) {
            return serveFile(request, cached.file, cached.size, cached.mtimeMicros, cached);
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c")) {
            return HttpResponse.error(400, "encoded slash in the path");
        }
        String decoded = decode(raw);
        if (decoded == null || !decoded.startsWith("/") || decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
            return HttpResponse.error(400, "malformed path");
        }
        for (String segment : decoded.split("/")) {
            if (segment.startsWith(".")) {
                return HttpResponse.error(404);
            }
        }
        Path candidate;
        try {
            candidate = root.resolve(decoded.substring(1)).normalize();
        } catch (InvalidPathException e) {
            return HttpResponse.error(400, "malformed path");
        }
        if (!candidate.startsWith(root)) {
            return HttpResponse.error(404);
        }
        if (Files.isDirectory(candidate)) {
            if (!raw.endsWith("/")) {
                String location = raw + "/" + (request.query().isEmpty() ? "" : "?" + request.query());
                return HttpResponse.status(301).header("Location", location).text("moved to " + location + "\n");
            }
            candidate = candidate.resolve("index.html");
        }
        Path real;
        BasicFileAttributes attributes;
        try {
            real = candidate.toRealPath();
            if (!real.startsWith(root)) {
                return HttpResponse.error(404); // a symbolic link out of the root
            }
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | SecurityException e) {
            return HttpResponse.error(404);
        }
        if (!attributes.isRegularFile() || !Files.isReadable(real)) {
            return HttpResponse.error(404);
        }
        cached = cache.load(raw, real, attributes, this::okResponse);
        return serveFile(request, real, attributes.size(), SmallFileCache.mtimeMicros(attributes), cached);
    }

    /** The whole file with 200, from memory: prepared once per cache entry. */
    private HttpResponse okResponse(SmallFileCache.Entry e) {
        return fileHeaders(200, e.file, etag(e.size, e.mtimeMicros), lastModified(e.mtimeMicros)).bytes(e.content);
    }

    private static String etag(long size, long mtimeMicros) {
        return "\"" + Long.toHexString(size) + "-" + Long.toHexString(mtimeMicros) + "\"";
    }

    private static String lastModified(long mtimeMicros) {
        return HTTP_DATE.format(Instant.ofEpochSecond(Math.floorDiv(mtimeMicros, 1_000_000L)));
    }

    private static HttpResponse.Builder fileHeaders(int status, Path file, String etag, String lastModified) {
        return HttpResponse.status(status)
            .header("Content-Type", contentType(file))
            .header("ETag", etag)
            .header("Last-Modified", lastModified)
            .header("Accept-Ranges", "bytes")
            .header("X-Content-Type-Options", "nosniff");
    }

    /** {@code cached}: the file's content in memory, or null to send it from disk. */
    private HttpResponse serveFile(HttpRequest request, Path file, long size, long mtimeMicros, SmallFileCache.Entry cached) {
        HttpHeaders h = request.headers();
        String etag = cached != null ? cached.ok.headers().first("ETag").get() : etag(size, mtimeMicros);
        String lastModified = cached != null ? cached.ok.headers().first("Last-Modified").get() : lastModified(mtimeMicros);
        long mtimeSeconds = Math.floorDiv(mtimeMicros, 1_000_000L);

        boolean notModified;
        if (h.contains("If-None-Match")) {
            notModified = matchesWeakly(h.all("If-None-Match"), etag);
        } else {
            Instant since = parseDate(h.first("If-Modified-Since").orElse(null));
            notModified = since != null && mtimeSeconds <= since.getEpochSecond();
        }
        if (notModified) {
            return HttpResponse.status(304).header("ETag", etag).header("Last-Modified", lastModified).build();
        }

        long first = 0;
        long length = size;
        int status = 200;
        String range = request.method().equals("GET") ? h.first("Range").orElse(null) : null;
        if (range != null && ifRangeHolds(h.first("If-Range").orElse(null), etag, lastModified)) {
            long[] r = parseRange(range, size);
            if (r == UNSATISFIABLE) {
                return HttpResponse.status(416).header("Content-Range", "bytes */" + size).header("Accept-Ranges", "bytes")
                    .text("416 Range Not Satisfiable\n");
            }
            if (r != null) {
                first = r[0];
                length = r[1] - r[0] + 1;
                status = 206;
            }
        }
        if (status == 200 && cached != null) {
            return cached.ok;
        }
        HttpResponse.Builder b = fileHeaders(status, file, etag, lastModified);
        if (status == 206) {
            b.header("Content-Range", "bytes " + first + "-" + (first + length - 1) + "/" + size);
        }
        return b.file(file, first, length);
    }

    private static final long[] UNSATISFIABLE = new long[0];

    /** {first, last} (inclusive), UNSATISFIABLE, or null to ignore the header (bad syntax, several ranges). */
    static long[] parseRange(String value, long size) {
        String v = value.trim();
        if (!v.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = v.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String z = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (z.isEmpty() || !digits(z)) {
                    return null;
                }
                long suffix = Long.parseLong(z);
                if (suffix == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            if (!digits(a) || !z.isEmpty() && !digits(z)) {
                return null;
            }
            long first = Long.parseLong(a);
            long last = z.isEmpty() ? Long.MAX_VALUE : Long.parseLong(z);
            if (last < first) {
                return null;
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            return new long[] {first, Math.min(last, size - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean ifRangeHolds(String ifRange, String etag, String lastModified) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(etag); // strong comparison; a weak tag never matches
        }
        return v.equals(lastModified);
    }

    private static boolean matchesWeakly(Iterable<String> values, String etag) {
        String opaque = etag;
        for (String value : values) {
            for (String tag : value.split(",")) {
                String t = tag.trim();
                if (t.equals("*")) {
                    return true;
                }
                if (t.startsWith("W/")) {
                    t = t.substring(2);
                }
                if (t.equals(opaque)) {
                    return true;
                }
            }
        }
        return false;
    }

    static Instant parseDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Strict percent-decoding into UTF-8; null when an escape or the byte sequence is malformed. */
    static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0x7f) {
                return null;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
