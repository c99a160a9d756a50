package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.ImapSession;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** UID FETCH / STORE / COPY / MOVE / SEARCH / EXPUNGE: the same commands, addressed by UID. */
public final class UidHandler implements ImapHandler {
    private final FetchHandler fetch;
    private final StoreHandler store;
    private final CopyMoveHandler copy;
    private final SearchHandler search;
    private final ExpungeHandler expunge;
    private final ThreadHandler thread;
    private final SortHandler sort;

    public UidHandler(FetchHandler fetch, StoreHandler store, CopyMoveHandler copy, SearchHandler search, ExpungeHandler expunge,
                      ThreadHandler thread, SortHandler sort) {
        this.thread = thread;
        this.sort = sort;
        this.fetch = fetch;
        this.store = store;
        this.copy = copy;
        this.search = search;
        this.expunge = expunge;
    }

    @Override
    public Set<String> commands() {
        return Set.of("UID");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        var sub = c.string(0).toUpperCase(Locale.ROOT);
        var inner = new ImapCommand(c.tag(), sub, c.args().subList(1, c.args().size()));
        return switch (sub) {
            case "FETCH" -> fetch.fetch(ctx, s, inner, out, true);
            case "STORE" -> store.store(ctx, s, inner, out, true);
            case "COPY", "MOVE" -> copy.copy(ctx, s, inner, out, true);
            case "SEARCH" -> search.search(ctx, s, inner, out, true);
            case "THREAD" -> thread.thread(ctx, s, inner, out, true);
            case "SORT" -> sort.sort(ctx, s, inner, out, true);
            case "EXPUNGE" -> {
                inner.arity(1, 1);
                yield expunge.expunge(ctx, s, inner.string(0)).thenApply(r -> r.replace("OK EXPUNGE", "OK UID EXPUNGE"));
            }
            default -> throw new ImapParseException("UID " + sub + " is not a command");
        };
    }
}
