package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser on the console over real HTTP: its own cookies, no redirects followed (the tests
 * read them), and the CSRF token of the last page it got, which its forms send back.
 */
final class ConsoleBrowser {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final int port;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private String csrf;

    ConsoleBrowser(int port) {
        this.port = port;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A fresh browser logged in as the user (and the login's answer asserted a redirect to the overview). */
    static ConsoleBrowser loggedIn(int port, String user, String password) throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(port);
        HttpResponse<String> answer = browser.login(user, password);
        assertThat(answer.statusCode()).as("login of " + user).isEqualTo(302);
        assertThat(answer.headers().firstValue("location").orElse("")).endsWith("/console");
        return browser;
    }

    HttpResponse<String> login(String user, String password) throws Exception {
        get("/console/login");
        return post("/console/login", Map.of("username", user, "password", password));
    }

    HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        remember(answer);
        return answer;
    }

    /** A GET of an absolute URI (a redirect's Location, an identity provider's page) with this browser's cookies. */
    HttpResponse<String> get(URI absolute) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(absolute).GET().build(), HttpResponse.BodyHandlers.ofString());
        remember(answer);
        return answer;
    }

    /** A form POST carrying the CSRF token of the last page. */
    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(form);
        if (csrf != null) {
            fields.put("_csrf", csrf);
        }
        return postWithout(path, fields);
    }

    /** A form POST with exactly these fields (no CSRF token unless given). */
    HttpResponse<String> postWithout(String path, Map<String, String> fields) throws Exception {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        remember(answer);
        return answer;
    }

    private void remember(HttpResponse<String> answer) {
        Matcher token = CSRF.matcher(answer.body());
        if (token.find()) {
            csrf = token.group(1);
        }
    }

    /** The Set-Cookie headers of an answer, by cookie name. */
    static Map<String, String> setCookies(HttpResponse<?> answer) {
        Map<String, String> byName = new LinkedHashMap<>();
        List<String> headers = answer.headers().allValues("set-cookie");
        for (String header : headers) {
            byName.put(header.substring(0, header.indexOf('=')), header);
        }
        return byName;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
