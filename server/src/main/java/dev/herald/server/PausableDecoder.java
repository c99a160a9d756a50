package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * A frame decoder a protocol session can hold still: while it waits on a slow answer (an fsync, a
 * password hash) it {@link #pause()}s, so pipelined input stays buffered and is taken strictly in
 * order after {@link #resume()}; after STARTTLS it {@link #discardBuffered() drops} whatever
 * plaintext came behind the command. Shared by the SMTP and IMAP decoders.
 */
public abstract class PausableDecoder extends ByteToMessageDecoder {
    private boolean paused;
    private ChannelHandlerContext self;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.self = ctx;
    }

    /** The pipeline this decoder sits in. */
    public io.netty.channel.ChannelPipeline ctxPipeline() {
        return self == null ? null : self.pipeline();
    }

    public void pause() {
        paused = true;
    }

    /** Takes up decoding of what is already buffered (call on the event loop). */
    public void resume() {
        paused = false;
        // Re-enter this decoder directly: an empty read from the pipeline head would stop at a TLS handler.
        try {
            channelRead(self, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            self.fireExceptionCaught(e);
        }
        // Replies the session wrote while taking up the buffered input (commands answered at
        // once, or a commit that finished before it was waited on) must go out now: no socket
        // read follows to trigger the flush at channelReadComplete, and a pipelining client
        // waiting for them would wait forever.
        self.flush();
    }

    /** Drops every byte received so far and not yet decoded. */
    public void discardBuffered() {
        var buffered = internalBuffer();
        buffered.skipBytes(buffered.readableBytes());
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!paused) {
            decodeFrames(in, out);
        }
    }

    /** Decodes what it can from {@code in}; never called while paused. */
    protected abstract void decodeFrames(ByteBuf in, List<Object> out);
}
