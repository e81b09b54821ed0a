package org.telenc.engine.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report in the contract's body shape. It answers what Tomcat refuses before any
 * servlet runs (a request line or header it cannot parse, headers over the limit, TRACE) and any
 * error status that left the body empty; an answer the application already wrote is left alone.
 * Tomcat's parser exception is never quoted: its message can echo the request.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || response.isCommitted()) {
            return;
        }
        ApiException error = TransportErrors.forStatus(status, throwable);
        try {
            response.setStatus(error.status());
            response.setContentType("application/json");
            response.setCharacterEncoding("utf-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(new Body(error.code(), error.getMessage())));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is gone or the response was taken: nothing more can be said
        }
    }

    /** The contract's error body; the same fields ApiResponses writes. */
    record Body(boolean success, String error, String message) {
        Body(String error, String message) {
            this(false, error, message);
        }
    }
}
