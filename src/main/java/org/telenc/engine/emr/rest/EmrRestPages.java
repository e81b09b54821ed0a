package org.telenc.engine.emr.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * The paging of the REST transport template (emr-rest-call's {@code pageNext}, {@code pageToken},
 * {@code pageTokenParam}, {@code pageItems}, {@code maxPages}): a GET whose answer names a next page
 * (a link, or a token sent back as a query parameter) is followed page by page, and the pages become
 * one answer, the first page with the list at {@code pageItems} holding the elements of every page,
 * so the adapter maps a list as if it had come in one piece. A next link must stay on the call's
 * scheme, host and port (the connection's credentials go with every page). More pages than
 * {@code maxPages} fail the call ({@code emr_rejected}) instead of following an endless chain.
 * Failures name the operation and the bound, never a URL or a body.
 */
@Component("emrRestPages")
public class EmrRestPages {

    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider()).mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS).build();

    private final ObjectMapper json = EmrRecords.mapper();

    /** The paging of one call, and the pages it has had so far. */
    public static final class Paging {
        final String nextLink;
        final String nextToken;
        final String tokenParam;
        final String items;
        final int maxPages;
        final List<JsonNode> pages = new ArrayList<>();
        EmrRestCall call;

        Paging(String nextLink, String nextToken, String tokenParam, String items, int maxPages, EmrRestCall call) {
            this.nextLink = blankToNull(nextLink);
            this.nextToken = blankToNull(nextToken);
            this.tokenParam = blankToNull(tokenParam);
            this.items = blankToNull(items);
            this.maxPages = maxPages;
            this.call = call;
        }

        boolean on() {
            return (nextLink != null || nextToken != null) && call != null && "GET".equalsIgnoreCase(call.method());
        }

        @Override
        public String toString() {
            return "Paging[" + pages.size() + " pages]"; // never a URL or a page
        }
    }

    /** The paging of the call in {@code emrRestCall}, from the template's parameters (pageNext and pageToken blank: no paging). */
    public Paging start(@ExchangeProperty(ExchangeProperties.EMR_REST_PAGE_NEXT) String nextLink,
            @ExchangeProperty(ExchangeProperties.EMR_REST_PAGE_TOKEN) String nextToken,
            @ExchangeProperty(ExchangeProperties.EMR_REST_PAGE_TOKEN_PARAM) String tokenParam,
            @ExchangeProperty(ExchangeProperties.EMR_REST_PAGE_ITEMS) String items,
            @ExchangeProperty(ExchangeProperties.EMR_REST_MAX_PAGES) String maxPages,
            @ExchangeProperty(ExchangeProperties.EMR_REST_CALL) EmrRestCall call) {
        int bound;
        try {
            bound = Integer.parseInt(maxPages == null ? "" : maxPages.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("emr-rest-call maxPages is not a whole number");
        }
        if (bound < 1) {
            throw new IllegalArgumentException("emr-rest-call maxPages must be at least 1");
        }
        if (blankToNull(nextToken) != null && blankToNull(tokenParam) == null) {
            throw new IllegalArgumentException("emr-rest-call pageToken needs pageTokenParam, the query parameter that sends it back");
        }
        return new Paging(nextLink, nextToken, tokenParam, items, bound, call);
    }

    /**
     * Keeps the page just answered and answers whether another is to be fetched (then {@link #nextCall}
     * is its call). A page beyond {@code maxPages} fails the call.
     */
    public boolean another(@Body Object page, @ExchangeProperty(ExchangeProperties.EMR_REST_PAGING) Paging paging) {
        if (paging == null || !paging.on()) {
            return false;
        }
        JsonNode tree = JsonFields.tree(json, page);
        paging.pages.add(tree);
        String next = nextUrl(paging, tree);
        if (next == null) {
            return false;
        }
        if (paging.pages.size() >= paging.maxPages) {
            throw new EmrPermanentException("emr_rejected", 200, "EMR call " + paging.call.operation() + ": the answer has more than "
                    + paging.maxPages + " pages (maxPages of the template emr-rest-call); raise maxPages or narrow the call");
        }
        EmrRestCall call = paging.call;
        paging.call = new EmrRestCall(call.operation(), call.method(), next, call.body(), call.idempotencyKey());
        return true;
    }

    /** The call of the next page ({@link #another} said there is one). */
    public EmrRestCall nextCall(@ExchangeProperty(ExchangeProperties.EMR_REST_PAGING) Paging paging) {
        return paging.call;
    }

    /** The answer: the body as it is without paging or with one page, else the pages joined at {@code pageItems}. */
    public Object joined(@ExchangeProperty(ExchangeProperties.EMR_REST_PAGING) Paging paging, @Body Object body) {
        if (paging == null || !paging.on() || paging.pages.size() < 2) {
            return body;
        }
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        for (JsonNode page : paging.pages) {
            JsonNode list = paging.items == null ? page : JsonFields.jsonPath(page, paging.items);
            if (list == null || list.isNull() || list.isMissingNode()) {
                continue; // an empty last page
            }
            if (!list.isArray()) {
                throw new EmrPermanentException("emr_rejected", 200, "EMR call " + paging.call.operation()
                        + ": a page holds no list at pageItems");
            }
            all.addAll((ArrayNode) list);
        }
        if (paging.items == null) {
            return all.toString();
        }
        JsonNode first = paging.pages.get(0).deepCopy();
        JsonNode joined = JsonPath.using(JSON_PATH).parse(first).set(paging.items, all).json();
        return joined.toString();
    }

    private String nextUrl(Paging paging, JsonNode page) {
        String current = paging.call.url();
        if (paging.nextLink != null) {
            String link = JsonFields.text(JsonFields.jsonPath(page, paging.nextLink));
            if (link == null || link.isBlank()) {
                return null;
            }
            URI base = URI.create(current);
            URI next;
            try {
                next = base.resolve(link.strip());
            } catch (IllegalArgumentException e) {
                throw new EmrPermanentException("emr_rejected", 200, "EMR call " + paging.call.operation() + ": the next page link is not a URL");
            }
            if (!Objects.equals(base.getScheme(), next.getScheme()) || !Objects.equals(base.getHost(), next.getHost())
                    || base.getPort() != next.getPort()) {
                // the connection's credentials go with every page: never to another host
                throw new EmrPermanentException("emr_rejected", 200, "EMR call " + paging.call.operation()
                        + ": the next page link leaves the EMR's host; paging follows links on the call's scheme, host and port only");
            }
            return next.toString();
        }
        String token = JsonFields.text(JsonFields.jsonPath(page, paging.nextToken));
        if (token == null || token.isBlank()) {
            return null;
        }
        return withQuery(current, paging.tokenParam, token);
    }

    static String withQuery(String url, String name, String value) {
        String plain = stripParam(url, name);
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        int hash = plain.indexOf('#');
        String fragment = hash < 0 ? "" : plain.substring(hash);
        String head = hash < 0 ? plain : plain.substring(0, hash);
        return head + (head.contains("?") ? "&" : "?") + encoded + fragment;
    }

    /** The URL without its query parameter {@code name} (a token of the previous page). */
    static String stripParam(String url, String name) {
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        String prefix = URLEncoder.encode(name, StandardCharsets.UTF_8) + "=";
        List<String> kept = new ArrayList<>();
        for (String pair : url.substring(query + 1).split("&")) {
            if (!pair.startsWith(prefix) && !pair.isEmpty()) {
                kept.add(pair);
            }
        }
        return url.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
