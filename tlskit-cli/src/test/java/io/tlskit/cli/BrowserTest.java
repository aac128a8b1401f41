package io.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.pki.PemReader;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlskit server} in a real browser: headless Chromium loads a page, its script and an image
 * over HTTPS, and the status page, which it also photographs (target/browser/status-page.png).
 *
 * <p>Chromium trusts the server's key by pin ({@code --ignore-certificate-errors-spki-list}, which
 * needs {@code --user-data-dir}), not by the local CA. The background-networking, sync and
 * component-update flags keep it from calling out to the internet (this machine's network is closed),
 * {@code --disable-quic} keeps it on TCP. Every Chromium call has a 60 s deadline.
 */
class BrowserTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path chromium;

    @BeforeEach
    void needsChromium() {
        chromium = Peers.require("chromium");
    }

    @Test
    void chromiumRunsTheScriptAndShowsTheImageOfAWwwPage() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), String.join("\n",
                "<!doctype html>",
                "<html><head><meta charset=\"utf-8\"><title>tlskit browser test</title></head>",
                "<body>",
                "<h1>tlskit</h1>",
                "<img id=\"logo\" src=\"logo.png\" alt=\"logo\">",
                "<p id=\"out\">the script did not run</p>",
                "<p id=\"img\">the image was not checked</p>",
                "<script src=\"app.js\"></script>",
                "</body></html>", ""));
        Files.writeString(www.resolve("app.js"), String.join("\n",
                "document.getElementById('out').textContent = 'script ran over ' + location.protocol;",
                "var logo = document.getElementById('logo');",
                "function checkImage() {",
                "  document.getElementById('img').textContent = logo.naturalWidth > 0",
                "      ? 'image loaded: naturalWidth=' + logo.naturalWidth : 'image NOT loaded';",
                "}",
                "if (logo.complete) { checkImage(); } else {",
                "  logo.addEventListener('load', checkImage);",
                "  logo.addEventListener('error', checkImage);",
                "}", ""));
        writePng(www.resolve("logo.png"), 48, 32);

        Path home = tmp.resolve("home");
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()),
                "--www", www.toString())) {
            Result dom = chromium(home, "--dump-dom", "https://localhost:" + s.port() + "/index.html");
            assertThat(dom.exitCode).as(dom.output).isZero();
            assertThat(dom.output)
                    .as("the DOM after the page ran (Chromium's output):\n%s\nserver log:\n%s", dom.output, s.err())
                    .contains("script ran over https:")
                    .contains("image loaded: naturalWidth=48")
                    .doesNotContain("the script did not run");
            assertThat(s.server.handshakeFailures()).as(s.err()).isZero();
            assertThat(s.server.requests()).isGreaterThanOrEqualTo(3); // index.html, app.js, logo.png
        }
    }

    @Test
    void chromiumShowsTheStatusPageAndTakesAScreenshotOfIt() throws Exception {
        Path home = tmp.resolve("home");
        // no --www: / is the status page
        try (CliRun.Server s = new CliRun.Server("--home", home.toString(), "--port", String.valueOf(Peers.freePort()))) {
            String url = "https://localhost:" + s.port() + "/";
            Result dom = chromium(home, "--dump-dom", url);
            assertThat(dom.exitCode).as(dom.output).isZero();
            assertThat(dom.output).as("Chromium's output:\n%s\nserver log:\n%s", dom.output, s.err())
                    .contains("Successful connection using TLS_")
                    .contains("TLSv1.3");

            Path dir = Files.createDirectories(moduleDir().resolve("target/browser"));
            Path png = dir.resolve("status-page.png");
            Files.deleteIfExists(png);
            Result shot = chromium(home, "--screenshot=" + png, "--window-size=1024,768", "--hide-scrollbars", url);
            assertThat(shot.exitCode).as(shot.output).isZero();
            assertThat(png).as(shot.output).exists();
            assertThat(Files.size(png)).as("size of %s", png).isGreaterThan(10_000);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as("%s is a PNG", png).isNotNull();
            assertThat(image.getWidth()).isEqualTo(1024);
            assertThat(image.getHeight()).isEqualTo(768);
            assertThat(distinctColours(image)).as("a page with text, not a blank screen").isGreaterThan(10);
            assertThat(s.server.handshakeFailures()).as(s.err()).isZero();
        }
    }

    /** One headless Chromium run against the server whose key is in {@code home}; killed at 60 s. */
    private Result chromium(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(),
                "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--disable-default-apps", "--disable-extensions",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile"),
                "--ignore-certificate-errors-spki-list=" + spkiPin(home.resolve("server.pem")),
                "--virtual-time-budget=5000"));
        command.addAll(List.of(args));
        try (PeerProcess p = PeerProcess.start(command)) {
            p.closeStdin();
            long end = System.nanoTime() + DEADLINE.minusSeconds(5).toNanos();
            while (p.isAlive() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            if (p.isAlive()) {
                // Chromium's helpers (zygote, renderer, GPU) first: once the browser is gone they are orphans
                ProcessHandle.of(p.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
            }
            int code = p.waitFor(Duration.ofSeconds(5)); // kills and throws when still running
            return new Result(code, p.output());
        }
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)) of the first certificate in the file: Chromium's pin format. */
    static String spkiPin(Path certificate) throws Exception {
        X509Certificate cert = PemReader.certificates(certificate).get(0);
        byte[] spki = cert.getPublicKey().getEncoded();
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
    }

    private static void writePng(Path file, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(0x1f, 0x6f, 0xb2));
            g.fillRect(0, 0, width, height);
            g.setColor(Color.WHITE);
            g.fillOval(width / 4, height / 4, width / 2, height / 2);
        } finally {
            g.dispose();
        }
        assertThat(ImageIO.write(image, "png", file.toFile())).isTrue();
    }

    private static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static Path moduleDir() {
        String basedir = System.getProperty("basedir");
        return basedir != null ? Path.of(basedir) : Path.of("").toAbsolutePath();
    }

    private static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
