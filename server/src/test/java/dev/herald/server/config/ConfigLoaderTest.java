package dev.herald.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedFileIsTheDefault() {
        var c = ConfigLoader.load(Optional.empty(), Map.of());
        assertThat(c.httpPort()).isEqualTo(8025);
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.httpMaxBody()).isEqualTo(1024 * 1024);
        assertThat(c.httpWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.mailboxMaxTtl()).isEqualTo(Duration.ofDays(365));
        assertThat(c.hostname()).isNotBlank();
    }

    @Test
    void fileThenOverridesWin() throws Exception {
        var file = dir.resolve("herald.conf");
        Files.writeString(file, "# mine\nhttp.port = 9000\nserver.hostname = mx.example.net\ndns.resolver = 127.0.0.1:5353\n");
        var c = ConfigLoader.load(Optional.of(file), Map.of("http.port", "9100"));
        assertThat(c.httpPort()).isEqualTo(9100);
        assertThat(c.hostname()).isEqualTo("mx.example.net");
        assertThat(c.dnsResolver()).isEqualTo("127.0.0.1:5353");
    }

    @Test
    void badConfigIsRefusedByName() throws Exception {
        var file = dir.resolve("bad.conf");
        Files.writeString(file, "http.prot = 9000\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting http.prot in " + file);
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("missing.conf")), Map.of()))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("http.port", "eighty")))
                .hasMessageContaining("http.port").hasMessageContaining("'eighty'");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("http.port", "70000")))
                .hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("dns.timeout", "soon")))
                .hasMessageContaining("dns.timeout").hasMessageContaining("not a duration");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("http.max_body", "lots")))
                .hasMessageContaining("http.max_body");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("dns.spf", "mx -all")))
                .hasMessageContaining("must start with v=spf1");
    }

    @Test
    void units() {
        assertThat(Units.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Units.duration("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(Units.duration("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.bytes("512KiB")).isEqualTo(512 * 1024);
        assertThat(Units.bytes("25MiB")).isEqualTo(25L * 1024 * 1024);
        assertThat(Units.bytes("100")).isEqualTo(100);
    }
}
