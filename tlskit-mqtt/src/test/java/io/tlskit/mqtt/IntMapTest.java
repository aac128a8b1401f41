package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IntMapTest {

    @Test
    void behavesLikeAHashMapOverRandomOperations() {
        for (long seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            IntMap<String> map = new IntMap<>();
            Map<Integer, String> ref = new HashMap<>();
            // small key ranges collide and wrap probe runs; the full range exercises growth
            int range = seed % 2 == 0 ? 64 : 0xFFFF;
            for (int op = 0; op < 20_000; op++) {
                int key = 1 + rnd.nextInt(range);
                String got;
                String want;
                switch (rnd.nextInt(4)) {
                    case 0, 1 -> {
                        got = map.put(key, "v" + op);
                        want = ref.put(key, "v" + op);
                    }
                    case 2 -> {
                        got = map.remove(key);
                        want = ref.remove(key);
                    }
                    default -> {
                        got = map.get(key);
                        want = ref.get(key);
                    }
                }
                if (!Objects.equals(got, want) || map.size() != ref.size()) {
                    throw new AssertionError("seed " + seed + " op " + op + " key " + key + ": " + got + " != " + want
                            + " or size " + map.size() + " != " + ref.size());
                }
            }
            for (int key = 1; key <= range; key++) {
                if (!Objects.equals(map.get(key), ref.get(key))) {
                    throw new AssertionError("seed " + seed + " key " + key + ": " + map.get(key) + " != " + ref.get(key));
                }
            }
            List<String> values = new ArrayList<>();
            map.forEachValue(values::add);
            assertThat(values).containsExactlyInAnyOrderElementsOf(ref.values());
        }
    }

    @Test
    void slidingWindowOfIdentifiersLikeInFlightPublishes() {
        IntMap<Integer> map = new IntMap<>();
        int oldest = 1;
        for (int id = 1; id <= 200_000; id++) {
            int key = (id - 1) % 0xFFFF + 1;
            map.put(key, id);
            if (id - oldest >= 1000) {
                Integer removed = map.remove((oldest - 1) % 0xFFFF + 1);
                if (removed == null || removed != oldest) {
                    throw new AssertionError("removing the oldest (" + oldest + ") gave " + removed);
                }
                oldest++;
            }
        }
        assertThat(map.size()).isEqualTo(1000);
        assertThat(map.get((200_000 - 1) % 0xFFFF + 1)).isEqualTo(200_000);
    }

    @Test
    void emptiedMapShrinksAndStillWorks() {
        IntMap<String> map = new IntMap<>();
        for (int i = 1; i <= 5000; i++) {
            map.put(i, "x");
        }
        for (int i = 1; i <= 5000; i++) {
            map.remove(i);
        }
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.get(17)).isNull();
        map.put(17, "y");
        assertThat(map.get(17)).isEqualTo("y");
        assertThatThrownBy(() -> map.put(0, "z")).isInstanceOf(IllegalArgumentException.class);
    }
}
