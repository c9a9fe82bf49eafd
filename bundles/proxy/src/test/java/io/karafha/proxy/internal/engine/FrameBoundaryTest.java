package io.karafha.proxy.internal.engine;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class FrameBoundaryTest {

    @Test
    public void followsFramesSplitAnywhereWithEveryLengthFormAndMask() {
        byte[] small = {(byte) 0x81, 3, 'a', 'b', 'c'};
        byte[] medium = new byte[4 + 300];
        medium[0] = (byte) 0x82;
        medium[1] = 126;
        medium[2] = 1;
        medium[3] = 44;
        byte[] masked = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'x', 'y'};
        byte[] large = new byte[10 + 70_000];
        large[0] = (byte) 0x82;
        large[1] = 127;
        large[7] = 1;
        large[8] = 0x11;
        large[9] = 0x70;
        for (byte[] frame : new byte[][] {small, medium, masked, large}) {
            for (int split = 1; split < Math.min(frame.length, 12); split++) {
                FrameBoundary f = new FrameBoundary();
                f.consume(frame, 0, split);
                assertFalse("split at " + split, f.atBoundary());
                f.consume(frame, split, frame.length - split);
                assertTrue("whole frame", f.atBoundary());
                assertFalse(f.closeSeen());
            }
        }
    }

    @Test
    public void seesTheBackendsCloseFrameAndWritesOne() {
        FrameBoundary f = new FrameBoundary();
        byte[] close = FrameBoundary.closeFrame(1011, "backend lost");
        assertArrayEquals(new byte[] {(byte) 0x88, 14, 0x03, (byte) 0xF3}, java.util.Arrays.copyOf(close, 4));
        f.consume(close, 0, close.length);
        assertTrue(f.atBoundary());
        assertTrue(f.closeSeen());
    }
}
