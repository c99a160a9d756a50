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
 */
final class DeliveryJournal implements AutoCloseable {
    private final FileChannel channel;
    private int entries;

    DeliveryJournal(Path file) {
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            channel.position(channel.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the delivery journal " + file + ": " + e.getMessage(), e);
        }
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

    /** Appends and fsyncs; returns once the ids are on disk. */
    synchronized void append(List<Long> ids) throws IOException {
        if (ids.isEmpty()) {
            return;
        }
        var sb = new StringBuilder();
        ids.forEach(id -> sb.append(id).append('\n'));
        var buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.US_ASCII));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
        entries += ids.size();
    }

    synchronized int size() {
        return entries;
    }

    /** Empties the journal; only after the index holding the same facts has been checkpointed. */
    synchronized void truncate() throws IOException {
        channel.truncate(0);
        channel.position(0);
        channel.force(false);
        entries = 0;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
