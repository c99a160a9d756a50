package dev.herald.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.policy.BounceReport.Kind;
import java.io.IOException;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Real-world-shaped bounce reports (test/resources/bounces): what each one means for the sender. */
class BounceReportTest {
    private static BounceReport parse(String fixture) throws IOException {
        try (var in = Objects.requireNonNull(BounceReportTest.class.getResourceAsStream("/bounces/" + fixture), fixture)) {
            return BounceReport.parse(in.readAllBytes());
        }
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
