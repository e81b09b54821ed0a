package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns FHIR search parameters into predicates over stored resources. A {@code null} parameter
 * (not sent) matches everything; a modifier or chain the sandbox cannot evaluate is refused with
 * 400 rather than silently ignored.
 */
final class SearchFilters {

    private static final String IDENTIFIER = "identifier";

    private SearchFilters() {}

    /** {@code _id}. */
    static <T extends Resource> Predicate<T> id(TokenParam param) {
        return code(param, resource -> resource.getIdElement().getIdPart());
    }

    /** A token on identifiers: {@code system|value}, {@code system|} or {@code value}. */
    static <T> Predicate<T> identifier(TokenParam param, Function<T, List<Identifier>> identifiers) {
        if (param == null) {
            return resource -> true;
        }
        requireNoModifier(param);
        return resource -> identifiers.apply(resource).stream()
                .anyMatch(identifier -> matches(param, identifier.getSystem(), identifier.getValue()));
    }

    /** A token on a plain code, such as a status or a boolean rendered as text. */
    static <T> Predicate<T> code(TokenParam param, Function<T, String> code) {
        if (param == null) {
            return resource -> true;
        }
        requireNoModifier(param);
        return resource -> Objects.equals(param.getValue(), code.apply(resource));
    }

    /** A token on codings, matched by system (when given) and code. */
    static <T> Predicate<T> coding(TokenParam param, Function<T, List<CodeableConcept>> concepts) {
        if (param == null) {
            return resource -> true;
        }
        requireNoModifier(param);
        return resource -> concepts.apply(resource).stream()
                .flatMap(concept -> concept.getCoding().stream())
                .anyMatch(coding -> matches(param, coding.getSystem(), coding.getCode()));
    }

    /** A reference to {@code targetType}, sent as {@code Type/id} or as a bare {@code id}. */
    static <T> Predicate<T> reference(ReferenceParam param, String targetType, Function<T, Reference> reference) {
        if (param == null) {
            return resource -> true;
        }
        if (StringUtils.isNotBlank(param.getChain())) {
            throw new InvalidRequestException("Chained search is not supported: " + param.getChain());
        }
        if (param.getResourceType() != null && !targetType.equals(param.getResourceType())) {
            return resource -> false;
        }
        return resource -> {
            Reference target = reference.apply(resource);
            return target.getReferenceElement().hasIdPart()
                    && targetType.equals(target.getReferenceElement().getResourceType())
                    && param.getIdPart().equals(target.getReferenceElement().getIdPart());
        };
    }

    /** The patient id a reference parameter names (null: none, or not a plain Patient reference), for the store's patient index. */
    static String patientId(ReferenceParam param) {
        if (param == null || StringUtils.isNotBlank(param.getChain()) || StringUtils.isBlank(param.getIdPart())
                || (param.getResourceType() != null && !"Patient".equals(param.getResourceType()))) {
            return null;
        }
        return param.getIdPart();
    }

    /**
     * The criterion of an {@code If-None-Exist} header, which the sandbox supports as exactly one
     * {@code identifier=system|value}, optionally prefixed by {@code Type?} and URL-encoded.
     */
    static TokenParam conditionalIdentifier(String conditionalUrl) {
        String query = conditionalUrl.substring(conditionalUrl.indexOf('?') + 1);
        String prefix = IDENTIFIER + "=";
        if (query.contains("&") || !query.startsWith(prefix) || query.length() == prefix.length()) {
            throw new InvalidRequestException(
                    "If-None-Exist must be a single identifier=system|value criterion, not: " + conditionalUrl);
        }
        String token = URLDecoder.decode(query.substring(prefix.length()), StandardCharsets.UTF_8);
        int bar = token.indexOf('|');
        return bar < 0 ? new TokenParam(null, token) : new TokenParam(token.substring(0, bar), token.substring(bar + 1));
    }

    private static boolean matches(TokenParam param, String system, String code) {
        boolean systemMatches = StringUtils.isBlank(param.getSystem()) || param.getSystem().equals(system);
        boolean codeMatches = StringUtils.isBlank(param.getValue()) || param.getValue().equals(code);
        return systemMatches && codeMatches;
    }

    private static void requireNoModifier(TokenParam param) {
        if (param.getModifier() != null || param.isText()) {
            throw new InvalidRequestException("Token modifiers are not supported by the sandbox EMR");
        }
    }
}
