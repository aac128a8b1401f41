package io.tlskit.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SessionStore} on disk: outgoing QoS 1/2 messages and incoming QoS 2 identifiers survive
 * {@code kill -9} of the process, a broker restart and (after {@link #flush()}) a power cut.
 *
 * <p>Layout of the directory: {@code session.log}, an append-only log of records
 * {@code [u32 length][u32 CRC-32C][u8 type][body]}, and {@code lock}, held with
 * {@link FileChannel#tryLock()} while the store is open so two clients cannot share a store. The
 * operating system releases that lock when the process dies, so a store left behind by
 * {@code kill -9} opens normally (no stale marker files).
 *
 * <p>Every call writes its record at once (so a killed process loses nothing that a call returned
 * for); {@link #flush()} forces the log to the device with {@code FileChannel.force(true)}.
 * {@link MqttClient} calls flush before it sends any byte the session queued, so a PUBLISH never
 * leaves before its record is on disk. On open, the log is replayed, a torn last record (a crash in
 * the middle of a write) is cut off with a warning, and the log is compacted to the live state;
 * it is compacted again when it grows past {@code max(1 MiB, 2 × live size)}.
 *
 * <p>Not thread-safe beyond what {@link SessionStore} requires (one caller at a time).
 */
public final class FileSessionStore implements SessionStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileSessionStore.class);

    static final String LOG_NAME = "session.log";
    static final String LOCK_NAME = "lock";
    private static final int HEADER = 9;
    private static final int MAX_RECORD = 300 * 1024 * 1024;
    private static final long MIN_COMPACT_BYTES = 1024 * 1024;

    private static final byte STORE_OUTGOING = 1;
    private static final byte UPDATE_PHASE = 2;
    private static final byte COMPLETE = 3;
    private static final byte STORE_INCOMING_QOS2 = 4;
    private static final byte RELEASE_INCOMING_QOS2 = 5;

    private final Path dir;
    private final Path logFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final LinkedHashMap<Integer, OutgoingMessage> outgoing = new LinkedHashMap<>();
    private final Map<Integer, Integer> outgoingSizes = new LinkedHashMap<>();
    private final LinkedHashSet<Integer> incomingQos2 = new LinkedHashSet<>();
    private final MqttEncoder encoder = new MqttEncoder(MqttVersion.V5);
    private FileChannel channel;
    private long logSize;
    private long liveBytes;
    private boolean dirty;
    private boolean closed;
    private int truncatedBytes;

    private FileSessionStore(Path dir) throws IOException {
        this.dir = dir;
        this.logFile = dir.resolve(LOG_NAME);
        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve(LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            String holder = readHolder();
            lockChannel.close();
            throw new IllegalStateException("the MQTT session store " + dir + " is in use by another client"
                    + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + "; two clients must not share a store: give each its own directory, or close the other client first");
        }
        this.lock = l;
        try {
            lockChannel.truncate(0);
            lockChannel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            replay();
            compact();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * Opens (creating if needed) the store in {@code dir} and takes its lock.
     *
     * @throws IllegalStateException another open store (this or another process) holds the directory
     * @throws UncheckedIOException the directory cannot be used, or the log is corrupt before its last record
     */
    public static FileSessionStore open(Path dir) {
        try {
            return new FileSessionStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the MQTT session store " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    /** How many bytes of a torn last record were cut off when the store was opened (0 normally). */
    public int truncatedBytes() {
        return truncatedBytes;
    }

    // ------------------------------------------------------------------ SessionStore

    @Override
    public synchronized SessionState load() {
        return new SessionState(new ArrayList<>(outgoing.values()), new ArrayList<>(incomingQos2));
    }

    @Override
    public synchronized void storeOutgoing(OutgoingMessage message) {
        byte[] body = encodeOutgoing(message);
        append(STORE_OUTGOING, body);
        outgoing.put(message.packetId(), message);
        outgoingSizes.put(message.packetId(), body.length + HEADER);
        liveBytes += body.length + HEADER;
    }

    @Override
    public synchronized void updatePhase(int packetId, OutgoingPhase phase) {
        OutgoingMessage m = outgoing.get(packetId);
        if (m == null || m.phase() == phase) {
            return;
        }
        append(UPDATE_PHASE, new byte[] {(byte) (packetId >>> 8), (byte) packetId, (byte) phase.ordinal()});
        outgoing.put(packetId, m.withPhase(phase));
    }

    @Override
    public synchronized void complete(int packetId) {
        if (!outgoing.containsKey(packetId)) {
            return;
        }
        append(COMPLETE, id(packetId));
        outgoing.remove(packetId);
        Integer size = outgoingSizes.remove(packetId);
        liveBytes -= size == null ? 0 : size;
    }

    @Override
    public synchronized void storeIncomingQos2(int packetId) {
        if (incomingQos2.add(packetId)) {
            append(STORE_INCOMING_QOS2, id(packetId));
        }
    }

    @Override
    public synchronized void releaseIncomingQos2(int packetId) {
        if (incomingQos2.remove(packetId)) {
            append(RELEASE_INCOMING_QOS2, id(packetId));
        }
    }

    /** Forces the log to the device (fsync), then compacts it if it grew large. */
    @Override
    public synchronized void flush() {
        checkOpen();
        try {
            if (dirty) {
                channel.force(true);
                dirty = false;
            }
            if (logSize > Math.max(MIN_COMPACT_BYTES, 2 * liveBytes + 4096)) {
                compact();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the MQTT session store " + logFile + ": " + e.getMessage(), e);
        }
    }

    /** Flushes, closes the log and releases the lock. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("closing {}: {}", logFile, e.getMessage());
        }
        closeQuietly();
    }

    @Override
    public String toString() {
        return "FileSessionStore[" + dir + ", " + outgoing.size() + " outgoing, " + incomingQos2.size() + " incoming QoS 2]";
    }

    // ------------------------------------------------------------------ log

    private void append(byte type, byte[] body) {
        checkOpen();
        ByteBuffer record = record(type, body);
        int n = record.remaining();
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the MQTT session store " + logFile + ": " + e.getMessage(), e);
        }
        logSize += n;
        dirty = true;
    }

    private static ByteBuffer record(byte type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + body.length);
        CRC32C crc = new CRC32C();
        crc.update(type);
        crc.update(body);
        b.putInt(body.length + 1).putInt((int) crc.getValue()).put(type).put(body).flip();
        return b;
    }

    private byte[] encodeOutgoing(OutgoingMessage m) {
        MqttMessage msg = m.message();
        byte[] publish = encoder.encode(new MqttPacket.Publish(msg.topic(), msg.payload(), msg.qos(), msg.retain(), false,
                m.packetId(), msg.properties()));
        byte[] body = new byte[1 + publish.length];
        body[0] = (byte) m.phase().ordinal();
        System.arraycopy(publish, 0, body, 1, publish.length);
        return body;
    }

    private static OutgoingMessage decodeOutgoing(byte[] body) throws MqttProtocolException {
        OutgoingPhase phase = phase(body[0]);
        MqttDecoder d = new MqttDecoder(MqttVersion.V5, MqttDecoder.PROTOCOL_MAXIMUM_PACKET_SIZE, "session store");
        d.feed(body, 1, body.length - 1);
        MqttPacket p = d.next();
        if (!(p instanceof MqttPacket.Publish pub) || d.buffered() != 0) {
            throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "a stored message is not one whole PUBLISH");
        }
        return new OutgoingMessage(pub.packetId(),
                new MqttMessage(pub.topic(), pub.payload(), pub.qos(), pub.retain(), false, pub.properties()), phase);
    }

    private static OutgoingPhase phase(byte b) throws MqttProtocolException {
        OutgoingPhase[] all = OutgoingPhase.values();
        if (b < 0 || b >= all.length) {
            throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "unknown phase " + b);
        }
        return all[b];
    }

    private static byte[] id(int packetId) {
        return new byte[] {(byte) (packetId >>> 8), (byte) packetId};
    }

    private static int id(byte[] body) {
        return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
    }

    /** Reads the log into memory; cuts a torn last record; refuses corruption before the end. */
    private void replay() throws IOException {
        if (!Files.exists(logFile)) {
            return;
        }
        long size = Files.size(logFile);
        long valid = 0;
        int records = 0;
        String problem = null;
        try (FileChannel in = FileChannel.open(logFile, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (valid < size) {
                header.clear();
                if (readFully(in, header, valid) < HEADER) {
                    problem = "a record header is cut short";
                    break;
                }
                header.flip();
                int length = header.getInt();
                int crcStored = header.getInt();
                byte type = header.get();
                if (length < 1 || length > MAX_RECORD || valid + 8 + length > size) {
                    problem = length < 1 || length > MAX_RECORD ? "a record length of " + length + " is impossible"
                            : "the last record is cut short";
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length - 1);
                readFully(in, body, valid + HEADER);
                CRC32C crc = new CRC32C();
                crc.update(type);
                crc.update(body.array());
                if ((int) crc.getValue() != crcStored) {
                    problem = "a record's CRC does not match";
                    break;
                }
                try {
                    apply(type, body.array());
                } catch (MqttProtocolException | RuntimeException e) {
                    problem = "a record cannot be decoded (" + e.getMessage() + ")";
                    break;
                }
                valid += 8 + length;
                records++;
            }
        }
        if (problem != null) {
            long lost = size - valid;
            // a crash tears at most the last record: if what follows the bad spot could be a single
            // record, cut it; more than that means the file was damaged some other way
            if (lost > HEADER + 64 * 1024 && !looksLikeSingleTornRecord(valid, size)) {
                throw new IOException("the session log " + logFile + " is corrupt at byte " + valid + " of " + size + ": "
                        + problem + ", and " + lost + " bytes follow, more than one interrupted write leaves behind. "
                        + "Move the directory away to start with an empty session (its unsent messages are then lost)");
            }
            log.warn("MQTT session store {}: {} at byte {}; cutting off the last {} bytes (an interrupted write), "
                    + "keeping {} records", logFile, problem, valid, lost, records);
            truncatedBytes = (int) Math.min(Integer.MAX_VALUE, lost);
            try (FileChannel out = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
                out.truncate(valid);
                out.force(true);
            }
        }
        log.debug("MQTT session store {}: {} records, {} outgoing, {} incoming QoS 2", logFile, records, outgoing.size(),
                incomingQos2.size());
    }

    /** True when the bytes from {@code at} to the end are one record header claiming to run past the end. */
    private boolean looksLikeSingleTornRecord(long at, long size) throws IOException {
        try (FileChannel in = FileChannel.open(logFile, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(4);
            if (readFully(in, header, at) < 4) {
                return true;
            }
            header.flip();
            int length = header.getInt();
            return length >= 1 && length <= MAX_RECORD && at + 8 + length >= size;
        }
    }

    private static int readFully(FileChannel in, ByteBuffer b, long position) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = in.read(b, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private void apply(byte type, byte[] body) throws MqttProtocolException {
        switch (type) {
            case STORE_OUTGOING: {
                OutgoingMessage m = decodeOutgoing(body);
                outgoing.put(m.packetId(), m);
                outgoingSizes.put(m.packetId(), body.length + HEADER);
                break;
            }
            case UPDATE_PHASE: {
                int id = id(body);
                OutgoingPhase p = phase(body[2]);
                outgoing.computeIfPresent(id, (k, m) -> m.withPhase(p));
                break;
            }
            case COMPLETE:
                outgoing.remove(id(body));
                outgoingSizes.remove(id(body));
                break;
            case STORE_INCOMING_QOS2:
                incomingQos2.add(id(body));
                break;
            case RELEASE_INCOMING_QOS2:
                incomingQos2.remove(id(body));
                break;
            default:
                throw new MqttProtocolException(MqttError.MALFORMED_PACKET, "unknown record type " + type);
        }
    }

    /** Writes the live state to a new log, forces it, and renames it over the old one. */
    private void compact() throws IOException {
        Path tmp = dir.resolve(LOG_NAME + ".tmp");
        long size = 0;
        long live = 0;
        outgoingSizes.clear();
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (OutgoingMessage m : outgoing.values()) {
                byte[] body = encodeOutgoing(m);
                ByteBuffer r = record(STORE_OUTGOING, body);
                size += r.remaining();
                live += r.remaining();
                outgoingSizes.put(m.packetId(), r.remaining());
                while (r.hasRemaining()) {
                    out.write(r);
                }
            }
            for (int id : incomingQos2) {
                ByteBuffer r = record(STORE_INCOMING_QOS2, id(id));
                size += r.remaining();
                while (r.hasRemaining()) {
                    out.write(r);
                }
            }
            out.force(true);
        }
        if (channel != null) {
            channel.close();
        }
        try {
            Files.move(tmp, logFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, logFile, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory();
        channel = FileChannel.open(logFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        logSize = size;
        liveBytes = live;
        dirty = false;
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open a directory; the rename itself is still atomic
        }
    }

    private String readHolder() {
        try {
            return new String(Files.readAllBytes(dir.resolve(LOCK_NAME)), StandardCharsets.US_ASCII).strip()
                    .replace("pid", "held by process");
        } catch (IOException e) {
            return "";
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the MQTT session store " + dir + " is closed");
        }
    }

    private void closeQuietly() {
        closed = true;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing more to release
        }
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    /** For tests: the outgoing packet identifiers in publish order. */
    synchronized Set<Integer> outgoingIds() {
        return new LinkedHashSet<>(outgoing.keySet());
    }
}
