package dev.herald.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.policy.BounceReport.Kind;
import java.io.IOException;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Real-world-shaped bounce reports (test/resources/bounces): what each one means for the sender. */
class BounceReportTest {
    private static BounceReport parse(String fixture) throws IOException {
        return parse(fixture, "");
    }

    /** As the server reads it: the VERP address already names the recipient the report must be about. */
    private static BounceReport parse(String fixture, String recipient) throws IOException {
        try (var in = Objects.requireNonNull(BounceReportTest.class.getResourceAsStream("/bounces/" + fixture), fixture)) {
            return BounceReport.parse(in.readAllBytes(), recipient);
        }
    }

    @Test
    void aReportAboutSeveralRecipientsIsReadForOursAlone() throws IOException {
        var ours = parse("multi-recipient.eml", "lead7@sink.example");
        assertThat(ours.kind()).as("matched through Original-Recipient, case aside").isEqualTo(Kind.HARD);
        assertThat(ours.status()).contains("5.1.1");
        assertThat(ours.diagnostic().orElseThrow()).contains("Recipient address rejected");
        assertThat(parse("multi-recipient.eml", "team-lead@sink.example").kind()).as("the delayed one").isEqualTo(Kind.TRANSIENT);
        assertThat(parse("multi-recipient.eml", "someone-else@sink.example").kind()).as("the delivered one").isEqualTo(Kind.TRANSIENT);
        assertThat(parse("multi-recipient.eml", "nobody@sink.example").kind()).as("not named: the failure in it").isEqualTo(Kind.HARD);
    }

    @Test
    void qmailsPlainTextBounceCarriesItsCodeInParentheses() throws IOException {
        var r = parse("qmail-no-dsn.eml", "lead9@sink.example");
        assertThat(r.kind()).isEqualTo(Kind.HARD);
        assertThat(r.status()).contains("5.1.1");
    }

    @Test
    void aFailureWithoutStatusIsJudgedByItsDiagnostic() throws IOException {
        var r = parse("missing-status.eml", "gone3@sink.example");
        assertThat(r.kind()).as("a bare 550 user unknown: the address").isEqualTo(Kind.HARD);
        assertThat(r.diagnostic()).contains("smtp; 550 User unknown in local recipient table");
    }

    @Test
    void aFullMailboxIsPermanentButNotAReasonToSuppress() throws IOException {
        var r = parse("mailbox-full.eml", "full@outlook.example");
        assertThat(r.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(r.status()).contains("5.2.2");
    }

    @Test
    void gmailsNoSuchAccountIsAHardBounceWithItsFoldedDiagnostic() throws IOException {
        var r = parse("gmail-hard.eml");
        assertThat(r.kind()).isEqualTo(Kind.HARD);
        assertThat(r.status()).contains("5.1.1");
        assertThat(r.diagnostic()).contains("smtp; 550-5.1.1 The email account that you tried to reach does not exist. "
                + "Please try double-checking the recipient's email address.");
    }

    @Test
    void outlooksLowerCaseFieldsAndAPolicyRefusal() throws IOException {
        var r = parse("outlook-policy.eml");
        assertThat(r.kind()).as("a refusal of the content, not the address").isEqualTo(Kind.PERMANENT);
        assertThat(r.status()).contains("5.7.1");
    }

    @Test
    void yahoosDelayIsTransient() throws IOException {
        assertThat(parse("yahoo-delayed.eml").kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void aReportWithoutADeliveryStatusIsUnparsedNotAnError() throws IOException {
        var r = parse("no-status.eml");
        assertThat(r.kind()).isEqualTo(Kind.UNPARSED);
        assertThat(r.status()).isEmpty();
        assertThat(BounceReport.parse(new byte[0]).kind()).isEqualTo(Kind.UNPARSED);
    }
}
