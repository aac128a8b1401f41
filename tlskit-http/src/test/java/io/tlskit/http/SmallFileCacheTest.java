package io.tlskit.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallFileCacheTest {
    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final SmallFileCache cache = new SmallFileCache(clock::get);

    @Test
    void aHitWithinTheCheckWindowTouchesNoFileAndAChangeShowsAfterIt() throws Exception {
        Path file = dir.resolve("page.html");
        Files.writeString(file, "one");
        SmallFileCache.Entry loaded = load("/page.html", file);
        assertThat(loaded).isNotNull();

        Files.writeString(file, "three"); // another size: a check sees it whatever the mtime granularity
        advanceMillis(SmallFileCache.CHECK_AGAIN_MILLIS / 2);
        assertThat(cache.lookup("/page.html")).as("within the window: no stat, the cached content").isSameAs(loaded);

        advanceMillis(SmallFileCache.CHECK_AGAIN_MILLIS);
        assertThat(cache.lookup("/page.html")).as("past the window: checked, changed, forgotten").isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void anUnchangedFileStaysCachedAcrossChecksUntilThePathIsResolvedAgain() throws Exception {
        Path file = dir.resolve("logo.svg");
        Files.writeString(file, "<svg/>");
        SmallFileCache.Entry loaded = load("/logo.svg", file);
        for (long t = 0; t < SmallFileCache.RESOLVE_AGAIN_MILLIS - SmallFileCache.CHECK_AGAIN_MILLIS; t += SmallFileCache.CHECK_AGAIN_MILLIS + 1) {
            assertThat(cache.lookup("/logo.svg")).isSameAs(loaded);
            advanceMillis(SmallFileCache.CHECK_AGAIN_MILLIS + 1);
        }
        advanceMillis(SmallFileCache.RESOLVE_AGAIN_MILLIS);
        assertThat(cache.lookup("/logo.svg")).as("the path is resolved again (links, permissions)").isNull();
    }

    @Test
    void aDeletedFileIsForgottenAtTheNextCheck() throws Exception {
        Path file = dir.resolve("gone.txt");
        Files.writeString(file, "soon gone");
        load("/gone.txt", file);
        Files.delete(file);
        advanceMillis(SmallFileCache.CHECK_AGAIN_MILLIS + 1);
        assertThat(cache.lookup("/gone.txt")).isNull();
    }

    private SmallFileCache.Entry load(String path, Path file) throws Exception {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return cache.load(path, file, a, e -> null);
    }

    private void advanceMillis(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
