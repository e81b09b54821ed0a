package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Console users from the provisioning file and the sandbox's demo users; the session cookie outside sandbox mode. */
class ConsoleUsersTest {

    @TempDir
    Path dir;

    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    Path file(String yaml) throws Exception {
        return Files.writeString(dir.resolve("provisioning.yaml"), yaml);
    }

    @Test
    void provisionedUsersLogInWithTheirBcryptHashAndGetTheirRoleAndTheOnesBelow() throws Exception {
        String hash = new BCryptPasswordEncoder().encode("correct horse battery staple");
        Path file = file("""
                console_users:
                  - username: ops.alice
                    role: admin
                    password_hash: "%s"
                  - username: bob
                    role: viewer
                    password_hash: "%s"
                """.formatted(hash, hash));
        ConsoleUsers users = new ConsoleUsers(file.toString(), true, false, false);
        assertThat(users.count()).isEqualTo(2);
        var alice = users.loadUserByUsername("ops.alice");
        assertThat(encoder.matches("correct horse battery staple", alice.getPassword())).isTrue();
        assertThat(encoder.matches("wrong", alice.getPassword())).isFalse();
        assertThat(alice.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactlyInAnyOrder("ROLE_VIEWER", "ROLE_OPERATOR", "ROLE_ADMIN");
        assertThat(users.loadUserByUsername("bob").getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_VIEWER");
        assertThatThrownBy(() -> users.loadUserByUsername("demo-operator")).isInstanceOf(UsernameNotFoundException.class);
    }

    @Test
    void theDemoUsersExistInSandboxModeWithTheDemoTenantOnly() throws Exception {
        ConsoleUsers sandbox = new ConsoleUsers("", true, true, true);
        assertThat(encoder.matches("demo-operator-password", sandbox.loadUserByUsername("demo-operator").getPassword())).isTrue();
        assertThat(encoder.matches("demo-viewer-password", sandbox.loadUserByUsername("demo-viewer").getPassword())).isTrue();
        assertThat(sandbox.loadUserByUsername("demo-viewer").getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_VIEWER");
        assertThat(encoder.matches("demo-admin-password", sandbox.loadUserByUsername("demo-admin").getPassword())).isTrue();
        assertThat(sandbox.loadUserByUsername("demo-admin").getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactlyInAnyOrder("ROLE_VIEWER", "ROLE_OPERATOR", "ROLE_ADMIN");
        assertThat(new ConsoleUsers("", true, false, true).count()).as("production").isZero();
        assertThat(new ConsoleUsers("", true, true, false).count()).as("sandbox without the demo tenant").isZero();
        assertThat(new ConsoleUsers("", false, true, true).count()).as("console off").isZero();
    }

    @Test
    void aMalformedEntryStopsTheStartNamingTheUserButNeverTheHash() throws Exception {
        assertThatThrownBy(() -> new ConsoleUsers(file("""
                console_users:
                  - username: carol
                    role: operator
                    password_hash: "plain-text-password"
                """).toString(), true, false, false))
                .hasMessageContaining("console user carol").hasMessageContaining("bcrypt").hasMessageNotContaining("plain-text-password");
        String hash = new BCryptPasswordEncoder().encode("x");
        assertThatThrownBy(() -> new ConsoleUsers(file("""
                console_users:
                  - username: dave
                    role: superuser
                    password_hash: "%s"
                """.formatted(hash)).toString(), true, false, false)).hasMessageContaining("dave")
                .hasMessageContaining("viewer, operator or admin");
    }

    @Test
    void outsideSandboxModeTheSessionCookieIsSecure() throws Exception {
        MockServletContext production = new MockServletContext();
        new ConsoleSecurity().consoleSessionCookie(false).onStartup(production);
        assertThat(production.getSessionCookieConfig().isSecure()).isTrue();
        assertThat(production.getSessionCookieConfig().isHttpOnly()).isTrue();
        assertThat(production.getSessionCookieConfig().getAttribute("SameSite")).isEqualTo("Lax");
        MockServletContext sandbox = new MockServletContext();
        new ConsoleSecurity().consoleSessionCookie(true).onStartup(sandbox);
        assertThat(sandbox.getSessionCookieConfig().isSecure()).isFalse();
    }
}
