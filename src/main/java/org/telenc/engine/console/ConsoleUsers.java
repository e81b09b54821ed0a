package org.telenc.engine.console;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The console's local users: the {@code console_users} list of the provisioning file
 * ({@code engine.provisioning.file}; each with {@code username}, {@code role} and
 * {@code password_hash}, a bcrypt hash) and, in sandbox mode with the demo tenant, the three demo
 * users {@value #DEMO_ADMIN}, {@value #DEMO_OPERATOR} and {@value #DEMO_VIEWER} (password: the name followed by
 * {@code -password}). Read once at start; a malformed entry stops the start-up, naming the entry
 * (never the hash). Passwords are never stored in clear anywhere.
 */
@Component
public class ConsoleUsers implements UserDetailsService {

    private static final Logger log = LoggerFactory.getLogger(ConsoleUsers.class);
    public static final String DEMO_OPERATOR = "demo-operator";
    public static final String DEMO_VIEWER = "demo-viewer";
    public static final String DEMO_ADMIN = "demo-admin";
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private final Map<String, UserDetails> users = new LinkedHashMap<>();

    public ConsoleUsers(@Value("${engine.provisioning.file:}") String file,
            @Value("${engine.console.enabled:false}") boolean consoleEnabled,
            @Value("${engine.sandbox.enabled:true}") boolean sandbox, @Value("${engine.demo.enabled:true}") boolean demo)
            throws IOException {
        if (!consoleEnabled) {
            return;
        }
        if (sandbox && demo) {
            BCryptPasswordEncoder encoder = new BCryptPasswordEncoder();
            add(DEMO_OPERATOR, ConsoleRoles.OPERATOR, encoder.encode(DEMO_OPERATOR + "-password"));
            add(DEMO_VIEWER, ConsoleRoles.VIEWER, encoder.encode(DEMO_VIEWER + "-password"));
            add(DEMO_ADMIN, ConsoleRoles.ADMIN, encoder.encode(DEMO_ADMIN + "-password"));
        }
        if (file != null && !file.isBlank()) {
            try (Reader reader = Files.newBufferedReader(Path.of(file))) {
                Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
                if (yaml instanceof Map<?, ?> document && document.get("console_users") instanceof List<?> list) {
                    int n = 0;
                    for (Object entry : list) {
                        n++;
                        provisioned(entry, n);
                    }
                    log.info("console users from the provisioning file: {}", list.size());
                }
            }
        }
    }

    private void provisioned(Object entry, int n) {
        String where = "provisioning file: console_users entry " + n;
        if (!(entry instanceof Map<?, ?> user)) {
            throw new IllegalStateException(where + " is not a mapping");
        }
        String username = String.valueOf(user.get("username") == null ? "" : user.get("username")).strip();
        if (!USERNAME.matcher(username).matches()) {
            throw new IllegalStateException(where + ": username must be 1 to 128 letters, digits or . _ @ -");
        }
        where = "provisioning file: console user " + username;
        String roleName = user.get("role") == null ? null : String.valueOf(user.get("role"));
        ConsoleRoles role = ConsoleRoles.named(roleName)
                .orElseThrow(() -> new IllegalStateException("provisioning file: console user " + username
                        + ": role must be viewer, operator or admin"));
        String hash = user.get("password_hash") == null ? "" : String.valueOf(user.get("password_hash")).strip();
        if (!BCRYPT.matcher(hash).matches()) {
            throw new IllegalStateException(where + ": password_hash must be a bcrypt hash ($2a$, $2b$ or $2y$)");
        }
        if (users.containsKey(username)) {
            throw new IllegalStateException(where + ": named twice");
        }
        add(username, role, hash);
    }

    private void add(String username, ConsoleRoles role, String bcrypt) {
        users.put(username, User.withUsername(username).password("{bcrypt}" + bcrypt).authorities(role.authorities()).build());
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        UserDetails user = users.get(username);
        if (user == null) {
            throw new UsernameNotFoundException("no such console user");
        }
        // a copy: Spring Security erases the credentials of what it authenticated
        return User.withUserDetails(user).build();
    }

    /** How many users can log in with a password. */
    public int count() {
        return users.size();
    }
}
