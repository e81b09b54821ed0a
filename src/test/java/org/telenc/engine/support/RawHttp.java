package org.telenc.engine.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what java.net.http refuses to send: malformed request lines
 * and headers, raw bytes in the path, chunked bodies split at chosen points. The request is written
 * exactly as given; the answer is read until the server closes or its body is complete.
 */
public final class RawHttp {

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /** What came back: status, headers (lower-case names, last value wins) and the decoded body. */
    public record Answer(int status, Map<String, String> headers, byte[] bodyBytes) {

        public String body() {
            return new String(bodyBytes, StandardCharsets.UTF_8);
        }

        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body();
        }
    }

    /** The head ({@code METHOD path HTTP/1.1}, headers, no final blank line) and a body sent as is. */
    public Answer send(byte[] head, byte[] body) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head);
        request.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        request.write(body);
        return exchange(request.toByteArray());
    }

    public Answer send(String head, byte[] body) throws IOException {
        return send(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    /** A chunked body: each piece becomes one chunk, then the last chunk. */
    public Answer sendChunked(String head, List<byte[]> pieces) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            if (piece.length == 0) {
                continue; // a zero-size chunk would end the body
            }
            body.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            body.write(piece);
            body.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        body.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return send(head + "\r\nTransfer-Encoding: chunked", body.toByteArray());
    }

    /** The whole request as bytes, exactly as it goes on the wire. */
    public Answer exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                // all is sent: a server still waiting for more (a body shorter than its
                // Content-Length) sees the end of the stream instead of waiting for a timeout
                socket.shutdownOutput();
            } catch (IOException e) {
                // the server may answer and close before reading everything: read what it said
            }
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            return new Answer(-1, Map.of(), new byte[0]);
        }
        String[] parts = statusLine.split(" ", 3);
        if (!statusLine.startsWith("HTTP/1.") || parts.length < 2 || !parts[1].matches("[0-9]{3}")) {
            // no status line (an HTTP/0.9 answer, or junk): status -1, everything as the body
            byte[] rest = in.readAllBytes();
            byte[] first = (statusLine + "\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = Arrays.copyOf(first, first.length + rest.length);
            System.arraycopy(rest, 0, all, first.length, rest.length);
            return new Answer(-1, Map.of(), all);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            for (String size = line(in); size != null; size = line(in)) {
                int length = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (length == 0) {
                    break;
                }
                decoded.write(in.readNBytes(length));
                line(in);
            }
            body = decoded.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Answer(status, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Splits bytes at the given cut points (ascending, within the array). */
    public static List<byte[]> split(byte[] bytes, int... cuts) {
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            pieces.add(Arrays.copyOfRange(bytes, from, cut));
            from = cut;
        }
        pieces.add(Arrays.copyOfRange(bytes, from, bytes.length));
        return pieces;
    }
}
