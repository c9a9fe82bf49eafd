package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's request body as read by Jetty's HttpClient for one forwarded request (shared by
 * all attempts). Records whether it was touched at all (so a failed attempt knows whether the
 * body can still be sent elsewhere), counts bytes, enforces {@code max.request.bytes} and
 * separates client read failures from backend failures. The first {@value #REPLAY_BYTES} bytes are
 * kept, so that a body a backend refused unread ("not served here") can be sent again
 * ({@link #rewind()}), each attempt through its own {@link #reader()}.
 */
final class RequestBody {

    /** Thrown when the body grows beyond the limit. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long max) {
            super("Request body larger than " + max + " bytes");
        }
    }

    /** Bodies up to this size can be sent again after a backend refused them unread. */
    static final int REPLAY_BYTES = 256 * 1024;

    private final InputStream in;
    private final long maxBytes;
    private byte[] kept = new byte[0];
    private int keptSize;
    /** Bytes taken from the client so far. */
    private long taken;
    /** Bumped by {@link #rewind()}: a reader of an earlier attempt gets an error, never the next attempt's bytes. */
    private int generation;
    private boolean overflow;
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean touched;
    private volatile boolean tooLarge;
    private volatile IOException clientFailure;

    /** @param maxBytes limit; 0 = unlimited */
    RequestBody(InputStream in, long maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * @return a stream of the whole body from its first byte, for one attempt; it fails once
     *         {@link #rewind()} handed the body to the next attempt. Closing it does nothing: the
     *         servlet container owns the client's stream.
     */
    synchronized InputStream reader() {
        int gen = generation;
        return new InputStream() {
            private long pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = readAt(gen, pos, b, off, len);
                if (n > 0) {
                    pos += n;
                }
                return n;
            }
        };
    }

    /** The bytes at {@code pos}: from what was kept, or, at the end of it, from the client. */
    private synchronized int readAt(int gen, long pos, byte[] b, int off, int len) throws IOException {
        if (gen != generation) {
            throw new IOException("request body taken over by the next endpoint");
        }
        touched = true;
        if (tooLarge) {
            throw new TooLargeException(maxBytes);
        }
        if (pos < keptSize) {
            int n = (int) Math.min(len, keptSize - pos);
            System.arraycopy(kept, (int) pos, b, off, n);
            delivered.addAndGet(n);
            return n;
        }
        if (pos != taken) {
            // a body past REPLAY_BYTES is never rewound: only the one reader gets here
            throw new IOException("request body position " + pos + " is not where the client stream is (" + taken + ")");
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            clientFailure = e;
            throw e;
        }
        if (n > 0) {
            taken += n;
            if (maxBytes > 0 && taken > maxBytes) {
                tooLarge = true;
                throw new TooLargeException(maxBytes);
            }
            keep(b, off, n);
            delivered.addAndGet(n);
        }
        return n;
    }

    private void keep(byte[] b, int off, int n) {
        if (overflow || keptSize + n > REPLAY_BYTES) {
            overflow = true;
            return;
        }
        if (keptSize + n > kept.length) {
            kept = java.util.Arrays.copyOf(kept, Math.min(REPLAY_BYTES, Math.max(keptSize + n, kept.length * 2 + 1024)));
        }
        System.arraycopy(b, off, kept, keptSize, n);
        keptSize += n;
    }

    /**
     * Hands the body to the next attempt, from its first byte, when everything read so far was
     * kept; readers of earlier attempts fail from now on.
     *
     * @return false if the body was larger than {@value #REPLAY_BYTES} bytes (it cannot be sent again)
     */
    synchronized boolean rewind() {
        if (overflow || clientFailure != null || tooLarge) {
            return false;
        }
        generation++;
        return true;
    }

    /** @return true once any read was attempted (a body that was touched cannot be replayed) */
    boolean touched() {
        return touched;
    }

    /** @return bytes handed to the backend requests so far (progress of the upload) */
    long bytesRead() {
        return delivered.get();
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
