package org.telenc.engine.api;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.telenc.engine.security.LoginThrottle;

/**
 * Credential guessing on /v1 (client credentials and access tokens) and the admin API (its token)
 * is throttled by {@link LoginThrottle}: every answer {@code 401} spends the budgets of (client id,
 * source) and of the source, where the client id is the {@code client_id} header (for the admin
 * API: the name {@value #ADMIN}); a request whose budget is spent is answered
 * {@code 429 rate_limited} with {@code Retry-After} before its credentials are checked or its body
 * read. Other answers spend nothing. The source is the address the server sees: behind a proxy,
 * set {@code server.forward-headers-strategy=native} so that it is the caller's.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class LoginThrottleFilter extends OncePerRequestFilter {

    /** The principal of admin API logins: one token, so one name. */
    public static final String ADMIN = "admin-api";

    private final LoginThrottle throttle;
    private final ApiResponses responses;

    public LoginThrottleFilter(LoginThrottle throttle, ApiResponses responses) {
        this.throttle = throttle;
        this.responses = responses;
    }

    public static ApiException tooManyFailedLogins(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new ApiException(429, "rate_limited", "Too many failed logins. Retry after the time in Retry-After.",
                List.of(), (int) Math.min(Integer.MAX_VALUE, seconds));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/v1/") && !path.startsWith("/admin/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String principal = request.getRequestURI().startsWith("/admin/") ? ADMIN : request.getHeader("client_id");
        String source = request.getRemoteAddr();
        Optional<Duration> blocked = throttle.blocked(principal, source);
        if (blocked.isPresent()) {
            ApiResponse answer = responses.error(tooManyFailedLogins(blocked.get()));
            response.setStatus(answer.status());
            response.setHeader("Retry-After", String.valueOf(answer.retryAfterSeconds()));
            response.setContentType("application/json; charset=utf-8");
            response.getOutputStream().write(answer.json().getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
        if (request.isAsyncStarted()) {
            // the routes answer on another thread: the status is known when the exchange completes
            request.getAsyncContext().addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    count(response, principal, source);
                }

                @Override
                public void onTimeout(AsyncEvent event) {
                }

                @Override
                public void onError(AsyncEvent event) {
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                }
            });
        } else {
            count(response, principal, source);
        }
    }

    private void count(HttpServletResponse response, String principal, String source) {
        if (response.getStatus() == 401) {
            throttle.failed(principal, source);
        }
    }
}
