package dev.herald.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "webhook", description = "Endpoints a tenant's events are POSTed to, signed (X-Herald-Signature) and retried until 2xx.",
        mixinStandardHelpOptions = true, subcommands = {WebhookCommand.Create.class, WebhookCommand.ListHooks.class, WebhookCommand.Test.class,
        WebhookCommand.Resume.class, WebhookCommand.Delete.class})
final class WebhookCommand {
    @Command(name = "create", description = "Add an endpoint; prints its signing secret once.", mixinStandardHelpOptions = true)
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "URL", description = "http(s) URL on a public address")
        String url;

        @Option(names = "--tenant", paramLabel = "TENANT", description = "whose events (a tenant key: its own)")
        String tenant;

        @Option(names = "--mailbox", paramLabel = "ADDRESS", description = "only this mailbox's events")
        String mailbox;

        @Option(names = "--events", paramLabel = "KINDS", description = "comma-separated event kinds (default: all), e.g. received,bounced")
        String events;

        @Override
        void run(ApiClient api, Output out) {
            var body = new LinkedHashMap<String, Object>();
            body.put("url", url);
            if (tenant != null) {
                body.put("tenant", tenant);
            }
            if (mailbox != null) {
                body.put("mailbox", mailbox);
            }
            if (events != null) {
                body.put("events", events);
            }
            var w = api.post("/v1/webhooks", body);
            if (out.json()) {
                out.json(w);
            } else {
                out.line("webhook " + w.get("id").asText() + " -> " + w.get("url").asText() + " (events: " + w.get("events").asText() + ")");
                out.line("secret: " + w.get("secret").asText() + "   (shown once: verify X-Herald-Signature with it)");
            }
        }
    }

    @Command(name = "list", description = "List endpoints with their delivery counts and health.", mixinStandardHelpOptions = true)
    static final class ListHooks extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT", description = "one tenant's (a tenant key: its own)")
        String tenant;

        @Override
        void run(ApiClient api, Output out) {
            var q = new LinkedHashMap<String, Object>();
            q.put("tenant", tenant);
            var r = api.get("/v1/webhooks" + ApiClient.query(q));
            if (out.json()) {
                out.json(r);
            } else {
                out.table(r.get("webhooks"), "id", "url", "events", "status", "delivered", "pending", "failed", "last_error");
            }
        }
    }

    abstract static class OneHook extends ClientCommand {
        @Parameters(paramLabel = "ID")
        long id;
    }

    @Command(name = "test", description = "Send a signed test event now; exit 1 unless the endpoint answers 2xx.", mixinStandardHelpOptions = true)
    static final class Test extends OneHook {
        @Override
        void run(ApiClient api, Output out) {
            var r = api.post("/v1/webhooks/" + id + "/test", Map.of());
            if (out.json()) {
                out.json(r);
            }
            if (!r.get("ok").asBoolean()) {
                throw new CliException("webhook " + id + " answered: " + r.get("answer").asText());
            }
            if (!out.json()) {
                out.line("webhook " + id + " answered: " + r.get("answer").asText());
            }
        }
    }

    @Command(name = "resume", description = "Resume a paused endpoint: the events that waited go out.", mixinStandardHelpOptions = true)
    static final class Resume extends OneHook {
        @Override
        void run(ApiClient api, Output out) {
            var r = api.post("/v1/webhooks/" + id + "/resume", Map.of());
            if (out.json()) {
                out.json(r);
            } else {
                out.line("resumed webhook " + id + " (" + r.get("pending").asLong() + " event(s) waiting)");
            }
        }
    }

    @Command(name = "delete", description = "Remove an endpoint and its pending deliveries.", mixinStandardHelpOptions = true)
    static final class Delete extends OneHook {
        @Override
        void run(ApiClient api, Output out) {
            api.delete("/v1/webhooks/" + id);
            out.line("deleted webhook " + id);
        }
    }
}
