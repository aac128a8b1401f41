package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The session's int-keyed outgoing index against a LinkedHashMap reference, including wrap-around clustering. */
class OutgoingQueueTest {
    private static final MqttMessage M = MqttMessage.of("t", "x", 1);

    @Test
    void behavesLikeALinkedHashMapUnderRandomAppendsAndRemovals() {
        Random r = new Random(42);
        OutgoingQueue q = new OutgoingQueue();
        Map<Integer, OutgoingQueue.Entry> ref = new LinkedHashMap<>();
        for (int step = 0; step < 200_000; step++) {
            int id = 1 + r.nextInt(r.nextBoolean() ? 0xFFFF : 300);
            if (ref.containsKey(id)) {
                assertThat(q.remove(id)).isSameAs(ref.remove(id));
            } else if (r.nextInt(3) > 0) {
                ref.put(id, q.append(id, M, OutgoingPhase.QUEUED));
            } else {
                assertThat(q.remove(id)).isNull();
            }
            assertThat(q.size()).isEqualTo(ref.size());
            if (step % 997 == 0) {
                List<Integer> order = new ArrayList<>();
                for (OutgoingQueue.Entry e = q.first(); e != null; e = e.next) {
                    order.add(e.id);
                    assertThat(q.get(e.id)).isSameAs(e);
                }
                assertThat(order).containsExactlyElementsOf(ref.keySet());
            }
        }
        for (int id : new ArrayList<>(ref.keySet())) {
            assertThat(q.remove(id)).isSameAs(ref.get(id));
        }
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.first()).isNull();
    }

    @Test
    void cursorAndOnWireCountFollowSendsRemovalsAndNewConnections() {
        OutgoingQueue q = new OutgoingQueue();
        for (int id = 1; id <= 4; id++) {
            q.append(id, M, OutgoingPhase.QUEUED);
        }
        q.markSent(q.cursor());
        q.markSent(q.cursor());
        assertThat(q.onWireCount()).isEqualTo(2);
        assertThat(q.cursor().id).isEqualTo(3);
        q.remove(3); // the cursor itself
        assertThat(q.cursor().id).isEqualTo(4);
        q.remove(1); // on the wire
        assertThat(q.onWireCount()).isEqualTo(1);
        assertThat(q.onWire(q.get(2))).isTrue();
        q.newConnection();
        assertThat(q.onWireCount()).isZero();
        assertThat(q.onWire(q.get(2))).isFalse();
        assertThat(q.cursor()).isNull();
        q.rewind();
        assertThat(q.cursor().id).isEqualTo(2);
        q.markSent(q.cursor());
        q.markSent(q.cursor());
        assertThat(q.cursor()).isNull();
        q.append(7, M, OutgoingPhase.QUEUED);
        assertThat(q.cursor().id).isEqualTo(7);
        assertThat(q.onWireCount()).isEqualTo(2);
    }
}
