package io.karafha.proxy.internal.engine;

/**
 * Follows the WebSocket frame headers (RFC 6455 section 5.2) in the backend-to-client byte stream
 * without keeping any payload, so the balancer knows whether it may write a frame of its own (a
 * close frame when the backend is lost) without cutting one of the backend's frames in two.
 */
final class FrameBoundary {

    private static final int OPCODE_CLOSE = 0x8;

    private final byte[] head = new byte[14];
    private int headLength;
    private int headTotal = 2;
    private long payloadLeft;
    private boolean closeSeen;

    /** Reads {@code length} bytes of the stream. */
    void consume(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, end - i);
                payloadLeft -= n;
                i += n;
                continue;
            }
            head[headLength++] = bytes[i++];
            if (headLength == 2) {
                int len = head[1] & 0x7F;
                headTotal = 2 + (len == 126 ? 2 : len == 127 ? 8 : 0) + ((head[1] & 0x80) != 0 ? 4 : 0);
            }
            if (headLength >= 2 && headLength == headTotal) {
                closeSeen |= (head[0] & 0x0F) == OPCODE_CLOSE;
                payloadLeft = payloadLength();
                headLength = 0;
                headTotal = 2;
            }
        }
    }

    private long payloadLength() {
        int len = head[1] & 0x7F;
        if (len < 126) {
            return len;
        }
        int bytes = len == 126 ? 2 : 8;
        long n = 0;
        for (int k = 0; k < bytes; k++) {
            n = (n << 8) | (head[2 + k] & 0xFF);
        }
        return n & Long.MAX_VALUE;
    }

    /** @return true between two frames */
    boolean atBoundary() {
        return headLength == 0 && payloadLeft == 0;
    }

    /** @return true once the backend sent a close frame */
    boolean closeSeen() {
        return closeSeen;
    }

    /**
     * @param code   close status, e.g. 1011 (server error) or 1001 (going away)
     * @param reason short UTF-8 text, at most 123 bytes
     * @return an unmasked (server-to-client) close frame
     */
    static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(text.length, 123);
        byte[] frame = new byte[4 + n];
        frame[0] = (byte) (0x80 | OPCODE_CLOSE);
        frame[1] = (byte) (2 + n);
        frame[2] = (byte) (code >> 8);
        frame[3] = (byte) code;
        System.arraycopy(text, 0, frame, 4, n);
        return frame;
    }
}
