package org.telenc.engine.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The examples of RFC 7396 appendix A, each as target, patch and result, plus the inputs staying unchanged. */
class JsonMergePatchTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"a":"b"}                | {"a":"c"}        | {"a":"c"}
            {"a":"b"}                | {"b":"c"}        | {"a":"b","b":"c"}
            {"a":"b"}                | {"a":null}       | {}
            {"a":"b","b":"c"}        | {"a":null}       | {"b":"c"}
            {"a":["b"]}              | {"a":"c"}        | {"a":"c"}
            {"a":"c"}                | {"a":["b"]}      | {"a":["b"]}
            {"a":{"b":"c"}}          | {"a":{"b":"d","c":null}} | {"a":{"b":"d"}}
            {"a":[{"b":"c"}]}        | {"a":[1]}        | {"a":[1]}
            ["a","b"]                | ["c","d"]        | ["c","d"]
            {"a":"b"}                | ["c"]            | ["c"]
            {"e":null}               | {"a":1}          | {"e":null,"a":1}
            [1,2]                    | {"a":"b","c":null} | {"a":"b"}
            {}                       | {"a":{"bb":{"ccc":null}}} | {"a":{"bb":{}}}
            """)
    void appliesAsRfc7396Says(String target, String patch, String result) throws Exception {
        JsonNode before = JSON.readTree(target);
        JsonNode change = JSON.readTree(patch);
        JsonNode beforeCopy = before.deepCopy();
        JsonNode changeCopy = change.deepCopy();
        assertThat(JsonMergePatch.apply(before, change)).isEqualTo(JSON.readTree(result));
        assertThat(before).isEqualTo(beforeCopy);
        assertThat(change).isEqualTo(changeCopy);
    }
}
