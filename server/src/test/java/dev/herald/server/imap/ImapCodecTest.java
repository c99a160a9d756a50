package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapFrame;
import dev.herald.server.imap.codec.ImapFrameDecoder;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.ImapParser;
import dev.herald.server.imap.codec.ImapWriter;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.mime.FetchRenderer;
import dev.herald.server.imap.mime.MimeIndex;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IMAP codec on byte fixtures: framing, literals, tokens, ENVELOPE, BODYSTRUCTURE, sections. */
class ImapCodecTest {
    private static List<Object> feed(EmbeddedChannel ch, String s) {
        ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
        var out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        return out;
    }

    private static ImapCommand parse(String line) throws ImapParseException {
        return ImapParser.parse(List.of(line));
    }

    @Test
    void synchronizingLiteralWaitsForContinuationAndNonSynchronizingDoesNot() throws Exception {
        var d = new ImapFrameDecoder(8192, 100);
        var ch = new EmbeddedChannel(d);
        var out = feed(ch, "a1 LOGIN {5}\r\n");
        assertThat(out).containsExactly(new ImapFrame.NeedContinuation(5));
        assertThat(feed(ch, "alice {4+}\r\npass\r\n")).isEmpty(); // waiting for the session's "+"
        d.continueLiteral();
        out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        assertThat(out).hasSize(1);
        var c = ImapParser.parse(((ImapFrame.Command) out.get(0)).pieces());
        assertThat(c.name()).isEqualTo("LOGIN");
        assertThat(c.string(0)).isEqualTo("alice");
        assertThat(c.string(1)).isEqualTo("pass");
    }

    @Test
    void oversizedLiteralsAreRefusedOrSkipped() {
        var d = new ImapFrameDecoder(8192, 10);
        var ch = new EmbeddedChannel(d);
        assertThat(feed(ch, "a2 APPEND INBOX {11}\r\n")).containsExactly(new ImapFrame.TooLong("a2", "literal of 11 octets"));
        var out = feed(ch, "a3 APPEND INBOX {20+}\r\n" + "x".repeat(20) + "\r\na4 NOOP\r\n");
        assertThat(out.get(0)).isEqualTo(new ImapFrame.TooLong("a3", "literal of 20 octets"));
        assertThat(ImapParserProbe.name(out.get(1))).isEqualTo("NOOP");
        assertThat(feed(ch, "a5 " + "X".repeat(9000) + "\r\na6 NOOP\r\n").get(0)).isInstanceOf(ImapFrame.TooLong.class);
    }

    @Test
    void tokens() throws Exception {
        var c = parse("t1 FETCH 1:*,7 (UID BODY.PEEK[HEADER.FIELDS (From \"To\")]<0.100> FLAGS)");
        assertThat(c.string(0)).isEqualTo("1:*,7");
        var items = ((Tok.ListTok) c.arg(1)).items();
        assertThat(items).extracting(Tok::toString).hasSize(3);
        assertThat(Tok.text(items.get(1))).isEqualTo("BODY.PEEK[HEADER.FIELDS (From \"To\")]<0.100>");
        var q = parse("t2 LOGIN \"we\\\\ird\\\"name\" \"\"");
        assertThat(q.string(0)).isEqualTo("we\\ird\"name");
        assertThat(q.string(1)).isEmpty();
        var nested = parse("t3 SEARCH OR (FROM a SUBJECT b) NOT (SEEN)");
        assertThat(nested.args()).hasSize(4);
        assertThat(((Tok.ListTok) nested.arg(1)).items()).hasSize(4);
        assertThatThrownBy(() -> parse("t4 LOGIN \"unterminated")).hasMessageContaining("unterminated quoted string");
        assertThatThrownBy(() -> parse("t5 LOGIN \"bad\\escape\"")).hasMessageContaining("invalid escape");
        assertThatThrownBy(() -> parse("t6 FETCH 1 (FLAGS")).hasMessageContaining("unterminated list");
        assertThatThrownBy(() -> parse("* NOOP")).hasMessageContaining("tag");
        assertThatThrownBy(() -> parse("t7")).hasMessageContaining("missing command");
    }

