package dev.herald.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the CLI finds the config file when none is given: next to the launcher, then in the working directory. */
final class Locations {
    private Locations() {
    }

    static Optional<Path> configFile(Path explicit) {
        if (explicit != null) {
            return Optional.of(explicit);
        }
        var home = System.getenv("HERALD_HOME");
        if (home != null && Files.isRegularFile(Path.of(home, "conf", "herald.conf"))) {
            return Optional.of(Path.of(home, "conf", "herald.conf"));
        }
        var local = Path.of("conf", "herald.conf");
        return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
    }
}
