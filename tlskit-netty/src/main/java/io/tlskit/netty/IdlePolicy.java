package io.tlskit.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closes a connection that made no progress for a while: the lwIP httpd rule (poll every 2 s, close
 * after 8 s without data), on a {@link NoProgressHandler}: a poll every quarter of the timeout, so
 * the close comes 1 to 1.25 timeouts after the last progress. Progress is bytes read, a write, or
 * (for a large pending write) the socket taking part of it. One policy serves many
 * channels: {@link #newHandler()} gives each channel its own handler; {@link #closed()} counts the
 * connections it closed.
 *
 * <p>Put the handler in front of (on the network side of) the {@link TlsHandler}, so handshake bytes
 * count as progress. It closes with {@code channel.close()}, which passes through the TlsHandler, so an
 * established connection gets a close_notify.
 */
public final class IdlePolicy {
    /** The lwIP httpd figure. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(8);

    private final Duration timeout;
    private final LongAdder closed = new LongAdder();

    private IdlePolicy(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
    }

    public static IdlePolicy of(Duration timeout) {
        return new IdlePolicy(timeout);
    }

    public static IdlePolicy defaults() {
        return new IdlePolicy(DEFAULT_TIMEOUT);
    }

    public Duration timeout() {
        return timeout;
    }

    /** How many connections this policy closed. */
    public long closed() {
        return closed.sum();
    }

    /** A new handler for one channel. */
    public ChannelHandler newHandler() {
        return new Closer();
    }

    private final class Closer extends NoProgressHandler {
        Closer() {
            super(timeout.toMillis());
        }

        @Override
        protected void noProgress(ChannelHandlerContext ctx) {
            if (!ctx.channel().isOpen()) {
                return;
            }
            closed.increment();
            TlsHandler.LOG.debug("idle for {} ms: closing remote={}", timeout.toMillis(), ctx.channel().remoteAddress());
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
            ctx.channel().close();
        }
    }
}
