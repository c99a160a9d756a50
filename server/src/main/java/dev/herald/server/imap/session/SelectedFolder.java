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
 * their flags and modseqs. {@link #refresh} compares that with the folder now and yields the
 * untagged responses that bring the client up to date (EXPUNGE, EXISTS, FETCH FLAGS).
 */
public final class SelectedFolder {
    public final Folder folder;
    public final boolean readOnly;
    private final List<StoredMessage> messages = new ArrayList<>();
    private final Map<Long, StoredMessage> byUid = new HashMap<>();

    public SelectedFolder(Folder folder, boolean readOnly, List<StoredMessage> current) {
        this.folder = folder;
        this.readOnly = readOnly;
        messages.addAll(current);
        current.forEach(m -> byUid.put(m.uid(), m));
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

    /**
     * @param allowExpunge false during FETCH, STORE and SEARCH (RFC 3501 7.4.1): removals wait
     * @param condstore    whether FETCH FLAGS responses carry MODSEQ
     */
    public List<String> refresh(List<StoredMessage> current, boolean allowExpunge, boolean condstore) {
        var out = new ArrayList<String>();
        var now = new HashMap<Long, StoredMessage>();
        current.forEach(m -> now.put(m.uid(), m));
        if (allowExpunge) {
            for (int i = messages.size() - 1; i >= 0; i--) {
                if (!now.containsKey(messages.get(i).uid())) {
                    out.add((i + 1) + " EXPUNGE");
                    byUid.remove(messages.get(i).uid());
                    messages.remove(i);
                }
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            var known = messages.get(i);
            var fresh = now.get(known.uid());
            if (fresh != null && fresh.modseq() != known.modseq()) {
                messages.set(i, fresh);
                byUid.put(fresh.uid(), fresh);
                out.add((i + 1) + " FETCH (UID " + fresh.uid() + " FLAGS (" + String.join(" ", fresh.flags()) + ")"
                        + (condstore ? " MODSEQ (" + fresh.modseq() + ")" : "") + ")");
            }
        }
        int before = messages.size();
        long largest = largestUid();
        for (var m : current) {
            if (m.uid() > largest && !byUid.containsKey(m.uid())) {
                messages.add(m);
                byUid.put(m.uid(), m);
            }
        }
        if (messages.size() != before) {
            out.add(messages.size() + " EXISTS");
        }
        return out;
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
