package dev.herald.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "policy", description = "Policy on the server, a tenant, a workspace or a mailbox; the nearest setting wins.",
        mixinStandardHelpOptions = true, subcommands = {PolicyCommand.Show.class, PolicyCommand.Set.class})
final class PolicyCommand {
    abstract static class AtLevel extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Option(names = "--workspace", paramLabel = "NAME", description = "with --tenant")
        String workspace;

        @Option(names = "--mailbox", paramLabel = "ADDRESS")
        String mailbox;

        String path() {
            var q = new LinkedHashMap<String, Object>();
            q.put("tenant", tenant);
            q.put("workspace", workspace);
            q.put("mailbox", mailbox);
            return "/v1/policy" + ApiClient.query(q);
        }
    }

    @Command(name = "show", description = "Show the values set here and the effective value of every setting, with where it comes from.",
            mixinStandardHelpOptions = true)
    static final class Show extends AtLevel {
        @Override
        void run(ApiClient api, Output out) {
            var p = api.get(path());
            if (out.json()) {
                out.json(p);
            } else {
                print(p, out);
            }
        }
    }

    @Command(name = "set", description = "Set values here (name=value), or unset them to inherit again (name=).", mixinStandardHelpOptions = true)
    static final class Set extends AtLevel {
        @Parameters(arity = "1..*", paramLabel = "SETTING=VALUE")
        List<String> settings;

        @Override
        void run(ApiClient api, Output out) {
            var p = api.patch(path(), changes(settings));
            if (out.json()) {
                out.json(p);
            } else {
                print(p, out);
            }
        }
    }

    /** name=value → value; name= → null (unset). */
    static Map<String, Object> changes(List<String> settings) {
        var out = new LinkedHashMap<String, Object>();
        for (var s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CliException("expected SETTING=VALUE (or SETTING= to unset), got '" + s + "'");
            }
            var value = s.substring(eq + 1);
            out.put(s.substring(0, eq).trim(), value.isEmpty() ? null : value);
        }
        return out;
    }

    static void print(JsonNode p, Output out) {
        out.line("policy of " + p.get("level").asText() + " " + p.get("target").asText() + ":");
        var rows = ApiClient.MAPPER.createArrayNode();
        p.get("effective").fields().forEachRemaining(e -> rows.addObject()
                .put("setting", e.getKey())
                .put("value", e.getValue().get("value").asText())
                .put("from", e.getValue().get("source").asText()));
        out.table(rows, "setting", "value", "from");
    }
}
