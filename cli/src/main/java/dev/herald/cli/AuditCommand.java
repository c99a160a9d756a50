package dev.herald.cli;

import java.util.LinkedHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Read the audit log (admin actions; logins, sends and deletions per mailbox), or verify its hash chain.",
        mixinStandardHelpOptions = true)
final class AuditCommand extends ClientCommand {
    @Option(names = "--verify", description = "walk the hash chain; exit 1 naming the first entry that does not hold")
    boolean verify;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "one tenant's entries (a tenant key: its own)")
    String tenant;

    @Option(names = "--after", paramLabel = "ID", description = "entries after this one")
    Long after;

    @Option(names = "--limit", paramLabel = "N", description = "at most N entries (default 1000)")
    Integer limit;

    @Override
    void run(ApiClient api, Output out) {
        if (verify) {
            var v = api.get("/v1/audit/verify");
            if (out.json()) {
                out.json(v);
            }
            if (!v.get("ok").asBoolean()) {
                throw new CliException("audit log broken at entry " + v.get("broken_at").asLong() + ": " + v.get("reason").asText());
            }
            if (!out.json()) {
                out.line("audit log intact: " + v.get("entries_verified").asLong() + " entries verified");
            }
            return;
        }
        var q = new LinkedHashMap<String, Object>();
        q.put("tenant", tenant);
        q.put("after", after);
        q.put("limit", limit);
        var r = api.get("/v1/audit" + ApiClient.query(q));
        if (out.json()) {
            out.json(r);
        } else {
            out.table(r.get("entries"), "id", "at", "actor", "action", "detail");
        }
    }
}
