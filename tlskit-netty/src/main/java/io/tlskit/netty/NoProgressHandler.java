package io.tlskit.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Notices a channel that made no progress for a while, the lwIP httpd way: a poll every quarter of
 * the timeout (lwIP: every 2 s for its 8 s rule) looks whether anything moved since the last poll,
 * and {@link #noProgress} runs after {@value #QUIET_POLLS} polls in a row saw nothing move, so
 * between 1 and 1.25 times the timeout after the last progress. Progress is what Netty's {@code IdleStateHandler} with
 * {@code observeOutput} counts for "all idle": bytes read, a write issued, or the socket taking
 * bytes of a pending write.
 *
 * <p>Why not {@code IdleStateHandler}: it reads the clock after every read and puts a listener on
 * every write, about 2% of the server's CPU per keep-alive request in a profile. Here a read or a
 * write costs a counter increment, and no clock is read.
 *
 * <p>One instance per channel; event loop only.
 */
public abstract class NoProgressHandler extends ChannelDuplexHandler {
    static final int QUIET_POLLS = 4;

    private final long pollNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> poll;
    private long reads;
    private long writes;
    // what the last poll saw
    private long seenReads;
    private long seenWrites;
    private long seenPending;
    private long seenFlushProgress;
    private int quietPolls;

    protected NoProgressHandler(long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("the timeout must be positive, was " + timeoutMillis + " ms");
        }
        this.pollNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(timeoutMillis) / QUIET_POLLS);
    }

    /**
     * Nothing moved for the timeout. The poll goes on after this (unless the channel closed), and
     * calls again once another timeout passed without progress.
     */
    protected abstract void noProgress(ChannelHandlerContext ctx);

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start();
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isActive()) {
            start();
        }
        super.channelRegistered(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reads++;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        writes++;
        ctx.write(msg, promise);
    }

    private void start() {
        if (poll != null) {
            return;
        }
        quietPolls = 0;
        remember(pendingBytes(), flushProgress());
        schedule();
    }

    private void stop() {
        if (poll != null) {
            poll.cancel(false);
        }
        poll = null;
    }

    private void schedule() {
        poll = ctx.executor().schedule(this::poll, pollNanos, TimeUnit.NANOSECONDS);
    }

    private void poll() {
        if (poll == null || !ctx.channel().isOpen()) {
            return;
        }
        long pending = pendingBytes();
        long flushProgress = flushProgress();
        if (reads != seenReads || writes != seenWrites || pending != seenPending || flushProgress != seenFlushProgress) {
            remember(pending, flushProgress);
            quietPolls = 0;
        } else if (++quietPolls >= QUIET_POLLS) {
            quietPolls = 0;
            noProgress(ctx);
        }
        if (poll != null && ctx.channel().isOpen()) {
            schedule();
        }
    }

    private void remember(long pending, long flushProgress) {
        seenReads = reads;
        seenWrites = writes;
        seenPending = pending;
        seenFlushProgress = flushProgress;
    }

    private long pendingBytes() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** Bytes of the message being flushed that the socket has taken (a large write's partial progress). */
    private long flushProgress() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return out == null ? 0 : out.currentProgress();
    }
}
