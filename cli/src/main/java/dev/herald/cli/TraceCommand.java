package dev.herald.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "trace", description = "The whole life of a message, by its queue id or Message-ID: submission, every policy verdict, "
        + "queueing, each delivery attempt with the remote host, TLS and reply, the final state.", mixinStandardHelpOptions = true)
final class TraceCommand extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "a queue id (\"250 OK queued as ID\") or a Message-ID (with or without <>)")
    String id;

    @Override
    void run(ApiClient api, Output out) {
        var r = api.get("/v1/trace/" + ApiClient.seg(id));
        if (out.json()) {
            out.json(r);
            return;
        }
        for (var m : r.get("messages")) {
            out.line("queue id " + m.get("queue_id").asText() + (m.get("message_id").isNull() ? "" : ", Message-ID " + m.get("message_id").asText()));
            for (var e : m.get("events")) {
                out.line("  " + e.get("at").asText() + "  " + String.format("%-12s", e.get("event").asText())
                        + (e.get("recipient").isNull() ? "" : " <" + e.get("recipient").asText() + ">") + "  " + e.get("detail").asText());
            }
            for (var q : m.get("queue")) {
                out.line("  now: <" + q.get("recipient").asText() + "> " + q.get("state").asText() + " after " + q.get("attempts").asInt()
                        + " attempt(s)" + (q.get("last_reply").isNull() ? "" : ": " + q.get("last_reply").asText()));
            }
        }
    }
}
