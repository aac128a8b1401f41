package io.tlskit.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Caps concurrent connections ({@code PAL_MAX_NUM_OF_TLS_CTX}, lwIP's PCB pool): put one instance
 * at the front of every child pipeline. A connection beyond the cap is closed at once, before any
 * TLS work, counted in {@link #rejected()} and logged at DEBUG. The decision is taken when the
 * handler is added to an active channel (the usual case inside a {@code ChannelInitializer}:
 * check {@code channel.isOpen()} afterwards and add nothing more if it was closed) or else on
 * {@code channelActive} (then the event is not passed on).
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<ConnectionLimiter> ADMITTED = AttributeKey.valueOf(ConnectionLimiter.class, "admitted");

    private final int maxConnections;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    public ConnectionLimiter(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        this.maxConnections = maxConnections;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** Connections admitted and still open. */
    public int active() {
        return active.get();
    }

    /** Connections admitted since the start. */
    public long accepted() {
        return accepted.sum();
    }

    /** Connections closed because the cap was reached. */
    public long rejected() {
        return rejected.sum();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            admit(ctx.channel());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Attribute<ConnectionLimiter> admitted = ctx.channel().attr(ADMITTED);
        if (admitted.get() == this || admit(ctx.channel())) {
            ctx.fireChannelActive();
        }
    }

    /** Admits the channel or closes it; true if admitted. Idempotent per channel. */
    boolean admit(Channel channel) {
        Attribute<ConnectionLimiter> admitted = channel.attr(ADMITTED);
        if (admitted.get() == this) {
            return true;
        }
        if (!channel.isOpen()) {
            return false;
        }
        while (true) {
            int now = active.get();
            if (now >= maxConnections) {
                rejected.increment();
                TlsHandler.LOG.debug("connection limit {} reached: closing remote={}", maxConnections, channel.remoteAddress());
                channel.close();
                return false;
            }
            if (active.compareAndSet(now, now + 1)) {
                break;
            }
        }
        admitted.set(this);
        accepted.increment();
        return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(ADMITTED).compareAndSet(this, null)) {
            active.decrementAndGet();
        }
        ctx.fireChannelInactive();
    }
}
