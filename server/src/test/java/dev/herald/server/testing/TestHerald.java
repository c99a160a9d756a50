package dev.herald.server.testing;

import dev.herald.server.Herald;
import dev.herald.server.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A real Herald on loopback with ephemeral ports and its own data directory, for integration tests. */
public final class TestHerald implements AutoCloseable {
    private final Path dataDir;
    private final Map<String, String> settings;
    private final java.time.Clock clock;
    private Herald herald;

    private TestHerald(Path dataDir, Map<String, String> settings, java.time.Clock clock) {
        this.dataDir = dataDir;
        this.settings = settings;
        this.clock = clock;
        start();
    }

    public static TestHerald start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /** @param settings extra config settings, as with {@code serve --set} */
    public static TestHerald start(Path dataDir, Map<String, String> settings) {
        return new TestHerald(dataDir, settings, java.time.Clock.systemUTC());
    }

    /** With a clock the test moves (e.g. a {@link TestClock} to simulate the following days). */
    public static TestHerald start(Path dataDir, Map<String, String> settings, java.time.Clock clock) {
        return new TestHerald(dataDir, settings, clock);
    }

    private void start() {
        var overrides = new HashMap<String, String>();
        overrides.put("data.dir", dataDir.toString());
        overrides.put("http.port", "0");
        overrides.put("smtp.mx.port", "0");
        overrides.put("smtp.submission.port", "0");
        overrides.put("smtp.submissions.port", "0");
        overrides.put("imap.port", "0");
        overrides.put("imaps.port", "0");
        overrides.put("outbound.enabled", "false"); // tests of outbound delivery turn it on
        overrides.put("outbound.poll_interval", "200ms");
        overrides.put("server.hostname", "mx.herald.test");
        overrides.putAll(settings);
        herald = Herald.start(ConfigLoader.load(Optional.empty(), overrides), clock);
    }

    /** Stops and starts again on the same data directory (a new ephemeral port). */
    public void restart() {
        herald.close();
        start();
    }

    /** Stops, does {@code whileStopped} (e.g. edits the database as an intruder would), starts again. */
    public void restartAfter(Runnable whileStopped) {
        herald.close();
        whileStopped.run();
        start();
    }

    public void stop() {
        herald.close();
    }

    public String url() {
        return "http://127.0.0.1:" + herald.httpPort();
    }

    public int smtpPort(dev.herald.server.smtp.session.Listener listener) {
        return herald.smtpPort(listener);
    }

    public int imapPort(boolean tls) {
        return herald.imapPort(tls);
    }

    public Path dataDir() {
        return dataDir;
    }

    public String adminKey() {
        try {
            return Files.readString(herald.adminKeyFile()).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestApi admin() {
        return new TestApi(url(), adminKey());
    }

    public TestApi as(String key) {
        return new TestApi(url(), key);
    }

    @Override
    public void close() {
        herald.close();
    }
}
