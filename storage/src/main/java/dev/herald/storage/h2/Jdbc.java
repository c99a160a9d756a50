package dev.herald.storage.h2;

import dev.herald.storage.DuplicateException;
import dev.herald.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The few JDBC moves the stores need, with SQL errors turned into our two exceptions. Inside
 * {@link #transaction} every call runs on the one connection of that transaction.
 */
public final class Jdbc {
    /** H2's and the SQL standard's state for a unique constraint violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Jdbc tx);
    }

    private final DataSource dataSource;
    private final Connection txConnection;

    public Jdbc(DataSource dataSource) {
        this(dataSource, null);
    }

    private Jdbc(DataSource dataSource, Connection txConnection) {
        this.dataSource = dataSource;
        this.txConnection = txConnection;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        return withStatement(sql, false, ps -> {
            try (var rs = ps.executeQuery()) {
                var out = new ArrayList<T>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }, args);
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
        var rows = query(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /**
     * Runs one INSERT for many rows as a JDBC batch in one transaction (one round of statement
     * work instead of one per row). @return the generated keys, in row order, when {@code keys}
     */
    public long[] batch(String sql, List<Object[]> rows, boolean keys) {
        return transaction(tx -> {
            try {
                var conn = tx.txConnection;
                try (var ps = keys ? conn.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS) : conn.prepareStatement(sql)) {
                    for (var row : rows) {
                        for (int i = 0; i < row.length; i++) {
                            ps.setObject(i + 1, toJdbc(row[i]));
                        }
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    var out = new long[keys ? rows.size() : 0];
                    if (keys) {
                        try (var rs = ps.getGeneratedKeys()) {
                            for (int i = 0; i < out.length && rs.next(); i++) {
                                out[i] = rs.getLong(1);
                            }
                        }
                    }
                    return out;
                }
            } catch (SQLException e) {
                throw translate(e, sql);
            }
        });
    }

    public long count(String sql, Object... args) {
        return queryOne(sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    public int update(String sql, Object... args) {
        return withStatement(sql, false, PreparedStatement::executeUpdate, args);
    }

    /** Runs an INSERT and returns the generated identity. */
    public long insert(String sql, Object... args) {
        return withStatement(sql, true, ps -> {
            ps.executeUpdate();
            try (var keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no generated key for: " + sql);
                }
                return keys.getLong(1);
            }
        }, args);
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(Work<T> work) {
        if (txConnection != null) {
            return work.run(this);
        }
        try (var conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            try {
                var result = work.run(new Jdbc(dataSource, conn));
                conn.commit();
                return result;
            } catch (RuntimeException | Error e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw translate(e, "transaction");
        }
    }

    /** Now, at the precision the database keeps (microseconds), so what is returned equals what is read back. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(instant(rs, column));
    }

    public static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
        var value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    @FunctionalInterface
    private interface StatementWork<T> {
        T run(PreparedStatement ps) throws SQLException;
    }

    private <T> T withStatement(String sql, boolean generatedKeys, StatementWork<T> work, Object... args) {
        try {
            if (txConnection != null) {
                return runOn(txConnection, sql, generatedKeys, work, args);
            }
            try (var conn = dataSource.getConnection()) {
                return runOn(conn, sql, generatedKeys, work, args);
            }
        } catch (SQLException e) {
            throw translate(e, sql);
        }
    }

    private static <T> T runOn(Connection conn, String sql, boolean generatedKeys, StatementWork<T> work, Object... args)
            throws SQLException {
        try (var ps = generatedKeys ? conn.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS) : conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, toJdbc(args[i]));
            }
            return work.run(ps);
        }
    }

    private static Object toJdbc(Object arg) {
        if (arg instanceof Optional<?> opt) {
            return opt.map(Jdbc::toJdbc).orElse(null);
        }
        if (arg instanceof Instant instant) {
            return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        if (arg instanceof Enum<?> e) {
            return e.name();
        }
        return arg;
    }

    private static RuntimeException translate(SQLException e, String what) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
            return new DuplicateException(e.getMessage(), e);
        }
        return new StorageException("database error in " + what + ": " + e.getMessage(), e);
    }
}
