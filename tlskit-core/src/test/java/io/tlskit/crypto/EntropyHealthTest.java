package io.tlskit.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.ConfigException;
import io.tlskit.EnginePairs;
import io.tlskit.TlsConfig;
import io.tlskit.TlsError;
import io.tlskit.TlsException;
import io.tlskit.testing.TestPki;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** SP 800-90B start-up and continuous health tests per source, and the DRBG failing closed. */
class EntropyHealthTest {
    private static final SecureRandom OS = new SecureRandom();

    /** A source that is healthy until {@code stuck} is set, then returns one value forever. */
    private static EntropySource breakable(String name, AtomicBoolean stuck) {
        return EntropySources.of(name, true, b -> {
            if (stuck.get()) {
                Arrays.fill(b, (byte) 0x5a);
            } else {
                OS.nextBytes(b);
            }
        });
    }

    @Test
    void cutoffsFollowTheClaimedEntropy() {
        SourceHealth full = new SourceHealth(8);
        assertThat(full.repetitionCutoff()).isEqualTo(5);     // 1 + ceil(30 / 8)
        assertThat(full.proportionCutoff()).isBetween(10, 20); // CRITBINOM(512, 2^-8, 1 - 2^-30) + 1
        SourceHealth oneBit = new SourceHealth(1);
        assertThat(oneBit.repetitionCutoff()).isEqualTo(31);
        assertThat(oneBit.proportionCutoff()).isBetween(320, 400);
        assertThatThrownBy(() -> new SourceHealth(9)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullSourceIsATypedConfigurationError() {
        assertThatThrownBy(() -> EntropyPool.of((EntropySource) null))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CONFIG_INVALID))
            .hasMessageContaining("entropy source is null");
        assertThatThrownBy(() -> EntropyPool.system().with(null)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> TlsConfig.client().entropySource(null))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.CONFIG_INVALID))
            .hasMessageStartingWith("entropySource(null): pass a real source");
    }

    @Test
    void constantBytesFailTheStartUpTestNamingTheSource() {
        // the forum's ADC source: claimed strong, returns the same reading every time
        EntropySource adc = EntropySources.of("adc-temp", true, b -> Arrays.fill(b, (byte) 0x17));
        assertThatThrownBy(() -> EntropyPool.of(adc).seed(32))
            .isInstanceOfSatisfying(EntropyException.class, e -> assertThat(e.sourceName()).contains("adc-temp"))
            .hasMessage("entropy source \"adc-temp\" failed: it failed the repetition count test: the byte 0x17 came 5 times in a"
                + " row (cutoff 5 for 8 bits of entropy per byte), so it is stuck during its start-up tests; no random numbers"
                + " are produced until it is fixed or replaced (the DRBG refuses output)");
        // a weak claim only makes the cutoff lenient, not blind
        EntropySource weak = EntropySources.of("adc-weak", false, 1, b -> Arrays.fill(b, (byte) 0x17));
        assertThatThrownBy(() -> EntropyPool.system().with(weak).seed(32))
            .hasMessageContaining("\"adc-weak\"").hasMessageContaining("came 31 times in a row (cutoff 31 for 1 bits");
    }

    @Test
    void aSourceThatRepeatsOneValueTooOftenFailsTheProportionTest() {
        // every other byte is 0x41: no runs, but 0x41 fills half of each window
        EntropySource biased = EntropySources.of("biased", true, b -> {
            OS.nextBytes(b);
            for (int i = 0; i < b.length; i += 2) {
                b[i] = 0x41;
                if (i + 1 < b.length && b[i + 1] == 0x41) {
                    b[i + 1] = 0x42;
                }
            }
        });
        assertThatThrownBy(() -> EntropyPool.of(biased).seed(16))
            .hasMessageContaining("\"biased\"").hasMessageContaining("adaptive proportion test").hasMessageContaining("0x41");
    }

    @Test
    void healthySourcesPassAndKeepPassing() {
        EntropyPool pool = EntropyPool.system().with(EntropySources.of("trng", true, OS::nextBytes));
        for (int i = 0; i < 50; i++) {
            assertThat(pool.seed(64)).hasSize(64);
        }
        pool.checkHealthy();
    }

    @Test
    void drbgRefusesOutputOnceASourceIsStuckAndNamesIt() {
        AtomicBoolean stuck = new AtomicBoolean();
        EntropyPool pool = EntropyPool.system().with(breakable("trng0", stuck));
        SecureRandom drbg = Drbg.secureRandom(pool, null, 4);
        for (int i = 0; i < 20; i++) {
            drbg.nextBytes(new byte[32]);
        }
        stuck.set(true);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 8; i++) {
                drbg.nextBytes(new byte[32]);    // the next reseed samples the stuck source
            }
        }).isInstanceOfSatisfying(EntropyException.class, e -> assertThat(e.sourceName()).contains("trng0"))
            .hasMessageContaining("repetition count test");
        stuck.set(false);    // fail closed: a source that failed stays failed
        assertThatThrownBy(() -> drbg.nextBytes(new byte[1])).hasMessageContaining("\"trng0\"");
        assertThatThrownBy(() -> drbg.nextLong()).isInstanceOf(EntropyException.class);
    }

    @Test
    void configWithAStuckSourceFailsToBuildAndAHandshakeFailsWithEntropyFailed() throws Exception {
        EntropySource constant = EntropySources.of("adc0", true, b -> Arrays.fill(b, (byte) 0));
        assertThatThrownBy(() -> TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust()).entropySource(constant).build())
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.ENTROPY_FAILED))
            .hasMessageContaining("entropy source \"adc0\" failed");

        AtomicBoolean stuck = new AtomicBoolean();
        EntropyPool pool = EntropyPool.system().with(breakable("trng1", stuck));
        TlsConfig client = TlsConfig.client().trustAnchors(TestPki.INSTANCE.trust())
            .random(Drbg.secureRandom(pool, null, 1)).build();
        TlsConfig server = TlsConfig.server().credentials(TestPki.INSTANCE.serverEcCredentials()).build();
        EnginePairs.handshake(client, server);     // healthy: works
        stuck.set(true);
        assertThatThrownBy(() -> EnginePairs.handshake(client, server))
            .isInstanceOfSatisfying(TlsException.class, e -> assertThat(e.error()).isEqualTo(TlsError.ENTROPY_FAILED))
            .hasMessageContaining("entropy source \"trng1\" failed");
    }
}
