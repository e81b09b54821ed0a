package org.telenc.engine.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Throttles credential guessing, for any login (the /v1 client credentials, the admin API's
 * token, a future console login): failed logins spend two budgets, one per (principal, source)
 * and one per source. When either is spent, logins of that pair (or from that source) are refused
 * before any credential is checked, until the budget refills; the caller is told when
 * ({@link #blocked}). Successful logins spend nothing. No budget belongs to the principal alone, so
 * failures from one address never lock a client out of another address: guessing a client's
 * secret from many addresses is bounded per address, and that is what the secret's length is for.
 *
 * <p>Each budget is a token bucket: {@code failures} tokens, refilled one by one across
 * {@code window} (so {@code failures} failures in a burst, then one per {@code window / failures}).
 * A source is its IPv4 address, or the /64 network of an IPv6 address (what one host typically
 * holds). Memory is bounded: at most {@code max-entries} buckets of each kind, the least recently
 * used dropped first, and a bucket that has refilled completely is dropped as it is next seen.
 */
@Component
public class LoginThrottle {

    private final Clock clock;
    private final boolean enabled;
    private final Buckets perPrincipalAndSource;
    private final Buckets perSource;

    @Autowired
    public LoginThrottle(Clock clock, @Value("${engine.login-throttle.enabled:true}") boolean enabled,
            @Value("${engine.login-throttle.client-failures:10}") int clientFailures,
            @Value("${engine.login-throttle.source-failures:50}") int sourceFailures,
            @Value("${engine.login-throttle.window:10m}") Duration window,
            @Value("${engine.login-throttle.max-entries:20000}") int maxEntries) {
        if (clientFailures < 1 || sourceFailures < 1 || window.isNegative() || window.isZero() || maxEntries < 1) {
            throw new IllegalStateException("engine.login-throttle: failures and max-entries must be 1 or more, window positive");
        }
        this.clock = clock;
        this.enabled = enabled;
        this.perPrincipalAndSource = new Buckets(clientFailures, window, maxEntries);
        this.perSource = new Buckets(sourceFailures, window, maxEntries);
    }

    /**
     * How long logins of this principal from this source stay refused, or empty when they may try.
     *
     * @param principal who logs in (a client id; the admin API's fixed name; null or blank: none given)
     * @param remoteAddress the source address as the server saw it
     */
    public Optional<Duration> blocked(String principal, String remoteAddress) {
        if (!enabled) {
            return Optional.empty();
        }
        String source = source(remoteAddress);
        long now = clock.millis();
        long wait = Math.max(perSource.waitMillis(source, now), perPrincipalAndSource.waitMillis(key(principal, source), now));
        return wait <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis(wait));
    }

    /** A failed login: spends one token of each budget. */
    public void failed(String principal, String remoteAddress) {
        if (!enabled) {
            return;
        }
        String source = source(remoteAddress);
        long now = clock.millis();
        perSource.spend(source, now);
        perPrincipalAndSource.spend(key(principal, source), now);
    }

    /** How many buckets are held (both kinds): what memory the throttle holds. */
    public int entries() {
        return perSource.size() + perPrincipalAndSource.size();
    }

    private static String key(String principal, String source) {
        // the principal as given, bounded: a long made-up client id costs no more memory than a short one
        String p = principal == null ? "" : principal.length() > 200 ? principal.substring(0, 200) : principal;
        return source + " " + p;
    }

    /** The source a budget belongs to: an IPv4 address, or the /64 of an IPv6 address. */
    static String source(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return "unknown";
        }
        try {
            // a literal address (the servlet's remote address is one): no name lookup
            InetAddress address = InetAddress.getByName(remoteAddress.startsWith("[") ? remoteAddress.substring(1,
                    remoteAddress.length() - 1) : remoteAddress);
            byte[] bytes = address.getAddress();
            if (bytes.length == 16) {
                boolean v4Mapped = true;
                for (int i = 0; i < 10; i++) {
                    v4Mapped &= bytes[i] == 0;
                }
                v4Mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
                if (v4Mapped) {
                    return (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
                }
                StringBuilder net = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    net.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
                }
                return net.append(":/64").toString();
            }
            return address.getHostAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return remoteAddress.length() > 64 ? remoteAddress.substring(0, 64) : remoteAddress;
        }
    }

    /** Token buckets by key, least recently used first, at most {@code max} of them. */
    private static final class Buckets {
        private final int capacity;
        private final double millisPerToken;
        private final Map<String, double[]> buckets; // [tokens, at millis]

        Buckets(int capacity, Duration window, int max) {
            this.capacity = capacity;
            this.millisPerToken = (double) window.toMillis() / capacity;
            this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                    return size() > max;
                }
            };
        }

        /** Milliseconds until a token is there (0: one is). */
        synchronized long waitMillis(String key, long now) {
            double[] bucket = buckets.get(key);
            if (bucket == null) {
                return 0;
            }
            double tokens = refill(key, bucket, now);
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * millisPerToken);
        }

        synchronized void spend(String key, long now) {
            double[] bucket = buckets.get(key);
            double tokens = bucket == null ? capacity : refill(key, bucket, now);
            buckets.put(key, new double[] {Math.max(0, tokens - 1), now});
        }

        private double refill(String key, double[] bucket, long now) {
            double tokens = Math.min(capacity, bucket[0] + Math.max(0, now - (long) bucket[1]) / millisPerToken);
            if (tokens >= capacity) {
                buckets.remove(key); // full again: nothing to remember
            } else {
                bucket[0] = tokens;
                bucket[1] = now;
            }
            return tokens;
        }

        synchronized int size() {
            return buckets.size();
        }
    }
}
