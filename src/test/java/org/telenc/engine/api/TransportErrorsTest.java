package org.telenc.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.RawHttp;
import org.telenc.engine.support.RawHttp.Answer;
import org.telenc.engine.support.Json;

/**
 * The transport rules of docs/api.md "Errors, in the order they are checked" over raw sockets (java.net.http refuses to send most of this):
 * chunked bodies are read once and judged like sized ones, a body that is not UTF-8 is
 * invalid_json, and what Tomcat refuses before the application runs still answers the contract's
 * JSON body with a code the API reference (docs/api.md) documents; never a 5xx, an HTML page or an empty body.
 */
class TransportErrorsTest extends EngineTest {

    static final String CREDENTIALS = "\r\nclient_id: " + CLIENT_ID + "\r\nclient_secret: " + CLIENT_SECRET
            + "\r\naccess_token: " + ACCESS_TOKEN;
    static final String AUTH = CREDENTIALS.substring(2);
    static final String ENCOUNTERS = "/v1/telephone-encounters";
    static final String ACTIONS = "/v1/telephone-encounters/actions";
    static final byte[] NO_BODY = new byte[0];

    /** The error codes the API reference's error section (docs/api.md) lists. */
    static final Set<String> DOCUMENTED = documentedCodes();

    RawHttp raw() {
        return new RawHttp(port);
    }

