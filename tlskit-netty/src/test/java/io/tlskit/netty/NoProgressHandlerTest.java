package io.tlskit.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NoProgressHandlerTest {
    private static final long TIMEOUT_MS = 8000;

    private final AtomicInteger fired = new AtomicInteger();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @BeforeEach
    void addTheHandlerOnAFrozenClock() {
        channel.freezeTime(); // only advance() moves it: the polls run exactly when due
        channel.pipeline().addLast(new NoProgressHandler(TIMEOUT_MS) {
            @Override
            protected void noProgress(ChannelHandlerContext ctx) {
                fired.incrementAndGet();
            }
        });
    }

    @Test
    void firesAfterTheTimeoutWithoutProgressAndNotBefore() {
        advance(TIMEOUT_MS - 1);
        assertThat(fired).as("before the timeout").hasValue(0);
        advance(TIMEOUT_MS / 4);
        assertThat(fired).as("within a quarter of the timeout after it").hasValue(1);
        advance(TIMEOUT_MS);
        assertThat(fired).as("again after another quiet timeout").hasValue(2);
    }

    @Test
    void bytesReadAreProgressThatRestartTheCount() {
        assertProgressRestartsTheCount(() -> {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
            channel.readInbound();
        });
    }

    @Test
    void aWriteIsProgressToo() {
        assertProgressRestartsTheCount(() -> {
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
            channel.readOutbound();
        });
    }

    @Test
    void aClosedChannelIsNotPolledAnyMore() {
        channel.close();
        advance(TIMEOUT_MS * 3);
        assertThat(fired).hasValue(0);
    }

    /** Progress just before the third quiet poll: the handler fires a whole timeout after it, not before. */
    private void assertProgressRestartsTheCount(Runnable progress) {
        advance(TIMEOUT_MS * 3 / 4 + 1);
        progress.run();
        advance(TIMEOUT_MS - 1);
        assertThat(fired).as("the progress moved the deadline").hasValue(0);
        advance(TIMEOUT_MS / 4 + 1);
        assertThat(fired).hasValue(1);
    }

    /** Moves the channel's clock on a millisecond at a time, so every poll runs when it is due. */
    private void advance(long millis) {
        for (long i = 0; i < millis; i++) {
            channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
    }
}
