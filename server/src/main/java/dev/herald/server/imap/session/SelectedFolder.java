package dev.herald.server.imap.session;

import dev.herald.storage.mail.Folder;
import dev.herald.storage.mail.StoredMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a session has told its client about the selected folder: messages in UID order (so sequence
 * number = index + 1). Usually this is a shared {@link FolderSnapshots.Snapshot}; a session copies
 * it only while it must diverge (its own flag change not yet in a snapshot, or EXPUNGEs it may not
 * report yet). {@link #catchUp} turns the difference to the folder now into untagged responses.
 */
public final class SelectedFolder {
    public final Folder folder;
    public final boolean readOnly;
    private List<StoredMessage> messages;
    private long knownModseq;
    private boolean shared;

    public SelectedFolder(Folder folder, boolean readOnly, FolderSnapshots.Snapshot snapshot) {
        this.folder = folder;
        this.readOnly = readOnly;
        adopt(snapshot);
    }

    private void adopt(FolderSnapshots.Snapshot snapshot) {
        messages = snapshot.messages();
        knownModseq = snapshot.modseq();
        shared = true;
    }

    public List<StoredMessage> messages() {
        return messages;
    }

    public int exists() {
        return messages.size();
    }

    public long knownModseq() {
        return knownModseq;
    }

    public long seqOf(long uid) {
        int i = FolderSnapshots.indexOf(messages, uid);
        return i < 0 ? -1 : i + 1;
    }

    public long largestUid() {
        return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).uid();
    }

    /** After this session's own change: remember the new state without reporting it twice. */
    public void replace(StoredMessage m) {
        int i = FolderSnapshots.indexOf(messages, m.uid());
        if (i < 0) {
            return;
        }
        if (shared) {
            messages = new ArrayList<>(messages);
            shared = false;
        }
        messages.set(i, m);
    }

    /**
     * Brings the view up to {@code now}: EXPUNGE for messages gone (only when {@code allowExpunge};
     * otherwise they stay in a private view until a later command), FETCH FLAGS for changed ones,
     * EXISTS when some arrived.
     */
    public List<String> catchUp(FolderSnapshots.Snapshot now, boolean allowExpunge, boolean condstore) {
        var out = new ArrayList<String>();
        if (now.modseq() == knownModseq && shared) {
            return out;
        }
        var next = now.messages();
        var alive = new HashSet<Long>();
        next.forEach(m -> alive.add(m.uid()));
        var gone = new ArrayList<Integer>();
        for (int i = 0; i < messages.size(); i++) {
            if (!alive.contains(messages.get(i).uid())) {
                gone.add(i);
            }
        }
        if (!gone.isEmpty() && !allowExpunge) {
            // Keep the gone ones (the client may not learn of them now): a private merged view.
            var merged = new ArrayList<StoredMessage>(next);
            for (int i : gone) {
                var m = messages.get(i);
                int at = 0;
                while (at < merged.size() && merged.get(at).uid() < m.uid()) {
                    at++;
                }
                merged.add(at, m);
            }
            report(out, merged, condstore);
            messages = merged;
            shared = false;
            return out; // knownModseq stays: ask again at the next command that may expunge
        }
        for (int k = gone.size() - 1; k >= 0; k--) {
            out.add((gone.get(k) + 1) + " EXPUNGE");
        }
        var kept = new ArrayList<StoredMessage>(messages.size());
        for (var m : messages) {
            if (alive.contains(m.uid())) {
                kept.add(m);
            }
        }
        messages = kept;
        report(out, next, condstore);
        adopt(now);
        return out;
    }

    /** FETCH FLAGS for messages whose modseq differs from what the client has, EXISTS for new ones. */
    private void report(List<String> out, List<StoredMessage> next, boolean condstore) {
        int before = messages.size();
        long largest = largestUid();
        for (int i = 0; i < next.size(); i++) {
            var fresh = next.get(i);
            if (fresh.uid() > largest) {
                continue;
            }
            int j = FolderSnapshots.indexOf(messages, fresh.uid());
            if (j >= 0 && messages.get(j).modseq() != fresh.modseq() && !messages.get(j).flags().equals(fresh.flags())) {
                out.add((i + 1) + " FETCH (UID " + fresh.uid() + " FLAGS (" + String.join(" ", fresh.flags()) + ")"
                        + (condstore ? " MODSEQ (" + fresh.modseq() + ")" : "") + ")");
            }
        }
        if (next.size() != before) {
            out.add(next.size() + " EXISTS");
        }
    }

    public static Set<String> flagSet(java.util.Collection<String> flags) {
        return new LinkedHashSet<>(flags);
    }
}
