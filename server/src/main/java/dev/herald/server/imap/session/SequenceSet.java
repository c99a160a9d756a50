package dev.herald.server.imap.session;

import dev.herald.server.imap.codec.ImapParseException;
import java.util.ArrayList;
import java.util.List;

/** A sequence set such as {@code 1:4,7,9:*} (RFC 3501 9), matched against numbers given the largest one for "*". */
public record SequenceSet(List<long[]> ranges) {
    public static SequenceSet parse(String text) throws ImapParseException {
        var ranges = new ArrayList<long[]>();
        for (var part : text.split(",")) {
            var ends = part.split(":", -1);
            if (ends.length > 2 || part.isEmpty()) {
                throw new ImapParseException("invalid sequence set '" + text + "'");
            }
            long a = number(ends[0], text);
            long b = ends.length == 2 ? number(ends[1], text) : a;
            ranges.add(new long[] {a, b});
        }
        return new SequenceSet(ranges);
    }

    private static long number(String s, String text) throws ImapParseException {
        if (s.equals("*")) {
            return -1;
        }
        try {
            long n = Long.parseLong(s);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ImapParseException("invalid sequence set '" + text + "'");
        }
    }

    public boolean contains(long n, long largest) {
        for (var r : ranges) {
            long a = r[0] < 0 ? largest : r[0];
            long b = r[1] < 0 ? largest : r[1];
            if (n >= Math.min(a, b) && n <= Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }
}
