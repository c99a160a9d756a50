package dev.herald.storage.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool: an append-only log of accepted messages in segment files, and the only place a
 * message body is ever written. One writer thread takes every message waiting to be committed,
 * appends them, fdatasyncs, appends a commit record for the batch and fdatasyncs again; only then
 * are the batch's futures completed and the SMTP sessions may answer 250. Concurrent sessions thus
 * share two fsyncs (group commit).
 *
 * <p>Record layout: {@code magic(4) type(1)} then for a message {@code envLen(4) bodyLen(4) env body
 * crc(4)}, for a commit {@code count(4) crc(4)}; the CRC32C covers everything after the magic.
 * On open, each segment is scanned; messages followed by their batch's commit record are
 * committed; anything after the last commit (a batch cut off by a crash, never acknowledged) is
 * cut away, so it is neither delivered nor in the way of new appends.
 */
public final class Spool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final int MAGIC = 0x48524C44; // "HRLD"
    private static final byte MESSAGE = 1;
    private static final byte COMMIT = 2;
    private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{6})\\.log");
    private static final int MAX_BATCH = 256;

    private record Pending(SpoolEnvelope envelope, byte[] body, CompletableFuture<SpoolEntry> done) {
    }

    private final Path dir;
    private final long segmentBytes;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<Integer, FileChannel> readers = new ConcurrentHashMap<>();
    private final List<SpoolEntry> recovered;
    private final Thread writer;
    private volatile boolean closed;
    private int segment;
    private FileChannel out;

    private Spool(Path dir, long segmentBytes, int scanFrom) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        Files.createDirectories(dir);
        this.recovered = recover(scanFrom);
        this.writer = new Thread(this::writeLoop, "spool-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Opens the spool in {@code dir}, recovering what was committed and cutting off what was not. */
    public static Spool open(Path dir, long segmentBytes) {
        return open(dir, segmentBytes, 0);
    }

    /**
     * Opens the spool, reading back only segments from {@code scanFrom} on: the ones before it are
     * fully processed (the caller's progress mark says so), and a start should not read all mail ever
     * received. The last segment is always checked for a cut-off batch.
     */
    public static Spool open(Path dir, long segmentBytes, int scanFrom) {
        try {
            return new Spool(dir, segmentBytes, scanFrom);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Every committed message found on open, in order; the caller replays those not yet processed. */
    public List<SpoolEntry> recovered() {
        return recovered;
    }

    /**
     * Queues a message for the next group commit. The future completes once the message is on
     * disk and fsync'ed, or fails (with {@link SpoolFullException} when the disk is full).
     */
    public CompletableFuture<SpoolEntry> append(SpoolEnvelope envelope, byte[] body) {
        var done = new CompletableFuture<SpoolEntry>();
        if (closed) {
            done.completeExceptionally(new IOException("the spool is closed"));
            return done;
        }
        queue.add(new Pending(envelope, body, done));
        return done;
    }

    /** Reads a message body (positional read; safe from any thread). */
    public byte[] read(BlobRef ref) {
        try {
            var ch = readers.computeIfAbsent(ref.segment(), s -> {
                try {
                    return FileChannel.open(segmentPath(s), StandardOpenOption.READ);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            var buf = ByteBuffer.allocate(ref.length());
            long pos = ref.offset();
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException("segment " + ref.segment() + " ends before " + (ref.offset() + ref.length()));
                }
                pos += n;
            }
            return buf.array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read message body " + ref + ": " + e.getMessage(), e);
        }
    }

    // --- writing ---------------------------------------------------------------------------

    private void writeLoop() {
        var batch = new ArrayList<Pending>();
        while (!closed || !queue.isEmpty()) {
            try {
                var first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        long start;
        try {
            start = out.position();
        } catch (IOException e) {
            batch.forEach(p -> p.done().completeExceptionally(e));
            return;
        }
        var entries = new ArrayList<SpoolEntry>(batch.size());
        try {
            long pos = start;
            var buffers = new ArrayList<ByteBuffer>(batch.size());
            for (var p : batch) {
                var env = p.envelope().encode();
                var header = ByteBuffer.allocate(13 + env.length);
                header.putInt(MAGIC).put(MESSAGE).putInt(env.length).putInt(p.body().length).put(env).flip();
                var crc = new CRC32C();
                crc.update(header.duplicate().position(4));
                crc.update(p.body());
                var trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
                long bodyAt = pos + header.remaining();
                entries.add(new SpoolEntry(p.envelope(), new BlobRef(segment, bodyAt, p.body().length)));
                pos = bodyAt + p.body().length + 4;
                buffers.add(header);
                buffers.add(ByteBuffer.wrap(p.body()));
                buffers.add(trailer);
            }
            writeAll(buffers.toArray(ByteBuffer[]::new));
            out.force(false);
            writeAll(new ByteBuffer[] {commitRecord(batch.size())});
            out.force(false);
        } catch (IOException e) {
            undo(start);
            var failure = isDiskFull(e) ? new SpoolFullException("no space left for the spool in " + dir, e) : e;
            batch.forEach(p -> p.done().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(entries.get(i));
        }
        rollIfFull();
    }

    private void writeAll(ByteBuffer[] buffers) throws IOException {
        long remaining = 0;
        for (var b : buffers) {
            remaining += b.remaining();
        }
        while (remaining > 0) {
            remaining -= out.write(buffers);
        }
    }

    private static ByteBuffer commitRecord(int count) {
        var buf = ByteBuffer.allocate(13);
        buf.putInt(MAGIC).put(COMMIT).putInt(count);
        var crc = new CRC32C();
        crc.update(buf.duplicate().flip().position(4));
        buf.putInt((int) crc.getValue());
        return buf.flip();
    }

    /** Cuts a failed batch off the end, so the segment ends with a commit record again. */
    private void undo(long start) {
        try {
            out.truncate(start);
            out.position(start);
            out.force(false);
        } catch (IOException e) {
            log.error("cannot cut a failed batch off {}; it will be discarded on the next start", segmentPath(segment), e);
        }
    }

    private static boolean isDiskFull(IOException e) {
        var m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("no space") || m.contains("quota") || m.contains("file too large");
    }

    private void rollIfFull() {
        try {
            if (out.position() >= segmentBytes) {
                out.close();
                openSegment(segment + 1);
            }
        } catch (IOException e) {
            log.error("cannot start spool segment {}", segment + 1, e);
        }
    }

    private void openSegment(int number) throws IOException {
        segment = number;
        out = FileChannel.open(segmentPath(number), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        out.position(out.size());
        try (var d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the new file's name is durable too
        }
    }

    private Path segmentPath(int number) {
        return dir.resolve(String.format("segment-%06d.log", number));
    }

    // --- recovery --------------------------------------------------------------------------

    private List<SpoolEntry> recover(int scanFrom) throws IOException {
        var numbers = new ArrayList<Integer>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                var m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    numbers.add(Integer.parseInt(m.group(1)));
                }
            });
        }
        numbers.sort(null);
        var committed = new ArrayList<SpoolEntry>();
        int last = numbers.isEmpty() ? -1 : numbers.get(numbers.size() - 1);
        for (int n : numbers) {
            if (n < scanFrom && n != last) {
                continue;
            }
            var found = new ArrayList<SpoolEntry>();
            long validEnd = scan(n, found::add);
            if (n >= scanFrom) {
                committed.addAll(found);
            }
            try (var ch = FileChannel.open(segmentPath(n), StandardOpenOption.WRITE)) {
                if (ch.size() > validEnd) {
                    log.warn("spool segment {}: discarding {} bytes after the last commit (a batch cut off by a crash)",
                            n, ch.size() - validEnd);
                    ch.truncate(validEnd);
                    ch.force(false);
                }
            }
        }
        openSegment(numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1));
        return List.copyOf(committed);
    }

    /** Reads a segment; hands over committed messages; returns the end of the last commit record. */
    private long scan(int number, Consumer<SpoolEntry> sink) throws IOException {
        var data = Files.readAllBytes(segmentPath(number));
        var buf = ByteBuffer.wrap(data);
        var pending = new ArrayList<SpoolEntry>();
        long validEnd = 0;
        while (buf.remaining() >= 13) {
            int at = buf.position();
            if (buf.getInt() != MAGIC) {
                break;
            }
            byte type = buf.get();
            if (type == COMMIT) {
                int count = buf.getInt();
                var crc = new CRC32C();
                crc.update(data, at + 4, 5);
                if (buf.remaining() < 4 || buf.getInt() != (int) crc.getValue() || count != pending.size()) {
                    break;
                }
                pending.forEach(sink);
                pending.clear();
                validEnd = buf.position();
            } else if (type == MESSAGE) {
                int envLen = buf.getInt();
                int bodyLen = buf.getInt();
                if (envLen < 0 || bodyLen < 0 || buf.remaining() < (long) envLen + bodyLen + 4) {
                    break;
                }
                var crc = new CRC32C();
                crc.update(data, at + 4, 9 + envLen + bodyLen);
                var env = new byte[envLen];
                buf.get(env);
                int bodyAt = buf.position();
                buf.position(bodyAt + bodyLen);
                if (buf.getInt() != (int) crc.getValue()) {
                    break;
                }
                pending.add(new SpoolEntry(SpoolEnvelope.decode(env), new BlobRef(number, bodyAt, bodyLen)));
            } else {
                break;
            }
        }
        return validEnd;
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            out.close();
        } catch (IOException e) {
            log.warn("closing the spool segment failed", e);
        }
        readers.values().forEach(ch -> {
            try {
                ch.close();
            } catch (IOException e) {
                // read-only: nothing to lose
            }
        });
    }
}
