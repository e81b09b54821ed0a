package org.telenc.engine.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The database the engine's tests run on: H2 (the engine's default, a file under the test's data
 * directory) unless the system property {@code engine.test.database=postgresql}, set by the
 * {@code postgresql} surefire execution, points them at the PostgreSQL server on
 * 127.0.0.1:5432 (user postgres, trust auth; {@code engine.test.postgresql.url} overrides). Each
 * test JVM gets a fresh database, dropped when the JVM ends.
 */
public final class TestDatabase {

    private static final String ADMIN_URL = System.getProperty("engine.test.postgresql.url",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static String postgresUrl;
    private static final String SHARED_KEY = java.util.Base64.getEncoder().encodeToString(
            randomKey());

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    private TestDatabase() {
    }

    public static boolean postgresql() {
        return "postgresql".equalsIgnoreCase(System.getProperty("engine.test.database", "h2"));
    }

    public static void register(DynamicPropertyRegistry registry) {
        if (!postgresql()) {
            return;
        }
        String url = freshPostgresDatabase();
        registry.add("spring.datasource.url", () -> "${engine.test.datasource-url:" + url + "}");
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        // every context of the run shares the database, so they share the key that seals its secrets,
        // as the replicas of one deployment do
        registry.add("engine.secrets.key", () -> SHARED_KEY);
    }

    /** A new, empty PostgreSQL database (dropped when this JVM ends); its JDBC URL. */
    public static String newPostgresDatabase() {
        String name = "telenc_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("create database " + name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> execute("drop database if exists " + name + " with (force)")));
        return ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
    }

    private static synchronized String freshPostgresDatabase() {
        if (postgresUrl == null) {
            postgresUrl = newPostgresDatabase();
        }
        return postgresUrl;
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(ADMIN_URL, "postgres", "")) {
            connection.createStatement().execute(sql);
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL for the tests (" + ADMIN_URL + "): " + e.getMessage(), e);
        }
    }
}
