package dev.herald.server.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.server.dns.DomainDnsRecords;
import dev.herald.storage.model.DkimKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM signatures Herald makes, checked by an independent verifier: dkimpy (Debian's python3-dkim),
 * given exactly the TXT record Herald tells the admin to publish. Both selectors are checked, as
 * before and after a rotation. Runs when python3-dkim is installed (.ci/run installs it).
 */
class DkimSigningTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String MESSAGE = "From: \"Support Bot\" <bot@support-bot.acme.com>\r\n"
            + "To: customer@example.org\r\nCc: audit@example.org\r\nSubject: Your ticket   #42\r\n"
            + "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <t42@support-bot.acme.com>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            + "List-Unsubscribe: <https://herald.example/u/abc>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            + "\r\nHello,  \r\nyour ticket is fixed — grüße.\r\n\r\n\r\n";

    @TempDir
    Path dir;

    @Test
    void signaturesVerifyWithAnIndependentVerifierForBothSelectors() throws Exception {
        boolean dkimpy = Files.isExecutable(PYTHON) && run("import dkim").isEmpty();
        if (!dkimpy) {
            System.err.println("*** SKIPPED DkimSigningTest: dkimpy is not installed (apt-get install python3-dkim) ***");
        }
        assumeTrue(dkimpy, "python3-dkim is not installed");
        var keys = DkimKeyGenerator.forNewDomain();
        for (var k : keys) { // herald1 signs until the rotation, herald2 after it
            var key = new DkimKey(1, 1, k.selector(), k.privateKey(), k.publicKey(), true, Instant.now());
            var signed = DkimSigning.sign(MESSAGE.getBytes(StandardCharsets.UTF_8), "support-bot.acme.com", key);
            var text = new String(signed, StandardCharsets.UTF_8);
            assertThat(text).startsWith("DKIM-Signature: ").contains("s=" + k.selector()).contains("d=support-bot.acme.com")
                    .contains("c=relaxed/relaxed").contains("a=rsa-sha256");
            var signedHeaders = text.substring(text.indexOf("h=") + 2, text.indexOf(';', text.indexOf("h="))).replaceAll("\\s", "")
                    .toLowerCase();
            assertThat(signedHeaders.split(":")).contains("from", "to", "cc", "subject", "date", "message-id", "mime-version",
                    "content-type", "list-unsubscribe", "list-unsubscribe-post");
            assertThat(text).endsWith(MESSAGE.substring(MESSAGE.indexOf("From:"))); // the message itself is unchanged below

            var record = DomainDnsRecords.dkimValue(k.publicKey());
            assertThat(verify(signed, k.selector(), record)).as("dkimpy verifies " + k.selector()).isEqualTo("True");
            var tampered = text.replace("your ticket is fixed", "your ticket is closed").getBytes(StandardCharsets.UTF_8);
            assertThat(verify(tampered, k.selector(), record)).as("a changed body fails").isEqualTo("False");
        }
    }

    /** dkimpy's verdict on a message, with its DNS lookup answered by the record Herald prints. */
    private String verify(byte[] message, String selector, String record) throws Exception {
        var file = dir.resolve(selector + ".eml");
        Files.write(file, message);
        return run("import dkim,sys\n"
                + "rec = " + pyBytes(record) + "\n"
                + "name = b'" + selector + "._domainkey.support-bot.acme.com.'\n"
                + "dns = lambda n, timeout=5: rec if n == name else None\n"
                + "print(dkim.verify(open(" + pyBytes(file.toString()) + ", 'rb').read(), dnsfunc=dns))\n");
    }

    private static String pyBytes(String s) {
        return "b'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String run(String script) throws Exception {
        var p = new ProcessBuilder(PYTHON.toString(), "-c", script).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(60, TimeUnit.SECONDS);
        return p.exitValue() == 0 ? out : "ERROR: " + out;
    }
}
