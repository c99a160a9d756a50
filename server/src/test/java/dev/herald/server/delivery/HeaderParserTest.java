package dev.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeaderParserTest {
    @Test
    void readsTheIndexedFields() {
        var h = HeaderParser.parse(("Message-ID: <a@b.example>\r\nIn-Reply-To: <p@b.example> (comment)\r\n"
                + "References: <r1@b.example>\r\n <p@b.example>\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= again\r\n"
                + "From: \"Agent, The\" <Agent@B.Example>\r\nTo: x@y.example, Group: a@c.example, b@c.example;\r\n"
                + "Date: Sat, 21 Nov 2026 10:00:00 +0100\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8));
        var f = h.fields();
        assertThat(f.messageId()).contains("<a@b.example>");
        assertThat(f.inReplyTo()).contains("<p@b.example>");
        assertThat(f.references()).containsExactly("<r1@b.example>", "<p@b.example>");
        assertThat(f.subject()).contains("Grüße again");
        assertThat(h.fromAddresses()).containsExactly("Agent@b.example");
        assertThat(f.date()).contains(Instant.parse("2026-11-21T09:00:00Z"));
        assertThat(h.hasMessageId()).isTrue();
    }

    @Test
    void brokenInputGivesEmptyValuesNotErrors() {
        for (var raw : new String[] {"", "no header at all", "Subject\r\n\r\n", "From: <<<@@@>>>\r\nDate: yesterday\r\n\r\n",
                "\u0000\u0001\u0002\r\n\r\n", "Subject: =?bogus?X?abc?=\nFrom: a@b.example\n\nbare LF message\n"}) {
            var h = HeaderParser.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(h.fields().date()).as(raw).isEmpty();
            assertThat(h.fields().messageId()).as(raw).isEmpty();
        }
        assertThat(HeaderParser.parse("Subject: =?bogus?X?abc?=\nFrom: a@b.example\n\nx\n".getBytes(StandardCharsets.US_ASCII))
                .fromAddresses()).containsExactly("a@b.example");
    }

    @Test
    void baseSubjects() {
        assertThat(Subjects.base("Re: RE[2]: Fwd: [team] AW: Hello   world (fwd)")).isEqualTo(new Subjects.Base("hello world", true));
        assertThat(Subjects.base("[list] Hello")).isEqualTo(new Subjects.Base("hello", false));
        assertThat(Subjects.base("Hello")).isEqualTo(new Subjects.Base("hello", false));
        assertThat(Subjects.base("Re:")).isEqualTo(new Subjects.Base("", true));
    }
}
