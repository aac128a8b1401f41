package io.tlskit.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closes a connection that made no progress for a while: the lwIP httpd rule (poll every 2 s, close
 * after 8 s without data), on Netty's {@link IdleStateHandler}. Progress is bytes read, a write
 * completing, or (for a large pending write) the socket taking part of it. One policy serves many
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

    private final class Closer extends IdleStateHandler {
        Closer() {
            super(true, 0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
            if (event.state() != IdleState.ALL_IDLE || !ctx.channel().isOpen()) {
                return;
            }
            closed.increment();
            TlsHandler.LOG.debug("idle for {} ms: closing remote={}", timeout.toMillis(), ctx.channel().remoteAddress());
            ctx.fireUserEventTriggered(event);
            ctx.channel().close();
        }
    }
}
