package org.telenc.engine.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.telenc.engine.observability.EmrConnectionsHealth;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * The operator console's pages (docs/operating.md "Console"): overview, job lookup and timeline,
 * deliveries with resend and bulk recovery, audit. Every page is keyed by opaque ids and shows
 * metadata only; who may do what is {@link ConsoleSecurity}'s (POSTs need the operator role).
 */
@Controller
@RequestMapping("/console")
@ConditionalOnProperty(name = "engine.console.enabled", havingValue = "true")
public class ConsoleController {

    private final ConsoleQueries queries;
    private final ConsoleActions actions;
    private final TenancyRepository tenancy;
    private final EmrConnectionsHealth health;
    private final DeadLetters deadLetters;
    private final String oidcIssuer;

    public ConsoleController(ConsoleQueries queries, ConsoleActions actions, TenancyRepository tenancy,
            EmrConnectionsHealth health, DeadLetters deadLetters,
            @org.springframework.beans.factory.annotation.Value("${engine.console.oidc.issuer-uri:}") String oidcIssuer) {
        this.oidcIssuer = oidcIssuer;
        this.deadLetters = deadLetters;
        this.queries = queries;
        this.actions = actions;
        this.tenancy = tenancy;
        this.health = health;
    }

    /** Who is logged in and what they may do, for every page's header and buttons. */
    @ModelAttribute
    void who(Authentication authentication, Model model) {
        if (authentication == null) {
            return;
        }
        boolean operator = has(authentication, ConsoleRoles.OPERATOR);
        boolean admin = has(authentication, ConsoleRoles.ADMIN);
        model.addAttribute("user", authentication.getName());
        model.addAttribute("role", (admin ? ConsoleRoles.ADMIN : operator ? ConsoleRoles.OPERATOR : ConsoleRoles.VIEWER).label());
        model.addAttribute("operator", operator);
        model.addAttribute("admin", admin);
    }

