package dev.herald.server.delivery;

import dev.herald.storage.mail.HeaderFields;
import dev.herald.storage.mail.MailStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Optional;

/**
 * Decides the thread of a message at delivery, per mailbox, in this order:
 * <ol>
 *   <li>another copy of the same Message-ID in the mailbox (Sent and INBOX of a self-addressed mail);</li>
 *   <li>its parent: In-Reply-To, then References from the nearest to the oldest — whoever sent them,
 *   so a reply by another agent or from another address joins;</li>
 *   <li>a child that arrived first and names this message in its In-Reply-To;</li>
 *   <li>for a reply or forward (Re:, Fwd:, …), a thread with the same base subject active within the window;</li>
 *   <li>otherwise a new thread.</li>
 * </ol>
 * The parent link is stored when the parent is present, for the RFC 5256 REFERENCES tree.
 */
public final class ThreadIndexer {
    public record Placement(long threadId, Optional<Long> parentId) {
    }

    private final MailStore mail;
    private final Duration subjectWindow;

    public ThreadIndexer(MailStore mail, Duration subjectWindow) {
        this.mail = mail;
        this.subjectWindow = subjectWindow;
    }

    public Placement place(long mailboxId, HeaderFields h, Instant at) {
        var base = Subjects.base(h.subject().orElse(""));
        var placement = find(mailboxId, h, base, at)
                .orElseGet(() -> new Placement(mail.createThread(mailboxId, base.subject(), at), Optional.empty()));
        mail.touchThread(placement.threadId(), at);
        return placement;
    }

    private Optional<Placement> find(long mailboxId, HeaderFields h, Subjects.Base base, Instant at) {
        if (h.messageId().isPresent()) {
            var same = mail.byMessageId(mailboxId, h.messageId().get());
            if (same.isPresent()) {
                return Optional.of(new Placement(same.get().threadId(), same.get().parentId()));
            }
        }
        var parents = new ArrayList<String>();
        h.inReplyTo().ifPresent(parents::add);
        var refs = new ArrayList<>(h.references());
        Collections.reverse(refs);
        parents.addAll(refs);
        for (var id : parents) {
            var parent = mail.byMessageId(mailboxId, id);
            if (parent.isPresent()) {
                return Optional.of(new Placement(parent.get().threadId(), Optional.of(parent.get().id())));
            }
        }
        if (h.messageId().isPresent()) {
            var child = mail.replyTo(mailboxId, h.messageId().get());
            if (child.isPresent()) {
                return Optional.of(new Placement(child.get().threadId(), Optional.empty()));
            }
        }
        if (base.replyOrForward() && !base.subject().isEmpty()) {
            return mail.threadBySubject(mailboxId, base.subject(), at.minus(subjectWindow))
                    .map(t -> new Placement(t, Optional.empty()));
        }
        return Optional.empty();
    }
}
