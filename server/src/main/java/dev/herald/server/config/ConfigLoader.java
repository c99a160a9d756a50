package dev.herald.server.config;

import dev.herald.server.auth.LoginThrottle;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads the configuration: built-in defaults (the documented {@code conf/herald.conf}, bundled in
 * the jar), then a config file, then overrides from the environment and command line. Every key
 * must be one the defaults know, so a typo is an error rather than a silently ignored setting.
 */
public final class ConfigLoader {
    private static final String BUNDLED = "herald.conf";

    private ConfigLoader() {
    }

    /** The built-in defaults, for tests and for {@code serve} without a config file. */
    public static Map<String, String> defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("the bundled " + BUNDLED + " is missing from the jar");
            }
            return read(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled " + BUNDLED, e);
        }
    }

    /**
     * @param file      a config file, if one is given or found
     * @param overrides settings from the environment and command line, applied last
     */
    public static HeraldConfig load(Optional<Path> file, Map<String, String> overrides) {
        var values = new LinkedHashMap<>(defaults());
        if (file.isPresent()) {
            var path = file.get();
            if (!Files.isRegularFile(path)) {
                throw new ConfigException("config file " + path + " does not exist");
            }
            try (var reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                merge(values, read(reader), path.toString());
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + path + ": " + e.getMessage());
            }
        }
        merge(values, overrides, "the command line");
        return build(values);
    }

    private static Map<String, String> read(Reader reader) throws IOException {
        var props = new Properties();
        props.load(reader);
        var out = new LinkedHashMap<String, String>();
        props.stringPropertyNames().forEach(k -> out.put(k.trim(), props.getProperty(k).trim()));
        return out;
    }

    private static void merge(Map<String, String> values, Map<String, String> more, String where) {
        var unknown = new TreeSet<String>();
        more.forEach((k, v) -> {
            if (!values.containsKey(k)) {
                unknown.add(k);
            } else {
                values.put(k, v);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown setting " + String.join(", ", unknown) + " in " + where
                    + " (every setting is listed in conf/herald.conf)");
        }
    }

    private static HeraldConfig build(Map<String, String> v) {
        var hostname = v.get("server.hostname");
        return new HeraldConfig(
                hostname.isEmpty() ? localHostname() : hostname,
                nonEmpty(v, "bind.address"),
                Path.of(nonEmpty(v, "data.dir")),
                port(v, "http.port"),
                (int) typed(v, "http.max_body", Units::bytes, 1024, 64L * 1024 * 1024),
                workers((int) typed(v, "http.workers", Long::parseLong, 0, 256)),
                duration(v, "http.idle_timeout"),
                nonEmpty(v, "dns.resolver"),
                duration(v, "dns.timeout"),
                (int) typed(v, "dns.record_ttl", Long::parseLong, 60, 604_800),
                startsWith(v, "dns.spf", "v=spf1"),
                startsWith(v, "dns.dmarc", "v=DMARC1"),
                duration(v, "mailbox.reaper_interval"),
                duration(v, "mailbox.max_ttl"),
                port(v, "smtp.mx.port"),
                port(v, "smtp.submission.port"),
                port(v, "smtp.submissions.port"),
                optionalPath(v, "tls.certificate"),
                optionalPath(v, "tls.key"),
                typed(v, "smtp.max_message_size", Units::bytes, 1024, 1L << 31),
                (int) typed(v, "smtp.max_recipients", Long::parseLong, 1, 100_000),
                (int) typed(v, "smtp.max_command_line", Units::bytes, 512, 1 << 16),
                (int) typed(v, "smtp.max_line_length", Units::bytes, 1000, 1 << 20),
                duration(v, "smtp.command_timeout"),
                duration(v, "smtp.data_timeout"),
                (int) typed(v, "smtp.max_connections", Long::parseLong, 1, 1_000_000),
                (int) typed(v, "smtp.max_connections_per_client", Long::parseLong, 1, 1_000_000),
                (int) typed(v, "smtp.max_errors", Long::parseLong, 1, 10_000),
                new LoginThrottle.Settings(duration(v, "auth.failure_delay"), duration(v, "auth.failure_delay_max"),
                        (int) typed(v, "auth.client_free_failures", Long::parseLong, 0, 10_000), duration(v, "auth.failure_memory"), 100_000),
                duration(v, "thread.subject_window"),
                typed(v, "spool.segment_size", Units::bytes, 64 * 1024, 1L << 40),
                port(v, "imap.port"),
                port(v, "imaps.port"),
                (int) typed(v, "imap.max_command_line", Units::bytes, 1024, 1 << 24),
                typed(v, "imap.max_literal", Units::bytes, 1024, 1L << 31),
                duration(v, "imap.idle_timeout"),
                duration(v, "imap.idle_max"),
                (int) typed(v, "imap.max_sessions_per_account", Long::parseLong, 1, 100_000),
                (int) typed(v, "imap.max_connections_per_client", Long::parseLong, 1, 1_000_000),
                (int) typed(v, "imap.max_connections", Long::parseLong, 1, 10_000_000),
                (int) typed(v, "imap.max_bad_commands", Long::parseLong, 1, 100_000),
                typed(v, "imap.preauth_max_literal", Units::bytes, 4096, 1 << 20), // LITERAL- promises 4096
                bool(v, "imap.plaintext_login"),
                bool(v, "outbound.enabled"),
                (int) typed(v, "outbound.workers", Long::parseLong, 1, 512),
                duration(v, "outbound.poll_interval"),
                port(v, "outbound.port"),
                bool(v, "outbound.allow_private_mx"),
                bool(v, "outbound.allow_private_relays"),
                bool(v, "crypto.native"),
                durations(v, "outbound.retry_schedule"),
                duration(v, "outbound.max_age"),
                duration(v, "outbound.connect_timeout"),
                duration(v, "outbound.command_timeout"),
                (int) typed(v, "outbound.max_per_destination", Long::parseLong, 1, 10_000),
                (int) typed(v, "outbound.max_in_flight", Long::parseLong, 1, 1_000_000),
                addresses(v, "outbound.source_addresses"),
                v.get("http.public_url").trim().replaceAll("/+$", ""),
                v.get("feedback.address").trim().toLowerCase(java.util.Locale.ROOT),
                duration(v, "events.retention"),
                bool(v, "events.enabled"),
                bool(v, "webhooks.allow_private"),
                duration(v, "webhooks.timeout"),
                duration(v, "webhooks.retry_base"),
                duration(v, "webhooks.retry_max"),
                (int) typed(v, "webhooks.pause_after", Long::parseLong, 1, 1_000_000),
                (int) typed(v, "webhooks.max_attempts", Long::parseLong, 1, 1_000_000));
    }

    private static java.util.List<Duration> durations(Map<String, String> v, String key) {
        var out = new java.util.ArrayList<Duration>();
        for (var part : v.get(key).split(",")) {
            try {
                out.add(Units.duration(part));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("setting " + key + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException("setting " + key + " needs at least one duration");
        }
        return java.util.List.copyOf(out);
    }

    /** A comma-separated list of literal IP addresses (no names: no DNS at start). */
    private static java.util.List<InetAddress> addresses(Map<String, String> v, String key) {
        var out = new java.util.ArrayList<InetAddress>();
        for (var part : v.get(key).split(",")) {
            var a = part.trim();
            if (a.isEmpty()) {
                continue;
            }
            if (!a.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new ConfigException("setting " + key + ": '" + a + "' is not an IP address");
            }
            try {
                out.add(InetAddress.getByName(a));
            } catch (UnknownHostException e) {
                throw new ConfigException("setting " + key + ": '" + a + "' is not an IP address");
            }
        }
        return java.util.List.copyOf(out);
    }

    private static boolean bool(Map<String, String> v, String key) {
        return switch (v.get(key).toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException("setting " + key + " must be true or false, got '" + v.get(key) + "'");
        };
    }

    private static java.util.Optional<Path> optionalPath(Map<String, String> v, String key) {
        var value = v.get(key);
        return value.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(value));
    }

    private static int workers(int configured) {
        return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String nonEmpty(Map<String, String> v, String key) {
        var value = v.get(key);
        if (value.isEmpty()) {
            throw new ConfigException("setting " + key + " must not be empty");
        }
        return value;
    }

    private static String startsWith(Map<String, String> v, String key, String prefix) {
        var value = nonEmpty(v, key);
        if (!value.startsWith(prefix)) {
            throw new ConfigException("setting " + key + " must start with " + prefix + ", got '" + value + "'");
        }
        return value;
    }

    private static int port(Map<String, String> v, String key) {
        return (int) typed(v, key, Long::parseLong, 0, 65_535);
    }

    private static Duration duration(Map<String, String> v, String key) {
        try {
            var d = Units.duration(v.get(key));
            if (d.isNegative() || d.isZero()) {
                throw new ConfigException("setting " + key + " must be positive, got '" + v.get(key) + "'");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting " + key + ": " + e.getMessage());
        }
    }

    private static long typed(Map<String, String> v, String key, Function<String, Long> parse, long min, long max) {
        var raw = v.get(key);
        long n;
        try {
            n = parse.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting " + key + ": '" + raw + "' is not a valid value"
                    + (e.getMessage() != null && e.getMessage().startsWith("'") ? " (" + e.getMessage() + ")" : ""));
        }
        if (n < min || n > max) {
            throw new ConfigException("setting " + key + " must be between " + min + " and " + max + ", got '" + raw + "'");
        }
        return n;
    }
}
