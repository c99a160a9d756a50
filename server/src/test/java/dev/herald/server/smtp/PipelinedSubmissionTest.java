package dev.herald.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines whole transactions (MAIL, RCPT, BDAT LAST, ten times in one write) gets
 * every reply. Regression: when the spool's group commit finished before the session waited on
 * it, the last transaction was answered while the decoder took up buffered input, and those
 * replies sat unflushed; the client waited forever for the last three.
 */
class PipelinedSubmissionTest {
    private static final int SESSIONS = 3;
    private static final int ROUNDS = 40;
    private static final int MESSAGES = 10;

    @TempDir
    Path data;

    @Test
    void everyPipelinedTransactionIsAnswered() throws Exception {
        try (var h = TestHerald.start(data, Map.of("smtp.max_connections_per_client", "100"))) {
            var admin = h.admin();
            admin.liftSendLimits();
            admin.createTenant("t");
            admin.addDomain("t", "a.example");
            var password = admin.createMailbox("agent@a.example").get("credentials").get("password").asText();
            var pool = Executors.newFixedThreadPool(SESSIONS);
            try {
                var results = new ArrayList<Future<Integer>>();
                for (int t = 0; t < SESSIONS; t++) {
                    results.add(pool.submit((Callable<Integer>) () -> rounds(h, password)));
                }
                for (var r : results) {
                    assertThat(r.get()).isEqualTo(ROUNDS * MESSAGES * 3);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Returns how many 250 replies came back. */
    private static int rounds(TestHerald h, String password) throws Exception {
        var body = "From: agent@a.example\r\nSubject: x\r\n\r\nhi\r\n";
        int ok = 0;
        for (int round = 0; round < ROUNDS; round++) {
            try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
                s.hello();
                assertThat(s.authPlain("agent@a.example", password)).startsWith("235");
                var batch = new StringBuilder();
                for (int i = 0; i < MESSAGES; i++) {
                    batch.append("MAIL FROM:<agent@a.example>\r\nRCPT TO:<r").append(i).append("@sink.example>\r\nBDAT ")
                            .append(body.length()).append(" LAST\r\n").append(body);
                }
                s.write(batch.toString());
                for (int i = 0; i < MESSAGES * 3; i++) {
                    assertThat(s.reply()).as("reply %d of round %d", i, round).startsWith("250");
                    ok++;
                }
            }
        }
        return ok;
    }
}
