package io.tlskit.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.tlskit.ConfigException;

class EntropyAndDrbgTest {

    private static final String SENTENCE = "no strong entropy source: add EntropySources.system() or a hardware TRNG";

    private static EntropySource counterSource(String name, boolean strong) {
        AtomicInteger n = new AtomicInteger();
        return EntropySources.of(name, strong, b -> {
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (n.getAndIncrement() * 31 + i);
            }
        });
    }

    @Test
    void poolWithoutStrongSourceRefuses() {
        EntropyPool weakOnly = EntropyPool.of(counterSource("adc-noise", false));
        assertThat(weakOnly.hasStrongSource()).isFalse();
        assertThatThrownBy(() -> weakOnly.seed(32))
                .isInstanceOf(EntropyException.class)
                .hasMessageStartingWith(SENTENCE)
                .hasMessageContaining("adc-noise (weak)");
        assertThatThrownBy(() -> Drbg.secureRandom(weakOnly, null))
                .isInstanceOf(EntropyException.class)
                .hasMessageStartingWith(SENTENCE);
        assertThatThrownBy(() -> Drbg.secureRandom(EntropyPool.of(), null))
                .isInstanceOf(EntropyException.class)
                .hasMessageContaining(SENTENCE)
                .hasMessageContaining("sources: none");
    }

    @Test
    void failingSourceIsNamed() {
        EntropySource broken = EntropySources.of("trng0", true, b -> {
            throw new IllegalStateException("ring oscillator stopped");
        });
        EntropyPool pool = EntropyPool.system().with(broken);
        assertThatThrownBy(() -> pool.seed(32))
                .isInstanceOfSatisfying(EntropyException.class,
                        e -> assertThat(e.sourceName()).contains("trng0"))
                .hasMessageContaining("entropy source \"trng0\" failed")
                .hasMessageContaining("ring oscillator stopped");
        assertThatThrownBy(() -> Drbg.secureRandom(pool, null)).hasMessageContaining("\"trng0\"");

        // a weak source failing stops seeding too: seed material is all or nothing
        EntropyPool weakFails = EntropyPool.system().with(EntropySources.of("clock-jitter", false, b -> {
            throw new EntropyException("timer unavailable");
        }));
        assertThatThrownBy(() -> weakFails.seed(16))
                .isInstanceOfSatisfying(EntropyException.class,
                        e -> assertThat(e.sourceName()).contains("clock-jitter"))
                .hasMessageContaining("timer unavailable");
    }

    @Test
    void stuckOrUnfilledStrongSourceIsRefused() {
        EntropyPool pool = EntropyPool.of(EntropySources.of("lazy-driver", true, b -> { }));
        assertThatThrownBy(() -> pool.seed(32))
                .isInstanceOf(EntropyException.class)
                .hasMessageContaining("\"lazy-driver\"")
                .hasMessageContaining("repetition count test");
    }

    @Test
    void sourcesNeedDistinctNames() {
        assertThatThrownBy(() -> EntropyPool.of(counterSource("a", true), counterSource("a", false)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("\"a\"");
        assertThatThrownBy(() -> EntropySources.of(" ", true, b -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void systemSourceIsStrongAndWorks() {
        EntropySource system = EntropySources.system();
        assertThat(system.isStrong()).isTrue();
        assertThat(system.name()).startsWith("system(");
        byte[] b = new byte[64];
        system.fill(b);
        assertThat(b).isNotEqualTo(new byte[64]);
    }

    @Test
    void poolOutputIsConditionedAndFresh() {
        // a counter claiming full entropy would fail its health tests: the strong source is a real generator
        EntropyPool pool = EntropyPool.of(EntropySources.of("trng", true, new SecureRandom()::nextBytes), counterSource("adc", false));
        byte[] a = pool.seed(100);
        byte[] b = pool.seed(100);
        assertThat(a).hasSize(100).isNotEqualTo(b);
        assertThat(pool.sources()).extracting(EntropySource::name).containsExactly("trng", "adc");
    }

    @Test
    void drbgOutputsDifferAcrossInstances() {
        EntropyPool pool = EntropyPool.system();
        SecureRandom r1 = Drbg.secureRandom(pool, "device-1".getBytes());
        SecureRandom r2 = Drbg.secureRandom(pool, "device-1".getBytes());
        SecureRandom r3 = Drbg.secureRandom(pool);
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        byte[] c = new byte[64];
        r1.nextBytes(a);
        r2.nextBytes(b);
        r3.nextBytes(c);
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(r1.getAlgorithm()).isEqualTo("CTR-DRBG-AES256");
        assertThat(Drbg.defaultRandom()).isSameAs(Drbg.defaultRandom());
        assertThat(Drbg.defaultRandom().nextLong()).isNotEqualTo(Drbg.defaultRandom().nextLong());
    }

    @Test
    void largeRequestsAndSeedsWork() {
        SecureRandom r = Drbg.secureRandom(EntropyPool.system(), null);
        byte[] big = new byte[100 * 1024 + 7];    // above CTR_DRBG's 32 KiB per-request limit
        r.nextBytes(big);
        byte[] tail = java.util.Arrays.copyOfRange(big, big.length - 64, big.length);
        assertThat(tail).isNotEqualTo(new byte[64]);
        assertThat(r.generateSeed(48)).hasSize(48);
        r.setSeed(new byte[] {1, 2, 3});   // mixes in through a reseed
        r.nextBytes(new byte[16]);
    }

    @Test
    void drbgIsThreadSafe() throws Exception {
        SecureRandom r = Drbg.secureRandom(EntropyPool.system(), null);
        Set<ByteBuffer> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        byte[] b = new byte[16];
                        r.nextBytes(b);
                        seen.add(ByteBuffer.wrap(b));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(80_000);
    }
}
