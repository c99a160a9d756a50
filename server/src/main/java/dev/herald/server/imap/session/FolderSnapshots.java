package dev.herald.server.imap.session;

import dev.herald.storage.mail.MailStore;
import dev.herald.storage.mail.StoredMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One immutable view of a folder per HIGHESTMODSEQ, shared by every session that is up to date
 * with it: ten thousand sessions on one folder hold one list, not ten thousand. A new version is
 * built once, from the previous one and the rows changed since its modseq.
 */
public final class FolderSnapshots {
    /** A folder's messages in UID order as of {@code modseq}. */
    public record Snapshot(long folderId, long modseq, List<StoredMessage> messages) {
    }

    private static final int MAX_FOLDERS = 4096;

    private final MailStore mail;
    private final Map<Long, Snapshot> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Snapshot> eldest) {
            return size() > MAX_FOLDERS;
        }
    };

    public FolderSnapshots(MailStore mail) {
        this.mail = mail;
    }

    /** Drops a deleted folder's snapshot (its messages would otherwise stay in memory). */
    public synchronized void forget(long folderId) {
        cache.remove(folderId);
    }

    /** The folder now, or empty when it is gone. */
    public Optional<Snapshot> current(long folderId) {
        var folder = mail.folderById(folderId);
        if (folder.isEmpty()) {
            return Optional.empty();
        }
        long modseq = folder.get().highestModseq(); // read before the rows: a newer change is re-read next time
        synchronized (this) {
            var cached = cache.get(folderId);
            if (cached != null && cached.modseq() == modseq) {
                return Optional.of(cached);
            }
        }
        Snapshot built;
        synchronized (lockFor(folderId)) {
            Snapshot cached;
            synchronized (this) {
                cached = cache.get(folderId);
            }
            if (cached != null && cached.modseq() == modseq) {
                return Optional.of(cached);
            }
            built = new Snapshot(folderId, modseq, cached == null ? List.copyOf(mail.messages(folderId)) : advance(cached));
            synchronized (this) {
                cache.put(folderId, built);
            }
        }
        return Optional.of(built);
    }

    private List<StoredMessage> advance(Snapshot from) {
        var changed = mail.changedSince(from.folderId(), from.modseq());
        var list = new ArrayList<>(from.messages());
        long last = list.isEmpty() ? 0 : list.get(list.size() - 1).uid();
        long added = changed.stream().filter(m -> m.uid() > last).count();
        if (mail.count(from.folderId()) < list.size() + added) {
            var alive = new HashSet<>(mail.uids(from.folderId()));
            list.removeIf(m -> !alive.contains(m.uid()));
        }
        for (var m : changed) {
            int i = indexOf(list, m.uid());
            if (i >= 0) {
                list.set(i, m);
            } else if (m.uid() > last) {
                list.add(m);
            }
        }
        return List.copyOf(list);
    }

    private final Map<Long, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

    private Object lockFor(long folderId) {
        return locks.computeIfAbsent(folderId, id -> new Object());
    }

    /** Binary search by UID in a list in UID order; -1 when absent. */
    static int indexOf(List<StoredMessage> list, long uid) {
        int lo = 0;
        int hi = list.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = list.get(mid).uid();
            if (u < uid) {
                lo = mid + 1;
            } else if (u > uid) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }
}
