package io.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared session-ticket key file: format, permissions, rotation across two servers. */
class TicketKeyFileTest {
    static final SecureRandom RANDOM = new SecureRandom();
    @TempDir
    Path dir;

    @Test
    void writtenFileIsPrivateAndReadsBackTheSameKeysInOrder() throws Exception {
        Path file = dir.resolve("tickets.key");
        List<byte[]> keys = List.of(TicketKeyFile.newKey(RANDOM), TicketKeyFile.newKey(RANDOM));
        TicketKeyFile.write(file, keys);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<byte[]> read = TicketKeyFile.read(file);
        assertThat(read).hasSize(2);
        assertThat(read.get(0)).isEqualTo(keys.get(0));
        assertThat(read.get(1)).isEqualTo(keys.get(1));
        assertThat(Files.readString(file)).startsWith("#");
    }

    @Test
    void aTruncatedKeyNamesTheLineAndTheFix() throws Exception {
        Path file = dir.resolve("tickets.key");
        TicketKeyFile.write(file, List.of(TicketKeyFile.newKey(RANDOM)));
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() - 20) + "\n");
        assertThatThrownBy(() -> TicketKeyFile.read(file)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("line 4 is truncated").hasMessageContaining("tlskit cert ticket-keys --out " + file)
            .hasMessageNotContaining("\n");
    }

    @Test
    void aFileOthersCanReadIsRefusedWithTheChmodToRun() throws Exception {
        Path file = dir.resolve("tickets.key");
        TicketKeyFile.write(file, List.of(TicketKeyFile.newKey(RANDOM)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TicketKeyFile.read(file)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("accessible to other users").hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void anEmptyOrMissingFileSaysHowToCreateOne() throws Exception {
        Path file = dir.resolve("tickets.key");
        assertThatThrownBy(() -> TicketKeyFile.read(file)).hasMessageContaining("tlskit cert ticket-keys --out");
        Files.writeString(file, "# nothing\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> TicketKeyFile.read(file)).hasMessageContaining("holds no key");
        Files.writeString(file, "not*base64*at*all\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TicketKeyFile.read(file)).hasMessageContaining("line 1 is not base64");
    }

    @Test
    void rotationKeepsTicketsOfThePreviousKeyAndDropsTheOneBefore() throws Exception {
        Path file = dir.resolve("tickets.key");
        TicketKeyFile.rotate(file, RANDOM, TicketKeyFile.DEFAULT_KEEP);
        TicketKeys keysA = TicketKeyFile.load(file, RANDOM, TimeSource.system(), Duration.ofHours(1));
        TicketKeys keysB = TicketKeyFile.load(file, RANDOM, TimeSource.system(), Duration.ofHours(1));
        TlsConfig serverA = server(keysA);
        TlsConfig serverB = server(keysB);
        TlsConfig client = TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust()).build();

        EnginePair.of(client, "localhost", serverA).handshake(); // ticket sealed by key 1
        assertThat(resumedOn(client, serverB)).as("same file, other server").isTrue();

        keysB.replace(TicketKeyFile.rotate(file, RANDOM, TicketKeyFile.DEFAULT_KEEP)); // key 2, key 1
        assertThat(keysB.count()).isEqualTo(2);
        assertThat(resumedOn(client, serverB)).as("key 1 ticket after one rotation").isTrue();

        keysB.replace(TicketKeyFile.rotate(file, RANDOM, TicketKeyFile.DEFAULT_KEEP)); // key 3, key 2
        assertThat(resumedOn(client, serverB)).as("key 1 ticket after two rotations").isFalse();
        assertThat(TicketKeyFile.read(file)).hasSize(2);
    }

    @Test
    void inProcessKeysCannotBeReplaced() {
        TicketKeys rotating = new TicketKeys(RANDOM, TimeSource.system(), Duration.ofHours(1));
        assertThat(rotating.rotating()).isTrue();
        assertThatThrownBy(() -> rotating.replace(List.of(TicketKeyFile.newKey(RANDOM)))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TicketKeys.of(List.of(new byte[47]), RANDOM, TimeSource.system(), Duration.ofHours(1)))
            .isInstanceOf(ConfigException.class).hasMessageContaining("48 bytes");
    }

    private static TlsConfig server(TicketKeys keys) {
        return TlsConfig.server().credentials(TestPki.INSTANCE.serverEcCredentials()).versions(TlsVersion.TLS_1_2)
            .ticketKeys(keys).build();
    }

    private static boolean resumedOn(TlsConfig client, TlsConfig server) throws Exception {
        EnginePair pair = EnginePair.of(client, "localhost", server).handshake();
        return pair.server.handshakeInfo().orElseThrow().resumed();
    }
}
