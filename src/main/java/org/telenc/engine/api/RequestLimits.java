package org.telenc.engine.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Transport-level checks on /v1, /admin and /sandbox bodies (the sandbox's webhook inbox and FHIR
 * server take nothing larger than the API does), before anything reads them: 413 above 64 KB,
 * 415 for a body that is not declared JSON. A body is read here once, sized or chunked alike,
 * counting bytes as they arrive and never more than 64 KB + 1 (a Content-Length above the limit is
 * refused unread), and the routes get it replayed from memory: a chunked body is judged exactly
 * like a sized one. A body that ends early or breaks the chunked framing is 400 bad_request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class RequestLimits extends OncePerRequestFilter {

    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final ApiResponses responses;

    public RequestLimits(ApiResponses responses) {
        this.responses = responses;
    }

    public static ApiException payloadTooLarge() {
        return new ApiException(413, "payload_too_large", "Request body must be 64 KB or less.");
    }

    public static ApiException unsupportedMediaType() {
        return new ApiException(415, "unsupported_media_type", "Content-Type must be application/json.");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/v1/") && !path.startsWith("/admin/") && !path.startsWith("/sandbox/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        // Tomcat takes only the chunked transfer coding (anything else is refused before this
        // filter); without a Content-Length, a body is there only when it is chunked
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (length > MAX_BODY_BYTES) {
            write(response, payloadTooLarge());
            return;
        }
        boolean hasBody = length > 0 || chunked;
        if (!hasBody) {
            chain.doFilter(request, response);
            return;
        }
        if (!isJson(request.getContentType())) {
            write(response, unsupportedMediaType());
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            // the body ended before its Content-Length, its chunk framing is broken, or it stalled
            write(response, TransportErrors.badRequest());
            return;
        }
        if (body.length > MAX_BODY_BYTES) {
            write(response, payloadTooLarge());
            return;
        }
        chain.doFilter(new BodyInMemory(request, body), response);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            boolean json = "application".equals(type.getType())
                    && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
            String charset = type.getParameter("charset");
            return json && (charset == null || "utf-8".equalsIgnoreCase(charset.replace("\"", "")));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void write(HttpServletResponse response, ApiException error) throws IOException {
        ApiResponse answer = responses.error(error);
        response.setStatus(answer.status());
        response.setContentType("application/json; charset=utf-8");
        response.getOutputStream().write(answer.json().getBytes(StandardCharsets.UTF_8));
    }

    /** A request whose body has been read already (to count it), replayed from memory. */
    private static final class BodyInMemory extends HttpServletRequestWrapper {
        private final byte[] body;

        BodyInMemory(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        /** Decodes strictly: bytes that are not UTF-8 fail the read instead of being replaced. */
        @Override
        public BufferedReader getReader() {
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), utf8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
