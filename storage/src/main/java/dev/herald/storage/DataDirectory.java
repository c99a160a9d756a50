package dev.herald.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The on-disk layout of one Herald installation. Everything Herald keeps lives under this one
 * directory, so a backup is a copy of it (with the server stopped, or an H2 online backup).
 *
 * <pre>
 * data/                 0700
 *   herald.mv.db        0600  H2: tenants, workspaces, domains, DKIM keys, mailboxes, API keys, policies
 *   admin.key           0600  the admin API key, written on first start
 * </pre>
 * Later issues add {@code spool/}, {@code store/}, {@code queue/<tenant>/} and {@code tls/} here.
 */
public final class DataDirectory {
    public static final String DATABASE_NAME = "herald";
    public static final String ADMIN_KEY_FILE = "admin.key";

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;

    private DataDirectory(Path root) {
        this.root = root;
    }

    /** Opens (creating when missing) the data directory, readable by its owner only. */
    public static DataDirectory open(Path root) {
        var dir = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            restrict(dir, OWNER_ONLY_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalStateException("data directory " + dir + " is not writable");
        }
        return new DataDirectory(dir);
    }

    public Path root() {
        return root;
    }

    /** The H2 database path without its {@code .mv.db} suffix, as H2's JDBC URL wants it. */
    public Path databaseBase() {
        return root.resolve(DATABASE_NAME);
    }

    public Path databaseFile() {
        return root.resolve(DATABASE_NAME + ".mv.db");
    }

    public Path adminKeyFile() {
        return root.resolve(ADMIN_KEY_FILE);
    }

    /**
     * Writes a secret atomically with mode 0600 from its first byte: the temporary file is created
     * with owner-only permissions, so the secret is never readable by others, not even briefly.
     */
    public void writeSecret(Path file, String content) {
        try {
            var tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            restrict(file, OWNER_ONLY_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public Optional<String> readSecret(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Narrows a file that holds secrets (the database holds DKIM private keys) to its owner. */
    public void restrictToOwner(Path file) {
        try {
            if (Files.exists(file)) {
                restrict(file, OWNER_ONLY_FILE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict permissions of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void restrict(Path path, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(path, perms);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): nothing finer to set here.
        }
    }
}
