package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.policy.Unsubscribes;
import dev.herald.server.provisioning.ProvisioningException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * /u/{token}, open (no API key): POST is RFC 8058's one-click unsubscribe; GET shows a page whose
 * button POSTs, so a link scanner that fetches URLs in mail never unsubscribes anyone.
 */
public final class UnsubscribeRoutes {
    private UnsubscribeRoutes() {
    }

    public static void register(Router router, Unsubscribes unsubscribes) {
        router.addOpen("POST", "/u/{token}", req -> {
            var address = unsubscribes.unsubscribe(req.param("token"), "one-click unsubscribe")
                    .orElseThrow(() -> ProvisioningException.notFound("this unsubscribe link is not valid"));
            return ApiResponse.ok(Map.of("unsubscribed", address));
        });
        router.addOpen("GET", "/u/{token}", req -> {
            var entry = unsubscribes.entry(req.param("token")).orElseThrow(() -> ProvisioningException.notFound("this unsubscribe link is not valid"));
            var page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Unsubscribe</title></head><body>"
                    + "<form method=\"post\"><p>Stop mail from " + escape(entry.sender()) + " to " + escape(entry.recipient()) + "?</p>"
                    + "<button type=\"submit\" name=\"List-Unsubscribe\" value=\"One-Click\">Unsubscribe</button></form></body></html>";
            return ApiResponse.raw("text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
        });
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
