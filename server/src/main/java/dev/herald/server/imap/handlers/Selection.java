package dev.herald.server.imap.handlers;

import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.SelectedFolder;
import dev.herald.server.imap.session.SequenceSet;
import dev.herald.storage.mail.StoredMessage;
import java.util.ArrayList;
import java.util.List;

/** The messages a sequence set names, by sequence number or by UID, with their sequence numbers. */
record Selection(long seq, StoredMessage message) {
    static List<Selection> of(SelectedFolder folder, String set, boolean uid) throws ImapParseException {
        var seqs = SequenceSet.parse(set);
        var out = new ArrayList<Selection>();
        var messages = folder.messages();
        long largest = uid ? folder.largestUid() : messages.size();
        for (int i = 0; i < messages.size(); i++) {
            var m = messages.get(i);
            if (seqs.contains(uid ? m.uid() : i + 1, largest)) {
                out.add(new Selection(i + 1, m));
            }
        }
        return out;
    }
}
