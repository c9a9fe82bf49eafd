package io.karafha.cxf.demo;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.core.HazelcastInstance;
import io.karafha.cxf.ClusterFailoverFeature;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.hazelcast.HazelcastEndpointRegistry;

/**
 * The demo client in plain Java, outside Karaf: reads the cluster registry through a Hazelcast
 * 3.12 client (cluster group karaf-ha) and calls Foo with the failover feature.
 *
 * <pre>java io.karafha.cxf.demo.FooClientMain 127.0.0.1:5701,127.0.0.1:5702 [demo/fo] [calls] [interval-ms]</pre>
 *
 * System properties: {@code karaf.ha.group} (karaf-ha), {@code maximumConnectionTimeout} (10000).
 * Exit status: 0 when every call was answered, 1 otherwise, 2 when the registry was not reachable.
 */
public final class FooClientMain {

    private FooClientMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    public static int run(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: FooClientMain host:port[,host:port...] [path] [calls] [interval-ms]");
            return 2;
        }
        String path = args.length > 1 ? args[1] : "demo/fo";
        FooCalls calls = new FooCalls();
        calls.count = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        calls.intervalMillis = args.length > 3 ? Long.parseLong(args[3]) : 0;
        long maxWait = Long.getLong("maximumConnectionTimeout", ClusterFailoverFeature.DEFAULT_MAXIMUM_CONNECTION_TIMEOUT);

        HazelcastInstance hazelcast = HazelcastClient.newHazelcastClient(clientConfig(args[0]));
        try {
            ClusterFailoverFeature feature = new ClusterFailoverFeature(new HazelcastEndpointRegistry(hazelcast), path);
            feature.setMaximumConnectionTimeout(maxWait);
            Foo foo;
            try {
                foo = FooCalls.client(feature, calls.connectTimeoutMillis, calls.receiveTimeoutMillis);
            } catch (RuntimeException e) {
                System.err.println("ERROR: " + FooCalls.rootCause(e));
                return 2;
            }
            try {
                return calls.run(foo, System.out) == 0 ? 0 : 1;
            } finally {
                FooCalls.close(foo);
            }
        } finally {
            hazelcast.shutdown();
        }
    }

    /** A client that starts at once and keeps connecting in the background: the feature owns the wait. */
    static ClientConfig clientConfig(String members) {
        ClientConfig config = new ClientConfig();
        config.getGroupConfig().setName(System.getProperty("karaf.ha.group", "karaf-ha"));
        config.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
        for (String m : members.split(",")) {
            if (!m.isBlank()) {
                config.getNetworkConfig().addAddress(m.strip());
            }
        }
        config.getNetworkConfig().setConnectionAttemptLimit(Integer.MAX_VALUE).setConnectionAttemptPeriod(500);
        config.getNetworkConfig().setSmartRouting(false);
        config.getConnectionStrategyConfig().setAsyncStart(true)
                .setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
        return config;
    }
}
