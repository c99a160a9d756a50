package dev.herald.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The API's one table of routes: method and path template ({@code /v1/tenants/{name}}) to handler. */
public final class Router {
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request);
    }

    private record Route(String method, String[] segments, Handler handler, boolean open) {
    }

    /**
     * A matched route with its path parameters, or the methods the path does accept. An open
     * route takes no API key and no JSON body (one-click unsubscribe links in recipients' mail).
     */
    public record Match(Optional<Handler> handler, Map<String, String> params, List<String> allowed, boolean open) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String template, Handler handler) {
        routes.add(new Route(method, split(template), handler, false));
        return this;
    }

    /** A route anyone may call, without an API key; its request has no caller and an empty body. */
    public Router addOpen(String method, String template, Handler handler) {
        routes.add(new Route(method, split(template), handler, true));
        return this;
    }

    public Match match(String method, String path) {
        var segments = split(path);
        var allowed = new TreeSet<String>();
        for (var route : routes) {
            var params = bind(route.segments(), segments);
            if (params == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match(Optional.of(route.handler()), params, List.of(), route.open());
            }
            allowed.add(route.method());
        }
        return new Match(Optional.empty(), Map.of(), List.copyOf(allowed), false);
    }

    private static Map<String, String> bind(String[] template, String[] path) {
        if (template.length != path.length) {
            return null;
        }
        var params = new HashMap<String, String>();
        for (int i = 0; i < template.length; i++) {
            var t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                params.put(t.substring(1, t.length() - 1), QueryStringDecoder.decodeComponent(path[i], StandardCharsets.UTF_8));
            } else if (!t.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        var trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
    }
}
