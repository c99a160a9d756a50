package dev.herald.server.imap.session;

import dev.herald.storage.mail.Folder;
import dev.herald.storage.mail.StoredMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a session has told its client about the selected folder: messages in sequence order with
 * their flags and modseqs. {@link #refreshDelta} takes what changed in the folder since and yields
 * the untagged responses that bring the client up to date (EXPUNGE, EXISTS, FETCH FLAGS).
 */
public final class SelectedFolder {
    public final Folder folder;
    public final boolean readOnly;
    private final List<StoredMessage> messages = new ArrayList<>();
    private final Map<Long, StoredMessage> byUid = new HashMap<>();

    /** The folder's HIGHESTMODSEQ when this session last caught up: if it has not moved, nothing changed. */
    private long knownModseq;

    public SelectedFolder(Folder folder, boolean readOnly, List<StoredMessage> current) {
        this.folder = folder;
        this.readOnly = readOnly;
        this.knownModseq = folder.highestModseq();
        messages.addAll(current);
        current.forEach(m -> byUid.put(m.uid(), m));
    }

    public long knownModseq() {
        return knownModseq;
    }

    /**
     * Catches up from a delta: {@code changed} are the rows with a modseq above {@link #knownModseq()},
     * {@code uidsNow} the folder's UIDs when messages may have been expunged (else null).
     */
    public List<String> refreshDelta(long folderModseq, List<StoredMessage> changed, List<Long> uidsNow, boolean allowExpunge,
                                     boolean condstore) {
        var out = new ArrayList<String>();
        if (allowExpunge && uidsNow != null) {
            var alive = new java.util.HashSet<>(uidsNow);
            for (int i = messages.size() - 1; i >= 0; i--) {
                if (!alive.contains(messages.get(i).uid())) {
                    out.add((i + 1) + " EXPUNGE");
                    byUid.remove(messages.get(i).uid());
                    messages.remove(i);
                }
            }
        }
        int before = messages.size();
        long largest = largestUid();
        for (var fresh : changed) {
            var known = byUid.get(fresh.uid());
            if (known != null) {
                if (known.modseq() != fresh.modseq()) {
                    replace(fresh);
                    out.add(seqOf(fresh.uid()) + " FETCH (UID " + fresh.uid() + " FLAGS (" + String.join(" ", fresh.flags()) + ")"
                            + (condstore ? " MODSEQ (" + fresh.modseq() + ")" : "") + ")");
                }
            } else if (fresh.uid() > largest) {
                messages.add(fresh);
                byUid.put(fresh.uid(), fresh);
            }
        }
        if (messages.size() != before) {
            out.add(messages.size() + " EXISTS");
        }
        if (allowExpunge || uidsNow == null) {
            knownModseq = folderModseq; // with expunges held back, ask again next time
        }
        return out;
    }

    public List<StoredMessage> messages() {
        return messages;
    }

    public int exists() {
        return messages.size();
    }

    public long seqOf(long uid) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).uid() == uid) {
                return i + 1;
            }
        }
        return -1;
    }

    public long largestUid() {
        return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).uid();
    }

    /** After this session's own change: remember the new state without reporting it twice. */
    public void replace(StoredMessage m) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).uid() == m.uid()) {
                messages.set(i, m);
                byUid.put(m.uid(), m);
            }
        }
    }

    public static Set<String> flagSet(java.util.Collection<String> flags) {
        return new LinkedHashSet<>(flags);
    }
}
