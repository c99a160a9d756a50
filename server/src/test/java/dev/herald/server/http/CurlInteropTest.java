package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interop: the API driven by curl, as an admin's script would. Runs when curl is installed; says so when skipped. */
class CurlInteropTest {
    @TempDir
    Path data;

    @Test
    void provisionWithCurl() throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/curl"));
        if (!present) {
            System.err.println("*** SKIPPED CurlInteropTest: curl is not installed (apt-get install curl) ***");
        }
        assumeTrue(present, "curl is not installed");
        try (var herald = TestHerald.start(data)) {
            var auth = "Authorization: Bearer " + herald.adminKey();
            var created = curl(herald, "-H", auth, "-H", "Content-Type: application/json", "-d", "{\"name\":\"curlco\"}",
                    herald.url() + "/v1/tenants");
            assertThat(created).startsWith("201 ");
            assertThat(TestApi.JSON.readTree(created.substring(4)).get("name").asText()).isEqualTo("curlco");

            var dup = curl(herald, "-H", auth, "-d", "{\"name\":\"curlco\"}", herald.url() + "/v1/tenants");
            assertThat(dup).startsWith("409 ").contains("\"message\":\"tenant 'curlco' already exists\"");
            assertThat(curl(herald, herald.url() + "/v1/tenants")).startsWith("401 ");
            assertThat(curl(herald, herald.url() + "/healthz")).isEqualTo("200 {\"status\":\"ok\"}");
        }
    }

    /** Runs curl; returns "STATUS BODY". */
    private static String curl(TestHerald herald, String... args) throws Exception {
        var cmd = new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return out.substring(nl + 1) + " " + out.substring(0, nl);
    }
}
