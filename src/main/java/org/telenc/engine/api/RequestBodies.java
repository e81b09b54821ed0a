package org.telenc.engine.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;

/**
 * The text of a request body, decoded strictly as UTF-8: a stray or overlong byte, an encoded
 * surrogate, a truncated sequence or another encoding (UTF-16 with its byte order mark) is not
 * replaced silently, it is {@code 400 invalid_json}. Every API route that reads a body decodes it here.
 */
@Component("requestBodies")
public class RequestBodies {

    public String utf8(byte[] body) {
        if (body == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.invalidJson();
        }
    }
}
