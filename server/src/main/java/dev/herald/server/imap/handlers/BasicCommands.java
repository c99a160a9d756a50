package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.session.ImapSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** CAPABILITY, NOOP, CHECK, LOGOUT, ID (RFC 2971), NAMESPACE (RFC 2342), ENABLE (RFC 5161). */
public final class BasicCommands implements ImapHandler {
    private final Function<ImapSession, List<String>> capabilities;

    public BasicCommands(Function<ImapSession, List<String>> capabilities) {
        this.capabilities = capabilities;
    }

    @Override
    public Set<String> commands() {
        return Set.of("CAPABILITY", "NOOP", "CHECK", "LOGOUT", "ID", "NAMESPACE", "ENABLE");
    }

    @Override
    public Set<ImapSession.State> states() {
        return ANY;
    }

    @Override
    public List<String> capabilities() {
        return List.of("IMAP4rev1", "LITERAL+", "ID", "NAMESPACE", "ENABLE");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        switch (c.name()) {
            case "CAPABILITY" -> {
                out.untagged("CAPABILITY " + String.join(" ", capabilities.apply(s)));
                return ImapHandler.done("OK CAPABILITY completed");
            }
            case "NOOP" -> {
                return ImapHandler.done("OK NOOP completed");
            }
            case "CHECK" -> {
                if (s.state != ImapSession.State.SELECTED) {
                    return ImapHandler.done("BAD CHECK needs a selected folder");
                }
                return ImapHandler.done("OK CHECK completed");
            }
            case "LOGOUT" -> {
                out.untagged("BYE Herald logging out");
                s.state = ImapSession.State.LOGOUT;
                return ImapHandler.done("OK LOGOUT completed");
            }
            case "ID" -> {
                out.untagged("ID (\"name\" \"Herald\" \"vendor\" \"Herald\" \"support-url\" \"https://herald.dev\")");
                return ImapHandler.done("OK ID completed");
            }
            case "NAMESPACE" -> {
                if (s.state == ImapSession.State.NOT_AUTHENTICATED) {
                    return ImapHandler.done("BAD NAMESPACE needs a login");
                }
                out.untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
                return ImapHandler.done("OK NAMESPACE completed");
            }
            default -> {
                if (s.state == ImapSession.State.NOT_AUTHENTICATED) {
                    return ImapHandler.done("BAD ENABLE needs a login");
                }
                var enabled = new ArrayList<String>();
                for (var a : c.args()) {
                    var name = Tok.text(a);
                    if (name != null && name.toUpperCase(Locale.ROOT).equals("CONDSTORE")) {
                        s.condstore = true;
                        enabled.add("CONDSTORE");
                    }
                }
                out.untagged("ENABLED" + (enabled.isEmpty() ? "" : " " + String.join(" ", enabled)));
                return ImapHandler.done("OK ENABLE completed");
            }
        }
    }
}
