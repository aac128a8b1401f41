package io.tlskit;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A client engine and a server engine wired together in memory, pumped until they settle. */
final class EnginePair {
    final TlsEngine client;
    final TlsEngine server;
    /** Sizes of every TLS record the server sent (record header length + 5), for fragment checks. */
    final List<Integer> serverRecordSizes = new ArrayList<>();
    TlsException clientFailure;
    TlsException serverFailure;

    EnginePair(TlsEngine client, TlsEngine server) {
        this.client = client;
        this.server = server;
    }

    static EnginePair of(TlsConfig clientConfig, String serverName, TlsConfig serverConfig) throws TlsException {
        return new EnginePair(TlsEngine.client(clientConfig, serverName, serverName), TlsEngine.server(serverConfig));
    }

    /** Moves bytes both ways until nothing moves; failures are recorded, not thrown. */
    EnginePair pump() {
        boolean moved = true;
        while (moved) {
            moved = false;
            byte[] c2s = client.takeOutput();
            if (c2s.length > 0) {
                moved = true;
                if (serverFailure == null) {
                    try {
                        server.receive(c2s, 0, c2s.length);
                    } catch (TlsException e) {
                        serverFailure = e;
                    }
                }
            }
            byte[] s2c = server.takeOutput();
            if (s2c.length > 0) {
                moved = true;
                recordSizes(s2c);
                if (clientFailure == null) {
                    try {
                        client.receive(s2c, 0, s2c.length);
                    } catch (TlsException e) {
                        clientFailure = e;
                    }
                }
            }
        }
        return this;
    }

    private void recordSizes(byte[] bytes) {
        int i = 0;
        while (i + 5 <= bytes.length) {
            int length = ((bytes[i + 3] & 0xFF) << 8) | (bytes[i + 4] & 0xFF);
            serverRecordSizes.add(length);
            i += 5 + length;
        }
    }

    EnginePair handshake() {
        pump();
        if (clientFailure != null || serverFailure != null) {
            throw new AssertionError("handshake failed: client=" + clientFailure + " server=" + serverFailure,
                clientFailure != null ? clientFailure : serverFailure);
        }
        if (!client.isEstablished() || !server.isEstablished()) {
            throw new AssertionError("handshake did not complete");
        }
        return this;
    }

    /** Sends data from one engine to the other and returns what the other read. */
    static byte[] transfer(TlsEngine from, TlsEngine to, byte[] data) throws TlsException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int chunk = from.maxPlaintextPerRecord();
        byte[] buffer = new byte[32 * 1024];
        for (int off = 0; off < data.length; off += chunk) {
            from.writePlaintext(data, off, Math.min(chunk, data.length - off));
            byte[] wire = from.takeOutput();
            to.receive(wire, 0, wire.length);
            int n;
            while ((n = to.readPlaintext(buffer, 0, buffer.length)) > 0) {
                received.write(buffer, 0, n);
            }
        }
        return received.toByteArray();
    }
}
