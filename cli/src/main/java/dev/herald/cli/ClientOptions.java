package dev.herald.cli;

import dev.herald.server.config.ConfigLoader;
import dev.herald.storage.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import picocli.CommandLine.Option;

/**
 * How an admin verb finds the server and its key: flags, then environment, then the config file and
 * the data directory's {@code admin.key} (so on the server's own machine no flag is needed).
 */
final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL", description = "Herald's HTTP API (env HERALD_URL; default from the config: http://<bind.address>:<http.port>)")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key (env HERALD_API_KEY; default: the admin.key in the data directory)")
    String apiKey;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory holding admin.key (env HERALD_DATA; default from the config)")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "config file (default: conf/herald.conf)")
    Path config;

    @Option(names = "--json", description = "print the API's JSON instead of text")
    boolean json;

    ApiClient client() {
        return new ApiClient(resolveUrl(), resolveKey());
    }

    private String resolveUrl() {
        if (url != null) {
            return url;
        }
        var env = System.getenv("HERALD_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        var conf = config();
        var host = conf.bindAddress();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + conf.httpPort();
    }

    private String resolveKey() {
        if (apiKey != null) {
            return apiKey;
        }
        var env = System.getenv("HERALD_API_KEY");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        var dataDir = data != null ? data : envData().orElseGet(() -> config().dataDir());
        var file = dataDir.resolve(DataDirectory.ADMIN_KEY_FILE);
        if (Files.isReadable(file)) {
            try {
                return Files.readString(file).trim();
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage());
            }
        }
        throw new CliException("no API key: pass --api-key, set HERALD_API_KEY, or run where " + file + " is readable");
    }

    private static java.util.Optional<Path> envData() {
        var env = System.getenv("HERALD_DATA");
        return env == null || env.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(env));
    }

    private dev.herald.server.config.HeraldConfig config() {
        return ConfigLoader.load(Locations.configFile(config), new HashMap<>());
    }
}