    private static boolean has(Authentication authentication, ConsoleRoles role) {
        return authentication.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + role.name()));
    }

    @GetMapping("/login")
    String login(Model model) {
        model.addAttribute("oidc", !oidcIssuer.isBlank());
        return "console/login";
    }

    public record ConnectionView(String id, String name, String emrType, String status, String circuit, Object lastSyncedAt,
            Object lastSyncAttempt, Object reasons, long inFlight, long stuck) {

        /** The last sync attempt as a person reads it: "ok at …" or "failed at …", or "—". */
        public String lastSyncAttemptText() {
            if (!(lastSyncAttempt instanceof Map<?, ?> attempt)) {
                return lastSyncAttempt == null ? "—" : String.valueOf(lastSyncAttempt);
            }
            return (Boolean.TRUE.equals(attempt.get("failed")) ? "failed at " : "ok at ") + attempt.get("at");
        }

        /** The problems, comma-separated, or "none". */
        public String reasonsText() {
            if (reasons instanceof java.util.Collection<?> list) {
                return list.isEmpty() ? "none" : String.join(", ", list.stream().map(String::valueOf).toList());
            }
            return reasons == null ? "none" : String.valueOf(reasons);
        }
    }

    /** A duration as an operator reads it: "15 min", "2 h", "45 s". */
    static String readable(java.time.Duration duration) {
        if (duration.toSeconds() % 3600 == 0 && duration.toHours() > 0) {
            return duration.toHours() + " h";
        }
        if (duration.toSeconds() % 60 == 0 && duration.toMinutes() > 0) {
            return duration.toMinutes() + " min";
        }
        return duration.toSeconds() + " s";
    }

    @GetMapping({"", "/"})
    String overview(Model model) {
        model.addAttribute("clients", queries.clients());
        List<ConnectionView> connections = connectionViews();
        model.addAttribute("connections", connections);
        Map<String, String> depths = new LinkedHashMap<>();
        for (String queue : DeadLetters.queues()) {
            depths.put(queue, deadLetters.depth(queue));
        }
        model.addAttribute("deadLetters", depths);
        model.addAttribute("stuckAfter", readable(queries.stuckAfter()));
        return "console/overview";
    }

    private List<ConnectionView> connectionViews() {
        Map<String, ConsoleQueries.JobCounts> jobs = queries.connectionJobs();
        List<ConnectionView> connections = new ArrayList<>();
        for (TenancyRepository.ConnectionAdminRow row : tenancy.connections()) {
            Map<String, Object> details = health.health(row).getDetails();
            ConsoleQueries.JobCounts counts = jobs.getOrDefault(row.id(), new ConsoleQueries.JobCounts(0, 0));
            connections.add(new ConnectionView(row.id(), row.name(), row.emrType(), row.status(), String.valueOf(details.get("circuit")),
                    details.get("last_synced_at"), details.get("last_sync_attempt"), details.get("reasons"), counts.inFlight(),
                    counts.stuck()));
        }
        return connections;
    }

    @GetMapping("/search")
    String search(@RequestParam(name = "q", required = false) String q, Model model) {
        List<Long> jobs = queries.findJobs(q);
        if (jobs.size() == 1) {
            return "redirect:/console/jobs/" + jobs.get(0);
        }
        model.addAttribute("jobs", jobs);
        return "console/search";
    }

    @GetMapping("/jobs/{jobId}")
    String job(@PathVariable("jobId") long jobId, Model model) {
        model.addAttribute("job", queries.job(jobId).orElseThrow(NotFound::new));
        return "console/job";
    }

    @GetMapping("/deliveries")
    String deliveries(@ModelAttribute("filter") ConsoleQueries.DeliveryFilter filter, Model model) {
        model.addAttribute("deliveries", queries.deliveries(filter, ConsoleQueries.PAGE_ROWS, false));
        return "console/deliveries";
    }

    /** Resend, step one (no {@code confirmed}): the confirmation page; step two: the resend. */
    @PostMapping("/deliveries/{id}/resend")
    String resend(@PathVariable("id") String id, @RequestParam(name = "confirmed", required = false) String confirmed,
            @RequestParam(name = "reason", required = false) String reason, Authentication who, Model model,
            RedirectAttributes redirect) {
        ConsoleQueries.Delivery delivery = queries.delivery(id).orElseThrow(NotFound::new);
        if (confirmed == null) {
            model.addAttribute("delivery", delivery);
            return "console/confirm-resend";
        }
        try {
            String created = actions.resend(who.getName(), id, reason);
            redirect.addFlashAttribute("notice", "Delivery " + created + " queued.");
        } catch (ConsoleActions.Refused e) {
            redirect.addFlashAttribute("notice", e.getMessage());
        }
        return delivery.jobId() == null ? "redirect:/console/deliveries" : "redirect:/console/jobs/" + delivery.jobId();
    }

    /** Bulk recovery, step one: how many the filter would resend (a dry run); step two: the resend. */
    @PostMapping("/deliveries/recover")
    String recover(@ModelAttribute("filter") ConsoleQueries.DeliveryFilter filter,
            @RequestParam(name = "confirmed", required = false) String confirmed,
            @RequestParam(name = "reason", required = false) String reason, Authentication who, Model model,
            RedirectAttributes redirect) {
        if (confirmed == null) {
            model.addAttribute("count", queries.recoverableCount(filter));
            model.addAttribute("limit", actions.recoverLimit());
            return "console/confirm-recover";
        }
        try {
            int n = actions.recover(who.getName(), filter, reason);
            redirect.addFlashAttribute("notice", n + " deliveries queued again.");
        } catch (ConsoleActions.Refused e) {
            redirect.addFlashAttribute("notice", e.getMessage());
        }
        return "redirect:/console/deliveries";
    }

    public record ConnectionState(ConnectionView connection, ConsoleQueries.Capabilities capabilities) {
    }

    @GetMapping("/connections")
    String connections(Model model) {
        Map<String, ConsoleQueries.Capabilities> capabilities = queries.capabilities();
        model.addAttribute("connections", connectionViews().stream()
                .map(c -> new ConnectionState(c, capabilities.getOrDefault(c.id(), new ConsoleQueries.Capabilities(null, null))))
                .toList());
        return "console/connections";
    }

    @PostMapping("/connections/{id}/sync")
    String sync(@PathVariable("id") String id, @RequestParam(name = "reason", required = false) String reason,
            Authentication who, RedirectAttributes redirect) {
        tenancy.connections().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(NotFound::new);
        try {
            actions.sync(who.getName(), id, reason);
            redirect.addFlashAttribute("notice", "Connection " + id + " synced.");
        } catch (ConsoleActions.Refused e) {
            redirect.addFlashAttribute("notice", e.getMessage());
        }
        return "redirect:/console/connections";
    }

    @GetMapping("/endpoints")
    String endpoints(Model model) {
        model.addAttribute("endpoints", queries.endpoints());
        return "console/endpoints";
    }

    /**
     * Admin actions on an endpoint, step one (no {@code confirmed}): the confirmation; step two
     * (confirmed, with a reason): re-enable a disabled endpoint, or rotate its signing secret and
     * show the new one on this answer only (never in a redirect, a flash attribute, a log or the audit).
     */
    @PostMapping("/endpoints/{id}/{action}")
    String endpointAction(@PathVariable("id") String id, @PathVariable("action") String action,
            @RequestParam(name = "confirmed", required = false) String confirmed,
            @RequestParam(name = "reason", required = false) String reason, Authentication who, Model model,
            RedirectAttributes redirect, jakarta.servlet.http.HttpServletResponse response) {
        if (!action.equals("enable") && !action.equals("rotate-secret")) {
            throw new NotFound();
        }
        ConsoleQueries.EndpointRow endpoint = queries.endpoints().stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(NotFound::new);
        if (confirmed == null) {
            model.addAttribute("endpoint", endpoint);
            model.addAttribute("action", action);
            return "console/confirm-endpoint";
        }
        try {
            if (action.equals("enable")) {
                actions.reenable(who.getName(), id, reason);
                redirect.addFlashAttribute("notice", "Endpoint " + id + " enabled again.");
                return "redirect:/console/endpoints";
            }
            String secret = actions.rotateSecret(who.getName(), id, reason);
            response.setHeader("Cache-Control", "no-store");
            model.addAttribute("endpoint", endpoint);
            model.addAttribute("secret", secret);
            return "console/endpoint-secret";
        } catch (ConsoleActions.Refused e) {
            redirect.addFlashAttribute("notice", e.getMessage());
            return "redirect:/console/endpoints";
        }
    }

    @GetMapping("/dead-letters")
    String deadLetters(Model model) {
        try {
            model.addAttribute("messages", deadLetters.list());
        } catch (jakarta.jms.JMSException e) {
            // an external broker down or failing over: the page says so instead of failing
            model.addAttribute("messages", List.of());
            model.addAttribute("unreadable", true);
        }
        return "console/dead-letters";
    }

    /** Re-drive or discard one dead letter, step one: the confirmation; step two (confirmed, with a reason): done. */
    @PostMapping("/dead-letters/{action}")
    String deadLetter(@PathVariable("action") String action, @RequestParam("queue") String queue,
            @RequestParam("message") String message, @RequestParam(name = "confirmed", required = false) String confirmed,
            @RequestParam(name = "reason", required = false) String reason, Authentication who, Model model,
            RedirectAttributes redirect) throws jakarta.jms.JMSException {
        if (!action.equals("redrive") && !action.equals("discard")) {
            throw new NotFound();
        }
        if (confirmed == null) {
            model.addAttribute("action", action);
            model.addAttribute("queue", queue);
            model.addAttribute("message", message);
            return "console/confirm-dead-letter";
        }
        try {
            boolean done = action.equals("redrive") ? deadLetters.redrive(who.getName(), queue, message, reason)
                    : deadLetters.discard(who.getName(), queue, message, reason);
            redirect.addFlashAttribute("notice", done ? (action.equals("redrive") ? "Message queued again." : "Message discarded.")
                    : "The message is no longer on " + queue + ".");
        } catch (ConsoleActions.Refused e) {
            redirect.addFlashAttribute("notice", e.getMessage());
        }
        return "redirect:/console/dead-letters";
    }

    @GetMapping("/audit")
    String audit(@ModelAttribute("filter") ConsoleQueries.AuditFilter filter, Model model) {
        model.addAttribute("rows", queries.audit(filter));
        return "console/audit";
    }

    @ResponseStatus(HttpStatus.NOT_FOUND)
    static final class NotFound extends RuntimeException {
        NotFound() {
            super("not found", null, false, false);
        }
    }

    @ExceptionHandler(ConsoleQueries.BadFilter.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    String badFilter(ConsoleQueries.BadFilter e, Model model) {
        model.addAttribute("problem", e.getMessage());
        return "console/bad-filter";
    }

    @ExceptionHandler(NotFound.class)
    @ResponseStatus(HttpStatus.NOT_FOUND)
    String notFound() {
        return "console/not-found";
    }
}
