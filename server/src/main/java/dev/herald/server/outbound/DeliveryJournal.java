package dev.herald.server.outbound;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The ids of queue entries the remote has accepted, fsync'ed before the queue index says
 * "delivered". The index (H2) reaches the disk up to its write delay later; after a crash in that
 * window the journal restores the state, so an accepted recipient is never sent again. Truncated
 * once the index has been checkpointed.
 *
 * <p>Group commit: senders append under the journal's lock, then one of them forces the file for
 * everything written so far while the others wait for it. N concurrent transactions finishing
 * together thus share one fsync instead of queueing for N of them — on a disk whose fsync takes
 * 10 ms, the difference between 100 and thousands of deliveries a second.
 */
final class DeliveryJournal implements AutoCloseable {
    private final FileChannel channel;
    /** Held by the one sender forcing the file; taken before the journal's own lock where both are held. */
    private final Object forcing = new Object();
    private int entries;
    /** Appends written, and the number of them known to be on disk (guarded by this and by forcing). */
    private long written;
    private long forced;

    DeliveryJournal(Path file) {
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            // A line torn by a crash is cut off, or the next append would run into it and make another id.
            long end = wholeLinesEnd();
            if (end < channel.size()) {
                channel.truncate(end);
                channel.force(false);
            }
            channel.position(end);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the delivery journal " + file + ": " + e.getMessage(), e);
        }
    }

    private long wholeLinesEnd() throws IOException {
        var buf = ByteBuffer.allocate((int) Math.min(channel.size(), 64));
        long size = channel.size();
        while (size > 0) {
            buf.clear();
            long from = Math.max(0, size - buf.capacity());
            buf.limit((int) (size - from));
            channel.read(buf, from);
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            size = from;
        }
        return 0;
    }

    /** The ids recorded so far (a torn last line from a crash is ignored). */
    synchronized List<Long> recorded() {
        try {
            var buf = ByteBuffer.allocate((int) channel.size());
            channel.read(buf, 0);
            var text = new String(buf.array(), StandardCharsets.US_ASCII);
            var out = new ArrayList<Long>();
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return out;
            }
            for (var line : text.substring(0, end).split("\n")) {
                if (!line.isBlank()) {
                    out.add(Long.parseLong(line.trim()));
                }
            }
            return out;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the delivery journal: " + e.getMessage(), e);
        }
    }

    /** Appends and fsyncs (or waits for another sender's fsync covering it); returns once the ids are on disk. */
    void append(List<Long> ids) throws IOException {
        if (ids.isEmpty()) {
            return;
        }
        var sb = new StringBuilder();
        ids.forEach(id -> sb.append(id).append('\n'));
        var buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.US_ASCII));
        long mine;
        synchronized (this) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            entries += ids.size();
            mine = ++written;
        }
        synchronized (forcing) {
            if (forcedUpTo() >= mine) {
                return; // a sender that forced after our write covered it: ours is on disk
            }
            long upTo;
            synchronized (this) {
                upTo = written;
            }
            channel.force(false);
            synchronized (this) {
                forced = Math.max(forced, upTo);
            }
        }
    }

    private synchronized long forcedUpTo() {
        return forced;
    }

    synchronized int size() {
        return entries;
    }

    /** Empties the journal; only after the index holding the same facts has been checkpointed. */
    void truncate() throws IOException {
        synchronized (forcing) {
            synchronized (this) {
                channel.truncate(0);
                channel.position(0);
                channel.force(false);
                entries = 0;
                forced = written;
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
