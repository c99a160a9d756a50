package dev.herald.cli;

import static dev.herald.cli.ApiClient.seg;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "key", description = "API keys scoped to the server (admin), a tenant or one mailbox.", mixinStandardHelpOptions = true,
        subcommands = {KeyCommand.Create.class, KeyCommand.ListKeys.class, KeyCommand.Revoke.class})
final class KeyCommand {
    @Command(name = "create", description = "Create an API key and print it (once).", mixinStandardHelpOptions = true)
    static final class Create extends ClientCommand {
        @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "admin, tenant or mailbox")
        String scope;

        @Option(names = "--tenant", paramLabel = "TENANT", description = "for a tenant key")
        String tenant;

        @Option(names = "--mailbox", paramLabel = "ADDRESS", description = "for a mailbox key")
        String mailbox;

        @Option(names = "--name", paramLabel = "TEXT", description = "what the key is for")
        String name;

        @Override
        void run(ApiClient api, Output out) {
            var body = new HashMap<String, Object>();
            body.put("scope", scope);
            body.put("tenant", tenant);
            body.put("mailbox", mailbox);
            body.put("name", name);
            body.values().removeIf(v -> v == null);
            var k = api.post("/v1/keys", body);
            if (out.json()) {
                out.json(k);
            } else {
                out.line("created " + k.get("scope").asText() + " key " + k.get("id").asText()
                        + (k.get("tenant").isNull() ? "" : " for tenant " + k.get("tenant").asText())
                        + (k.get("mailbox").isNull() ? "" : " for mailbox " + k.get("mailbox").asText()));
                out.line(k.get("key").asText());
                out.line("(shown once: store it now)");
            }
        }
    }

    @Command(name = "list", description = "List API keys (never their secrets).", mixinStandardHelpOptions = true)
    static final class ListKeys extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Override
        void run(ApiClient api, Output out) {
            var r = api.get("/v1/keys" + ApiClient.query(Map.of("tenant", tenant == null ? "" : tenant)));
            if (out.json()) {
                out.json(r);
            } else {
                out.table(r.get("keys"), "id", "scope", "tenant", "mailbox", "name", "created_at", "revoked_at");
            }
        }
    }

    @Command(name = "revoke", description = "Revoke an API key by its id (its first characters, as listed).", mixinStandardHelpOptions = true)
    static final class Revoke extends ClientCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        void run(ApiClient api, Output out) {
            var k = api.delete("/v1/keys/" + seg(id));
            if (out.json()) {
                out.json(k);
            } else {
                out.line("revoked key " + k.get("id").asText());
            }
        }
    }
}
