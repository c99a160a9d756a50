package dev.herald.storage.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    static SpoolEnvelope envelope(String id) {
        return new SpoolEnvelope(id, Instant.ofEpochMilli(1_700_000_000_000L), "mx", "127.0.0.1", "client.example", "TLSv1.3",
                Optional.of(7L), "a@b.example", List.of(new SpoolRecipient("c@d.example", Optional.of("FAILURE"), Optional.empty())),
                Optional.of("HDRS"), Optional.empty());
    }

    @Test
    void committedMessagesAreReadBackAndSurviveReopening() throws Exception {
        SpoolEntry first;
        try (var spool = Spool.open(dir, 1 << 20)) {
            first = spool.append(envelope("m1"), "Subject: one\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)).get();
            assertThat(new String(spool.read(first.blob()), StandardCharsets.US_ASCII)).isEqualTo("Subject: one\r\n\r\nbody\r\n");
        }
        try (var spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.recovered()).hasSize(1);
            var e = spool.recovered().get(0);
            assertThat(e.envelope()).isEqualTo(envelope("m1"));
            assertThat(e.blob()).isEqualTo(first.blob());
            var second = spool.append(envelope("m2"), "x".getBytes(StandardCharsets.US_ASCII)).get();
            assertThat(second.blob().offset()).isGreaterThan(first.end());
        }
        try (var spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.recovered()).extracting(e -> e.envelope().id()).containsExactly("m1", "m2");
        }
    }

    @Test
    void aBatchWithoutItsCommitRecordIsCutOffOnOpen() throws Exception {
        try (var spool = Spool.open(dir, 1 << 20)) {
            spool.append(envelope("kept"), "kept".getBytes(StandardCharsets.US_ASCII)).get();
        }
        var segment = dir.resolve("segment-000001.log");
        long committedSize = Files.size(segment);
        // A crash after the records were written but before the commit record: copy the first
        // message record (complete and valid) after the commit, without a commit of its own.
        var bytes = Files.readAllBytes(segment);
        Files.write(segment, java.util.Arrays.copyOf(bytes, bytes.length - 13), StandardOpenOption.APPEND);
        Files.write(segment, new byte[] {0x48, 0x52, 0x4C}, StandardOpenOption.APPEND); // and a torn write
        try (var spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.recovered()).extracting(e -> e.envelope().id()).containsExactly("kept");
            assertThat(Files.size(segment)).isEqualTo(committedSize);
            spool.append(envelope("after"), "after".getBytes(StandardCharsets.US_ASCII)).get();
        }
        try (var spool = Spool.open(dir, 1 << 20)) {
            assertThat(spool.recovered()).extracting(e -> e.envelope().id()).containsExactly("kept", "after");
        }
    }

    @Test
    void concurrentAppendsShareCommitsAndRollSegments() throws Exception {
        var pool = Executors.newFixedThreadPool(8);
        var futures = new ArrayList<CompletableFuture<SpoolEntry>>();
        try (var spool = Spool.open(dir, 64 * 1024)) {
            for (int i = 0; i < 400; i++) {
                var body = ("message " + i + "\r\n").repeat(50).getBytes(StandardCharsets.US_ASCII);
                var id = "c" + i;
                futures.add(CompletableFuture.supplyAsync(() -> spool.append(envelope(id), body), pool).thenCompose(f -> f));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
            for (int i = 0; i < 400; i++) {
                var e = futures.get(i).get();
                assertThat(new String(spool.read(e.blob()), StandardCharsets.US_ASCII)).startsWith("message " + i + "\r\n");
            }
        } finally {
            pool.shutdown();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.count()).as("segments rolled at 64 KiB (after a batch)").isGreaterThan(1);
        }
        try (var spool = Spool.open(dir, 64 * 1024)) {
            assertThat(spool.recovered()).hasSize(400);
        }
        // From a progress mark on, earlier segments are not read back.
        int lastSegment = futures.get(399).get().blob().segment();
        try (var spool = Spool.open(dir, 64 * 1024, lastSegment)) {
            assertThat(spool.recovered()).isNotEmpty().allMatch(e -> e.blob().segment() >= lastSegment);
        }
    }
}
