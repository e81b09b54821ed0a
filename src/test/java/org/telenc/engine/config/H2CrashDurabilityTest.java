package org.telenc.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * The embedded H2 database, opened with the URL the engine ships, keeps every committed row when
 * the process dies at once (Runtime.halt: no shutdown hook, no close), as after kill -9. H2's
 * default write delay loses the last second of commits, so the shipped URL must turn it off.
 */
class H2CrashDurabilityTest {

    static final int ROWS = 300;

    /** Child process: commit ROWS rows one by one, then die without closing anything. */
    public static void main(String[] args) throws Exception {
        Connection connection = DriverManager.getConnection(args[0], "sa", "");
        connection.createStatement().execute("create table t(id int primary key)");
        PreparedStatement insert = connection.prepareStatement("insert into t values (?)");
        for (int i = 0; i < ROWS; i++) {
            insert.setInt(1, i);
            insert.executeUpdate();
        }
        Runtime.getRuntime().halt(9);
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
                "-cp", System.getProperty("java.class.path"), H2CrashDurabilityTest.class.getName(), url)
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(output).isEqualTo(9);
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                ResultSet count = connection.createStatement().executeQuery("select count(*) from t")) {
            count.next();
            assertThat(count.getInt(1)).isEqualTo(ROWS);
        }
    }
}
