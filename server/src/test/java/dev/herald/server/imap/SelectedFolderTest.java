package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.imap.session.FolderSnapshots;
import dev.herald.server.imap.session.SelectedFolder;
import dev.herald.storage.mail.Folder;
import dev.herald.storage.mail.HeaderFields;
import dev.herald.storage.mail.StoredMessage;
import dev.herald.storage.spool.BlobRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a session's view of its folder catches up with shared snapshots. */
class SelectedFolderTest {
    private static StoredMessage m(long uid, long modseq, String... flags) {
        return new StoredMessage(uid, 1, 1, uid, modseq, Set.of(flags), Instant.EPOCH, new BlobRef(1, 0, 10), "s" + uid,
                new HeaderFields(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty()), 1, Optional.empty(), uid);
    }

    private static FolderSnapshots.Snapshot snap(long modseq, StoredMessage... messages) {
        return new FolderSnapshots.Snapshot(1, modseq, List.of(messages));
    }

    private static final Folder FOLDER = new Folder(1, 1, "INBOX", Optional.empty(), 7, 10, 3, true);

    @Test
    void sharesTheSnapshotAndReportsOthersChanges() {
        var first = snap(3, m(1, 1), m(2, 2), m(3, 3));
        var sel = new SelectedFolder(FOLDER, false, first);
        assertThat(sel.messages()).isSameAs(first.messages());
        assertThat(sel.catchUp(first, true, false)).isEmpty();
        var later = snap(5, m(1, 1), m(2, 4, "\\Seen"), m(3, 3), m(4, 5));
        assertThat(sel.catchUp(later, true, true)).containsExactly("2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (4))", "4 EXISTS");
        assertThat(sel.messages()).as("shared again").isSameAs(later.messages());
    }

    @Test
    void ownChangesAreNotEchoed() {
        var sel = new SelectedFolder(FOLDER, false, snap(3, m(1, 1), m(2, 2)));
        sel.replace(m(2, 4, "\\Flagged"));
        assertThat(sel.catchUp(snap(4, m(1, 1), m(2, 4, "\\Flagged")), true, false)).isEmpty();
    }

    @Test
    void expungesWaitWhenTheyMayNotBeSentAndComeLater() {
        var sel = new SelectedFolder(FOLDER, false, snap(3, m(1, 1), m(2, 2), m(3, 3)));
        var gone2 = snap(6, m(1, 1), m(3, 5, "\\Seen"), m(4, 6));
        // During FETCH/STORE/SEARCH: flags and arrivals, but message 2 stays (same sequence numbers).
        assertThat(sel.catchUp(gone2, false, false)).containsExactly("3 FETCH (UID 3 FLAGS (\\Seen))", "4 EXISTS");
        assertThat(sel.seqOf(2)).isEqualTo(2);
        assertThat(sel.exists()).isEqualTo(4);
        // At the next command that may expunge: the EXPUNGE, and nothing reported twice.
        assertThat(sel.catchUp(gone2, true, false)).containsExactly("2 EXPUNGE");
        assertThat(sel.exists()).isEqualTo(3);
        assertThat(sel.seqOf(4)).isEqualTo(3);
    }
}
