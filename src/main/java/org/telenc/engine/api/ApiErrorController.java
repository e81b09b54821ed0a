package org.telenc.engine.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reach a route (unknown path, wrong method, unreadable request) answer in the
 * contract's body shape instead of Spring's default page.
 */
@RestController
public class ApiErrorController implements ErrorController {

    private final ApiResponses responses;
    private final ApplicationAvailability availability;

    public ApiErrorController(ApiResponses responses,
            ApplicationAvailability availability) {
        this.responses = responses;
        this.availability = availability;
    }

    @RequestMapping(path = "/error")
    public ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        boolean starting = availability.getReadinessState()
                != ReadinessState.ACCEPTING_TRAFFIC;
        if (starting && status == 404) {
            // the web server answers before the routes are up: not "no such path", but "not yet"
            ApiResponse response = responses.serviceUnavailable();
            return ResponseEntity.status(503).header("Retry-After", "1").contentType(MediaType.APPLICATION_JSON)
                    .body(response.json());
        }
        Object cause = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        ApiException error = TransportErrors.forStatus(status, cause instanceof Throwable t ? t : null);
        ApiResponse response = responses.error(error);
        return ResponseEntity.status(response.status()).contentType(MediaType.APPLICATION_JSON).body(response.json());
    }
}
