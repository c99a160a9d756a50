package dev.herald.cli;

import static dev.herald.cli.ApiClient.seg;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "workspace", description = "Group a tenant's mailboxes under one policy.", mixinStandardHelpOptions = true,
        subcommands = {WorkspaceCommand.Create.class, WorkspaceCommand.ListWorkspaces.class, WorkspaceCommand.Show.class,
                WorkspaceCommand.Set.class})
final class WorkspaceCommand {
    abstract static class InTenant extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT")
        String tenant;

        String base() {
            return "/v1/tenants/" + seg(tenant) + "/workspaces";
        }
    }

    @Command(name = "create", description = "Create a workspace in a tenant.", mixinStandardHelpOptions = true)
    static final class Create extends InTenant {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(ApiClient api, Output out) {
            var w = api.post(base(), Map.of("name", name));
            if (out.json()) {
                out.json(w);
            } else {
                out.line("created workspace " + w.get("name").asText() + " in tenant " + w.get("tenant").asText());
            }
        }
    }

    @Command(name = "list", description = "List a tenant's workspaces.", mixinStandardHelpOptions = true)
    static final class ListWorkspaces extends InTenant {
        @Override
        void run(ApiClient api, Output out) {
            var r = api.get(base());
            if (out.json()) {
                out.json(r);
            } else {
                out.table(r.get("workspaces"), "name", "mailboxes", "created_at");
            }
        }
    }

    @Command(name = "show", description = "Show a workspace and the policy its mailboxes inherit.", mixinStandardHelpOptions = true)
    static final class Show extends InTenant {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(ApiClient api, Output out) {
            var w = api.get(base() + "/" + seg(name));
            if (out.json()) {
                out.json(w);
            } else {
                out.fields(w, "tenant", "name", "mailboxes", "created_at");
                PolicyCommand.print(w.get("policy"), out);
            }
        }
    }

    @Command(name = "set", description = "Set policy values for every mailbox of a workspace (name=value; name= to unset).",
            mixinStandardHelpOptions = true)
    static final class Set extends InTenant {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "SETTING=VALUE")
        List<String> settings;

        @Override
        void run(ApiClient api, Output out) {
            var w = api.patch(base() + "/" + seg(name), PolicyCommand.changes(settings));
            if (out.json()) {
                out.json(w);
            } else {
                out.line("updated workspace " + tenant + "/" + name);
                PolicyCommand.print(w.get("policy"), out);
            }
        }
    }
}
