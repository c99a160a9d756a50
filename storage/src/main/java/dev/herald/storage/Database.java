package dev.herald.storage;

import dev.herald.storage.h2.H2ApiKeyStore;
import dev.herald.storage.h2.H2DomainStore;
import dev.herald.storage.h2.H2MailboxStore;
import dev.herald.storage.h2.H2PolicyStore;
import dev.herald.storage.h2.H2TenantStore;
import dev.herald.storage.h2.H2WorkspaceStore;
import dev.herald.storage.h2.Jdbc;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The embedded H2 database under the data directory, migrated to the current schema on open.
 * One Herald process owns it: H2's file lock makes a second server on the same directory fail fast.
 */
public final class Database implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 32;

    private final JdbcConnectionPool pool;
    private final Stores stores;

    private Database(JdbcConnectionPool pool) {
        this.pool = pool;
        var jdbc = new Jdbc(pool);
        this.stores = new Stores(new H2TenantStore(jdbc), new H2WorkspaceStore(jdbc), new H2DomainStore(jdbc),
                new H2MailboxStore(jdbc), new H2ApiKeyStore(jdbc), new H2PolicyStore(jdbc), new dev.herald.storage.h2.H2MailStore(jdbc),
                new dev.herald.storage.h2.H2RouteStore(jdbc), new dev.herald.storage.h2.H2SuppressionStore(jdbc),
                new dev.herald.storage.h2.H2EventStore(jdbc), new dev.herald.storage.h2.H2AuditStore(jdbc),
                new dev.herald.storage.h2.H2WebhookStore(jdbc));
    }

    public static Database open(DataDirectory dir) {
        // WRITE_DELAY=0: a commit reaches the file before the API answers, so an acknowledged
        // provisioning call survives the process being killed the next instant.
        var url = "jdbc:h2:file:" + dir.databaseBase() + ";QUERY_CACHE_SIZE=256;DB_CLOSE_ON_EXIT=FALSE";
        var pool = JdbcConnectionPool.create(url, "herald", "");
        pool.setMaxConnections(MAX_CONNECTIONS);
        try {
            pool.getConnection().close();
        } catch (SQLException e) {
            pool.dispose();
            if (e.getMessage() != null && e.getMessage().contains("already in use")) {
                throw new IllegalStateException("data directory " + dir.root()
                        + " is in use by another Herald process (its database is locked)", e);
            }
            throw new StorageException("cannot open database " + dir.databaseFile() + ": " + e.getMessage(), e);
        }
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        dir.restrictToOwner(dir.databaseFile());
        return new Database(pool);
    }

    public Stores stores() {
        return stores;
    }

    @Override
    public void close() {
        try (var conn = pool.getConnection(); var st = conn.createStatement()) {
            st.execute("SHUTDOWN");
        } catch (SQLException e) {
            // Already closed or never opened: nothing left to flush.
        }
        pool.dispose();
    }
}
