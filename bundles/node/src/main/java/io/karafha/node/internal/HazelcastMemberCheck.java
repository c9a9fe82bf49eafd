package io.karafha.node.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.hazelcast.config.Config;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.Member;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the tcp-ip members configured in {@code etc/hazelcast.xml}: a member that is neither in
 * the cluster nor reachable gets one WARN line naming the file, the key and the address; one INFO
 * line when it is reachable again. Hazelcast itself only logs repeated connection errors.
 */
@Component(name = "io.karafha.node.hazelcastmembers", immediate = true)
public class HazelcastMemberCheck {

    static final String FILE_KEY = "etc/hazelcast.xml: network/join/tcp-ip member";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMemberCheck.class);

    @Reference
    private HazelcastInstance hazelcast;

    private final Map<String, Boolean> reachable = new HashMap<>();
    private ScheduledExecutorService timer;

    @Activate
    void activate() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "karaf-ha-hazelcast-member-check"));
        // joining nodes take 15-20 s: give the cluster time to form before calling anything unreachable
        timer.scheduleWithFixedDelay(this::check, 30, 15, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    void check() {
        try {
            Config config = hazelcast.getConfig();
            TcpIpConfig tcpIp = config.getNetworkConfig().getJoin().getTcpIpConfig();
            if (!tcpIp.isEnabled()) {
                return;
            }
            List<String> members = tcpIp.getMembers();
            int defaultPort = config.getNetworkConfig().getPort();
            for (String member : members) {
                InetSocketAddress address = parse(member, defaultPort);
                boolean ok = address != null && (inCluster(address) || connects(address));
                Boolean before = reachable.put(member, ok);
                if (!ok && !Boolean.FALSE.equals(before)) {
                    LOG.warn("{} '{}' is not reachable{}; this node cannot join it", FILE_KEY, member,
                            address == null ? " (address does not parse)" : "");
                } else if (ok && Boolean.FALSE.equals(before)) {
                    LOG.info("{} '{}' is reachable again", FILE_KEY, member);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Hazelcast member check failed", e);
        }
    }

    private boolean inCluster(InetSocketAddress address) {
        for (Member m : hazelcast.getCluster().getMembers()) {
            InetSocketAddress a = m.getSocketAddress();
            if (a.getPort() == address.getPort() && a.getAddress() != null && address.getAddress() != null
                    && a.getAddress().equals(address.getAddress())) {
                return true;
            }
        }
        return false;
    }

    private static boolean connects(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static InetSocketAddress parse(String member, int defaultPort) {
        String s = member.trim();
        int port = defaultPort;
        int colon = s.lastIndexOf(':');
        if (colon >= 0 && s.indexOf(':') == colon) {
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            s = s.substring(0, colon);
        }
        if (s.isEmpty() || port < 1 || port > 65535) {
            return null;
        }
        return new InetSocketAddress(s, port);
    }
}
