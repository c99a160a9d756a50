package dev.herald.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against the embedded H2 database, a fresh one per test. */
class H2StoreContractTest extends StoreContract {
    @TempDir
    Path dir;
    private Database db;

    @BeforeEach
    void open() {
        db = Database.open(DataDirectory.open(dir.resolve("data")));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected Stores stores() {
        return db.stores();
    }
}
