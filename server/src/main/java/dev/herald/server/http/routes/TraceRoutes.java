package dev.herald.server.http.routes;

import dev.herald.server.events.Trace;
import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;

/** GET /v1/trace/{id}: a message's life by its queue id or Message-ID. */
public final class TraceRoutes {
    private TraceRoutes() {
    }

    public static void register(Router router, Trace trace) {
        router.add("GET", "/v1/trace/{id}", req -> ApiResponse.ok(trace.of(req.caller(), req.param("id"))));
    }
}
