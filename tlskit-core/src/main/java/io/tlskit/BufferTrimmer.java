package io.tlskit;

import java.lang.reflect.Field;
import org.bouncycastle.tls.ByteQueue;
import org.bouncycastle.tls.ByteQueueInputStream;
import org.bouncycastle.tls.ByteQueueOutputStream;
import org.bouncycastle.tls.TlsProtocol;
import org.slf4j.LoggerFactory;

/**
 * Gives back the memory BouncyCastle's record queues grew to during a burst. Its ByteQueues only
 * grow (a 16 KiB record leaves 32 KiB queues behind), and only two of the three are reachable
 * through its API, so the other two are found by reflection once. If a future BouncyCastle renames
 * them, trimming quietly does less; nothing breaks.
 */
final class BufferTrimmer {
    private static final Field INPUT_BUFFERS = field(TlsProtocol.class, "inputBuffers");
    private static final Field OUTPUT_BUFFER = field(TlsProtocol.class, "outputBuffer");
    private static final Field APPLICATION_DATA = field(TlsProtocol.class, "applicationDataQueue");
    private static final Field INPUT_QUEUE = field(ByteQueueInputStream.class, "buffer");

    private BufferTrimmer() {
    }

    static void trim(TlsProtocol protocol) {
        try {
            if (OUTPUT_BUFFER != null) {
                ((ByteQueueOutputStream) OUTPUT_BUFFER.get(protocol)).getBuffer().shrink();
            }
            if (APPLICATION_DATA != null) {
                ((ByteQueue) APPLICATION_DATA.get(protocol)).shrink();
            }
            if (INPUT_BUFFERS != null && INPUT_QUEUE != null) {
                ((ByteQueue) INPUT_QUEUE.get(INPUT_BUFFERS.get(protocol))).shrink();
            }
        } catch (IllegalAccessException | RuntimeException e) {
            // trimming is an optimisation; a failure here must never hurt the connection
        }
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(BufferTrimmer.class).debug("cannot trim BouncyCastle's {}.{}: {}", owner.getSimpleName(), name, e.toString());
            return null;
        }
    }
}
