package io.tlskit.bench;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** A client endpoint and a server endpoint wired together in memory, no sockets. */
public final class Pair {
    private static final byte[] EMPTY = new byte[0];

    public final Endpoint client;
    public final Endpoint server;
    /** When non-null, every byte the server sends during {@link #handshake} is copied here (checks only). */
    ByteArrayOutputStream serverRecording;
    int clientBytes;
    int serverBytes;

    public Pair(Endpoint client, Endpoint server) {
        this.client = client;
        this.server = server;
    }

    /**
     * Moves flights both ways until both sides are established and nothing is left to move. The
     * TLS 1.3 NewSessionTicket a JDK server sends after its Finished is delivered too.
     *
     * @param wire a scratch buffer of at least 64 KiB
     */
    public void handshake(byte[] wire) throws Exception {
        for (int round = 0; round < 64; round++) {
            int moved = 0;
            int n;
            while ((n = client.flush(wire, 0, wire.length)) > 0) {
                clientBytes += n;
                moved += n;
                server.receive(wire, 0, n, null, 0);
            }
            while ((n = server.flush(wire, 0, wire.length)) > 0) {
                serverBytes += n;
                moved += n;
                if (serverRecording != null) {
                    serverRecording.write(wire, 0, n);
                }
                client.receive(wire, 0, n, null, 0);
            }
            if (moved == 0) {
                if (client.hasBufferedInput() || server.hasBufferedInput()) {
                    client.receive(EMPTY, 0, 0, null, 0);
                    server.receive(EMPTY, 0, 0, null, 0);
                    if (client.hasBufferedInput() && server.hasBufferedInput()) {
                        throw new IllegalStateException("both sides stuck with buffered input");
                    }
                    continue;
                }
                if (client.established() && server.established()) {
                    return;
                }
                throw new IllegalStateException("handshake stalled: client " + client.established()
                    + ", server " + server.established());
            }
        }
        throw new IllegalStateException("handshake did not finish in 64 rounds");
    }

    /**
     * One direction of application data: {@code from} seals {@code len} bytes of {@code data}, the
     * records go to {@code to}, which decrypts them into {@code sink}. Returns the plaintext received.
     */
    public static int transfer(Endpoint from, Endpoint to, byte[] data, int len, byte[] wire, byte[] sink) throws Exception {
        int w = from.seal(data, 0, len, wire, 0);
        return to.receive(wire, 0, w, sink, 0);
    }

    /** Sends {@code data} from one side and asserts the other reads exactly it. */
    public static void assertTransfer(Endpoint from, Endpoint to, byte[] data, byte[] wire, String what) throws Exception {
        byte[] sink = new byte[Math.max(64 * 1024, data.length + 1024)];
        int got = transfer(from, to, data, data.length, wire, sink);
        if (got != data.length || !Arrays.equals(data, 0, data.length, sink, 0, got)) {
            throw new IllegalStateException(what + ": sent " + data.length + " bytes, received " + got
                + (got == data.length ? " different ones" : ""));
        }
    }
}
