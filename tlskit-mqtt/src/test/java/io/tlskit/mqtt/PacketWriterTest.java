package io.tlskit.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacketWriterTest {
    @Test
    void resetKeepsTheBufferWhileBatchesFillItAndDropsABurstSizedOneOnceQuiet() {
        PacketWriter w = new PacketWriter();
        w.bytes(new byte[1000]);
        byte[] small = w.buffer();
        w.reset();
        assertThat(w.size()).isZero();
        assertThat(w.buffer()).isSameAs(small); // the next batch reuses it

        w.bytes(new byte[200 * 1024]); // a burst of publishes
        byte[] burst = w.buffer();
        w.reset();
        w.bytes(new byte[150 * 1024]); // bursts go on: the buffer is reused, not regrown
        assertThat(w.buffer()).isSameAs(burst);
        w.reset();
        w.bytes(new byte[2]); // quiet again (a PINGREQ)
        w.reset();
        assertThat(w.size()).isZero();
        assertThat(w.buffer().length).isLessThanOrEqualTo(PacketWriter.RETAINED_BYTES);

        w.u8(7).u16(0x0102);
        assertThat(w.toByteArray()).containsExactly(7, 1, 2);
    }
}
