package dev.herald.cli;

import static dev.herald.cli.ApiClient.seg;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "route", description = "Outbound routes: a smarthost and/or a pinned source address per domain, tenant or server.",
        mixinStandardHelpOptions = true, subcommands = {RouteCommand.Set.class, RouteCommand.ListRoutes.class, RouteCommand.Remove.class})
final class RouteCommand {
    @Command(name = "set", description = "Set the route of a sending domain (--domain), a tenant (--tenant) or, with neither, the server; "
            + "it replaces the one that scope had.", mixinStandardHelpOptions = true)
    static final class Set extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "a sending domain (or subdomain)")
        String domain;

        @Option(names = "--relay", paramLabel = "HOST[:PORT]", description = "deliver through this smarthost instead of the MX hosts")
        String relay;

        @Option(names = "--tls", paramLabel = "MODE", description = "starttls (default, required), tls (implicit, port 465) or none")
        String tls;

        @Option(names = "--no-verify", description = "accept the relay's certificate without checking it (test rigs)")
        boolean noVerify;

        @Option(names = "--user", paramLabel = "NAME", description = "AUTH to the relay as this user; the password is read from standard input")
        String user;

        @Option(names = "--source-address", paramLabel = "IP", description = "send from this local address (admin only)")
        String sourceAddress;

        @Override
        void run(ApiClient api, Output out) {
            var body = new HashMap<String, Object>();
            body.put("tenant", tenant);
            body.put("domain", domain);
            body.put("relay", relay);
            body.put("tls", tls);
            body.put("verify_certificate", noVerify ? Boolean.FALSE : null);
            body.put("username", user);
            body.put("password", user == null ? null : Stdin.secret("--user", "relay password"));
            body.put("source_address", sourceAddress);
            body.values().removeIf(v -> v == null);
            var r = api.post("/v1/routes", body);
            if (out.json()) {
                out.json(r);
                return;
            }
            var scope = switch (r.get("scope").asText()) {
                case "domain" -> "domain " + r.get("domain").asText();
                case "tenant" -> "tenant " + r.get("tenant").asText();
                default -> "the server";
            };
            var how = r.get("relay").isNull() ? "directly to the MX hosts" : "through " + r.get("relay").asText() + " (" + r.get("tls").asText()
                    + (r.get("username").isNull() ? "" : ", AUTH as " + r.get("username").asText()) + ")";
            out.line("mail of " + scope + " now leaves " + how
                    + (r.get("source_address").isNull() ? "" : " from " + r.get("source_address").asText()) + " (route " + r.get("id").asText() + ")");
        }
    }

    @Command(name = "list", description = "List outbound routes (never the relay passwords).", mixinStandardHelpOptions = true)
    static final class ListRoutes extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Override
        void run(ApiClient api, Output out) {
            var r = api.get("/v1/routes" + ApiClient.query(Map.of("tenant", tenant == null ? "" : tenant)));
            if (out.json()) {
                out.json(r);
            } else {
                out.table(r.get("routes"), "id", "scope", "tenant", "domain", "relay", "tls", "username", "source_address");
            }
        }
    }

    @Command(name = "remove", description = "Remove a route by its id; that scope's mail then follows the next broader route.",
            mixinStandardHelpOptions = true)
    static final class Remove extends ClientCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        void run(ApiClient api, Output out) {
            var r = api.delete("/v1/routes/" + seg(id));
            if (out.json()) {
                out.json(r);
            } else {
                out.line("removed route " + r.get("id").asText());
            }
        }
    }
}
