package org.telenc.engine.webhook.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Number handling and rejections of {@link CompactJson}; byte compatibility is in {@link CompactJsonFixtureTest}. */
class CompactJsonTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long MAX_SAFE = 9_007_199_254_740_991L;

    @Test
    void writesEveryIntegralNumberTypeAsPlainDigits() {
        List<Object> numbers = List.of((byte) -8, (short) 300, 7, -MAX_SAFE, BigInteger.valueOf(MAX_SAFE),
                3.0, 2.0f, -0.0, new BigDecimal("12.000"), new BigDecimal("1E+3"));

        assertThat(CompactJson.write(numbers)).isEqualTo("[-8,300,7,-9007199254740991,9007199254740991,3,2,0,12,1000]");
    }

    @Test
    void jacksonNumberNodesFollowTheSameRules() {
        JsonNode node = NODES.arrayNode()
                .add(NODES.numberNode(BigInteger.valueOf(-MAX_SAFE)))
                .add(NODES.numberNode(5.0))
                .add(NODES.numberNode(new BigDecimal("4.00")));

        assertThat(CompactJson.write(node)).isEqualTo("[-9007199254740991,5,4]");
        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(NODES.numberNode(0.5)));
        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(NODES.numberNode(MAX_SAFE + 1)));
    }

    @Test
    void rejectsNumbersJavaScriptWouldPrintDifferently() {
        for (Object number : List.of(0.5, 1.5f, new BigDecimal("0.1"), Double.NaN, Double.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, MAX_SAFE + 1, -MAX_SAFE - 1, Long.MIN_VALUE, 1e21,
                BigInteger.ONE.shiftLeft(64))) {
            assertThatIllegalArgumentException().as("%s", number)
                    .isThrownBy(() -> CompactJson.write(List.of(number)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "7", "12", "4294967294"})
    void rejectsArrayIndexKeysThatJsonParseWouldMoveToTheFront(String key) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put(key, 2);
        ObjectNode node = NODES.objectNode().put("a", 1).put(key, 2);

        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(map)).withMessageContaining(key);
        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(node)).withMessageContaining(key);
    }

    @Test
    void rejectsNonStringAndNullKeys() {
        Map<Object, Object> numericKey = new HashMap<>(Map.of(1, "one"));
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, "none");

        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(numericKey));
        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(nullKey));
    }

    @Test
    void rejectsUnsupportedTypes() {
        for (Object value : List.of('c', new Object(), new int[] {1}, Set.of("a"), new AtomicInteger(1))) {
            assertThatIllegalArgumentException().as("%s", value.getClass())
                    .isThrownBy(() -> CompactJson.write(Map.of("k", value)));
        }
        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(NODES.binaryNode(new byte[] {1})));
        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(NODES.pojoNode(new Object())));
        assertThatIllegalArgumentException().isThrownBy(() -> CompactJson.write(NODES.missingNode()));
    }

    @Test
    void writesNullsInsideCollectionsAndAtTopLevel() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", null);
        map.put("b", Arrays.asList(null, "x"));

        assertThat(CompactJson.write(map)).isEqualTo("{\"a\":null,\"b\":[null,\"x\"]}");
        assertThat(CompactJson.write((Object) null)).isEqualTo("null");
        assertThat(CompactJson.write((JsonNode) null)).isEqualTo("null");
    }
}
