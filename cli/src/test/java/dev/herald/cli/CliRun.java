package dev.herald.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the real `herald` command line in-process and captures what it prints. */
record CliRun(int exit, String out, String err) {
    static CliRun run(String url, String key, String... args) {
        var all = new ArrayList<>(List.of(args));
        if (url != null) {
            all.add("--url");
            all.add(url);
        }
        if (key != null) {
            all.add("--api-key");
            all.add(key);
        }
        return raw(all.toArray(String[]::new));
    }

    static CliRun raw(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(exit, out.toString(), err.toString());
    }
}
