package io.tlskit;

import java.io.IOException;

/**
 * Two {@link Transport}s connected in memory, for tests and for running client and server in one
 * process. Each direction is a bounded byte ring; writers wait when it is full.
 */
public final class MemoryPipe {
    private final Transport a;
    private final Transport b;

    private MemoryPipe(int capacity) {
        ByteRing aToB = new ByteRing(capacity);
        ByteRing bToA = new ByteRing(capacity);
        this.a = new End("memory:a", bToA, aToB);
        this.b = new End("memory:b", aToB, bToA);
    }

    public static MemoryPipe create() {
        return new MemoryPipe(64 * 1024);
    }

    public Transport clientEnd() {
        return a;
    }

    public Transport serverEnd() {
        return b;
    }

    private static final class End implements Transport {
        private final String name;
        private final ByteRing in;
        private final ByteRing out;

        End(String name, ByteRing in, ByteRing out) {
            this.name = name;
            this.in = in;
            this.out = out;
        }

        @Override
        public int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
            return in.read(buffer, offset, length, timeoutMillis);
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            out.write(data, offset, length);
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public void close() {
            out.close();
            in.close();
        }
    }
}
