package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.TestHerald;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed request gets an answer in the API's JSON error format, and what was pipelined
 * behind it on the connection is still answered: bad %-escapes in the path or the query, numbers
 * that are not numbers, an over-long request line, a body over http.max_body.
 */
class MalformedRequestTest {
    @TempDir
    static Path dir;
    static TestHerald h;
    static int port;

    @BeforeAll
    static void start() {
        h = TestHerald.start(dir, Map.of("http.max_body", "64KiB"));
        port = Integer.parseInt(h.url().substring(h.url().lastIndexOf(':') + 1));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private record Reply(int status, String body) {
    }

    /** Writes the raw bytes at once and reads {@code count} responses (Content-Length framed). */
    private static List<Reply> exchange(String raw, int count) throws IOException {
        try (var s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            var in = s.getInputStream();
            var out = new ArrayList<Reply>();
            for (int i = 0; i < count; i++) {
                out.add(read(in));
            }
            return out;
        }
    }

    private static Reply read(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int prev3 = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before a response: " + head);
            }
            head.write(b);
            prev3 = (prev3 << 8 | b) & 0xffffffff;
            if (prev3 == 0x0d0a0d0a) {
                break;
            }
        }
        var text = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(text.substring(9, 12));
        int length = 0;
        for (var line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new Reply(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private static String get(String target, boolean withKey) {
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + (withKey ? "Authorization: Bearer " + h.adminKey() + "\r\n" : "") + "\r\n";
    }

    @Test
    void aBadEscapeInThePathIsA400AndWhatFollowsIsStillAnswered() throws IOException {
        var replies = exchange(get("/v1/mailboxes/%ZZ/messages", false) + get("/healthz", false), 2);
        assertThat(replies.get(0).status()).isEqualTo(400);
        assertThat(replies.get(0).body()).contains("\"code\":\"invalid\"").contains("malformed");
        assertThat(replies.get(1).status()).isEqualTo(200);
    }

    @Test
    void aBadEscapeInTheQueryIsA400() throws IOException {
        var replies = exchange(get("/v1/stats?window=%ZZ", true) + get("/v1/tenants", true), 2);
        assertThat(replies.get(0).status()).isEqualTo(400);
        assertThat(replies.get(0).body()).startsWith("{\"error\":");
        assertThat(replies.get(1).status()).isEqualTo(200);
    }

    @Test
    void aNumberThatIsNotANumberIsA400() throws IOException {
        var r = exchange(get("/v1/audit?after=abc", true), 1).get(0);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("after must be a whole number");
    }

    @Test
    void anOverLongRequestLineIsA414InJson() throws IOException {
        var r = exchange(get("/v1/tenants?x=" + "a".repeat(20_000), true), 1).get(0);
        assertThat(r.status()).isEqualTo(414);
        assertThat(r.body()).startsWith("{\"error\":");
    }

    @Test
    void aBodyOverTheLimitIsA413InJson() throws IOException {
        var body = "{\"name\":\"" + "x".repeat(70_000) + "\"}";
        var r = exchange("POST /v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + h.adminKey()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, 1).get(0);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":\"too_large\"").contains("http.max_body");
    }
}
