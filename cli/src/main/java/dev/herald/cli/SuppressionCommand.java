package dev.herald.cli;

import static dev.herald.cli.ApiClient.seg;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "suppression", description = "A tenant's suppression list: addresses its mail is never sent to.", mixinStandardHelpOptions = true,
        subcommands = {SuppressionCommand.Add.class, SuppressionCommand.ListSuppressions.class, SuppressionCommand.Remove.class})
final class SuppressionCommand {
    @Command(name = "add", description = "Suppress an address for a tenant.", mixinStandardHelpOptions = true)
    static final class Add extends ClientCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = "--tenant", paramLabel = "TENANT", description = "needed with an admin key")
        String tenant;

        @Option(names = "--reason", paramLabel = "REASON", description = "admin (default), hard_bounce, complaint or unsubscribe")
        String reason;

        @Override
        void run(ApiClient api, Output out) {
            var body = new HashMap<String, Object>();
            body.put("tenant", tenant);
            body.put("address", address);
            body.put("reason", reason);
            body.values().removeIf(v -> v == null);
            var s = api.post("/v1/suppressions", body);
            if (out.json()) {
                out.json(s);
            } else {
                out.line("suppressed " + s.get("address").asText() + " for tenant " + s.get("tenant").asText() + " (" + s.get("reason").asText() + ")");
            }
        }
    }

    @Command(name = "list", description = "List a tenant's suppressed addresses.", mixinStandardHelpOptions = true)
    static final class ListSuppressions extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Option(names = "--limit", paramLabel = "N")
        Integer limit;

        @Override
        void run(ApiClient api, Output out) {
            var q = new HashMap<String, Object>();
            q.put("tenant", tenant);
            q.put("limit", limit);
            var r = api.get("/v1/suppressions" + ApiClient.query(q));
            if (out.json()) {
                out.json(r);
            } else {
                out.table(r.get("suppressions"), "address", "reason", "created_at", "detail");
            }
        }
    }

    @Command(name = "remove", description = "Take an address off a tenant's suppression list.", mixinStandardHelpOptions = true)
    static final class Remove extends ClientCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Override
        void run(ApiClient api, Output out) {
            var r = api.delete("/v1/suppressions/" + seg(address) + ApiClient.query(Map.of("tenant", tenant == null ? "" : tenant)));
            if (out.json()) {
                out.json(r);
            } else {
                out.line("removed " + address + " from the suppression list");
            }
        }
    }
}
