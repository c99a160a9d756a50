package dev.herald.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.server.smtp.codec.MailPath;
import dev.herald.server.smtp.codec.SmtpCommand;
import dev.herald.server.smtp.codec.SmtpCommandParser;
import dev.herald.server.smtp.codec.SmtpFrameDecoder;
import dev.herald.server.smtp.codec.SmtpInput;
import dev.herald.server.smtp.codec.SmtpSyntaxException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmtpCodecTest {
    private static List<Object> feed(SmtpFrameDecoder decoder, EmbeddedChannel ch, String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        var out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        return out;
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        var out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        return out;
    }

    private static String body(Object o) {
        return new String(((SmtpInput.DataBody) o).body(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesAreSplitOnLfWithOrWithoutCr() {
        var d = new SmtpFrameDecoder(512, 1000, 1 << 20);
        var ch = new EmbeddedChannel(d);
        assertThat(feed(d, ch, "EHLO a\r\nNOOP\nQU")).containsExactly(new SmtpInput.Line("EHLO a"), new SmtpInput.Line("NOOP"));
        assertThat(feed(d, ch, "IT\r\n")).containsExactly(new SmtpInput.Line("QUIT"));
    }

    @Test
    void dataEndsOnlyAtCrLfDotCrLf() {
        var d = new SmtpFrameDecoder(512, 1000, 1 << 20);
        var ch = new EmbeddedChannel(d);
        d.expectData();
        // Smuggling attempts: bare LF before the dot, bare LF after the dot, bare CR before the dot.
        var out = feed(d, ch, "a\r\n\n.\nMAIL FROM:<x@y>\r\nb\r\r.\r\nc\n.\r\n..stuffed\r\n.\r\nNOOP\r\n");
        assertThat(out).hasSize(2);
        assertThat(body(out.get(0))).isEqualTo("a\r\n\n.\nMAIL FROM:<x@y>\r\nb\r\r.\r\nc\n.\r\n.stuffed\r\n");
        assertThat(out.get(1)).isEqualTo(new SmtpInput.Line("NOOP"));
    }

    @Test
    void dataFedOneByteAtATimeGivesTheSameResult() {
        var d = new SmtpFrameDecoder(512, 1000, 1 << 20);
        var ch = new EmbeddedChannel(d);
        d.expectData();
        var wire = "a\r\n\n.\nX\r\nb\r\r.\r\n.\rY\r\n..stuffed\r\n.\r\nNOOP\r\n";
        var out = new ArrayList<Object>();
        for (char c : wire.toCharArray()) {
            out.addAll(feed(d, ch, String.valueOf(c)));
        }
        assertThat(out).hasSize(2);
        assertThat(body(out.get(0))).isEqualTo("a\r\n\n.\nX\r\nb\r\r.\r\n\rY\r\n.stuffed\r\n");
        assertThat(((SmtpInput.DataBody) out.get(0)).size()).isEqualTo(body(out.get(0)).length());
        assertThat(out.get(1)).isEqualTo(new SmtpInput.Line("NOOP"));
    }

    @Test
    void dataSplitAcrossReadsAndEmptyBody() {
        var d = new SmtpFrameDecoder(512, 1000, 1 << 20);
        var ch = new EmbeddedChannel(d);
        d.expectData();
        assertThat(feed(d, ch, "Subject: x\r\n\r\nhi\r\n.")).isEmpty();
        var out = feed(d, ch, "\r\n");
        assertThat(body(out.get(0))).isEqualTo("Subject: x\r\n\r\nhi\r\n");
        d.expectData();
        assertThat(body(feed(d, ch, ".\r\n").get(0))).isEmpty();
    }

    @Test
    void limitsAreReportedNotEnforcedByDroppingTheConnection() {
        var d = new SmtpFrameDecoder(20, 10, 30);
        var ch = new EmbeddedChannel(d);
        assertThat(feed(d, ch, "NOOP " + "x".repeat(40) + "\r\nNOOP\r\n"))
                .containsExactly(new SmtpInput.LineTooLong(), new SmtpInput.Line("NOOP"));
        d.expectData();
        var big = (SmtpInput.DataBody) feed(d, ch, "0123456789abc\r\n" + "y".repeat(40) + "\r\n.\r\n").get(0);
        assertThat(big.tooBig()).isTrue();
        assertThat(big.lineTooLong()).isTrue();
        assertThat(big.body()).isEmpty();
        assertThat(big.size()).isEqualTo(57);
    }

    @Test
    void bdatChunksAreReadByCountEvenWithCommandsPipelinedBehind() {
        var d = new SmtpFrameDecoder(512, 1000, 1 << 20);
        var ch = new EmbeddedChannel(d);
        var out = feed(d, ch, "BDAT 5\r\nab\r\ncBDAT 3 LAST\r\nxyzQUIT\r\n");
        assertThat(out).hasSize(5);
        assertThat(out.get(0)).isEqualTo(new SmtpInput.Line("BDAT 5"));
        assertThat(new String(((SmtpInput.BdatChunk) out.get(1)).bytes(), StandardCharsets.US_ASCII)).isEqualTo("ab\r\nc");
        assertThat(out.get(2)).isEqualTo(new SmtpInput.Line("BDAT 3 LAST"));
        assertThat(new String(((SmtpInput.BdatChunk) out.get(3)).bytes(), StandardCharsets.US_ASCII)).isEqualTo("xyz");
        assertThat(out.get(4)).isEqualTo(new SmtpInput.Line("QUIT"));
    }

    @Test
    void pausedDecoderHoldsPipelinedCommandsAndDiscardDropsThem() {
        var d = new SmtpFrameDecoder(512, 1000, 1 << 20);
        var ch = new EmbeddedChannel(d);
        d.pause();
        assertThat(feed(d, ch, "NOOP\r\nRSET\r\n")).isEmpty();
        d.discardBuffered();
        ch.runPendingTasks();
        d.resume();
        assertThat(drain(ch)).as("what was buffered is gone").isEmpty();
        assertThat(feed(d, ch, "QUIT\r\n")).as("what comes after is read").containsExactly(new SmtpInput.Line("QUIT"));
    }

    @Test
    void parsesCommands() throws Exception {
        assertThat(SmtpCommandParser.parse("ehlo client.example")).isEqualTo(new SmtpCommand.Helo("client.example", true));
        var mail = (SmtpCommand.Mail) SmtpCommandParser.parse("MAIL FROM:<a@B.example> SIZE=1000 BODY=8BITMIME");
        assertThat(mail.path().address()).isEqualTo("a@b.example");
        assertThat(mail.params()).isEqualTo(Map.of("SIZE", "1000", "BODY", "8BITMIME"));
        assertThat(((SmtpCommand.Mail) SmtpCommandParser.parse("MAIL FROM:<>")).path()).isEqualTo(MailPath.NULL);
        assertThat(((SmtpCommand.Mail) SmtpCommandParser.parse("MAIL FROM: <a@b.example>")).path().address()).isEqualTo("a@b.example");
        var rcpt = (SmtpCommand.Rcpt) SmtpCommandParser.parse("RCPT TO:<@relay.example,@r2.example:user@c.example> NOTIFY=SUCCESS,FAILURE");
        assertThat(rcpt.path().address()).isEqualTo("user@c.example");
        assertThat(rcpt.params()).containsEntry("NOTIFY", "SUCCESS,FAILURE");
        var quoted = (SmtpCommand.Rcpt) SmtpCommandParser.parse("RCPT TO:<\"evil@other.example\"@acme.example>");
        assertThat(quoted.path().quoted()).isTrue();
        assertThat(quoted.path().domain()).isEqualTo("acme.example");
        var literal = (SmtpCommand.Rcpt) SmtpCommandParser.parse("RCPT TO:<user@[127.0.0.1]>");
        assertThat(literal.path().addressLiteral()).isTrue();
        var utf8 = (SmtpCommand.Rcpt) SmtpCommandParser.parse("RCPT TO:<用户@例子.example>");
        assertThat(utf8.path().localPart()).isEqualTo("用户");
        assertThat(SmtpCommandParser.parse("BDAT 100 LAST")).isEqualTo(new SmtpCommand.Bdat(100, true));
        assertThat(SmtpCommandParser.parse("AUTH plain dGVzdA==")).isEqualTo(new SmtpCommand.Auth("PLAIN", java.util.Optional.of("dGVzdA==")));
        assertThat(SmtpCommandParser.parse("EXPN staff")).isEqualTo(new SmtpCommand.Unknown("EXPN"));
    }

    @Test
    void syntaxErrorsCarryTheirReply() {
        assertCode("MAIL FROM:a@b.example", 501, "5.1.7");
        assertCode("MAIL TO:<a@b.example>", 500, "5.5.2");
        assertCode("RCPT TO:<>", 501, "5.1.3");
        assertCode("RCPT TO:<no-at-sign>", 501, "5.1.3");
        assertCode("RCPT TO:<a@b.example", 501, "5.1.3");
        assertCode("RCPT TO:<a..b@b.example>", 501, "5.1.3");
        assertCode("MAIL FROM:<a@b.example> SIZE=1=2", 501, "5.5.4");
        assertCode("BDAT lots", 501, "5.5.4");
        assertCode("DATA now", 501, "5.5.4");
        assertCode("HELO", 501, "5.5.4");
        assertCode("EHLO evil\rX-Injected: yes", 501, "5.5.4");
        assertCode("EHLO evil\u000bX", 501, "5.5.4");
    }

    private static void assertCode(String line, int code, String enhanced) {
        assertThatThrownBy(() -> SmtpCommandParser.parse(line)).as(line).isInstanceOfSatisfying(SmtpSyntaxException.class, e -> {
            assertThat(e.reply().code()).isEqualTo(code);
            assertThat(e.reply().enhanced()).isEqualTo(enhanced);
        });
    }
}
