package io.tlskit.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The content of small static files, by request path, so that a hit costs no system call at all
 * instead of a path resolution, several stats, an open, a read and a close. A hit checks that the
 * file is still the same (regular file, same size, modification time and inode) when the last
 * check is more than {@value #CHECK_AGAIN_MILLIS} ms old, so a changed file is served fresh within
 * that time (lighttpd's stat cache keeps a stat for 1 s, nginx's open_file_cache 60 s); the path
 * itself (symbolic links, permissions, directories) is resolved again at least every
 * {@value #RESOLVE_AGAIN_MILLIS} ms. A file replaced by a link out of the root is therefore never
 * read through the link: until the next check the old content is served, then the path is refused.
 * Bounded by {@value #MAX_FILE_BYTES} bytes
 * per file and {@value #MAX_TOTAL_BYTES} in all, each entry charged its content, its key and
 * {@value #ENTRY_OVERHEAD} bytes (many spellings of one path, or empty files, fill it too); when
 * full, arbitrary entries make room.
 * Thread-safe: event loops share it.
 */
final class SmallFileCache {
    static final int MAX_FILE_BYTES = 64 * 1024;
    static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024;
    static final long RESOLVE_AGAIN_MILLIS = 1000;
    /**
     * How long a check of the file on disk stays good. One lstat per hit was 9% of the server's CPU
     * per keep-alive request for a 1 KiB file (docs/benchmarks.md); one per 100 ms is nothing.
     */
    static final long CHECK_AGAIN_MILLIS = 100;
    static final int ENTRY_OVERHEAD = 512;

    /** One file's content and the metadata it was read with; the response is prepared once. */
    static final class Entry {
        final Path file;
        final long size;
        final long mtimeMicros;
        final Object fileKey;
        final byte[] content;
        final long resolvedNanos;
        final long charge;
        /** When the file on disk was last found unchanged (racy updates by several loops are harmless). */
        volatile long checkedNanos;
        /** The full 200 response (immutable, shared by every request that gets it). */
        HttpResponse ok;

        Entry(String requestPath, Path file, BasicFileAttributes attributes, byte[] content, long nowNanos) {
            this.file = file;
            this.size = attributes.size();
            this.mtimeMicros = mtimeMicros(attributes);
            this.fileKey = attributes.fileKey();
            this.content = content;
            this.resolvedNanos = nowNanos;
            this.checkedNanos = resolvedNanos;
            this.charge = content.length + 2L * requestPath.length() + ENTRY_OVERHEAD;
        }

        boolean sameFile(BasicFileAttributes a) {
            return a.isRegularFile() && a.size() == size && mtimeMicros(a) == mtimeMicros && Objects.equals(a.fileKey(), fileKey);
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong totalBytes = new AtomicLong();
    private final LongSupplier nanoTime;

    SmallFileCache() {
        this(System::nanoTime);
    }

    /** With the given monotonic clock (tests). */
    SmallFileCache(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    static long mtimeMicros(BasicFileAttributes a) {
        return a.lastModifiedTime().to(TimeUnit.MICROSECONDS);
    }

    /** The entry for this request path if the file behind it is unchanged, else null (and forgotten). */
    Entry lookup(String requestPath) {
        Entry e = entries.get(requestPath);
        if (e == null) {
            return null;
        }
        long now = nanoTime.getAsLong();
        if (now - e.resolvedNanos > TimeUnit.MILLISECONDS.toNanos(RESOLVE_AGAIN_MILLIS)) {
            forget(requestPath, e);
            return null;
        }
        if (now - e.checkedNanos <= TimeUnit.MILLISECONDS.toNanos(CHECK_AGAIN_MILLIS)) {
            return e;
        }
        try {
            if (e.sameFile(Files.readAttributes(e.file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS))) {
                e.checkedNanos = now;
                return e;
            }
        } catch (IOException | SecurityException ignored) {
            // gone or unreadable: resolve it again
        }
        forget(requestPath, e);
        return null;
    }

    /**
     * Reads a resolved, checked regular file of at most {@link #MAX_FILE_BYTES} and keeps it; null
     * when it is larger, cannot be read, or changed while being read (then it is served from disk).
     */
    Entry load(String requestPath, Path file, BasicFileAttributes attributes, Function<Entry, HttpResponse> okResponse) {
        if (attributes.size() > MAX_FILE_BYTES) {
            return null;
        }
        Entry e;
        try {
            byte[] content = Files.readAllBytes(file);
            BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            e = new Entry(requestPath, file, attributes, content, nanoTime.getAsLong());
            if (content.length != e.size || !e.sameFile(after)) {
                return null;
            }
        } catch (IOException | SecurityException ex) {
            return null;
        }
        e.ok = okResponse.apply(e);
        Entry old = entries.put(requestPath, e);
        totalBytes.addAndGet(e.charge - (old == null ? 0 : old.charge));
        makeRoom();
        return e;
    }

    private void forget(String requestPath, Entry e) {
        if (entries.remove(requestPath, e)) {
            totalBytes.addAndGet(-e.charge);
        }
    }

    private void makeRoom() {
        Iterator<java.util.Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (totalBytes.get() > MAX_TOTAL_BYTES && it.hasNext()) {
            java.util.Map.Entry<String, Entry> victim = it.next();
            forget(victim.getKey(), victim.getValue());
        }
    }

    /** Cached files (for tests). */
    int size() {
        return entries.size();
    }
}
