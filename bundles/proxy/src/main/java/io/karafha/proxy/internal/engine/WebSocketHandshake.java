package io.karafha.proxy.internal.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import javax.servlet.http.HttpServletRequest;

import io.karafha.routes.Endpoint;
import io.karafha.routes.RouteHeaders;

/**
 * One WebSocket opening handshake against one endpoint, on a plain socket: connect within the
 * connect timeout, send the client's GET with its end-to-end headers (Sec-WebSocket-*), the
 * balancer's forwarded headers and {@code Upgrade}/{@code Connection: Upgrade} (the one case
 * where these hop-by-hop headers go on), then read the answer's head within the response timeout.
 * After a 101 the socket belongs to the {@link WebSocketTunnel}.
 */
final class WebSocketHandshake {

    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_RELAYED_BODY = 64 * 1024;

    final Socket socket;
    final int status;
    final List<String[]> headers;
    /** bytes the backend sent after the head (the first frames after a 101, or a body) */
    final byte[] rest;

    private WebSocketHandshake(Socket socket, int status, List<String[]> headers, byte[] rest) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.rest = rest;
    }

    /**
     * @param protocols the client's Upgrade header (lower case)
     * @throws IOException connect refused or timed out, the backend closed or stayed silent, or a bad answer
     */
    static WebSocketHandshake open(HttpServletRequest req, String routePath, Endpoint endpoint, String protocols,
                                   boolean preserveHost, int connectTimeoutMs, int responseTimeoutMs) throws IOException {
        URI base = endpoint.getUrl();
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(base.getHost(), port), connectTimeoutMs);
            if (tls) {
                socket = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, base.getHost(), port, true);
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(responseTimeoutMs);
            OutputStream out = socket.getOutputStream();
            out.write(request(req, routePath, base, protocols, preserveHost).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            WebSocketHandshake answer = read(socket);
            socket.setSoTimeout(0);
            return answer;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    static String request(HttpServletRequest req, String routePath, URI base, String protocols, boolean preserveHost) {
        StringBuilder head = new StringBuilder(512);
        head.append("GET ").append(Attempt.target(base, req)).append(" HTTP/1.1\r\n");
        Set<String> tokens = HopByHopHeaders.connectionTokens(Collections.list(req.getHeaders("Connection")));
        for (String name : Collections.list(req.getHeaderNames())) {
            if (Attempt.isEndToEnd(name, tokens)) {
                for (String value : Collections.list(req.getHeaders(name))) {
                    head.append(name).append(": ").append(value).append("\r\n");
                }
            }
        }
        ForwardedHeaders.add(req, (n, v) -> head.append(n).append(": ").append(v).append("\r\n"), base, preserveHost);
        head.append(RouteHeaders.ROUTE).append(": ").append(routePath).append("\r\n");
        head.append("Upgrade: ").append(protocols).append("\r\n");
        head.append("Connection: Upgrade\r\n\r\n");
        return head.toString();
    }

    private static WebSocketHandshake read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        byte[] buf = new byte[4096];
        int end;
        while ((end = endOfHead(head.toByteArray())) < 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("backend closed the connection before answering the WebSocket handshake");
            }
            head.write(buf, 0, n);
            if (head.size() > MAX_HEAD && endOfHead(head.toByteArray()) < 0) {
                throw new IOException("backend answer head larger than " + MAX_HEAD + " bytes");
            }
        }
        byte[] all = head.toByteArray();
        String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x answer: " + lines[0]);
        }
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + lines[0], e);
        }
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        return new WebSocketHandshake(socket, status, headers, rest);
    }

    /** @return the index of the blank line's CRLFCRLF, or -1 */
    private static int endOfHead(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** @return the first value of header {@code name}, or null */
    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** @return the body of a non-101 answer that declares a Content-Length up to 64 KiB, else empty */
    byte[] smallBody() {
        String length = header("Content-Length");
        try {
            int n = length == null ? 0 : Integer.parseInt(length.trim());
            if (n <= 0 || n > MAX_RELAYED_BODY) {
                return new byte[0];
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(n);
            body.write(rest, 0, Math.min(rest.length, n));
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            while (body.size() < n) {
                int r = in.read(buf, 0, Math.min(buf.length, n - body.size()));
                if (r < 0) {
                    break;
                }
                body.write(buf, 0, r);
            }
            return body.toByteArray();
        } catch (NumberFormatException | IOException e) {
            return new byte[0];
        }
    }

    static boolean isTimeout(Throwable t) {
        return t instanceof SocketTimeoutException;
    }

    void close() {
        closeQuietly(socket);
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
