package org.telenc.engine.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.web.filter.OncePerRequestFilter;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.security.LoginThrottle;

/**
 * Spring Security for the operator console, and for nothing else: one filter chain matching
 * {@code /console/**}, and the servlet filter itself registered for {@code /console} and
 * {@code /console/*} only, so /v1, /admin, /sandbox, /actuator and /openapi.json keep their own
 * authentication (client credentials, the admin token) exactly as without the console.
 *
 * <p>Form login at {@code /console/login} against {@link ConsoleUsers}; the role of a user comes
 * from {@link ConsoleRoles}, so an OpenID Connect login (Spring Security's {@code oauth2Login},
 * the role from a claim mapped through {@link ConsoleRoles#named}) is one more login method of
 * this same chain. CSRF tokens in a cookie (HttpOnly, SameSite=Lax, Secure outside sandbox mode,
 * path /console) and a hidden field of every form, so nobody gets a session before logging in: a
 * refused login sets no session cookie. Session cookie HttpOnly, SameSite=Lax, Secure outside
 * sandbox mode. A Content-Security-Policy allowing only the console's own stylesheet, no script,
 * no inline style. Login attempts spend {@link LoginThrottle}'s budgets like every other login
 * of the engine; every login, refused or not, is audited.
 */
@Configuration
@EnableWebSecurity
public class ConsoleSecurity {

    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** The principal of console logins in {@link LoginThrottle}'s budgets: the user name, marked as the console's. */
    static String throttlePrincipal(String username) {
        return "console:" + (username == null ? "" : username);
    }

