package io.tlskit.http;

import static io.tlskit.http.HttpTesting.serverConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.testing.PeerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** curl against one server with the status page and a static directory. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CurlTest {
    private static final String SECRET = "TOP-SECRET-CONTENT-outside-the-root";
    @TempDir
    static Path tmp;
    static Path www;
    static HttpTesting.Started s;
    static byte[] logo;

    @BeforeAll
    static void start() throws IOException {
        www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.writeString(www.resolve("hello.txt"), "hello, static world\n");
        Files.writeString(www.resolve("style.css"), "body { color: red }\n");
        Files.writeString(www.resolve("app.mjs"), "export const x = 1;\n");
        Files.writeString(www.resolve("data.json"), "{\"a\":1}\n");
        Files.writeString(www.resolve("pic.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
        Files.write(www.resolve("mod.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        logo = new byte[5000];
        new Random(7).nextBytes(logo);
        Files.write(www.resolve("logo.png"), logo);
        Files.createDirectories(www.resolve("docs"));
        Files.writeString(www.resolve("docs/index.html"), "<h1>docs</h1>\n");
        Files.writeString(www.resolve(".hidden"), SECRET);
        Files.createSymbolicLink(www.resolve("escape.txt"), tmp.resolve("secret.txt"));
        s = new HttpTesting.Started(HttpsServer.builder().tls(serverConfig().build()).staticFiles(www)
            .route("POST", "/echo", req -> HttpResponse.bytes(200, "application/octet-stream", req.body()))
            .route("GET", "/echo", req -> HttpResponse.ok("use POST\n")));
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    @Test
    void statusPageShowsTheSuiteAndTheAccessLogHasALine() throws Exception {
        s.log.clear();
        PeerProcess.Result r = s.curl("-D", "-", s.url("/"));
        assertThat(r.exitCode).as(r.output).isZero();
        assertThat(r.output).contains("HTTP/1.1 200 OK").containsPattern("(?i)content-type: text/html; charset=utf-8")
            .containsPattern("(?m)^Date: \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\\r?$")
            .containsPattern("(?m)^Server: tlskit")
            .containsPattern("Successful connection using TLS_\\w+")
            .contains("<th>Protocol</th><td>TLSv1.3</td>")
            .contains("<th>Server name (SNI)</th><td>localhost</td>")
            .contains("<th>Session resumed</th><td>no</td>")
            .contains("<th>Request on this connection</th><td>1</td>")
            .contains("<th>Key exchange group</th>");
        AccessLogEntry entry = s.log.poll(5, TimeUnit.SECONDS);
        assertThat(entry).isNotNull();
        assertThat(entry.format()).matches("remote=127\\.0\\.0\\.1:\\d+ method=GET path=\"/\" status=200 bytes=\\d+ ms=\\d+ "
            + "tls=TLSv1\\.3/TLS_\\w+ resumed=no cert=-");
    }

    @Test
    void statusJsonParses() throws Exception {
        PeerProcess.Result r = s.curl(s.url("/status.json"));
        assertThat(r.exitCode).as(r.output).isZero();
        String json = r.output.trim();
        assertThat(json).startsWith("{").endsWith("}");
        assertThat(field(json, "protocol")).isEqualTo("\"TLSv1.3\"");
        assertThat(field(json, "cipherSuite")).startsWith("\"TLS_");
        assertThat(field(json, "resumed")).isEqualTo("false");
        assertThat(field(json, "serverName")).isEqualTo("\"localhost\"");
        assertThat(field(json, "clientCertificate")).isEqualTo("null");
        assertThat(field(json, "client")).startsWith("\"127.0.0.1:");
        assertThat(field(json, "requestOnConnection")).isEqualTo("1");
        assertThat(field(json, "keyExchangeGroup")).isNotEmpty();
    }

    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\"(?:[^\"\\\\]|\\\\.)*\"|true|false|null|-?\\d+)").matcher(json);
        assertThat(m.find()).as("key %s in %s", key, json).isTrue();
        return m.group(1);
    }

    @Test
    void twoUrlsInOneCallReuseTheConnection() throws Exception {
        PeerProcess.Result r = s.curl("--http1.1", "-w", "\n[connects=%{num_connects} http=%{http_version}]\n",
            s.url("/status.json"), s.url("/status.json"));
        assertThat(r.exitCode).as(r.output).isZero();
        assertThat(r.output).contains("[connects=1 http=1.1]").contains("[connects=0 http=1.1]");
        assertThat(r.output).contains("\"requestOnConnection\": 1").contains("\"requestOnConnection\": 2");
    }

    @Test
    void staticFilesHaveTheRightContentTypes() throws Exception {
        String[][] cases = {
            {"/hello.txt", "text/plain; charset=utf-8"}, {"/style.css", "text/css; charset=utf-8"},
            {"/app.mjs", "text/javascript; charset=utf-8"}, {"/data.json", "application/json"},
            {"/pic.svg", "image/svg+xml"}, {"/logo.png", "image/png"}, {"/mod.wasm", "application/wasm"},
            {"/docs/", "text/html; charset=utf-8"},
        };
        for (String[] c : cases) {
            PeerProcess.Result r = s.curl("-o", "/dev/null", "-w", "%{http_code} %{content_type}", s.url(c[0]));
            assertThat(r.output).as(c[0]).isEqualTo("200 " + c[1]);
        }
        PeerProcess.Result png = s.curl("-o", tmp.resolve("logo.out").toString(), s.url("/logo.png"));
        assertThat(png.exitCode).isZero();
        assertThat(Files.readAllBytes(tmp.resolve("logo.out"))).isEqualTo(logo);
        PeerProcess.Result dir = s.curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", s.url("/docs"));
        assertThat(dir.output).isEqualTo("301 " + s.url("/docs/"));
    }

    @Test
    void etagRoundTripAndIfModifiedSince() throws Exception {
        PeerProcess.Result first = s.curl("-D", "-", "-o", "/dev/null", s.url("/hello.txt"));
        Matcher etag = Pattern.compile("(?im)^etag: (\"[^\"]+\")\\r?$").matcher(first.output);
        assertThat(etag.find()).as(first.output).isTrue();
        Matcher modified = Pattern.compile("(?im)^last-modified: (.+?)\\r?$").matcher(first.output);
        assertThat(modified.find()).isTrue();

        PeerProcess.Result again = s.curl("-o", "/dev/null", "-w", "%{http_code} %{size_download}", "-H", "If-None-Match: " + etag.group(1),
            s.url("/hello.txt"));
        assertThat(again.output).isEqualTo("304 0");
        PeerProcess.Result weak = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \"x\", W/" + etag.group(1),
            s.url("/hello.txt"));
        assertThat(weak.output).isEqualTo("304");
        PeerProcess.Result other = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \"other\"", s.url("/hello.txt"));
        assertThat(other.output).isEqualTo("200");
        PeerProcess.Result since = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Modified-Since: " + modified.group(1),
            s.url("/hello.txt"));
        assertThat(since.output).isEqualTo("304");
        PeerProcess.Result old = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT",
            s.url("/hello.txt"));
        assertThat(old.output).isEqualTo("200");
    }

    @Test
    void rangeRequests() throws Exception {
        PeerProcess.Result r = s.curl("-r", "0-9", "-D", "-", "-o", tmp.resolve("range.out").toString(), s.url("/logo.png"));
        assertThat(r.output).contains("HTTP/1.1 206").containsPattern("(?i)content-range: bytes 0-9/5000").containsPattern("(?i)content-length: 10");
        assertThat(Files.readAllBytes(tmp.resolve("range.out"))).isEqualTo(java.util.Arrays.copyOfRange(logo, 0, 10));
        PeerProcess.Result suffix = s.curl("-r", "-100", "-o", tmp.resolve("suffix.out").toString(), "-w", "%{http_code}", s.url("/logo.png"));
        assertThat(suffix.output).isEqualTo("206");
        assertThat(Files.readAllBytes(tmp.resolve("suffix.out"))).isEqualTo(java.util.Arrays.copyOfRange(logo, 4900, 5000));
        PeerProcess.Result beyond = s.curl("-r", "6000-", "-D", "-", "-o", "/dev/null", s.url("/logo.png"));
        assertThat(beyond.output).contains("HTTP/1.1 416").containsPattern("(?i)content-range: bytes \\*/5000");
    }

    @Test
    void headHasTheLengthAndNoBody() throws Exception {
        PeerProcess.Result r = s.curl("-I", s.url("/logo.png"));
        assertThat(r.exitCode).as(r.output).isZero();
        assertThat(r.output).contains("HTTP/1.1 200").containsPattern("(?i)content-length: 5000").containsPattern("(?i)content-type: image/png");
        PeerProcess.Result status = s.curl("-I", s.url("/"));
        assertThat(status.output).contains("HTTP/1.1 200").containsPattern("(?i)content-length: [1-9]\\d+");
    }

    @Test
    void traversalAttemptsNeverServeTheSecret() throws Exception {
        String[] attempts = {
            "/../secret.txt", "/docs/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
            "/hello.txt%00.png", "/..%5csecret.txt", "/escape.txt", "/.hidden", "/%2E%2E/%2E%2E/secret.txt", "/docs/..%2f..%2fsecret.txt",
            "/%c0%ae%c0%ae/secret.txt",
        };
        for (String path : attempts) {
            PeerProcess.Result r = s.curl("--path-as-is", "-w", "\n%{http_code}", s.url(path));
            assertThat(r.output).as(path).doesNotContain(SECRET);
            assertThat(r.output.substring(r.output.lastIndexOf('\n') + 1)).as(path).isIn("400", "404");
        }
        PeerProcess.Result ok = s.curl(s.url("/hello.txt"));
        assertThat(ok.output).isEqualTo("hello, static world\n");
    }

    @Test
    void limitsAnswerAndTheServerKeepsServing() throws Exception {
        String bigHeader = "X-Big: " + "a".repeat(20 * 1024);
        PeerProcess.Result header = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", bigHeader, s.url("/status.json"));
        assertThat(header.output).isEqualTo("431");
        assertServes();

        Path big = tmp.resolve("big.bin");
        Files.write(big, new byte[2 * 1024 * 1024]);
        PeerProcess.Result body = s.curl("-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + big, s.url("/echo"));
        assertThat(body.output).isEqualTo("413");
        PeerProcess.Result noExpect = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Expect:", "--data-binary", "@" + big, s.url("/echo"));
        assertThat(noExpect.output).isEqualTo("413");
        PeerProcess.Result chunked = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Transfer-Encoding: chunked",
            "--data-binary", "@" + big, s.url("/echo"));
        assertThat(chunked.output).isEqualTo("413");
        assertServes();

        PeerProcess.Result uri = s.curl("-o", "/dev/null", "-w", "%{http_code}", s.url("/" + "u".repeat(10 * 1024)));
        assertThat(uri.output).isEqualTo("414");
        assertServes();
        assertThat(s.server.stats().rejectedRequests()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void bodiesUpToTheLimitAreEchoedWithAndWithout100Continue() throws Exception {
        byte[] data = new byte[1024 * 1024];
        new Random(3).nextBytes(data);
        Path file = tmp.resolve("mib.bin");
        Files.write(file, data);
        PeerProcess.Result r = s.curl("--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream",
            "-o", tmp.resolve("mib.out").toString(), "-w", "%{http_code}", s.url("/echo"));
        assertThat(r.output).isEqualTo("200");
        assertThat(Files.readAllBytes(tmp.resolve("mib.out"))).isEqualTo(data);
        PeerProcess.Result small = s.curl("-H", "Expect: 100-continue", "--data-binary", "hi there", s.url("/echo"));
        assertThat(small.output).isEqualTo("hi there");
        PeerProcess.Result chunked = s.curl("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
            "-o", tmp.resolve("chunked.out").toString(), "-w", "%{http_code}", s.url("/echo"));
        assertThat(chunked.output).isEqualTo("200");
        assertThat(Files.readAllBytes(tmp.resolve("chunked.out"))).isEqualTo(data);
    }

    @Test
    void notFoundAndMethodNotAllowed() throws Exception {
        PeerProcess.Result missing = s.curl("-o", "/dev/null", "-w", "%{http_code}", s.url("/nope.txt"));
        assertThat(missing.output).isEqualTo("404");
        PeerProcess.Result put = s.curl("-X", "PUT", "-D", "-", "-o", "/dev/null", s.url("/echo"));
        assertThat(put.output).contains("HTTP/1.1 405").containsPattern("(?i)allow: GET, HEAD, POST");
        PeerProcess.Result deleteStatic = s.curl("-X", "DELETE", "-D", "-", "-o", "/dev/null", s.url("/hello.txt"));
        assertThat(deleteStatic.output).contains("HTTP/1.1 405").containsPattern("(?i)allow: GET, HEAD");
    }

    @Test
    void aCachedFileThatChangesOnDiskIsServedFreshWithANewEtag() throws Exception {
        Path file = www.resolve("changing.txt");
        Files.writeString(file, "version one\n");
        String firstTag = etagOf(s.curl("-D", "-", s.url("/changing.txt")), "version one\n");
        assertThat(etagOf(s.curl("-D", "-", s.url("/changing.txt")), "version one\n")).as("from the cache").isEqualTo(firstTag);

        Files.writeString(file, "version two\n"); // same size
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        pastTheCacheCheck();
        String secondTag = etagOf(s.curl("-D", "-", s.url("/changing.txt")), "version two\n");
        assertThat(secondTag).isNotEqualTo(firstTag);

        Files.writeString(file, "version three, longer\n"); // new size, whatever the clock's granularity
        pastTheCacheCheck();
        String thirdTag = etagOf(s.curl("-D", "-", s.url("/changing.txt")), "version three, longer\n");
        assertThat(thirdTag).isNotEqualTo(secondTag);
        PeerProcess.Result stale = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + secondTag, s.url("/changing.txt"));
        assertThat(stale.output).isEqualTo("200");

        Files.delete(file);
        pastTheCacheCheck();
        PeerProcess.Result gone = s.curl("-o", "/dev/null", "-w", "%{http_code}", s.url("/changing.txt"));
        assertThat(gone.output).isEqualTo("404");
    }

    @Test
    void aCachedFileReplacedByALinkOutOfTheRootIsNotServed() throws Exception {
        Path file = www.resolve("swapped.txt");
        Files.writeString(file, "harmless\n");
        assertThat(s.curl(s.url("/swapped.txt")).output).isEqualTo("harmless\n");
        assertThat(s.curl(s.url("/swapped.txt")).output).isEqualTo("harmless\n");
        Files.delete(file);
        Files.createSymbolicLink(file, tmp.resolve("secret.txt"));
        // until the cache checks the file again it serves what it holds, never what the link points to
        assertThat(s.curl(s.url("/swapped.txt")).output).doesNotContain(SECRET);
        pastTheCacheCheck();
        PeerProcess.Result r = s.curl("-w", "\n%{http_code}", s.url("/swapped.txt"));
        assertThat(r.output).doesNotContain(SECRET).endsWith("404");
    }

    /** A cached file is checked against the disk again once its last check is this old. */
    private static void pastTheCacheCheck() throws InterruptedException {
        Thread.sleep(SmallFileCache.CHECK_AGAIN_MILLIS + 50);
    }

    @Test
    void aCachedFileAnswersHeadRangeAndConditionalsLikeOneReadFromDisk() throws Exception {
        assertThat(s.curl("-o", "/dev/null", "-w", "%{http_code}", s.url("/logo.png")).output).isEqualTo("200"); // now cached
        PeerProcess.Result head = s.curl("-I", s.url("/logo.png"));
        assertThat(head.output).contains("HTTP/1.1 200").containsPattern("(?i)content-length: 5000").containsPattern("(?i)etag: \"");
        PeerProcess.Result range = s.curl("-r", "100-199", "-D", "-", "-o", tmp.resolve("cached-range.out").toString(), s.url("/logo.png"));
        assertThat(range.output).contains("HTTP/1.1 206").containsPattern("(?i)content-range: bytes 100-199/5000");
        assertThat(Files.readAllBytes(tmp.resolve("cached-range.out"))).isEqualTo(java.util.Arrays.copyOfRange(logo, 100, 200));
        String tag = etagOf(s.curl("-D", "-", "-o", "/dev/null", s.url("/logo.png")), "");
        PeerProcess.Result notModified = s.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + tag, s.url("/logo.png"));
        assertThat(notModified.output).isEqualTo("304");
    }

    @Test
    void largeFilesAreStreamedWholeAndInRanges() throws Exception {
        for (int size : new int[] {40 * 1024, 300 * 1024}) { // cached but beyond one record; too large for the cache
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            Files.write(www.resolve("large-" + size + ".bin"), data);
            for (int round = 0; round < 2; round++) {
                Path out = tmp.resolve("large.out");
                PeerProcess.Result r = s.curl("-o", out.toString(), "-w", "%{http_code}", s.url("/large-" + size + ".bin"));
                assertThat(r.output).isEqualTo("200");
                assertThat(Files.readAllBytes(out)).as("%d bytes, round %d", size, round).isEqualTo(data);
            }
            Path part = tmp.resolve("large-part.out");
            PeerProcess.Result range = s.curl("-r", "1000-", "-o", part.toString(), "-w", "%{http_code}", s.url("/large-" + size + ".bin"));
            assertThat(range.output).isEqualTo("206");
            assertThat(Files.readAllBytes(part)).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, size));
        }
    }

    /** The ETag of a "curl -D -" answer whose body is {@code body} (printed after the head). */
    private static String etagOf(PeerProcess.Result r, String body) {
        assertThat(r.exitCode).as(r.output).isZero();
        assertThat(r.output).contains("HTTP/1.1 200").endsWith("\r\n\r\n" + body);
        Matcher etag = Pattern.compile("(?im)^etag: (\"[^\"]+\")\r?$").matcher(r.output);
        assertThat(etag.find()).as(r.output).isTrue();
        return etag.group(1);
    }

    private static void assertServes() throws IOException {
        PeerProcess.Result r = s.curl("-w", "%{http_code}", "-o", "/dev/null", s.url("/hello.txt"));
        assertThat(r.output).isEqualTo("200");
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
