package dev.herald.server.policy;

import dev.herald.server.outbound.VerpToken;
import dev.herald.storage.Stores;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.model.Suppression;
import java.util.Optional;

/**
 * One-click unsubscribe (RFC 8058) for bulk mail: each recipient's copy carries
 * {@code List-Unsubscribe: <URL/u/TOKEN>, <mailto:unsubscribe+TOKEN@domain>} and
 * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}; the token names the queue entry and is
 * signed (a tag under a key derived from the server's VERP key), so it cannot be guessed for
 * someone else. Using either form puts the recipient on the sending tenant's suppression list.
 */
public final class Unsubscribes {
    private final VerpToken tokens;
    private final Stores stores;
    private final SuppressionIndex suppressions;
    private final String baseUrl;

    private final dev.herald.server.events.EventLog events;

    public Unsubscribes(VerpToken tokens, Stores stores, SuppressionIndex suppressions, String baseUrl, dev.herald.server.events.EventLog events) {
        this.events = events;
        this.tokens = tokens;
        this.stores = stores;
        this.suppressions = suppressions;
        this.baseUrl = baseUrl;
    }

    /** The two header fields for one recipient's copy, CRLF-terminated. */
    public String headers(QueueEntry e) {
        var domain = e.sender().substring(e.sender().lastIndexOf('@') + 1);
        var token = tokens.token(e.id());
        return "List-Unsubscribe: <" + baseUrl + "/u/" + token + ">, <mailto:" + VerpToken.UNSUBSCRIBE_PREFIX + token + "@" + domain + ">\r\n"
                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    }

    /** The entry a token (or an unsubscribe+ local part) names, if it verifies. */
    public Optional<QueueEntry> entry(String tokenOrLocalPart) {
        var token = tokenOrLocalPart.toLowerCase(java.util.Locale.ROOT);
        if (token.startsWith(VerpToken.UNSUBSCRIBE_PREFIX)) {
            token = token.substring(VerpToken.UNSUBSCRIBE_PREFIX.length());
        }
        return tokens.fromToken(token).flatMap(id -> stores.mail().queueEntry(id));
    }

    /** Suppresses the recipient the token names for its tenant. @return the address, if the token was valid */
    public Optional<String> unsubscribe(String tokenOrLocalPart, String how) {
        return entry(tokenOrLocalPart).map(e -> {
            events.entry(dev.herald.storage.model.EventType.UNSUBSCRIBED, e, how);
            suppressions.add(e.tenantId(), e.recipient(), Suppression.UNSUBSCRIBE, Optional.of(how + " (queue id " + e.source() + ")"));
            return e.recipient();
        });
    }
}
