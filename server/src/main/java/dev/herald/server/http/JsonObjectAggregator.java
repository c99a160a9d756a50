package dev.herald.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator, but a body over {@code http.max_body} is answered in the API's JSON error
 * format (413) instead of Netty's empty response. As Netty does: on a keep-alive connection the
 * rest of the body is read and dropped, so a client still sending it gets to read the answer; a
 * connection that is not kept alive is closed after the answer.
 */
final class JsonObjectAggregator extends HttpObjectAggregator {
    private final int maxBody;

    JsonObjectAggregator(int maxBody) {
        super(maxBody);
        this.maxBody = maxBody;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest)) {
            ctx.close();
            return;
        }
        var resp = HttpApiHandler.error(413, "too_large", "the request body is larger than " + maxBody + " bytes (http.max_body)");
        boolean close = oversized instanceof FullHttpMessage || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
        if (close) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }
}
