package dev.herald.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryJournalTest {
    @TempDir
    Path dir;

    @Test
    void concurrentSendersEachFindTheirIdsOnDiskWhenAppendReturns() throws Exception {
        var file = dir.resolve("journal");
        int threads = 16;
        int perThread = 200;
        var pool = Executors.newFixedThreadPool(threads);
        var start = new CountDownLatch(1);
        try (var journal = new DeliveryJournal(file)) {
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < threads; t++) {
                long base = t * 1_000_000L;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        journal.append(List.of(base + 2L * i, base + 2L * i + 1));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(journal.size()).isEqualTo(threads * perThread * 2);
        } finally {
            pool.shutdownNow();
        }
        // A new process reading the file: every id of every append, each once, in whole lines.
        try (var reopened = new DeliveryJournal(file)) {
            var expected = new ArrayList<Long>();
            for (int t = 0; t < threads; t++) {
                long base = t * 1_000_000L;
                LongStream.range(0, perThread * 2L).forEach(i -> expected.add(base + i));
            }
            assertThat(reopened.recorded()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aLineTornByACrashIsIgnoredAndAppendsGoOnAfterIt() throws Exception {
        var file = dir.resolve("journal");
        try (var journal = new DeliveryJournal(file)) {
            journal.append(List.of(7L, 8L));
        }
        Files.write(file, "12".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND); // cut off mid-write
        try (var journal = new DeliveryJournal(file)) {
            assertThat(journal.recorded()).containsExactly(7L, 8L);
            journal.append(List.of(9L)); // not "129"
            assertThat(journal.recorded()).containsExactly(7L, 8L, 9L);
            journal.truncate();
            journal.append(List.of(10L));
            assertThat(journal.recorded()).containsExactly(10L);
        }
    }
}
