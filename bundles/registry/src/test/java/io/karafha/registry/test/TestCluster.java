package io.karafha.registry.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.UUID;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/** Real embedded Hazelcast 3.12 members on loopback, one fresh cluster per test class. */
public final class TestCluster {

    private final String group = "registry-test-" + UUID.randomUUID();
    private final int basePort = freePort();

    public HazelcastInstance member() {
        Config config = new Config();
        config.getGroupConfig().setName(group);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getNetworkConfig().setPort(basePort).setPortAutoIncrement(true).setPortCount(20);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int p = basePort; p < basePort + 3; p++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + p);
        }
        return Hazelcast.newHazelcastInstance(config);
    }

    public String group() {
        return group;
    }

    public int basePort() {
        return basePort;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
