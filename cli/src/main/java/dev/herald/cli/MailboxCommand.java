package dev.herald.cli;

import static dev.herald.cli.ApiClient.seg;

import java.util.HashMap;
import java.util.LinkedHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mailbox", description = "One mailbox per agent.", mixinStandardHelpOptions = true,
        subcommands = {MailboxCommand.Create.class, MailboxCommand.ListMailboxes.class, MailboxCommand.Show.class,
                MailboxCommand.Pause.class, MailboxCommand.Resume.class, MailboxCommand.Delete.class})
final class MailboxCommand {
    private static final String[] FIELDS = {"address", "tenant", "workspace", "display_name", "status", "expires_at", "created_at"};

    abstract static class OneMailbox extends ClientCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        String path() {
            return "/v1/mailboxes/" + seg(address);
        }
    }

    @Command(name = "create", description = "Create local@domain and print its credentials.", mixinStandardHelpOptions = true)
    static final class Create extends OneMailbox {
        @Option(names = "--workspace", paramLabel = "NAME", description = "workspace in the domain's tenant (default: default)")
        String workspace;

        @Option(names = "--ttl", paramLabel = "DURATION", description = "ephemeral: delete the mailbox after this long (e.g. 1h, 7d)")
        String ttl;

        @Option(names = "--display-name", paramLabel = "NAME")
        String displayName;

        @Option(names = "--password-stdin", description = "read a chosen password from standard input instead of generating one")
        boolean passwordStdin;

        @Override
        void run(ApiClient api, Output out) {
            var body = new HashMap<String, Object>();
            body.put("address", address);
            body.put("workspace", workspace);
            body.put("ttl", ttl);
            body.put("display_name", displayName);
            if (passwordStdin) {
                body.put("password", Stdin.secret("--password-stdin", "password"));
            }
            body.values().removeIf(v -> v == null);
            var m = api.post("/v1/mailboxes", body);
            if (out.json()) {
                out.json(m);
                return;
            }
            out.line("created mailbox " + m.get("address").asText() + " in " + m.get("tenant").asText() + "/" + m.get("workspace").asText()
                    + (m.get("expires_at").isNull() ? "" : " (expires " + m.get("expires_at").asText() + ")"));
            var c = m.get("credentials");
            out.line("  username: " + c.get("username").asText());
            out.line("  password: " + (c.get("password").isNull() ? "(the one you chose)" : c.get("password").asText() + "   (shown once)"));
            out.line("  host:     " + c.get("host").asText());
        }
    }

    @Command(name = "list", description = "List mailboxes, a page at a time.", mixinStandardHelpOptions = true)
    static final class ListMailboxes extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Option(names = "--workspace", paramLabel = "NAME", description = "needs --tenant with an admin key")
        String workspace;

        @Option(names = "--domain", paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "page size, 1-1000 (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--after", paramLabel = "ADDRESS", description = "start after this address (the 'next' of the previous page)")
        String after;

        @Override
        void run(ApiClient api, Output out) {
            var q = new LinkedHashMap<String, Object>();
            q.put("tenant", tenant);
            q.put("workspace", workspace);
            q.put("domain", domain);
            q.put("limit", limit);
            q.put("after", after);
            var r = api.get("/v1/mailboxes" + ApiClient.query(q));
            if (out.json()) {
                out.json(r);
                return;
            }
            out.table(r.get("mailboxes"), "address", "tenant", "workspace", "status", "expires_at");
            if (!r.get("next").isNull()) {
                out.line("(more: --after " + r.get("next").asText() + ")");
            }
        }
    }

    @Command(name = "show", description = "Show a mailbox.", mixinStandardHelpOptions = true)
    static final class Show extends OneMailbox {
        @Override
        void run(ApiClient api, Output out) {
            var m = api.get(path());
            if (out.json()) {
                out.json(m);
            } else {
                out.fields(m, FIELDS);
            }
        }
    }

    @Command(name = "pause", description = "Stop a mailbox from sending.", mixinStandardHelpOptions = true)
    static final class Pause extends OneMailbox {
        @Override
        void run(ApiClient api, Output out) {
            var m = api.post(path() + "/pause", new HashMap<>());
            if (out.json()) {
                out.json(m);
            } else {
                out.line(m.get("address").asText() + " is paused");
            }
        }
    }

    @Command(name = "resume", description = "Let a paused mailbox send again.", mixinStandardHelpOptions = true)
    static final class Resume extends OneMailbox {
        @Override
        void run(ApiClient api, Output out) {
            var m = api.post(path() + "/resume", new HashMap<>());
            if (out.json()) {
                out.json(m);
            } else {
                out.line(m.get("address").asText() + " is active");
            }
        }
    }

    @Command(name = "delete", description = "Delete a mailbox and its keys.", mixinStandardHelpOptions = true)
    static final class Delete extends OneMailbox {
        @Override
        void run(ApiClient api, Output out) {
            api.delete(path());
            if (out.json()) {
                out.json(ApiClient.MAPPER.createObjectNode().put("deleted", address));
            } else {
                out.line("deleted mailbox " + address);
            }
        }
    }
}
