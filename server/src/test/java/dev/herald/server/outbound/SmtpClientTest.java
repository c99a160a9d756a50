package dev.herald.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outbound client against a real SMTP peer on loopback: sessions are reused, failures are not. */
class SmtpClientTest {
    private static final byte[] MESSAGE = "From: a@acme.com\r\nTo: b@remote.example\r\nSubject: hi\r\n\r\nbody\r\n"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void oneSessionCarriesManyTransactionsToTheSameHost() throws Exception {
        try (var mx = new ScriptedMx(n -> n == 3 ? "451 4.3.0 later" : "250 2.0.0 queued")) {
            var client = client(Duration.ofSeconds(5));
            var host = new InetSocketAddress(InetAddress.getLoopbackAddress(), mx.port());
            for (int i = 1; i <= 5; i++) {
                var result = client.send(host, "a@acme.com", List.of("b" + i + "@remote.example"), MESSAGE);
                assertThat(result.perRecipient().get(0).code()).isEqualTo(i == 3 ? 451 : 250);
            }
            assertThat(mx.accepted).hasSize(4);
            assertThat(mx.connections.get()).as("five transactions over one connection").isEqualTo(1);
            client.closeIdle();
        }
    }

    @Test
    void aSessionThatDiedMidDataIsNotReused() throws Exception {
        try (var mx = new ScriptedMx(n -> n == 1 ? "DROP" : "250 2.0.0 queued")) {
            var client = client(Duration.ofSeconds(5));
            var host = new InetSocketAddress(InetAddress.getLoopbackAddress(), mx.port());
            try {
                client.send(host, "a@acme.com", List.of("b@remote.example"), MESSAGE);
                throw new AssertionError("a dropped connection must surface as an IOException");
            } catch (java.io.IOException expected) {
                // retried later by the deliverer
            }
            assertThat(client.send(host, "a@acme.com", List.of("b@remote.example"), MESSAGE).perRecipient().get(0).code()).isEqualTo(250);
            assertThat(mx.connections.get()).isEqualTo(2);
            assertThat(mx.accepted).hasSize(1);
            client.closeIdle();
        }
    }

    private static SmtpClient client(Duration commandTimeout) {
        return new SmtpClient("herald.test", Duration.ofSeconds(2), commandTimeout);
    }

