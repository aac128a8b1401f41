package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The store keeps outgoing messages unboxed and updates phases in place: it must still act like a LinkedHashMap of records. */
class InMemorySessionStoreTest {

    @Test
    void outgoingMessagesBehaveLikeAnInsertionOrderedMapOverRandomOperations() {
        OutgoingPhase[] phases = OutgoingPhase.values();
        for (long seed = 1; seed <= 10; seed++) {
            Random rnd = new Random(seed);
            InMemorySessionStore store = new InMemorySessionStore();
            Map<Integer, OutgoingMessage> ref = new LinkedHashMap<>();
            for (int op = 0; op < 5_000; op++) {
                int id = 1 + rnd.nextInt(seed % 2 == 0 ? 40 : 3000);
                switch (rnd.nextInt(4)) {
                    case 0, 1 -> {
                        OutgoingMessage m = new OutgoingMessage(id, MqttMessage.of("t/" + op, "p" + op, 1 + rnd.nextInt(2)),
                                phases[rnd.nextInt(phases.length)]);
                        store.storeOutgoing(m);
                        ref.put(id, m); // an identifier stored again keeps its position
                    }
                    case 2 -> {
                        OutgoingPhase p = phases[rnd.nextInt(phases.length)];
                        store.updatePhase(id, p);
                        ref.computeIfPresent(id, (k, m) -> m.withPhase(p));
                    }
                    default -> {
                        store.complete(id);
                        ref.remove(id);
                    }
                }
                if (op % 500 == 0) {
                    assertThat(store.load().outgoing()).containsExactlyElementsOf(ref.values());
                }
            }
            assertThat(store.load().outgoing()).as("seed %d", seed).containsExactlyElementsOf(ref.values());
            InMemorySessionStore copy = new InMemorySessionStore(store.snapshot());
            assertThat(copy.load().outgoing()).containsExactlyElementsOf(new ArrayList<>(ref.values()));
        }
    }
}
