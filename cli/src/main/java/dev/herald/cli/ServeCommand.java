package dev.herald.cli;

import dev.herald.server.Herald;
import dev.herald.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Run Herald until Ctrl-C (or SIGTERM), which stops it cleanly.", mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "config file (default: conf/herald.conf when present)")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory (env HERALD_DATA; setting data.dir)")
    Path data;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "address every listener binds to (setting bind.address)")
    String bind;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP API port, 0 for any free one (setting http.port)")
    Integer httpPort;

    @Option(names = "--hostname", paramLabel = "NAME", description = "this server's public name (setting server.hostname)")
    String hostname;

    @Option(names = "--dns-resolver", paramLabel = "HOST[:PORT]", description = "DNS server for MX lookups and domain verify (setting dns.resolver)")
    String dnsResolver;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any setting of conf/herald.conf")
    List<String> settings = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        var overrides = new LinkedHashMap<String, String>();
        var envData = System.getenv("HERALD_DATA");
        if (envData != null && !envData.isBlank()) {
            overrides.put("data.dir", envData);
        }
        for (var s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CliException("--set expects KEY=VALUE, got '" + s + "'");
            }
            overrides.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        putIfSet(overrides, "data.dir", data == null ? null : data.toString());
        putIfSet(overrides, "bind.address", bind);
        putIfSet(overrides, "http.port", httpPort == null ? null : httpPort.toString());
        putIfSet(overrides, "server.hostname", hostname);
        putIfSet(overrides, "dns.resolver", dnsResolver);

        var herald = Herald.start(ConfigLoader.load(Locations.configFile(config), overrides));
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            herald.close();
            stopped.countDown();
        }, "herald-shutdown"));
        var out = spec.commandLine().getOut();
        out.println("Herald is running. HTTP API: http://" + herald.config().bindAddress() + ":" + herald.httpPort()
                + "  admin key: " + herald.adminKeyFile() + "  (Ctrl-C stops it)");
        out.flush();
        stopped.await();
        return 0;
    }

    private static void putIfSet(LinkedHashMap<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
