package org.telenc.engine.webhook.signing;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes compact JSON that JavaScript's {@code JSON.stringify(JSON.parse(json))} (ES2019
 * well-formed {@code JSON.stringify}) reproduces byte for byte, so that receivers that re-serialize
 * a webhook body before checking its signature still verify it.
 *
 * <p>Supported values: {@link Map} with {@link String} keys (written in the map's iteration order,
 * so pass a {@link java.util.LinkedHashMap}), {@link List}, {@link String}, {@link Boolean},
 * {@code null}, and numbers whose value is an integer within JavaScript's safe range
 * &plusmn;(2<sup>53</sup>&minus;1): {@link Byte}, {@link Short}, {@link Integer}, {@link Long},
 * {@link BigInteger}, and {@link Float}, {@link Double} or {@link BigDecimal} with no fractional
 * part (written without a fraction or exponent, as JavaScript does). A Jackson tree is written
 * with the same rules by {@link #write(JsonNode)}.
 *
 * <p>Strings escape {@code "} and {@code \}, use {@code \b \f \n \r \t}, write the other code units
 * below U+0020 and lone surrogates as lowercase {@code \}{@code u00xx} / {@code \}{@code udxxx},
 * and write everything else raw (including {@code /}, U+2028, U+2029 and non-ASCII).
 *
 * <p>Rejected with {@link IllegalArgumentException}: fractional, non-finite or out-of-range
 * numbers; object keys that are array indices ({@code "0"}, {@code "12"}, up to
 * {@code "4294967294"}), because {@code JSON.parse} moves those keys to the front of the object;
 * non-string or null keys; any other type. Messages carry no values except a rejected key.
 */
public final class CompactJson {

    /** {@code Number.MAX_SAFE_INTEGER}: larger integers do not survive a trip through a double. */
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    /** The largest ECMAScript array index, 2<sup>32</sup>&minus;2. */
    private static final long MAX_ARRAY_INDEX = 4_294_967_294L;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CompactJson() {
    }

    /**
     * Serializes a tree of maps, lists, strings, booleans, integral numbers and nulls.
     *
     * @param value the value to write; {@code null} writes {@code null}
     * @return the compact JSON text
     * @throws IllegalArgumentException if the tree holds a value JSON.stringify would not
     *     reproduce (see the class description)
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        writeValue(value, out);
        return out.toString();
    }

    /**
     * Serializes a Jackson tree with the same rules as {@link #write(Object)}; object fields are
     * written in the node's order.
     *
     * @param node the tree; a Java {@code null} writes {@code null}
     * @return the compact JSON text
     * @throws IllegalArgumentException for missing, binary or POJO nodes, and as
     *     {@link #write(Object)} for numbers and keys
     */
    public static String write(JsonNode node) {
        StringBuilder out = new StringBuilder();
        writeNode(node, out);
        return out.toString();
    }

    private static void writeValue(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            writeString(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Number n) {
            out.append(safeInteger(n));
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("object keys must be strings, got "
                            + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName()));
                }
                first = writeKey(key, first, out);
                writeValue(entry.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeValue(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("unsupported JSON value type " + value.getClass().getName());
        }
    }

    private static void writeNode(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull()) {
            out.append("null");
        } else if (node.isTextual()) {
            writeString(node.textValue(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNumber()) {
            out.append(safeInteger(node.numberValue()));
        } else if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                first = writeKey(field.getKey(), first, out);
                writeNode(field.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeNode(node.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("unsupported JSON node type " + node.getNodeType());
        }
    }

    /** Writes a separator when needed, then the key and its colon; returns the new "first" flag. */
    private static boolean writeKey(String key, boolean first, StringBuilder out) {
        if (isArrayIndex(key)) {
            throw new IllegalArgumentException("object key \"" + key + "\" is an array index; JSON.parse would reorder it");
        }
        if (!first) {
            out.append(',');
        }
        writeString(key, out);
        out.append(':');
        return false;
    }

    /** True for the canonical decimal form of 0 .. 2^32-2, the keys JavaScript orders first. */
    private static boolean isArrayIndex(String key) {
        int length = key.length();
        if (length == 0 || length > 10 || (length > 1 && key.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return Long.parseLong(key) <= MAX_ARRAY_INDEX;
    }

    private static long safeInteger(Number number) {
        BigDecimal exact;
        if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
            exact = BigDecimal.valueOf(number.longValue());
        } else if (number instanceof BigInteger big) {
            exact = new BigDecimal(big);
        } else if (number instanceof BigDecimal decimal) {
            exact = decimal;
        } else if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("non-finite number");
            }
            exact = new BigDecimal(d);
        } else {
            throw new IllegalArgumentException("unsupported number type " + number.getClass().getName());
        }
        BigInteger integer;
        try {
            integer = exact.toBigIntegerExact();
        } catch (ArithmeticException fractional) {
            throw new IllegalArgumentException("non-integral number", fractional);
        }
        if (integer.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0) {
            throw new IllegalArgumentException("integer outside JavaScript's safe range");
        }
        return integer.longValueExact();
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        appendUnicodeEscape(c, out);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        appendUnicodeEscape(c, out);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void appendUnicodeEscape(char c, StringBuilder out) {
        out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
