package dev.herald.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stats", description = {"Per tenant, sending domain and mailbox over a window: sent, delivered, deferred, bounced, "
        + "complained, rates, queue depth by reason, warm-up day and cap, circuit-breaker state.", "",
        "Columns (messages, never attempts):%n" + dev.herald.server.events.Stats.COLUMNS}, mixinStandardHelpOptions = true)
final class StatsCommand extends ClientCommand {
    @Option(names = "--tenant", paramLabel = "TENANT", description = "one tenant (a tenant key: its own; an admin: every tenant by default)")
    String tenant;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "one sending domain")
    String domain;

    @Option(names = "--mailbox", paramLabel = "ADDRESS", description = "one mailbox")
    String mailbox;

    @Option(names = "--window", paramLabel = "DURATION", description = "how far back the counts go (default 24h; e.g. 1h, 7d)")
    String window;

    @Override
    void run(ApiClient api, Output out) {
        var q = new LinkedHashMap<String, Object>();
        q.put("tenant", tenant);
        q.put("domain", domain);
        q.put("mailbox", mailbox);
        q.put("window", window);
        var r = api.get("/v1/stats" + ApiClient.query(q));
        if (out.json()) {
            out.json(r);
            return;
        }
        out.line("window " + r.get("window").asText() + ": " + r.get("since").asText() + " to " + r.get("until").asText());
        var rows = ApiClient.MAPPER.createArrayNode();
        for (var t : r.get("tenants")) {
            rows.add(row("tenant", t.get("tenant").asText(), t));
            for (var d : t.get("domains")) {
                rows.add(row("domain", d.get("domain").asText(), d));
            }
            for (var m : t.get("mailboxes")) {
                rows.add(row("mailbox", m.get("mailbox").asText(), m));
            }
        }
        out.table(rows, "scope", "name", "status", "breaker", "sent", "delivered", "delivered_local", "deferred", "bounced", "complained",
                "bounce_rate",
                "complaint_rate", "queued_now", "warmup");
    }

    private static ObjectNode row(String scope, String name, JsonNode n) {
        var row = ApiClient.MAPPER.createObjectNode();
        row.put("scope", scope);
        row.put("name", name);
        row.put("status", n.path("status").asText());
        row.put("breaker", n.path("breaker").path("state").asText());
        for (var k : new String[] {"sent", "delivered", "delivered_local", "deferred", "bounced", "complained"}) {
            row.put(k, n.path(k).asLong());
        }
        row.put("bounce_rate", percent(n.get("bounce_rate")));
        row.put("complaint_rate", percent(n.get("complaint_rate")));
        long queued = 0;
        var reasons = new StringBuilder();
        var it = n.path("queue").fields();
        while (it.hasNext()) {
            var e = it.next();
            queued += e.getValue().asLong();
            reasons.append(reasons.length() == 0 ? "" : ", ").append(e.getValue().asLong()).append(' ').append(e.getKey());
        }
        row.put("queued_now", queued == 0 ? "0" : queued + " (" + reasons + ")");
        var w = n.get("warmup");
        if (w != null) {
            row.put("warmup", w.path("warm").asBoolean() ? "warm" : "day " + w.path("day").asLong() + ", " + w.path("sent_today").asLong()
                    + "/" + w.path("cap").asLong() + " today");
        } else {
            row.putNull("warmup");
        }
        return row;
    }

    private static String percent(JsonNode rate) {
        return rate == null || rate.isNull() ? "-" : String.format(java.util.Locale.ROOT, "%.2f%%", rate.asDouble() * 100);
    }
}
