package dev.herald.cli;

import static dev.herald.cli.ApiClient.seg;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "domain", description = "Host domains and subdomains, each with its own DKIM keys.", mixinStandardHelpOptions = true,
        subcommands = {DomainCommand.Add.class, DomainCommand.ListDomains.class, DomainCommand.Show.class, DomainCommand.Dns.class,
                DomainCommand.Verify.class, DomainCommand.RotateDkim.class, DomainCommand.Delete.class,
                DomainCommand.Pause.class, DomainCommand.Resume.class})
final class DomainCommand {
    abstract static class OneDomain extends ClientCommand {
        @Parameters(paramLabel = "DOMAIN")
        String name;

        String path() {
            return "/v1/domains/" + seg(name);
        }
    }

    @Command(name = "add", description = "Host a domain: creates two DKIM key pairs and prints the DNS records to publish.",
            mixinStandardHelpOptions = true)
    static final class Add extends ClientCommand {
        @Parameters(paramLabel = "DOMAIN")
        String name;

        @Option(names = "--tenant", paramLabel = "TENANT", description = "owner (required with an admin key)")
        String tenant;

        @Override
        void run(ApiClient api, Output out) {
            var body = new HashMap<String, Object>();
            body.put("name", name);
            if (tenant != null) {
                body.put("tenant", tenant);
            }
            var d = api.post("/v1/domains", body);
            if (out.json()) {
                out.json(d);
            } else {
                out.line("added domain " + d.get("name").asText() + " for tenant " + d.get("tenant").asText()
                        + " (signing with selector " + d.get("active_selector").asText() + ")");
                out.line("Publish these records, then run: herald domain verify " + d.get("name").asText());
                out.line("");
                out.line(d.get("zone").asText().stripTrailing());
            }
        }
    }

    @Command(name = "list", description = "List domains.", mixinStandardHelpOptions = true)
    static final class ListDomains extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Override
        void run(ApiClient api, Output out) {
            var r = api.get("/v1/domains" + ApiClient.query(Map.of("tenant", tenant == null ? "" : tenant)));
            if (out.json()) {
                out.json(r);
            } else {
                out.table(r.get("domains"), "name", "status", "created_at");
            }
        }
    }

    @Command(name = "show", description = "Show a domain, its DKIM selectors and its DNS records.", mixinStandardHelpOptions = true)
    static final class Show extends OneDomain {
        @Override
        void run(ApiClient api, Output out) {
            var d = api.get(path());
            if (out.json()) {
                out.json(d);
            } else {
                out.fields(d, "name", "tenant", "status", "mailboxes", "active_selector", "created_at");
                out.line("");
                out.line(d.get("zone").asText().stripTrailing());
            }
        }
    }

    @Command(name = "dns", description = "Print the DNS records to publish, in zone-file form.", mixinStandardHelpOptions = true)
    static final class Dns extends OneDomain {
        @Override
        void run(ApiClient api, Output out) {
            var d = api.get(path() + "/dns");
            if (out.json()) {
                out.json(d);
            } else {
                out.line(d.get("zone").asText().stripTrailing());
            }
        }
    }

    @Command(name = "verify", description = "Look the records up in DNS and report each as ok, missing or different. Exit 1 unless all are ok.",
            mixinStandardHelpOptions = true)
    static final class Verify extends OneDomain {
        @Override
        void run(ApiClient api, Output out) {
            var v = api.post(path() + "/verify", Map.of());
            if (out.json()) {
                out.json(v);
            } else {
                out.table(v.get("records"), "purpose", "name", "type", "status", "detail");
            }
            if (!v.get("ok").asBoolean()) {
                int bad = 0;
                for (var r : v.get("records")) {
                    bad += r.get("status").asText().equals("ok") ? 0 : 1;
                }
                throw new CliException(bad + " of " + v.get("records").size() + " DNS records of " + name + " are not published as expected");
            }
        }
    }

    @Command(name = "rotate-dkim", description = "Sign with the standby selector from now on (its key is already published).",
            mixinStandardHelpOptions = true)
    static final class RotateDkim extends OneDomain {
        @Option(names = "--regenerate", description = "give the retired selector a fresh key pair (publish it before the next rotation)")
        boolean regenerate;

        @Override
        void run(ApiClient api, Output out) {
            var d = api.post(path() + "/rotate-dkim", Map.of("regenerate", regenerate));
            if (out.json()) {
                out.json(d);
            } else {
                out.line(d.get("name").asText() + " now signs with selector " + d.get("active_selector").asText());
                if (regenerate) {
                    out.line("The retired selector has a new key; publish:");
                    out.line(d.get("zone").asText().stripTrailing());
                }
            }
        }
    }

    /** pause and resume: the same call, one verb apart. */
    abstract static class StatusChange extends OneDomain {
        abstract String verb();

        @Override
        void run(ApiClient api, Output out) {
            var d = api.post(path() + "/" + verb(), Map.of());
            if (out.json()) {
                out.json(d);
            } else {
                out.line(verb() + "d domain " + d.get("name").asText() + " (status " + d.get("status").asText() + ")");
            }
        }
    }

    @Command(name = "pause", description = "Pause a sending domain: its mailboxes cannot send, its queued mail is held.",
            mixinStandardHelpOptions = true)
    static final class Pause extends StatusChange {
        @Override
        String verb() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Resume a paused domain (one its circuit breaker paused: admin only); its held mail goes out.",
            mixinStandardHelpOptions = true)
    static final class Resume extends StatusChange {
        @Override
        String verb() {
            return "resume";
        }
    }

    @Command(name = "delete", description = "Stop hosting a domain; one with mailboxes needs --force.", mixinStandardHelpOptions = true)
    static final class Delete extends OneDomain {
        @Option(names = "--force", description = "also delete its mailboxes")
        boolean force;

        @Override
        void run(ApiClient api, Output out) {
            api.delete(path() + (force ? "?force=true" : ""));
            if (out.json()) {
                out.json(ApiClient.MAPPER.createObjectNode().put("deleted", name));
            } else {
                out.line("deleted domain " + name);
            }
        }
    }
}
