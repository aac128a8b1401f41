package io.tlskit;

/** Public access to {@link EnginePair} for tests in other packages. */
public final class EnginePairs {
    private EnginePairs() {
    }

    /** Runs a client and a server engine against each other in memory; throws the first failure. */
    public static HandshakeInfo handshake(TlsConfig client, TlsConfig server) throws TlsException {
        EnginePair pair = new EnginePair(TlsEngine.client(client, "localhost", null), TlsEngine.server(server)).pump();
        if (pair.clientFailure != null) {
            throw pair.clientFailure;
        }
        if (pair.serverFailure != null) {
            throw pair.serverFailure;
        }
        return pair.client.handshakeInfo().orElseThrow(() -> new AssertionError("handshake did not complete"));
    }
}