    @Bean
    SecurityFilterChain consoleFilterChain(HttpSecurity http, ConsoleUsers users, LoginThrottle throttle, AuditLog audit,
            @Value("${engine.console.enabled:false}") boolean enabled, @Value("${engine.sandbox.enabled:true}") boolean sandbox,
            @Value("${engine.console.oidc.issuer-uri:}") String issuer, @Value("${engine.console.oidc.client-id:}") String clientId,
            @Value("${engine.console.oidc.client-secret:}") String clientSecret,
            @Value("${engine.console.oidc.role-claim:roles}") String roleClaim,
            org.springframework.core.env.Environment environment) throws Exception {
        String redirectUri = environment.getProperty("engine.console.oidc.redirect-uri", ConsoleOidc.DEFAULT_REDIRECT_URI);
        http.securityMatcher("/console/**");
        if (!enabled) {
            // no console: the paths are nobody's (404); the chain exists so that Spring Boot's default
            // one (every path behind a generated password) never does
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable())
                    .sessionManagement(s -> s.disable()).requestCache(r -> r.disable());
            return http.build();
        }
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
        CookieCsrfTokenRepository csrf = new CookieCsrfTokenRepository();
        csrf.setCookieName("CONSOLE-XSRF");
        csrf.setCookiePath("/console");
        csrf.setCookieCustomizer(c -> c.httpOnly(true).secure(!sandbox).sameSite("Lax"));
        SimpleUrlAuthenticationFailureHandler refused = new SimpleUrlAuthenticationFailureHandler("/console/login?error");
        refused.setAllowSessionCreation(false);
        // a provider, not a whole manager: oauth2Login adds its own providers to the chain's manager
        http.authenticationProvider(provider)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/console/login", "/console/assets/**", ConsoleOidc.AUTHORIZATION_BASE + "/**").permitAll()
                        .requestMatchers(HttpMethod.POST, "/console/logout").authenticated()
                        .requestMatchers(HttpMethod.POST, "/console/endpoints/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/console/**").hasRole("OPERATOR")
                        .anyRequest().hasRole("VIEWER"))
                .csrf(c -> c.csrfTokenRepository(csrf))
                .requestCache(r -> r.requestCache(new NullRequestCache()))
                .formLogin(f -> f.loginPage("/console/login").loginProcessingUrl("/console/login")
                        .successHandler((request, response, authentication) -> {
                            audit.console(authentication.getName(), "console-login", null, "ok", null);
                            response.sendRedirect("/console");
                        })
                        .failureHandler((request, response, exception) -> {
                            String username = request.getParameter("username");
                            throttle.failed(throttlePrincipal(username), request.getRemoteAddr());
                            audit.console(null, "console-login", null, "refused", null);
                            refused.onAuthenticationFailure(request, response, exception);
                        }))
                .logout(l -> l.logoutUrl("/console/logout") // POST only: CSRF protection is on
                        .logoutSuccessUrl("/console/login?logout").deleteCookies("JSESSIONID"))
                .headers(h -> h.contentSecurityPolicy(p -> p.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(f -> f.deny()))
                .addFilterBefore(new ThrottledLogins(throttle), UsernamePasswordAuthenticationFilter.class);
        if (!issuer.isBlank()) {
            oidc(http, audit, new ConsoleOidc.Registrations(issuer.strip(), clientId.strip(), clientSecret, redirectUri), roleClaim);
        }
        return http.build();
    }

    /**
     * OpenID Connect login beside form login: an unauthenticated page request goes to the
     * identity provider (the login page keeps the form for the provisioning file's users, the
     * break-glass accounts); the authorization request and the redirect URI live under /console,
     * so the chain (and nothing else) handles them. Every login is audited, refused or not.
     */
    private static void oidc(HttpSecurity http, AuditLog audit, ConsoleOidc.Registrations registrations, String roleClaim)
            throws Exception {
        String start = ConsoleOidc.AUTHORIZATION_BASE + "/" + ConsoleOidc.REGISTRATION;
        SimpleUrlAuthenticationFailureHandler refused = new SimpleUrlAuthenticationFailureHandler("/console/login?error=oidc");
        refused.setAllowSessionCreation(false);
        http.oauth2Login(o -> o.loginPage("/console/login")
                .clientRegistrationRepository(registrations)
                .authorizationEndpoint(a -> a.baseUri(ConsoleOidc.AUTHORIZATION_BASE))
                .redirectionEndpoint(r -> r.baseUri(ConsoleOidc.REDIRECT_BASE))
                .userInfoEndpoint(u -> u.oidcUserService(ConsoleOidc.users(roleClaim, audit)))
                .successHandler((request, response, authentication) -> {
                    audit.console(authentication.getName(), "console-login-oidc", null, "ok", null);
                    response.sendRedirect("/console");
                })
                .failureHandler((request, response, exception) -> {
                    boolean audited = exception instanceof OAuth2AuthenticationException e
                            && ConsoleOidc.NO_ROLE.equals(e.getError().getErrorCode());
                    if (!audited) {
                        // the error code only: a description may quote the token's claims
                        String code = exception instanceof OAuth2AuthenticationException e ? e.getError().getErrorCode()
                                : exception.getClass().getSimpleName();
                        LoggerFactory.getLogger(ConsoleSecurity.class).warn("console OpenID Connect login refused: {}", code);
                        audit.console(null, "console-login-oidc", null, "refused: " + code, null);
                    }
                    refused.onAuthenticationFailure(request, response, exception);
                }))
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(start)));
    }

    /**
     * Spring Boot registers Spring Security's filter for every path ({@code /*}); the engine's own
     * paths answer their callers themselves (the contract's JSON errors, TRACE and odd paths
     * included), so the filter is registered for the console's paths only.
     */
    @Bean
    static BeanPostProcessor consoleOnlySecurityFilter() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration
                        && "securityFilterChainRegistration".equals(beanName)) {
                    registration.setUrlPatterns(List.of("/console", "/console/*"));
                }
                return bean;
            }
        };
    }

    /** The session cookie: HttpOnly, SameSite=Lax (application.yml), and Secure outside sandbox mode. */
    @Bean
    ServletContextInitializer consoleSessionCookie(@Value("${engine.sandbox.enabled:true}") boolean sandbox) {
        return servletContext -> {
            servletContext.getSessionCookieConfig().setHttpOnly(true);
            servletContext.getSessionCookieConfig().setSecure(!sandbox);
            servletContext.getSessionCookieConfig().setAttribute("SameSite", "Lax");
        };
    }

    /** A login whose budget is spent is answered 429 before its password is checked. */
    static final class ThrottledLogins extends OncePerRequestFilter {
        private final LoginThrottle throttle;

        ThrottledLogins(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !("POST".equals(request.getMethod()) && "/console/login".equals(request.getRequestURI()));
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Optional<Duration> blocked = throttle.blocked(throttlePrincipal(request.getParameter("username")),
                    request.getRemoteAddr());
            if (blocked.isPresent()) {
                response.setStatus(429);
                response.setHeader("Retry-After", String.valueOf(Math.max(1, (blocked.get().toMillis() + 999) / 1000)));
                response.setContentType("text/html; charset=utf-8");
                response.getOutputStream().write("""
                        <!DOCTYPE html><html lang="en"><head><title>Too many failed logins</title></head>
                        <body><h1>Too many failed logins</h1><p>Try again after the time in Retry-After.</p>
                        <p><a href="/console/login">Log in</a></p></body></html>
                        """.getBytes(StandardCharsets.UTF_8));
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
