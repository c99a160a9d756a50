package dev.herald.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Secrets are read from standard input, never from the command line (where `ps` and shell history see them). */
final class Stdin {
    private Stdin() {
    }

    /** The first line of standard input; {@code option} names the flag in the error. */
    static String secret(String option, String what) {
        try {
            var line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new CliException(option + ": no " + what + " on standard input");
            }
            return line;
        } catch (IOException e) {
            throw new CliException(option + ": " + e.getMessage());
        }
    }
}
