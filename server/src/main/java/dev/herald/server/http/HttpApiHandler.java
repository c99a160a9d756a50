package dev.herald.server.http;

import dev.herald.server.provisioning.ApiKeyService;
import dev.herald.server.provisioning.Caller;
import dev.herald.server.provisioning.Problem;
import dev.herald.server.provisioning.ProvisioningException;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import dev.herald.server.auth.LoginGuard;
import dev.herald.server.auth.LoginThrottle;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection of the API. Requests are decoded on the event loop and run on the worker
 * pool (they touch the database); a connection's requests run one after another, so pipelined
 * requests get their responses in order.
 */
public final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpApiHandler.class);

    private final Router router;
    private final ApiKeyService keys;
    private final Executor workers;
    private final ActionListener actions;
    private final LoginGuard logins;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    /** Told of every authenticated request that may change something (not GET), with its outcome: the audit trail. */
    @FunctionalInterface
    public interface ActionListener {
        void acted(dev.herald.server.provisioning.Caller caller, String method, String path, int status);
    }

    HttpApiHandler(Router router, ApiKeyService keys, Executor workers, ActionListener actions, LoginGuard logins) {
        this.actions = actions;
        this.logins = logins;
        this.router = router;
        this.keys = keys;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            var resp = malformed(req.decoderResult().cause());
            // After the responses to what came before it; the connection cannot be read further.
            tail = tail.handle((v, e) -> null).thenRun(() -> write(ctx, false, resp));
            return;
        }
        // Copy what the worker needs; the request's buffer is released when this method returns.
        var method = req.method().name();
        var uri = req.uri();
        var auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        var body = ByteBufUtil.getBytes(req.content());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        var clientIp = clientIp(ctx);
        // A request presenting a key waits for its slot in the login throttle (only an address that
        // has guessed wrong keys has to wait); one that would wait too long is answered 429 unchecked.
        var admission = auth == null ? LoginThrottle.Admission.NOW : logins.admission(clientIp, Optional.empty());
        if (admission.refused()) {
            var resp = error(429, "too_many_requests", "too many invalid API keys from your address; try again in "
                    + Math.max(1, admission.delay().toSeconds()) + " seconds");
            resp.headers().setInt(HttpHeaderNames.RETRY_AFTER, (int) Math.max(1, admission.delay().toSeconds()));
            tail = tail.handle((v, e) -> null).thenRun(() -> write(ctx, keepAlive, resp));
            return;
        }
        Executor executor = admission.delay().isZero() ? workers
                : CompletableFuture.delayedExecutor(admission.delay().toMillis(), TimeUnit.MILLISECONDS, workers);
        // handle(): whatever happened to the request before, the next one on the connection is answered.
        tail = tail.handle((v, e) -> null).thenRunAsync(() -> write(ctx, keepAlive, answer(method, uri, auth, body, clientIp)), executor);
    }

    /** Never throws: every request gets a response, or the connection would hang behind it. */
    private FullHttpResponse answer(String method, String uri, String auth, byte[] body, String clientIp) {
        try {
            return handle(method, uri, auth, body, clientIp);
        } catch (RuntimeException e) {
            log.error("{} {} failed", method, uri, e);
            return error(500, "internal", "internal error while handling " + method + " (see the server log)");
        }
    }

    private FullHttpResponse handle(String method, String uri, String auth, byte[] body, String clientIp) {
        var who = new dev.herald.server.provisioning.Caller[1];
        String path;
        Map<String, java.util.List<String>> query;
        try {
            var decoder = new QueryStringDecoder(uri, StandardCharsets.UTF_8);
            path = decoder.path();
            query = decoder.parameters();
        } catch (IllegalArgumentException e) {
            return error(400, Problem.INVALID.code(), "malformed request target: " + e.getMessage());
        }
        var response = handle(method, path, query, auth, body, who, clientIp);
        if (who[0] != null && !method.equals("GET") && !method.equals("HEAD")) {
            try {
                actions.acted(who[0], method, path, response.status().code());
            } catch (RuntimeException e) {
                log.error("could not record {} {} in the audit trail", method, uri, e);
            }
        }
        return response;
    }

    private FullHttpResponse handle(String method, String path, Map<String, java.util.List<String>> query, String auth, byte[] body,
                                    Caller[] who, String clientIp) {
        try {
            if (path.equals("/healthz")) {
                return json(200, Map.of("status", "ok"));
            }
            Router.Match match;
            try {
                match = router.match(method, path);
            } catch (IllegalArgumentException e) {
                return error(400, Problem.INVALID.code(), "malformed path segment: " + e.getMessage());
            }
            if (match.handler().isEmpty()) {
                if (match.allowed().isEmpty()) {
                    return error(404, "not_found", "no such endpoint: " + path);
                }
                var resp = error(405, "method_not_allowed", method + " is not allowed on " + path + "; allowed: "
                        + String.join(", ", match.allowed()));
                resp.headers().set(HttpHeaderNames.ALLOW, String.join(", ", match.allowed()));
                return resp;
            }
            var caller = match.open() ? null : authenticate(auth, clientIp);
            who[0] = caller;
            var request = new ApiRequest(method, path, match.params(), query, match.open() ? Body.empty() : Json.parseBody(body), caller);
            var response = match.handler().get().handle(request);
            if (response.body() instanceof ApiResponse.Raw raw) {
                var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                        Unpooled.wrappedBuffer(raw.bytes()));
                resp.headers().set(HttpHeaderNames.CONTENT_TYPE, raw.contentType());
                resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, raw.bytes().length);
                return resp;
            }
            return response.body() == null ? empty(response.status()) : json(response.status(), response.body());
        } catch (ProvisioningException e) {
            var resp = error(e.problem().httpStatus(), e.problem().code(), e.getMessage());
            if (e.problem() == Problem.UNAUTHORIZED) {
                resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"herald\"");
            }
            return resp;
        } catch (RuntimeException e) {
            log.error("{} {} failed", method, path, e);
            return error(500, "internal", "internal error while handling " + method + " " + path + " (see the server log)");
        }
    }

    private Caller authenticate(String header, String clientIp) {
        if (header == null || header.isBlank()) {
            throw new ProvisioningException(Problem.UNAUTHORIZED, "missing API key: send the header Authorization: Bearer <key>");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw new ProvisioningException(Problem.UNAUTHORIZED, "the Authorization header must be: Bearer <key>");
        }
        try {
            return keys.authenticate(header.substring(7).trim());
        } catch (ProvisioningException e) {
            logins.failed("HTTP", clientIp, Optional.empty(), e.getMessage());
            throw e;
        }
    }

    private static String clientIp(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "unknown";
    }

    /** The answer to a request Netty could not decode: 414/431 for over-long lines, else 400. */
    static FullHttpResponse malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return error(414, "uri_too_long", "the request line is longer than the server accepts");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return error(431, "headers_too_large", "the request headers are larger than the server accepts");
        }
        if (cause instanceof TooLongFrameException) {
            return error(Problem.TOO_LARGE.httpStatus(), Problem.TOO_LARGE.code(), "the request is larger than the server accepts");
        }
        return error(Problem.INVALID.httpStatus(), Problem.INVALID.code(), "malformed HTTP request: " + cause.getMessage());
    }

    static FullHttpResponse json(int status, Object body) {
        var bytes = Json.write(body);
        var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return resp;
    }

    static FullHttpResponse error(int status, String code, String message) {
        var err = new LinkedHashMap<String, Object>();
        err.put("status", status);
        err.put("code", code);
        err.put("message", message);
        return json(status, Map.of("error", err));
    }

    private static FullHttpResponse empty(int status) {
        var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return resp;
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse resp) {
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