    private static InetSocketAddress at(ScriptedMx mx) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), mx.port());
    }

    @Test
    void withPipeliningAndChunkingEachMessageIsOneRoundTrip() throws Exception {
        try (var mx = new ScriptedMx(n -> "250 2.0.0 queued"); var client = client(Duration.ofSeconds(5))) {
            mx.extensions = List.of("PIPELINING", "CHUNKING", "8BITMIME", "SIZE 10000000");
            for (int i = 1; i <= 3; i++) {
                var result = client.send(at(mx), "a@acme.com", List.of("x" + i + "@remote.example", "y" + i + "@remote.example"), MESSAGE);
                assertThat(result.perRecipient()).extracting(SmtpClient.Reply::code).containsExactly(250, 250);
            }
            assertThat(mx.accepted).hasSize(3).allMatch(body -> body.equals(new String(MESSAGE, StandardCharsets.UTF_8)));
            assertThat(mx.connections.get()).isEqualTo(1);
            // EHLO's reply, then one write per transaction: MAIL, both RCPTs and BDAT were answered together.
            assertThat(mx.replyWrites.get()).isEqualTo(1 + 3);
            assertThat(mx.commands).filteredOn(c -> c.startsWith("BDAT")).hasSize(3).allMatch(c -> c.equals("BDAT " + MESSAGE.length + " LAST"));
            assertThat(mx.commands).noneMatch(c -> c.startsWith("RSET") || c.startsWith("DATA"));
            assertThat(mx.mailCommands).allMatch(c -> c.equals("MAIL FROM:<a@acme.com> SIZE=" + MESSAGE.length));
        }
    }

    @Test
    void withPipeliningButNoChunkingTheBodyWaitsForTheGoAhead() throws Exception {
        try (var mx = new ScriptedMx(n -> "250 2.0.0 queued"); var client = client(Duration.ofSeconds(5))) {
            mx.extensions = List.of("PIPELINING", "8BITMIME");
            var result = client.send(at(mx), "a@acme.com", List.of("x@remote.example", "y@remote.example"), MESSAGE);
            assertThat(result.perRecipient()).extracting(SmtpClient.Reply::code).containsExactly(250, 250);
            // EHLO; MAIL + RCPT + RCPT + DATA answered with the 354 in one write; the end of data.
            assertThat(mx.replyWrites.get()).isEqualTo(3);
            assertThat(mx.accepted).containsExactly(new String(MESSAGE, StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
        try (var mx = new ScriptedMx(n -> "250 2.0.0 queued"); var client = client(Duration.ofSeconds(5))) {
            var result = client.send(at(mx), "a@acme.com", List.of("x@remote.example", "y@remote.example"), MESSAGE);
            assertThat(result.perRecipient()).extracting(SmtpClient.Reply::code).containsExactly(250, 250);
            assertThat(mx.replyWrites.get()).as("EHLO, MAIL, RCPT, RCPT, DATA, end of data").isEqualTo(6);
        }
    }

    @Test
    void eachRecipientGetsItsOwnReplyAndAHalfRefusedTransactionIsResetBeforeTheNext() throws Exception {
        try (var mx = new ScriptedMx(n -> "250 2.0.0 queued", to -> to.startsWith("nobody") ? "550 5.1.1 no such user" : "250 ok");
             var client = client(Duration.ofSeconds(5))) {
            mx.extensions = List.of("PIPELINING", "CHUNKING", "8BITMIME");
            var mixed = client.send(at(mx), "a@acme.com", List.of("x@remote.example", "nobody@remote.example"), MESSAGE);
            assertThat(mixed.perRecipient()).extracting(SmtpClient.Reply::toString).containsExactly("250 2.0.0 queued", "550 5.1.1 no such user");
            var none = client.send(at(mx), "a@acme.com", List.of("nobody@remote.example"), MESSAGE);
            assertThat(none.perRecipient()).extracting(SmtpClient.Reply::code).containsExactly(550);
            var next = client.send(at(mx), "a@acme.com", List.of("z@remote.example"), MESSAGE);
            assertThat(next.perRecipient()).extracting(SmtpClient.Reply::code).containsExactly(250);
            assertThat(mx.accepted).hasSize(2);
            assertThat(mx.connections.get()).isEqualTo(1);
            // RSET only after the transactions that were refused part-way, each time ahead of the next MAIL.
            assertThat(mx.commands.stream().map(c -> c.split("[ :]")[0]).toList()).containsSubsequence(
                    "BDAT", "RSET", "MAIL", "RCPT", "BDAT", "RSET", "MAIL", "RCPT", "BDAT");
            assertThat(mx.commands).filteredOn(c -> c.equals("RSET")).hasSize(2);
        }
    }

    @Test
    void aMessageNeedingSmtpUtf8Or8BitMimeIsRefusedForGoodWhereTheRemoteLacksIt() throws Exception {
        var utf8Header = "From: a@acme.com\r\nSubject: Grüße\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        var eightBitBody = "From: a@acme.com\r\nSubject: hi\r\n\r\nGrüße\r\n".getBytes(StandardCharsets.UTF_8);
        try (var mx = new ScriptedMx(n -> "250 2.0.0 queued"); var client = client(Duration.ofSeconds(5))) {
            mx.extensions = List.of();
            var noUtf8 = client.send(at(mx), "a@acme.com", List.of("b@remote.example"), utf8Header).perRecipient().get(0);
            assertThat(noUtf8.permanent()).isTrue();
            assertThat(noUtf8.toString()).startsWith("553 5.6.7").contains("SMTPUTF8");
            var no8Bit = client.send(at(mx), "a@acme.com", List.of("b@remote.example"), eightBitBody).perRecipient().get(0);
            assertThat(no8Bit.toString()).startsWith("554 5.6.3").contains("8BITMIME");
            var utf8Address = client.send(at(mx), "a@acme.com", List.of("jürgen@remote.example"), MESSAGE).perRecipient().get(0);
            assertThat(utf8Address.toString()).startsWith("553 5.6.7");
            assertThat(mx.mailCommands).as("nothing was attempted").isEmpty();
        }
        try (var mx = new ScriptedMx(n -> "250 2.0.0 queued"); var client = client(Duration.ofSeconds(5))) {
            mx.extensions = List.of("8BITMIME", "SMTPUTF8", "SIZE 100");
            assertThat(client.send(at(mx), "a@acme.com", List.of("b@remote.example"), utf8Header).perRecipient().get(0).code()).isEqualTo(250);
            assertThat(client.send(at(mx), "a@acme.com", List.of("b@remote.example"), eightBitBody).perRecipient().get(0).code()).isEqualTo(250);
            assertThat(mx.mailCommands).containsExactly("MAIL FROM:<a@acme.com> SIZE=" + utf8Header.length + " BODY=8BITMIME SMTPUTF8",
                    "MAIL FROM:<a@acme.com> SIZE=" + eightBitBody.length + " BODY=8BITMIME");
            assertThat(mx.accepted.get(0)).contains("Grüße");
            var big = new byte[200];
            java.util.Arrays.fill(big, (byte) 'a');
            var tooBig = client.send(at(mx), "a@acme.com", List.of("b@remote.example"), big).perRecipient().get(0);
            assertThat(tooBig.toString()).startsWith("552 5.3.4").contains("SIZE 100");
        }
    }

    @Test
    void aRemoteThatNeverAnswersTimesOutWithTheCommandNamed() throws Exception {
        try (var silent = new BadRemotes(BadRemotes.Kind.SILENT, "127.0.0.1", 0, 0); var client = client(Duration.ofSeconds(1))) {
            long t0 = System.nanoTime();
            try {
                client.send(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.port()), "a@acme.com", List.of("b@remote.example"), MESSAGE);
                throw new AssertionError("a silent remote must time out");
            } catch (java.io.IOException expected) {
                assertThat(expected.getMessage()).contains("no reply").contains("greeting").contains("within 1 s");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(client.openConnections()).isZero();
        }
    }

    @Test
    void manySessionsAtOnceOnAFewThreads() throws Exception {
        try (var mx = new ScriptedMx(n -> {
            try {
                Thread.sleep(200); // every transaction takes a while: they must overlap to finish in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "250 2.0.0 queued";
        }); var client = new SmtpClient("herald.test", Duration.ofSeconds(2), Duration.ofSeconds(20), 1)) {
            mx.extensions = List.of("PIPELINING", "CHUNKING", "8BITMIME");
            var target = Target.direct(at(mx), java.util.Optional.empty());
            var all = new java.util.ArrayList<java.util.concurrent.CompletableFuture<SmtpClient.Result>>();
            for (int i = 0; i < 40; i++) {
                all.add(client.send(target, "a@acme.com", List.of("r" + i + "@remote.example"), MESSAGE));
            }
            for (var f : all) {
                assertThat(f.get(10, java.util.concurrent.TimeUnit.SECONDS).perRecipient().get(0).code()).isEqualTo(250);
            }
            assertThat(mx.accepted).hasSize(40);
            assertThat(mx.maxActive.get()).as("40 transactions of 200 ms overlapped on one I/O thread").isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void dotStuffingDoublesOnlyLineLeadingDotsAndTerminates() {
        assertThat(stuffed(".start\r\nmid.dle\r\n..two\r\n.\r\nend")).isEqualTo("..start\r\nmid.dle\r\n...two\r\n..\r\nend\r\n.\r\n");
        assertThat(stuffed("plain\r\n")).isEqualTo("plain\r\n.\r\n");
        assertThat(stuffed("")).isEqualTo(".\r\n");
        assertThat(stuffed("a\r\n.")).isEqualTo("a\r\n..\r\n.\r\n");
    }

    private static String stuffed(String s) {
        return new String(SmtpClient.dotStuffed(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
