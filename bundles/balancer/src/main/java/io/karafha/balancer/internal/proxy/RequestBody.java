package io.karafha.balancer.internal.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's request body as read by Jetty's HttpClient for one forwarded request (shared by
 * all attempts). Records whether it was touched at all (so a failed attempt knows whether the
 * body can still be sent elsewhere), counts bytes, enforces {@code max.request.bytes} and
 * separates client read failures from backend failures. {@link #close()} does nothing: the
 * servlet container owns the stream.
 */
final class RequestBody extends InputStream {

    /** Thrown when the body grows beyond the limit. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long max) {
            super("Request body larger than " + max + " bytes");
        }
    }

    private final InputStream in;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean touched;
    private volatile boolean tooLarge;
    private volatile IOException clientFailure;

    /** @param maxBytes limit; 0 = unlimited */
    RequestBody(InputStream in, long maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        touched = true;
        if (tooLarge) {
            throw new TooLargeException(maxBytes);
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            clientFailure = e;
            throw e;
        }
        if (n > 0 && bytes.addAndGet(n) > maxBytes && maxBytes > 0) {
            tooLarge = true;
            throw new TooLargeException(maxBytes);
        }
        return n;
    }

    @Override
    public void close() {
        // the servlet container owns the stream
    }

    /** @return true once any read was attempted (a body that was touched cannot be replayed) */
    boolean touched() {
        return touched;
    }

    /** @return bytes read from the client so far */
    long bytesRead() {
        return bytes.get();
    }

    /** @return true if the body exceeded the limit */
    boolean tooLarge() {
        return tooLarge;
    }

    /** @return the exception reading from the client raised, or null */
    IOException clientFailure() {
        return clientFailure;
    }
}
