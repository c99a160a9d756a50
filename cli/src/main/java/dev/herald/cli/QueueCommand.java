package dev.herald.cli;

import static dev.herald.cli.ApiClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "queue", description = "The outbound queue: list, show, retry and purge queued mail.", mixinStandardHelpOptions = true,
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Retry.class, QueueCommand.Purge.class,
                QueueCommand.Approve.class, QueueCommand.Reject.class})
final class QueueCommand {
    /** The filters every bulk verb takes. */
    static final class Filters {
        @Option(names = "--tenant", paramLabel = "TENANT", description = "one tenant (a tenant key: its own by default)")
        String tenant;

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "the sending domain")
        String domain;

        @Option(names = "--to-domain", paramLabel = "DOMAIN", description = "the destination (recipient) domain")
        String toDomain;

        @Option(names = "--state", paramLabel = "STATE", description = "waiting, sending, delivered, failed or purged")
        String state;

        @Option(names = "--limit", paramLabel = "N", description = "at most N entries (default 1000)")
        Integer limit;

        Map<String, Object> query() {
            var q = new LinkedHashMap<String, Object>();
            q.put("tenant", tenant);
            q.put("domain", domain);
            q.put("to_domain", toDomain);
            q.put("state", state);
            q.put("limit", limit);
            return q;
        }
    }

    @Command(name = "list", description = "List queue entries, one per recipient.", mixinStandardHelpOptions = true)
    static final class ListQueue extends ClientCommand {
        @Mixin
        Filters filters = new Filters();

        @Override
        void run(ApiClient api, Output out) {
            var r = api.get("/v1/queue" + ApiClient.query(filters.query()));
            if (out.json()) {
                out.json(r);
            } else {
                out.table(r.get("entries"), "queue_id", "tenant", "recipient", "state", "stream", "attempts", "due_at", "last_reply");
            }
        }
    }

    @Command(name = "show", description = "One queued message: every recipient and every delivery attempt.", mixinStandardHelpOptions = true)
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "QUEUE_ID")
        String id;

        @Override
        void run(ApiClient api, Output out) {
            var m = api.get("/v1/queue/" + seg(id));
            if (out.json()) {
                out.json(m);
                return;
            }
            out.line("queue id " + m.get("queue_id").asText() + "  tenant " + m.get("tenant").asText() + "  from " + m.get("sender").asText()
                    + "  " + m.get("size").asLong() + " bytes  queued " + m.get("created_at").asText());
            for (JsonNode r : m.get("recipients")) {
                out.line("  " + r.get("recipient").asText() + ": " + r.get("state").asText() + " after " + r.get("attempts").asInt()
                        + " attempt(s)" + (r.get("state").asText().equals("waiting") ? ", next at " + r.get("due_at").asText() : ""));
                for (JsonNode e : r.get("events")) {
                    out.line("    " + e.get("at").asText() + "  " + e.get("outcome").asText()
                            + (e.get("host").asText().isEmpty() ? "" : "  " + e.get("host").asText()) + "  " + e.get("reply").asText());
                }
            }
        }
    }

    @Command(name = "retry", description = "Make waiting mail due now: one message by its queue id, or every entry the filters match.",
            mixinStandardHelpOptions = true)
    static final class Retry extends ClientCommand {
        @Parameters(paramLabel = "QUEUE_ID", arity = "0..1")
        String id;

        @Mixin
        Filters filters = new Filters();

        @Override
        void run(ApiClient api, Output out) {
            var r = id != null ? api.post("/v1/queue/" + seg(id) + "/retry", Map.of())
                    : api.post("/v1/queue/retry" + ApiClient.query(filters.query()), Map.of());
            if (out.json()) {
                out.json(r);
            } else {
                out.line("retrying " + r.get("retried").asInt() + " queue entr" + (r.get("retried").asInt() == 1 ? "y" : "ies") + " now");
            }
        }
    }

    @Command(name = "purge", description = "Drop waiting mail unsent (no DSN): one message by its queue id, or every entry the filters "
            + "match; --all for the whole queue.", mixinStandardHelpOptions = true)
    static final class Purge extends ClientCommand {
        @Parameters(paramLabel = "QUEUE_ID", arity = "0..1")
        String id;

        @Mixin
        Filters filters = new Filters();

        @Option(names = "--all", description = "with no filter: purge everything waiting")
        boolean all;

        @Override
        void run(ApiClient api, Output out) {
            JsonNode r;
            if (id != null) {
                r = api.delete("/v1/queue/" + seg(id));
            } else {
                var q = filters.query();
                q.put("all", all ? "true" : null);
                r = api.post("/v1/queue/purge" + ApiClient.query(q), Map.of());
            }
            if (out.json()) {
                out.json(r);
            } else {
                out.line("purged " + r.get("purged").asInt() + " queue entr" + (r.get("purged").asInt() == 1 ? "y" : "ies"));
            }
        }
    }

    /** approve and reject: one message by its queue id, or the held entries the filters match. */
    abstract static class Decide extends ClientCommand {
        @Parameters(paramLabel = "QUEUE_ID", arity = "0..1")
        String id;

        @Mixin
        Filters filters = new Filters();

        abstract String verb();

        @Override
        void run(ApiClient api, Output out) {
            var r = id != null ? api.post("/v1/queue/" + seg(id) + "/" + verb(), Map.of())
                    : api.post("/v1/queue/" + verb() + ApiClient.query(filters.query()), Map.of());
            if (out.json()) {
                out.json(r);
            } else {
                int n = r.get(verb() + "d").asInt();
                out.line(verb() + "d " + n + " held queue entr" + (n == 1 ? "y" : "ies"));
            }
        }
    }

    @Command(name = "approve", description = "Let held mail go: one message by its queue id, or what the filters match.",
            mixinStandardHelpOptions = true)
    static final class Approve extends Decide {
        @Override
        String verb() {
            return "approve";
        }
    }

    @Command(name = "reject", description = "Refuse held mail: it fails and its sender gets a DSN.", mixinStandardHelpOptions = true)
    static final class Reject extends Decide {
        @Override
        String verb() {
            return "reject";
        }
    }
}
