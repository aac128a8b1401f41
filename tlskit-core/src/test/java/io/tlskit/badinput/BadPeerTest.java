package io.tlskit.badinput;

import static io.tlskit.badinput.BadInput.PKI;
import static io.tlskit.badinput.BadInput.client;
import static io.tlskit.badinput.BadInput.server;
import static io.tlskit.badinput.BadInput.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tlskit.SocketTransport;
import io.tlskit.TlsConnection;
import io.tlskit.TlsEngine;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.testing.PeerProcess;
import io.tlskit.testing.Peers;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cases 10-11: peers that send garbage, stop half way, say nothing, or vanish mid-stream. The server
 * records a precise code with a sentence, never hangs, and serves the next good client.
 */
class BadPeerTest {

    @BeforeAll
    static void warmUp() throws Exception {
        BadInput.warmUp(); // so the 300 ms handshake timeout below measures the network, not class loading
    }

    /** Everything the peer sends until it closes or the socket's read timeout passes. */
    private static byte[] readAll(Socket socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[1024];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server kept the connection open; received so far: " + Arrays.toString(out.toByteArray()));
        } catch (IOException reset) {
            // a reset after the alert is as good as a close
        }
        return out.toByteArray();
    }

    // ---- 10. garbage, half a handshake, silence

    @Test
    void plainTextToTheTlsPort() throws Exception {
        try (ServingServer server = ServingServer.start(server().build())) {
            byte[] answer;
            try (Socket raw = server.rawSocket(Duration.ofSeconds(5))) {
                raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                raw.getOutputStream().flush();
                answer = readAll(raw);
            }
            ServingServer.Failure f = server.awaitFailure();
            show("server, HTTP request to the TLS port", f);
            assertThat(f.error()).isEqualTo(TlsError.PROTOCOL_ERROR);
            assertThat(f.message())
                .contains("47 45 54 20 2f") // the first bytes in hex ...
                .contains("'GET /") // ... and as text
                .contains("plain text to a TLS port");
            // the server closed the connection at once (readAll did not time out); BouncyCastle has no
            // record version yet when the very first record is garbage, so an alert may not be sent
            if (answer.length > 0) {
                assertThat(answer[0]).as("first byte of the server's answer: an alert record").isEqualTo((byte) 21);
            }

            server.assertServes(client().build(), "localhost");
        }
    }

    @Test
    void halfAClientHelloThenClose() throws Exception {
        TlsEngine hello = TlsEngine.client(client().build(), "localhost", null);
        byte[] clientHello = hello.takeOutput();
        assertThat(clientHello.length).isGreaterThan(100);

        try (ServingServer server = ServingServer.start(server().build())) {
            try (Socket raw = server.rawSocket(Duration.ofSeconds(5))) {
                raw.getOutputStream().write(clientHello, 0, clientHello.length / 2);
                raw.getOutputStream().flush();

                // while that connection hangs half way, another client is served
                server.assertServes(client().build(), "localhost");

                raw.shutdownOutput(); // then it goes away
                assertThat(readAll(raw)).isEmpty();
            }
            ServingServer.Failure f = server.awaitFailure();
            show("server, half a ClientHello then close", f);
            assertThat(f.error()).isEqualTo(TlsError.PEER_CLOSED_DURING_HANDSHAKE);
            assertThat(f.message()).contains("the client closed the connection during the handshake");

            server.assertServes(client().build(), "localhost");
        }
    }

    @Test
    void silentPeerTimesOutWithoutHangingTheServer() throws Exception {
        try (ServingServer server = ServingServer.start(server().handshakeTimeout(Duration.ofMillis(300)).build())) {
            long start = System.nanoTime();
            try (Socket raw = server.rawSocket(Duration.ofSeconds(5))) {
                ServingServer.Failure f = server.awaitFailure();
                show("server, silent peer", f);
                assertThat(f.error()).isEqualTo(TlsError.HANDSHAKE_TIMEOUT);
                assertThat(f.message()).contains("within 300ms").contains("the client connected but sent nothing");
                assertThat(f.millisAfterAccept()).as("timeout fired after %d ms", f.millisAfterAccept()).isBetween(250L, 3000L);
                // the server closed the silent connection instead of keeping a thread on it
                assertThat(readAll(raw)).isNotNull();
            }
            assertThat((System.nanoTime() - start) / 1_000_000L).isLessThan(5000L);

            server.assertServes(client().build(), "localhost");
        }
    }

    // ---- 11. truncation: the stream ends without close_notify

    @Test
    void clientVanishesAfterDataWithoutCloseNotify() throws Exception {
        try (ServingServer server = ServingServer.start(server().build())) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            TlsConnection connection = TlsConnection.client(client().build(), new SocketTransport(socket), "localhost");
            connection.handshake();
            connection.readTimeout(Duration.ofSeconds(5));
            connection.write("first line\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("first line"); // the server wrote data back
            server.awaitHandshake();

            socket.shutdownOutput(); // TCP FIN without a TLS close_notify, as a crashed client would
            socket.close();

            ServingServer.Failure f = server.awaitFailure();
            show("server, client vanished without close_notify", f);
            assertThat(f.error()).isEqualTo(TlsError.TRUNCATED);
            assertThat(f.message()).contains("without close_notify").contains("truncated");

            server.assertServes(client().build(), "localhost");
        }
    }

    @Test
    void opensslServerKilledMidStream() throws Exception {
        String openssl = Peers.require("openssl").toString();
        int port = Peers.freePort();
        try (PeerProcess s = PeerProcess.start(openssl, "s_server", "-accept", String.valueOf(port),
                "-cert", PKI.files().resolve("server-ec.pem").toString(), "-key", PKI.files().resolve("server-ec.key").toString(),
                "-quiet")) {
            s.awaitPort(port, Duration.ofSeconds(10));
            try (TlsConnection connection = TlsConnection.client(client().build(),
                    SocketTransport.connect("127.0.0.1", port, Duration.ofSeconds(5)), "localhost")) {
                connection.handshake();
                connection.readTimeout(Duration.ofSeconds(5));
                s.write("data from openssl\n");
                BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("data from openssl");

                s.close(); // SIGTERM: the process dies without sending close_notify

                TlsException e = catchThrowableOfType(() -> in.read(), TlsException.class);
                show("client, openssl s_server killed", e);
                assertThat(e).isNotNull();
                assertThat(e.error()).isEqualTo(TlsError.TRUNCATED);
                assertThat(e.getMessage()).contains("without close_notify").contains("truncated");
            }
        }
    }
}
