package dev.herald.cli;

import static dev.herald.cli.ApiClient.seg;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tenant", description = "Create, list, show and delete tenants.", mixinStandardHelpOptions = true,
        subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class, TenantCommand.Show.class, TenantCommand.Delete.class,
                TenantCommand.Pause.class, TenantCommand.Resume.class})
final class TenantCommand {
    @Command(name = "create", description = "Create a tenant (with its 'default' workspace).", mixinStandardHelpOptions = true)
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "1-63 letters, digits and hyphens")
        String name;

        @Override
        void run(ApiClient api, Output out) {
            var t = api.post("/v1/tenants", Map.of("name", name));
            if (out.json()) {
                out.json(t);
            } else {
                out.line("created tenant " + t.get("name").asText() + " (workspaces: " + t.get("workspaces").get(0).asText() + ")");
            }
        }
    }

    @Command(name = "list", description = "List tenants.", mixinStandardHelpOptions = true)
    static final class ListTenants extends ClientCommand {
        @Override
        void run(ApiClient api, Output out) {
            var r = api.get("/v1/tenants");
            if (out.json()) {
                out.json(r);
            } else {
                out.table(r.get("tenants"), "name", "status", "created_at");
            }
        }
    }

    @Command(name = "show", description = "Show a tenant and what it owns.", mixinStandardHelpOptions = true)
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(ApiClient api, Output out) {
            var t = api.get("/v1/tenants/" + seg(name));
            if (out.json()) {
                out.json(t);
            } else {
                out.fields(t, "name", "status", "workspaces", "domains", "mailboxes", "api_keys", "created_at");
            }
        }
    }

    @Command(name = "delete", description = "Delete a tenant; one that owns domains or mailboxes needs --force.", mixinStandardHelpOptions = true)
    static final class Delete extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--force", description = "also delete its domains, mailboxes and keys")
        boolean force;

        @Override
        void run(ApiClient api, Output out) {
            api.delete("/v1/tenants/" + seg(name) + (force ? "?force=true" : ""));
            if (out.json()) {
                out.json(ApiClient.MAPPER.createObjectNode().put("deleted", name));
            } else {
                out.line("deleted tenant " + name);
            }
        }
    }

    /** pause and resume: the same call, one verb apart. */
    abstract static class StatusChange extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        abstract String verb();

        @Override
        void run(ApiClient api, Output out) {
            var t = api.post("/v1/tenants/" + seg(name) + "/" + verb(), java.util.Map.of());
            if (out.json()) {
                out.json(t);
            } else {
                out.line(verb() + "d tenant " + t.get("name").asText());
            }
        }
    }

    @Command(name = "pause", description = "Pause a whole tenant: its agents cannot send, its queued mail is held (admin).",
            mixinStandardHelpOptions = true)
    static final class Pause extends StatusChange {
        @Override
        String verb() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Resume a paused tenant (also one its circuit breaker paused): its held mail goes out (admin).",
            mixinStandardHelpOptions = true)
    static final class Resume extends StatusChange {
        @Override
        String verb() {
            return "resume";
        }
    }
}