    @Test
    void stringsAreQuotedOrLiteralAsTheirContentRequires() {
        assertThat(new String(new ImapWriter().string("plain \"q\" \\").bytes(), StandardCharsets.UTF_8)).isEqualTo("\"plain \\\"q\\\" \\\\\"");
        assertThat(new String(new ImapWriter().string("Grüße").bytes(), StandardCharsets.UTF_8)).isEqualTo("{7}\r\nGrüße");
        assertThat(new String(new ImapWriter().string(null).bytes(), StandardCharsets.UTF_8)).isEqualTo("NIL");
    }

    @Test
    void envelopeAndBodystructureOfANestedMultipart() throws Exception {
        var raw = Files.readAllBytes(Path.of("src/test/resources/fixtures/nested.eml"));
        var index = MimeIndex.parse(raw);
        var env = new ImapWriter();
        FetchRenderer.envelope(env, raw, index);
        assertThat(new String(env.bytes(), StandardCharsets.UTF_8)).isEqualTo("(\"Sat, 21 Nov 2026 10:00:00 +0100\" "
                + "\"=?UTF-8?B?UmU6IFF1YXJ0YWw=?= report\" "
                + "((\"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\" NIL \"jm\" \"example.org\")) "
                + "((\"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\" NIL \"jm\" \"example.org\")) "
                + "((\"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\" NIL \"jm\" \"example.org\")) "
                + "((\"Agent, Support\" NIL \"support\" \"acme.com\")(NIL NIL \"team\" NIL)(NIL NIL \"a\" \"acme.com\")"
                + "(NIL NIL \"b\" \"acme.com\")(NIL NIL NIL NIL)) NIL NIL \"<parent@example.org>\" \"<nested@example.org>\")");
        var bs = new ImapWriter();
        FetchRenderer.structure(bs, raw, index, true);
        assertThat(new String(bs.bytes(), StandardCharsets.UTF_8)).isEqualTo("("
                + "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 28 2 NIL NIL NIL NIL)"
                + "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"inner\") NIL NIL NIL)"
                + "(\"APPLICATION\" \"PDF\" (\"NAME\" \"q.pdf\") NIL NIL \"BASE64\" 12 NIL (\"ATTACHMENT\" (\"FILENAME\" \"q.pdf\")) NIL NIL)"
                + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 57 (NIL \"forwarded\" ((NIL NIL \"inner\" \"example.org\")) "
                + "((NIL NIL \"inner\" \"example.org\")) ((NIL NIL \"inner\" \"example.org\")) NIL NIL NIL NIL NIL) "
                + "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL) "
                + "\"MIXED\" (\"BOUNDARY\" \"outer\") NIL NIL NIL)");
    }

    @Test
    void sectionsAndPartials() throws Exception {
        var raw = Files.readAllBytes(Path.of("src/test/resources/fixtures/nested.eml"));
        var index = MimeIndex.parse(raw);
        assertThat(text(FetchRenderer.section(raw, index, "1.1"))).isEqualTo("Hello =E2=9C=93\r\nsecond line");
        assertThat(text(FetchRenderer.section(raw, index, "1.2.MIME"))).isEqualTo("Content-Type: text/html; charset=utf-8\r\n\r\n");
        assertThat(text(FetchRenderer.section(raw, index, "2"))).isEqualTo("JVBERi0xLjQK");
        assertThat(text(FetchRenderer.section(raw, index, "3.HEADER"))).isEqualTo("From: inner@example.org\r\nSubject: forwarded\r\n\r\n");
        assertThat(text(FetchRenderer.section(raw, index, "3.TEXT"))).isEqualTo("inner body");
        assertThat(text(FetchRenderer.section(raw, index, "HEADER.FIELDS (SUBJECT message-id)")))
                .isEqualTo("Subject: =?UTF-8?B?UmU6IFF1YXJ0YWw=?= report\r\nMessage-ID: <nested@example.org>\r\n\r\n");
        assertThat(text(FetchRenderer.section(raw, index, "HEADER"))).startsWith("From: ").endsWith("boundary=\"outer\"\r\n\r\n");
        assertThat(text(FetchRenderer.section(raw, index, "TEXT"))).startsWith("preamble\r\n--outer").endsWith("epilogue\r\n");
        assertThat(FetchRenderer.section(raw, index, "9")).isEmpty();
        assertThat(FetchRenderer.section(raw, index, "")).isEqualTo(raw);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
