package io.tlskit.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.mqtt.FileSessionStore;
import io.tlskit.mqtt.MqttMessage;
import io.tlskit.mqtt.MqttProperties;
import io.tlskit.mqtt.OutgoingMessage;
import io.tlskit.mqtt.OutgoingPhase;
import io.tlskit.mqtt.SessionState;
import io.tlskit.testing.PeerProcess;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable store: replay, phases, torn tail, corruption, compaction and the lock. */
class FileSessionStoreTest {
    @TempDir
    Path dir;

    private static OutgoingMessage msg(int id, int qos) {
        return new OutgoingMessage(id, new MqttMessage("t/" + id, new byte[] {(byte) id, 0, (byte) 0xFF}, qos, id % 2 == 0, false,
                MqttProperties.builder().contentType("x/y").userProperty("k", "v").build()), OutgoingPhase.QUEUED);
    }

    @Test
    void stateSurvivesReopenInPublishOrder() {
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            s.storeOutgoing(msg(7, 1));
            s.storeOutgoing(msg(3, 2));
            s.storeOutgoing(msg(9, 2));
            s.updatePhase(3, OutgoingPhase.PUBLISH_SENT);
            s.updatePhase(9, OutgoingPhase.PUBREL_SENT);
            s.complete(7);
            s.storeIncomingQos2(42);
            s.storeIncomingQos2(43);
            s.releaseIncomingQos2(42);
            s.flush();
        }
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            SessionState st = s.load();
            assertThat(st.outgoing()).containsExactly(msg(3, 2).withPhase(OutgoingPhase.PUBLISH_SENT),
                    msg(9, 2).withPhase(OutgoingPhase.PUBREL_SENT));
            assertThat(st.incomingQos2()).containsExactly(43);
        }
    }

    @Test
    void tornLastRecordIsCutAndTheRestKept() throws Exception {
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            s.storeOutgoing(msg(1, 1));
            s.storeOutgoing(msg(2, 1));
            s.flush();
        }
        Path log = dir.resolve("session.log");
        long size = Files.size(log);
        try (FileChannel c = FileChannel.open(log, StandardOpenOption.WRITE)) {
            c.truncate(size - 5); // a write interrupted by a power cut
        }
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            assertThat(s.truncatedBytes()).isPositive();
            assertThat(s.load().outgoing()).containsExactly(msg(1, 1));
            s.storeOutgoing(msg(3, 1)); // appends after the cut
        }
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            assertThat(s.load().outgoing()).extracting(OutgoingMessage::packetId).containsExactly(1, 3);
        }
    }

    @Test
    void corruptionBeforeTheEndIsAClearError() throws Exception {
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            for (int i = 1; i <= 300; i++) {
                s.storeOutgoing(new OutgoingMessage(i, MqttMessage.of("t", new byte[1000], 1, false), OutgoingPhase.QUEUED));
            }
        }
        Path log = dir.resolve("session.log");
        byte[] bytes = Files.readAllBytes(log);
        bytes[20] ^= 0x55; // inside the first record
        Files.write(log, bytes);
        assertThatThrownBy(() -> FileSessionStore.open(dir)).hasMessageContaining("corrupt at byte 0")
                .hasMessageContaining("Move the directory away");
    }

    @Test
    void logIsCompactedOnOpenAndWhenLarge() throws Exception {
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            for (int round = 0; round < 3000; round++) {
                int id = round % 100 + 1;
                s.storeOutgoing(new OutgoingMessage(id, MqttMessage.of("t", new byte[1000], 1, false), OutgoingPhase.QUEUED));
                s.complete(id);
                s.flush();
            }
            assertThat(Files.size(dir.resolve("session.log"))).isLessThan(2 * 1024 * 1024);
            s.storeOutgoing(msg(5, 1));
        }
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            assertThat(Files.size(dir.resolve("session.log"))).isLessThan(200);
            assertThat(s.load().outgoing()).containsExactly(msg(5, 1));
        }
    }

    @Test
    void twoClientsCannotShareAStoreAndTheLockIsReleasedOnClose() {
        FileSessionStore first = FileSessionStore.open(dir);
        assertThatThrownBy(() -> FileSessionStore.open(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use by another client").hasMessageContaining("process " + ProcessHandle.current().pid());
        first.close();
        FileSessionStore.open(dir).close();
    }

    @Test
    void aLockLeftByAKilledProcessIsNoObstacle() throws Exception {
        try (PeerProcess holder = PeerProcess.start(FaultTest.java("StoreHolder", dir.toString()))) {
            holder.awaitOutput("locked", Duration.ofSeconds(20));
            assertThatThrownBy(() -> FileSessionStore.open(dir)).hasMessageContaining("held by process " + holder.pid());
            ProcessHandle.of(holder.pid()).ifPresent(ProcessHandle::destroyForcibly); // kill -9
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (holder.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(Files.exists(dir.resolve("lock"))).isTrue(); // the file stays; the OS lock died with the process
        try (FileSessionStore s = FileSessionStore.open(dir)) {
            assertThat(s.load().outgoing()).extracting(OutgoingMessage::packetId).containsExactly(1);
        }
    }
}
