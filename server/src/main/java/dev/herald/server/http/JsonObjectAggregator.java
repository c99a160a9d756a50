package dev.herald.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Netty's aggregator, but a body over {@code http.max_body} is answered in the API's JSON error
 * format (413) instead of Netty's empty response, and the connection is closed: the rest of the
 * oversized body is not read.
 */
final class JsonObjectAggregator extends HttpObjectAggregator {
    private final int maxBody;

    JsonObjectAggregator(int maxBody) {
        super(maxBody);
        this.maxBody = maxBody;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (oversized instanceof HttpRequest) {
            var resp = HttpApiHandler.error(413, "too_large", "the request body is larger than " + maxBody + " bytes (http.max_body)");
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.close();
    }
}
