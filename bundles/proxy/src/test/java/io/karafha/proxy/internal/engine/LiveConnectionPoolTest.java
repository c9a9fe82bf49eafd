package io.karafha.proxy.internal.engine;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The check a pooled connection passes before it carries a request, on real loopback sockets. */
public class LiveConnectionPoolTest {

    private ServerSocketChannel server;
    private ScheduledExecutorScheduler scheduler;
    private Selector selector;

    @Before
    public void listen() throws Exception {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        selector = Selector.open(); // never selected: the end points only need a key to cancel
    }

    @After
    public void close() throws Exception {
        server.close();
        scheduler.stop();
        selector.close();
    }

    /** A connected pair: the proxy's end point and the backend's socket. */
    private EndPoint connect(SocketChannel[] backend) throws Exception {
        SocketChannel channel = SocketChannel.open(server.getLocalAddress());
        backend[0] = server.accept();
        channel.configureBlocking(false);
        return new SocketChannelEndPoint(channel, null, channel.register(selector, 0), scheduler);
    }

    private static void awaitDelivery() throws InterruptedException {
        Thread.sleep(100); // loopback delivers at once; leave the kernel time all the same
    }

    @Test
    public void anOpenQuietConnectionIsUsedAndStaysUsable() throws Exception {
        SocketChannel[] backend = new SocketChannel[1];
        EndPoint endPoint = connect(backend);
        assertTrue(LiveConnectionPool.isUsable(endPoint));
        assertTrue("the check reads nothing away", LiveConnectionPool.isUsable(endPoint));
        assertTrue(endPoint.isOpen());
        backend[0].close();
        endPoint.close();
    }

    @Test
    public void aConnectionTheBackendClosedIsDropped() throws Exception {
        SocketChannel[] backend = new SocketChannel[1];
        EndPoint endPoint = connect(backend);
        backend[0].close();
        awaitDelivery();
        assertFalse("end of stream waiting in the socket", LiveConnectionPool.isUsable(endPoint));
        endPoint.close();
    }

    @Test
    public void aConnectionTheBackendResetIsDropped() throws Exception {
        SocketChannel[] backend = new SocketChannel[1];
        EndPoint endPoint = connect(backend);
        backend[0].setOption(StandardSocketOptions.SO_LINGER, 0); // close sends RST, like a killed process with unread data
        backend[0].close();
        awaitDelivery();
        assertFalse(LiveConnectionPool.isUsable(endPoint));
        endPoint.close();
    }

    @Test
    public void aConnectionWithUnaskedBytesIsDropped() throws Exception {
        SocketChannel[] backend = new SocketChannel[1];
        EndPoint endPoint = connect(backend);
        backend[0].write(ByteBuffer.wrap("HTTP/1.1 408 Request Timeout\r\n".getBytes()));
        awaitDelivery();
        assertFalse(LiveConnectionPool.isUsable(endPoint));
        backend[0].close();
        endPoint.close();
    }

    @Test
    public void aClosedEndPointIsDropped() throws Exception {
        SocketChannel[] backend = new SocketChannel[1];
        EndPoint endPoint = connect(backend);
        endPoint.close();
        assertFalse(LiveConnectionPool.isUsable(endPoint));
        backend[0].close();
    }
}
