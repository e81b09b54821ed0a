package org.telenc.engine.observability;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrCallGuard;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * The {@code emrConnections} health component: one child per EMR connection that is in use
 * ({@code active} or {@code expired}; {@code disabled} ones are left out), named by its id. It never
 * calls an EMR: it reads what the engine already knows, the connection's circuit breaker, its status,
 * the last successful sync ({@code last_synced_at}) and whether this instance's last sync attempt
 * failed.
 *
 * <p>A connection is {@code UP}, or {@link #DEGRADED} with its {@code reasons}: {@code circuit_open},
 * {@code circuit_half_open}, {@code login_required} (the link expired), {@code last_sync_failed}.
 * {@code DEGRADED} is ordered between {@code OUT_OF_SERVICE} and {@code UP} and maps to HTTP 200
 * (application.yml), so a dead clinic shows here and in the aggregate of {@code /actuator/health}
 * without turning it into a 503; the liveness and readiness groups do not include this component.
 */
@Component("emrConnectionsHealthContributor")
public class EmrConnectionsHealth implements CompositeHealthContributor {

    public static final Status DEGRADED = new Status("DEGRADED", "An EMR connection is failing; the engine goes on");

    private final TenancyRepository tenancy;
    private final EmrCallGuard guard;
    private final EmrSyncStatus syncStatus;

    public EmrConnectionsHealth(TenancyRepository tenancy, EmrCallGuard guard, EmrSyncStatus syncStatus) {
        this.tenancy = tenancy;
        this.guard = guard;
        this.syncStatus = syncStatus;
    }

    @Override
    public HealthContributor getContributor(String connectionId) {
        return connections().stream().filter(c -> c.id().equals(connectionId)).findFirst()
                .<HealthContributor>map(this::indicator).orElse(null);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        List<NamedContributor<HealthContributor>> children = new ArrayList<>();
        for (TenancyRepository.ConnectionAdminRow connection : connections()) {
            children.add(NamedContributor.of(connection.id(), indicator(connection)));
        }
        return children.iterator();
    }

    /** One connection's health, from what the engine knows (no EMR call). */
    public Health health(TenancyRepository.ConnectionAdminRow connection) {
        String circuit = guard.state(connection.id());
        List<String> reasons = new ArrayList<>();
        if ("OPEN".equals(circuit) || "FORCED_OPEN".equals(circuit)) {
            reasons.add("circuit_open");
        } else if ("HALF_OPEN".equals(circuit)) {
            reasons.add("circuit_half_open");
        }
        if ("expired".equals(connection.status())) {
            reasons.add("login_required");
        }
        var attempt = syncStatus.lastAttempt(connection.id());
        if (attempt.isPresent() && attempt.get().failed()) {
            reasons.add("last_sync_failed");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("emr_type", connection.emrType());
        details.put("status", connection.status());
        details.put("circuit", circuit);
        details.put("last_synced_at", connection.lastSyncedAt() == null ? null : connection.lastSyncedAt().toString());
        attempt.ifPresent(a -> details.put("last_sync_attempt", Map.of("at", a.at().toString(), "failed", a.failed())));
        details.put("reasons", reasons);
        return Health.status(reasons.isEmpty() ? Status.UP : DEGRADED).withDetails(details).build();
    }

    private HealthIndicator indicator(TenancyRepository.ConnectionAdminRow connection) {
        return () -> health(connection);
    }

    private List<TenancyRepository.ConnectionAdminRow> connections() {
        try {
            return tenancy.connections().stream()
                    .filter(c -> "active".equals(c.status()) || "expired".equals(c.status()))
                    .toList();
        } catch (RuntimeException e) {
            return List.of(); // the database is unreachable: its own component (db) reports that
        }
    }
}
