package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PacketIdAllocatorTest {

    @Test
    void handsOutIdentifiersRoundRobinAndNeverOneInUse() {
        PacketIdAllocator ids = new PacketIdAllocator();
        assertThat(ids.allocate()).isEqualTo(1);
        assertThat(ids.allocate()).isEqualTo(2);
        ids.release(1);
        assertThat(ids.allocate()).as("a just-released id is not reused at once").isEqualTo(3);
        ids.reserve(4); // restored from a store
        assertThat(ids.allocate()).isEqualTo(5);
        assertThat(ids.count()).isEqualTo(4);
    }

    @Test
    void wrapsAfter65535AndSkipsWhatIsStillInFlight() {
        PacketIdAllocator ids = new PacketIdAllocator();
        ids.reserve(1);
        ids.reserve(2);
        for (int i = 3; i <= 0xFFFF; i++) {
            int id = ids.allocate();
            assertThat(id).isEqualTo(i);
            ids.release(id);
        }
        assertThat(ids.allocate()).as("1 and 2 are still in flight").isEqualTo(3);
    }

    @Test
    void allIdentifiersInFlightIsAClearError() {
        PacketIdAllocator ids = new PacketIdAllocator();
        for (int i = 0; i < 0xFFFF; i++) {
            ids.allocate();
        }
        assertThatThrownBy(ids::allocate).isInstanceOf(MqttUsageException.class).hasMessageContaining("65535 packet identifiers");
        ids.release(777);
        assertThat(ids.allocate()).isEqualTo(777);
    }

    @Test
    void agreesWithASetUnderRandomUse() {
        PacketIdAllocator ids = new PacketIdAllocator();
        Set<Integer> model = new HashSet<>();
        List<Integer> held = new ArrayList<>();
        Random random = new Random(42);
        for (int step = 0; step < 300_000; step++) {
            int target = step % 100_000 < 50_000 ? 2_000 : 20; // grow and shrink the table
            if (held.size() < target && random.nextInt(3) > 0 || held.isEmpty()) {
                int id = ids.allocate();
                assertThat(model.add(id)).as("allocated %d twice", id).isTrue();
                held.add(id);
            } else {
                int id = held.remove(random.nextInt(held.size()));
                ids.release(id);
                model.remove(id);
            }
            if (step % 997 == 0) {
                for (int probe = 1; probe <= 0xFFFF; probe += 13) {
                    assertThat(ids.inUse(probe)).as("id %d", probe).isEqualTo(model.contains(probe));
                }
            }
            assertThat(ids.count()).isEqualTo(model.size());
        }
    }
}