    static String head(String method, String path, String... headers) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close");
        for (String header : headers) {
            head.append("\r\n").append(header);
        }
        return head.toString();
    }

    static String postHead(String path, String... headers) {
        String[] all = Arrays.copyOf(headers, headers.length + 1);
        all[headers.length] = "Content-Type: application/json" + CREDENTIALS;
        return head("POST", path, all);
    }

    Answer sized(String head, byte[] body) throws Exception {
        return raw().send(head + "\r\nContent-Length: " + body.length, body);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String encounter(String mrn, String reason) {
        return Json.object("patient_mrn", mrn, "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "reason", reason);
    }

    /** An error answer as the contract has it: 4xx, JSON, success false, a documented code. */
    static JsonNode assertContractError(Answer answer, String what) throws Exception {
        assertThat(answer.status()).as(what + " => " + answer).isBetween(400, 499);
        assertThat(answer.contentType()).as(what + " => " + answer).startsWith("application/json");
        JsonNode body = JSON.readTree(answer.bodyBytes());
        assertThat(body.path("success").isBoolean() && !body.path("success").asBoolean()).as(what + " => " + answer).isTrue();
        assertThat(DOCUMENTED).as(what + " => " + answer + ": a code of the API reference's error section")
                .contains(body.path("error").asText());
        assertThat(body.path("message").asText()).as(what + " => " + answer).isNotBlank();
        return body;
    }

    static void assertError(Answer answer, int status, String code, String what) throws Exception {
        JsonNode body = assertContractError(answer, what);
        assertThat(answer.status()).as(what + " => " + answer).isEqualTo(status);
        assertThat(body.path("error").asText()).as(what + " => " + answer).isEqualTo(code);
    }

    // ---- item 1: chunked bodies ----

    @Test
    void aChunkedEncounterIsAcceptedAndReplaysTheSizedAnswer() throws Exception {
        String key = "chunked-" + UUID.randomUUID();
        byte[] body = utf8(encounter("100234", "chunked"));
        Answer chunked = raw().sendChunked(postHead(ENCOUNTERS, "Idempotency-Key: " + key), RawHttp.split(body, 1, 17, 40));
        assertThat(chunked.status()).as(chunked.toString()).isEqualTo(200);
        JsonNode accepted = JSON.readTree(chunked.bodyBytes());
        assertThat(accepted.path("telephone_encounter_id").asText()).matches("[0-9a-f]{32}");
        // the same bytes sized: the first answer again (a different body would be 422 idempotency_key_reused)
        Answer sized = sized(postHead(ENCOUNTERS, "Idempotency-Key: " + key), body);
        assertThat(sized.status()).isEqualTo(200);
        assertThat(sized.body()).isEqualTo(chunked.body());
    }

    @Test
    void chunkedBodiesOnEveryJsonEndpointAnswerLikeSizedOnes() throws Exception {
        // a URL nothing listens on, removed again below: no other test's events fan out to it
        String webhook = "{\"webhook_url\":\"http://127.0.0.1:9/transport-test\"}";
        List<String[]> cases = List.of(
                new String[] {ENCOUNTERS, "{\"patient_mrn\":\"100234\"}"},
                new String[] {ENCOUNTERS, "{\"patient_mrn\": "},
                new String[] {ACTIONS, "{\"emr_appointment_id\":\"1\"}"},
                new String[] {ACTIONS, "[1,2]"},
                new String[] {"/v1/webhook", webhook},
                new String[] {"/v1/webhook", "{\"webhook_url\":\"not a url\"}"});
        for (String[] c : cases) {
            byte[] body = utf8(c[1]);
            Answer sized = sized(postHead(c[0]), body);
            Answer chunked = raw().sendChunked(postHead(c[0]), RawHttp.split(body, 1, body.length - 1));
            assertThat(chunked.status()).as(c[0] + " " + chunked).isEqualTo(sized.status()).isLessThan(500);
            if (sized.status() >= 400) {
                assertThat(chunked.body()).isEqualTo(sized.body());
            }
            for (Answer registered : List.of(sized, chunked)) {
                // a registered webhook is removed again: the engine context is shared with other tests
                String webhookId = registered.status() == 200 ? JSON.readTree(registered.bodyBytes()).path("webhook_id").asText("") : "";
                if (!webhookId.isEmpty()) {
                    assertThat(raw().send(head("DELETE", "/v1/webhook/" + webhookId, AUTH), NO_BODY).status()).isEqualTo(200);
                }
            }
        }
        // the admin API too (its credential, its own validation)
        String admin = head("POST", "/admin/v1/clients", "Content-Type: application/json", "Authorization: Bearer demo-admin-token");
        byte[] client = utf8("{\"name\":\"chunked\"}");
        Answer sized = sized(admin, client);
        Answer chunked = raw().sendChunked(admin, RawHttp.split(client, 5));
        assertThat(chunked.status()).as(chunked.toString()).isEqualTo(sized.status()).isLessThan(500);
        assertThat(chunked.body()).isEqualTo(sized.body());
    }

    @Test
    void aChunkedBodyIsCountedWhileReadAndRefusedPast64KB() throws Exception {
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            pieces.add(utf8(" ".repeat(1024)));
        }
        assertError(raw().sendChunked(postHead(ENCOUNTERS), pieces), 413, "payload_too_large", "70 KB chunked");
        assertError(raw().sendChunked(postHead("/admin/v1/clients"), pieces), 413, "payload_too_large", "70 KB chunked admin");
        // exactly 64 KB is a body like any other (here an accepted request padded with spaces)
        byte[] request = utf8(encounter("100234", null));
        byte[] padded = Arrays.copyOf(request, RequestLimits.MAX_BODY_BYTES);
        Arrays.fill(padded, request.length, padded.length, (byte) ' ');
        Answer limit = raw().sendChunked(postHead(ENCOUNTERS), RawHttp.split(padded, 1000, 40000));
        assertThat(limit.status()).as(limit.toString()).isEqualTo(200);
        assertError(raw().sendChunked(postHead(ENCOUNTERS), RawHttp.split(Arrays.copyOf(padded, padded.length + 1), 30000)),
                413, "payload_too_large", "64 KB + 1 chunked");
    }

    @Test
    void brokenChunkFramingIsABadRequest() throws Exception {
        byte[] framing = utf8("zz\r\n{}\r\n0\r\n\r\n");
        assertError(raw().send(postHead(ENCOUNTERS, "Transfer-Encoding: chunked"), framing), 400, "bad_request", "bad chunk size");
    }

    /** Property: however a body is split into chunks, the answer is the sized body's. */
    @Test
    void randomChunkSplitsAnswerExactlyLikeTheSizedBody() throws Exception {
        Random random = new Random(11);
        List<byte[]> bodies = List.of(
                utf8("{\"patient_mrn\":\"100234\",\"provider_id\":\"12241\"}"),
                utf8(encounter("100234", "x".repeat(60))),
                utf8("{\"a\":1,\"a\":2}"),
                utf8("{\"patient_mrn\":\"caf\u00e9 \u6f22\u5b57 \ud83d\ude00\"}"),
                invalidUtf8Body(new byte[] {(byte) 0xe2, (byte) 0x82}),
                utf8("  "),
                utf8(encounter("100234", "split \u00e9\u00e8")));
        List<Answer> expected = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (byte[] body : bodies) {
            String key = "split-" + UUID.randomUUID();
            keys.add(key);
            expected.add(sized(postHead(ENCOUNTERS, "Idempotency-Key: " + key), body));
        }
        for (int run = 0; run < 200; run++) {
            int which = random.nextInt(bodies.size());
            byte[] body = bodies.get(which);
            int[] cuts = random.ints(random.nextInt(Math.min(8, body.length)), 1, body.length).sorted().distinct().toArray();
            Answer chunked = raw().sendChunked(postHead(ENCOUNTERS, "Idempotency-Key: " + keys.get(which)), RawHttp.split(body, cuts));
            assertThat(chunked.status()).as("body " + which + " cut at " + Arrays.toString(cuts) + ": " + chunked)
                    .isEqualTo(expected.get(which).status());
            assertThat(chunked.body()).as("body " + which + " cut at " + Arrays.toString(cuts)).isEqualTo(expected.get(which).body());
        }
    }

    // ---- item 2: bodies that are not UTF-8 ----

    /** A valid request with the bytes inside the reason's string value. */
    static byte[] invalidUtf8Body(byte[] bad) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(utf8("{\"patient_mrn\":\"100234\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\",\"reason\":\"a"));
        body.writeBytes(bad);
        body.writeBytes(utf8("b\"}"));
        return body.toByteArray();
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void bodiesThatAreNotUtf8AreInvalidJsonOnEveryJsonEndpoint() throws Exception {
        List<byte[]> examples = List.of(
                new byte[] {(byte) 0xff},
                new byte[] {(byte) 0xc0, (byte) 0xaf},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                new byte[] {(byte) 0xe2, (byte) 0x82});
        for (byte[] bad : examples) {
            byte[] body = invalidUtf8Body(bad);
            String what = "bytes " + Arrays.toString(bad);
            assertError(sized(postHead(ENCOUNTERS), body), 400, "invalid_json", what);
            assertError(raw().sendChunked(postHead(ENCOUNTERS), RawHttp.split(body, body.length - 4)), 400, "invalid_json",
                    what + " chunked");
            byte[] action = utf8("{\"emr_appointment_id\":\"1\",\"text\":\"a");
            byte[] actionBody = Arrays.copyOf(action, action.length + bad.length + 2);
            System.arraycopy(bad, 0, actionBody, action.length, bad.length);
            actionBody[actionBody.length - 2] = '"';
            actionBody[actionBody.length - 1] = '}';
            assertError(sized(postHead(ACTIONS), actionBody), 400, "invalid_json", what + " action");
            byte[] webhook = utf8("{\"webhook_url\":\"http://127.0.0.1/");
            byte[] webhookBody = Arrays.copyOf(webhook, webhook.length + bad.length + 2);
            System.arraycopy(bad, 0, webhookBody, webhook.length, bad.length);
            webhookBody[webhookBody.length - 2] = '"';
            webhookBody[webhookBody.length - 1] = '}';
            assertError(sized(postHead("/v1/webhook"), webhookBody), 400, "invalid_json", what + " webhook");
        }
        // a UTF-16 body with its byte order mark, big- and little-endian
        String request = encounter("100234", null);
        ByteArrayOutputStream be = new ByteArrayOutputStream();
        be.writeBytes(new byte[] {(byte) 0xfe, (byte) 0xff});
        be.writeBytes(request.getBytes(StandardCharsets.UTF_16BE));
        assertError(sized(postHead(ENCOUNTERS), be.toByteArray()), 400, "invalid_json", "UTF-16BE with BOM");
        ByteArrayOutputStream le = new ByteArrayOutputStream();
        le.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe});
        le.writeBytes(request.getBytes(StandardCharsets.UTF_16LE));
        assertError(sized(postHead(ENCOUNTERS), le.toByteArray()), 400, "invalid_json", "UTF-16LE with BOM");
        // valid multi-byte UTF-8 is still a request like any other
        Answer accepted = sized(postHead(ENCOUNTERS), utf8(encounter("100234", "caf\u00e9 \ud83d\ude00")));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    }

    /** Property: any byte sequence that is not UTF-8, anywhere in a string value, is 400 invalid_json. */
    @Test
    void randomInvalidUtf8IsAlwaysInvalidJson() throws Exception {
        Random random = new Random(2);
        for (int run = 0; run < 200; run++) {
            byte[] bad = invalidSequence(random);
            byte[] body = invalidUtf8Body(bad);
            assertThat(isUtf8(body)).as("generated " + Arrays.toString(bad)).isFalse();
            Answer answer = random.nextBoolean() ? sized(postHead(ENCOUNTERS), body)
                    : raw().sendChunked(postHead(ENCOUNTERS), RawHttp.split(body, 1 + random.nextInt(body.length - 1)));
            assertError(answer, 400, "invalid_json", "bytes " + Arrays.toString(bad));
        }
    }

    /** One malformed UTF-8 sequence, of a random kind. */
    static byte[] invalidSequence(Random random) {
        int cont = 0x80 + random.nextInt(0x40);
        return switch (random.nextInt(8)) {
            case 0 -> new byte[] {(byte) (0x80 + random.nextInt(0x40))}; // lone continuation byte
            case 1 -> new byte[] {(byte) (0xf5 + random.nextInt(0x0b))}; // never a UTF-8 byte (f5-ff)
            case 2 -> new byte[] {(byte) (0xc0 + random.nextInt(2)), (byte) cont}; // overlong 2-byte
            case 3 -> new byte[] {(byte) 0xe0, (byte) (0x80 + random.nextInt(0x20)), (byte) cont}; // overlong 3-byte
            case 4 -> new byte[] {(byte) 0xed, (byte) (0xa0 + random.nextInt(0x20)), (byte) cont}; // an encoded surrogate
            case 5 -> new byte[] {(byte) 0xf4, (byte) (0x90 + random.nextInt(0x30)), (byte) cont, (byte) cont}; // above U+10FFFF
            case 6 -> new byte[] {(byte) (0xe1 + random.nextInt(0x0c)), (byte) cont}; // truncated 3-byte
            default -> new byte[] {(byte) (0xf0 + random.nextInt(4)), (byte) 0x90, (byte) cont}; // truncated 4-byte
        };
    }

    // ---- item 3: what Tomcat refuses before the application ----

    @Test
    void eachRefusalOfTheHttpLayerAnswersTheContractBody() throws Exception {
        byte[] body = utf8(encounter("100234", null));
        assertError(raw().send(postHead(ENCOUNTERS, "X-Padding: " + "a".repeat(20_000)), NO_BODY), 431,
                "request_header_too_large", "headers over the limit");
        assertError(sized(postHead(ENCOUNTERS, "Idempotency-Key: a\u0001b"), body), 400, "bad_request", "\\x01 in a header value");
        assertError(sized(postHead(ENCOUNTERS, "Idempotency-Key: a\u007fb"), body), 400, "bad_request", "DEL in a header value");
        assertError(raw().send(head("GET", "/v1/telephone-encounters/%00", AUTH), NO_BODY), 400, "bad_request", "%00");
        assertError(raw().send(head("GET", "/v1/telephone-encounters/a%2fb", AUTH), NO_BODY), 400, "bad_request", "%2f");
        byte[] rawPath = ("GET /v1/telephone-encounters/caf\u00c3\u00a9 HTTP/1.1\r\nHost: x\r\nConnection: close" + CREDENTIALS)
                .getBytes(StandardCharsets.ISO_8859_1);
        assertError(raw().send(rawPath, NO_BODY), 400, "bad_request", "raw non-ASCII bytes in the path");
        assertError(raw().send(postHead(ENCOUNTERS, "Content-Length: " + body.length, "Content-Length: 3"), body), 400,
                "bad_request", "two Content-Length headers");
        assertError(sized(postHead(ENCOUNTERS, "Bad Name: x"), body), 400, "bad_request", "a header name with a space");
        Answer trace = raw().send(head("TRACE", ENCOUNTERS), NO_BODY);
        assertError(trace, 405, "method_not_allowed", "TRACE");
        assertError(raw().send(head("GET", "/no/such/path"), NO_BODY), 404, "not_found", "unknown path");
        assertError(raw().send(head("GET", "/"), NO_BODY), 404, "not_found", "root");
    }

    /**
     * Property: a generated set of malformed request lines and headers (every control character in
     * a header value and name, bad path bytes and escapes, every method Tomcat knows plus junk,
     * framing conflicts) never gets a 5xx, an HTML page or an empty body.
     */
    @Test
    void malformedRequestsNeverGetA5xxHtmlOrEmptyBody() throws Exception {
        byte[] body = utf8(encounter("100234", null));
        List<byte[]> requests = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 0x20; c++) {
            if (c == '\t') {
                continue; // a tab is allowed inside a header value
            }
            add(requests, names, "control " + c + " in a header value",
                    request(postHead(ENCOUNTERS, "Idempotency-Key: a" + (char) c + "b", "Content-Length: " + body.length), body));
            add(requests, names, "control " + c + " in a header name",
                    request(postHead(ENCOUNTERS, "X-A" + (char) c + "b: 1", "Content-Length: " + body.length), body));
        }
        add(requests, names, "DEL in a header value", request(postHead(ENCOUNTERS, "Idempotency-Key: a\u007fb", "Content-Length: " + body.length), body));
        add(requests, names, "DEL in a header name", request(postHead(ENCOUNTERS, "X-A\u007fb: 1", "Content-Length: " + body.length), body));
        for (char separator : " ()<>@,;\\\"/[]?={}".toCharArray()) {
            add(requests, names, "separator '" + separator + "' in a header name",
                    request(postHead(ENCOUNTERS, "X" + separator + "Y: 1", "Content-Length: " + body.length), body));
        }
        for (int b = 0x80; b <= 0xff; b += 7) {
            add(requests, names, "byte " + b + " in a header name", request(head("GET", "/v1/providers", "X" + (char) b + ": 1"), NO_BODY));
        }
        for (int b = 0; b <= 0xff; b++) {
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || "-._~/%".indexOf(b) >= 0;
            if (!plain && b != '\r' && b != '\n' && b != ' ') {
                add(requests, names, "raw byte " + b + " in the path", request(head("GET", "/v1/providers" + (char) b + "x", AUTH), NO_BODY));
            }
        }
        for (String escape : List.of("%00", "%2f", "%2F", "%5c", "%zz", "%", "%2", "%c0%af", "%ff", "%e2%82", "%2e%2e/%2e%2e", "..%2f..")) {
            add(requests, names, "escape " + escape + " in the path", request(head("GET", "/v1/providers/" + escape, AUTH), NO_BODY));
        }
        for (String method : List.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "PROPFIND",
                "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "PROPPATCH", "FOO", "get", "G@T", "GE T", "\u0001GET", "X".repeat(300))) {
            add(requests, names, "method " + method, request(head(method, ENCOUNTERS, "Content-Type: application/json", AUTH), NO_BODY));
            add(requests, names, "method " + method + " on the admin API", request(head(method, "/admin/v1/clients"), NO_BODY));
        }
        add(requests, names, "HTTP/2.0 request line", utf8("GET /v1/providers HTTP/2.0\r\nHost: x\r\n\r\n"));
        add(requests, names, "HTTP/1.2 request line", utf8("GET /v1/providers HTTP/1.2\r\nHost: x\r\n\r\n"));
        add(requests, names, "lower-case protocol", utf8("GET /v1/providers http/1.1\r\nHost: x\r\n\r\n"));
        add(requests, names, "no protocol", utf8("GET /v1/providers  \r\nHost: x\r\n\r\n"));
        add(requests, names, "no path", utf8("GET  HTTP/1.1\r\nHost: x\r\n\r\n"));
        add(requests, names, "relative path", utf8("GET v1/providers HTTP/1.1\r\nHost: x\r\n\r\n"));
        add(requests, names, "HTTP/1.1 without Host", utf8("GET /v1/providers HTTP/1.1\r\nConnection: close\r\n\r\n"));
        add(requests, names, "two Host headers", request(head("GET", "/v1/providers", "Host: other"), NO_BODY));
        add(requests, names, "bad Host", request("GET /v1/providers HTTP/1.1\r\nHost: a b\r\nConnection: close", NO_BODY));
        add(requests, names, "two Content-Length", request(postHead(ENCOUNTERS, "Content-Length: " + body.length, "Content-Length: 1"), body));
        add(requests, names, "Content-Length abc", request(postHead(ENCOUNTERS, "Content-Length: abc"), body));
        add(requests, names, "Content-Length -1", request(postHead(ENCOUNTERS, "Content-Length: -1"), body));
        add(requests, names, "huge Content-Length", request(postHead(ENCOUNTERS, "Content-Length: 99999999999999"), body));
        add(requests, names, "Content-Length and chunked", request(postHead(ENCOUNTERS, "Content-Length: 5", "Transfer-Encoding: chunked"), utf8("2\r\n{}\r\n0\r\n\r\n")));
        add(requests, names, "gzip transfer coding", request(postHead(ENCOUNTERS, "Transfer-Encoding: gzip"), body));
        add(requests, names, "unknown transfer coding", request(postHead(ENCOUNTERS, "Transfer-Encoding: foo, chunked"), utf8("2\r\n{}\r\n0\r\n\r\n")));
        add(requests, names, "chunk size junk", request(postHead(ENCOUNTERS, "Transfer-Encoding: chunked"), utf8("zz\r\n{}\r\n0\r\n\r\n")));
        add(requests, names, "chunk size too large", request(postHead(ENCOUNTERS, "Transfer-Encoding: chunked"), utf8("ffffffffffffffff\r\n{}\r\n0\r\n\r\n")));
        add(requests, names, "body shorter than Content-Length", request(postHead(ENCOUNTERS, "Content-Length: " + (body.length + 5)), body));
        add(requests, names, "Expect junk", request(postHead(ENCOUNTERS, "Expect: nonsense", "Content-Length: " + body.length), body));
        add(requests, names, "folded header", request(postHead(ENCOUNTERS, "X-A: 1", " folded", "Content-Length: " + body.length), body));
        add(requests, names, "header without colon", request(postHead(ENCOUNTERS, "NoColon", "Content-Length: " + body.length), body));
        add(requests, names, "bare CR in a value", request(postHead(ENCOUNTERS, "X-A: 1\r2", "Content-Length: " + body.length), body));
        add(requests, names, "long request line", request(head("GET", "/v1/providers?" + "a".repeat(20_000)), NO_BODY));
        add(requests, names, "many headers", request(head("GET", "/v1/providers", "X-A: 1\r\n".repeat(2000) + "X-B: 2"), NO_BODY));
        assertThat(requests).hasSizeGreaterThan(300);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Answer answer = raw().exchange(requests.get(i));
            String what = names.get(i);
            try {
                if (answer.status() == -1) {
                    // a request line without a version is HTTP/0.9: its answer is the body alone
                    assertThat(DOCUMENTED).as(what + " => " + answer).contains(JSON.readTree(answer.bodyBytes()).path("error").asText());
                    assertThat(JSON.readTree(answer.bodyBytes()).path("success").asBoolean(true)).isFalse();
                    continue;
                }
                assertThat(answer.status()).as(what + " => " + answer).isBetween(200, 499);
                if (answer.status() >= 400) {
                    assertContractError(answer, what);
                }
            } catch (AssertionError | IOException e) {
                wrong.add(what + " => " + answer);
            }
        }
        assertThat(wrong).as("of " + requests.size() + " malformed requests").isEmpty();
    }

    static void add(List<byte[]> requests, List<String> names, String name, byte[] request) {
        requests.add(request);
        names.add(name);
    }

    static byte[] request(String head, byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(body);
        return request.toByteArray();
    }

    static Set<String> documentedCodes() {
        try {
            String readme = Files.readString(Path.of("docs", "api.md"));
            int start = readme.indexOf("## Error codes");
            assertThat(start).as("the API reference's error section").isNotNegative();
            int end = readme.indexOf("\n## ", start + 1);
            Matcher code = Pattern.compile("`([a-z_]+)`").matcher(readme.substring(start, end < 0 ? readme.length() : end));
            Set<String> codes = new LinkedHashSet<>();
            while (code.find()) {
                codes.add(code.group(1));
            }
            return codes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
