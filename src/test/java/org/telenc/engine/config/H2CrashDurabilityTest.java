package org.telenc.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * The embedded H2 database, opened with the URL the engine ships, keeps every committed row when
 * the process dies at once (Runtime.halt: no shutdown hook, no close), as after kill -9. H2's
 * default write delay loses the last second of commits, so the shipped URL must turn it off.
 * On SIGTERM it stays open until the engine has drained: H2's own shutdown hook would otherwise
 * close it while in-flight requests still write their answers (DB_CLOSE_ON_EXIT=FALSE).
 */
class H2CrashDurabilityTest {

    static final int ROWS = 300;

    static final int DRAINED_ROWS = 50;

    /**
     * Child process. {@code crash}: commit ROWS rows one by one, then die without closing anything.
     * {@code drain}: wait for SIGTERM; a shutdown hook standing for Spring's graceful drain then
     * writes DRAINED_ROWS rows a moment later, as in-flight requests do.
     */
    public static void main(String[] args) throws Exception {
        if (args[1].equals("drain")) {
            drainAfterSigterm(args[0]);
            return;
        }
        Connection connection = DriverManager.getConnection(args[0], "sa", "");
        connection.createStatement().execute("create table t(id int primary key)");
        PreparedStatement insert = connection.prepareStatement("insert into t values (?)");
        for (int i = 0; i < ROWS; i++) {
            insert.setInt(1, i);
            insert.executeUpdate();
        }
        Runtime.getRuntime().halt(9);
    }

    private static void drainAfterSigterm(String url) throws Exception {
        Connection connection = DriverManager.getConnection(url, "sa", "");
        connection.createStatement().execute("create table t(id int primary key)");
        CountDownLatch sigterm = new CountDownLatch(1);
        ScheduledExecutorService inFlight = Executors.newSingleThreadScheduledExecutor();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sigterm.countDown();
            try {
                // the in-flight requests write their answers 300 ms after the signal, while every other
                // shutdown hook (H2's own, were it on) runs
                inFlight.schedule(() -> {
                    PreparedStatement insert = connection.prepareStatement("insert into t values (?)");
                    for (int i = 0; i < DRAINED_ROWS; i++) {
                        insert.setInt(1, i);
                        insert.executeUpdate();
                    }
                    connection.close();
                    return null;
                }, 300, TimeUnit.MILLISECONDS).get();
                System.out.println("drained " + DRAINED_ROWS);
            } catch (Exception e) {
                System.out.println("drain failed: " + (e.getCause() == null ? e : e.getCause()).getMessage());
            }
            System.out.flush();
        }));
        System.out.println("ready");
        System.out.flush();
        sigterm.await(60, TimeUnit.SECONDS); // the test sends SIGTERM; a minute is the child's limit
    }

    static String shippedUrl(Path dataDir) {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties properties = yaml.getObject();
        return properties.getProperty("spring.datasource.url").replace("${engine.data-dir}", dataDir.toString());
    }

    @Test
    void everyCommittedRowSurvivesAnAbruptDeath() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "h2-crash");
        String url = shippedUrl(dir);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), H2CrashDurabilityTest.class.getName(), url, "crash")
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(output).isEqualTo(9);
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                ResultSet count = connection.createStatement().executeQuery("select count(*) from t")) {
            count.next();
            assertThat(count.getInt(1)).isEqualTo(ROWS);
        }
    }

    @Test
    void theDatabaseStaysOpenWhileInFlightWorkDrainsAfterSigterm() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "h2-drain");
        String url = shippedUrl(dir);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), H2CrashDurabilityTest.class.getName(), url, "drain")
                .redirectErrorStream(true).start();
        java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
        StringBuilder output = new StringBuilder();
        for (String line = lines.readLine(); line != null && !line.equals("ready"); line = lines.readLine()) {
            output.append(line).append('\n');
        }
        // SIGTERM, as Kubernetes sends (Process.destroy would also close the child's output)
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor()).isZero();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            output.append(line).append('\n');
        }
        child.waitFor();
        assertThat(output.toString()).contains("drained " + DRAINED_ROWS);
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                ResultSet count = connection.createStatement().executeQuery("select count(*) from t")) {
            count.next();
            assertThat(count.getInt(1)).isEqualTo(DRAINED_ROWS);
        }
    }
}
