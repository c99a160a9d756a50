package dev.herald.server.imap.threading;

import dev.herald.server.delivery.Subjects;
import dev.herald.storage.mail.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * RFC 5256 threading over the links stored at delivery (Message-ID, References, In-Reply-To):
 * REFERENCES builds the parent/child tree, prunes empty containers, merges roots by base subject
 * and sorts by sent date; ORDEREDSUBJECT groups by base subject. Output is the THREAD response
 * body, with sequence numbers or UIDs. Pure: messages in, text out.
 */
public final class ThreadTree {
    /** A message with the number the client addresses it by (sequence number or UID). */
    public record Numbered(long number, StoredMessage message) {
    }

    private static final class Container {
        Numbered message;
        Container parent;
        final List<Container> children = new ArrayList<>();

        boolean isAncestorOf(Container other) {
            for (var c = other; c != null; c = c.parent) {
                if (c == this) {
                    return true;
                }
            }
            return false;
        }

        Instant date() {
            if (message != null) {
                return sent(message);
            }
            return children.stream().map(Container::date).min(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        }

        long number() {
            if (message != null) {
                return message.number();
            }
            return children.stream().mapToLong(Container::number).min().orElse(0);
        }

        String subject() {
            if (message != null) {
                return message.message().headers().subject().orElse("");
            }
            return children.isEmpty() ? "" : children.get(0).subject();
        }
    }

    private ThreadTree() {
    }

    static Instant sent(Numbered n) {
        return n.message().headers().date().orElse(n.message().internalDate());
    }

    private static final Comparator<Container> BY_DATE = Comparator.comparing(Container::date).thenComparingLong(Container::number);

    public static String references(List<Numbered> messages) {
        var byId = new LinkedHashMap<String, Container>(); // insertion order: a deterministic root order for step 5
        int synthetic = 0;
        for (var n : messages) {
            var h = n.message().headers();
            var id = h.messageId().orElse("<herald-no-id-" + (synthetic++) + ">");
            var c = byId.get(id);
            if (c != null && c.message != null) {
                id = "<herald-dup-" + (synthetic++) + ">"; // a duplicate Message-ID is a message of its own
                c = null;
            }
            if (c == null) {
                c = new Container();
                byId.put(id, c);
            }
            c.message = n;
            var refs = new ArrayList<>(h.references());
            if (refs.isEmpty() && h.inReplyTo().isPresent()) {
                refs.add(h.inReplyTo().get());
            }
            Container prev = null;
            for (var ref : refs) {
                var r = byId.computeIfAbsent(ref, k -> new Container());
                if (prev != null && r.parent == null && !r.isAncestorOf(prev) && r != prev) {
                    link(prev, r);
                }
                prev = r;
            }
            if (c.parent != null) {
                c.parent.children.remove(c);
                c.parent = null;
            }
            if (prev != null && !c.isAncestorOf(prev) && prev != c) {
                link(prev, c);
            }
        }
        var roots = new ArrayList<Container>();
        for (var c : new LinkedHashMap<>(byId).values()) {
            if (c.parent == null) {
                roots.add(c);
            }
        }
        roots = prune(roots, true);
        roots = mergeBySubject(roots);
        sortTree(roots);
        var sb = new StringBuilder();
        for (var r : roots) {
            sb.append('(');
            render(sb, r);
            sb.append(')');
        }
        return sb.toString();
    }

    private static void link(Container parent, Container child) {
        child.parent = parent;
        parent.children.add(child);
    }

    /** RFC 5256 step 4: drop empty leaves; replace empty containers by their children (at the root only if it has one). */
    private static ArrayList<Container> prune(List<Container> list, boolean root) {
        var out = new ArrayList<Container>();
        for (var c : list) {
            var kids = prune(c.children, false);
            c.children.clear();
            c.children.addAll(kids);
            kids.forEach(k -> k.parent = c);
            if (c.message == null && c.children.isEmpty()) {
                continue;
            }
            if (c.message == null && (!root || c.children.size() == 1)) {
                for (var k : c.children) {
                    k.parent = root ? null : c.parent;
                    out.add(k);
                }
                continue;
            }
            out.add(c);
        }
        return out;
    }

    /** RFC 5256 step 5: roots with the same base subject are gathered into one thread. */
    private static ArrayList<Container> mergeBySubject(List<Container> roots) {
        var bySubject = new LinkedHashMap<String, Container>();
        var out = new ArrayList<Container>();
        for (var r : roots) {
            var base = Subjects.base(r.subject());
            if (base.subject().isEmpty()) {
                out.add(r);
                continue;
            }
            var other = bySubject.get(base.subject());
            if (other == null) {
                bySubject.put(base.subject(), r);
                out.add(r);
                continue;
            }
            var otherIsReply = Subjects.base(other.subject()).replyOrForward();
            if (other.message == null && r.message == null) {
                r.children.forEach(k -> link(other, k));
            } else if (other.message == null) {
                link(other, r);
            } else if (r.message == null) {
                out.remove(other);
                link(r, other);
                bySubject.put(base.subject(), r);
                out.add(r);
            } else if (!otherIsReply && base.replyOrForward()) {
                link(other, r);
            } else if (otherIsReply && !base.replyOrForward()) {
                out.remove(other);
                link(r, other);
                bySubject.put(base.subject(), r);
                out.add(r);
            } else {
                var dummy = new Container();
                out.remove(other);
                link(dummy, other);
                link(dummy, r);
                bySubject.put(base.subject(), dummy);
                out.add(dummy);
            }
        }
        return out;
    }

    private static void sortTree(List<Container> list) {
        list.sort(BY_DATE);
        list.forEach(c -> sortTree(c.children));
    }

    private static void render(StringBuilder sb, Container c) {
        if (c.message != null) {
            sb.append(c.message.number());
        }
        if (c.children.size() == 1) {
            if (c.message != null) {
                sb.append(' ');
            }
            render(sb, c.children.get(0));
        } else if (!c.children.isEmpty()) {
            if (c.message != null) {
                sb.append(' ');
            }
            for (var k : c.children) {
                sb.append('(');
                render(sb, k);
                sb.append(')');
            }
        }
    }

    /** ORDEREDSUBJECT: one thread per base subject, the earliest message first and the rest as its children. */
    public static String orderedSubject(List<Numbered> messages) {
        var groups = new LinkedHashMap<String, List<Numbered>>();
        var sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.comparing(ThreadTree::sent).thenComparingLong(Numbered::number));
        for (var n : sorted) {
            groups.computeIfAbsent(Subjects.base(n.message().headers().subject().orElse("")).subject(), k -> new ArrayList<>()).add(n);
        }
        var sb = new StringBuilder();
        for (var g : groups.values()) {
            sb.append('(').append(g.get(0).number());
            if (g.size() == 2) {
                sb.append(' ').append(g.get(1).number());
            } else {
                for (int i = 1; i < g.size(); i++) {
                    sb.append(" (").append(g.get(i).number()).append(')');
                }
            }
            sb.append(')');
        }
        return sb.toString().replace(") (", ")(");
    }
}
