package dev.herald.server.http.routes;

import dev.herald.server.config.Units;
import dev.herald.server.events.Stats;
import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.provisioning.ProvisioningException;
import java.time.Duration;

/** GET /v1/stats?tenant=&domain=&mailbox=&window=24h: per tenant, sending domain and mailbox. */
public final class StatsRoutes {
    private StatsRoutes() {
    }

    public static void register(Router router, Stats stats) {
        router.add("GET", "/v1/stats", req -> {
            Duration window;
            try {
                window = Units.duration(req.query("window").orElse("24h"));
            } catch (IllegalArgumentException e) {
                throw ProvisioningException.invalid("window: " + e.getMessage() + " (e.g. 1h, 24h, 7d)");
            }
            return ApiResponse.ok(stats.report(req.caller(), req.query("tenant"), req.query("domain"), req.query("mailbox"), window));
        });
    }
}
