package io.karafha.cxf.demo;

import io.karafha.cxf.ClusterFailoverFeature;
import io.karafha.registry.EndpointRegistry;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code karaf-ha:foo-call [-n N] [path]}: calls Foo through the cluster failover client and
 * prints who answered each call, then a summary.
 */
@Service
@Command(scope = "karaf-ha", name = "foo-call", description = "Calls the demo Foo web service through the CXF cluster failover client; prints who answered")
public class FooCallCommand implements Action {

    /** Optional: without the registry service the feature waits for it (--max-wait), then names the problem. */
    @Reference(optional = true)
    private EndpointRegistry registry;

    @Argument(index = 0, name = "path", description = "Registry path of the Foo endpoints")
    private String path = "demo/fo";

    @Option(name = "-n", aliases = "--count", description = "Number of calls")
    private int count = 10;

    @Option(name = "--interval", description = "Pause between calls, ms")
    private long interval;

    @Option(name = "--op", description = "Operation: who (whoAreYou), slow (slow --millis), fault (an application fault)")
    private String op = "who";

    @Option(name = "--millis", description = "How long 'slow' takes on the server, ms")
    private long millis = 3000;

    @Option(name = "--exceptions", description = "Semicolon-separated exceptions that mean 'server failed' (default java.io.IOException)")
    private String exceptions;

    @Option(name = "--max-wait", description = "maximumConnectionTimeout: how long to wait for the cluster registry, ms")
    private long maxWait = ClusterFailoverFeature.DEFAULT_MAXIMUM_CONNECTION_TIMEOUT;

    @Option(name = "--retry-pause", description = "connectionRetryTime: pause between attempts to reach the registry, ms")
    private long retryPause = ClusterFailoverFeature.DEFAULT_CONNECTION_RETRY_TIME;

    @Option(name = "--retry-interval", description = "A failed endpoint is not tried again for this long, ms")
    private long retryInterval = ClusterFailoverFeature.DEFAULT_RETRY_INTERVAL;

    @Option(name = "--replay", description = "replayAfterSend: replay a call that failed after it was sent on the next endpoint")
    private boolean replay;

    @Option(name = "--connect-timeout", description = "HTTP connect timeout, ms")
    private long connectTimeout = 2000;

    @Option(name = "--receive-timeout", description = "HTTP receive timeout, ms")
    private long receiveTimeout = 5000;

    @Override
    public Object execute() throws Exception {
        ClusterFailoverFeature feature = new ClusterFailoverFeature(registry, path);
        feature.setMaximumConnectionTimeout(maxWait);
        feature.setConnectionRetryTime(retryPause);
        feature.setRetryInterval(retryInterval);
        feature.setReplayAfterSend(replay);
        if (exceptions != null) {
            feature.setExceptions(exceptions);
        }
        Foo foo;
        try {
            foo = FooCalls.client(feature, connectTimeout, receiveTimeout);
        } catch (RuntimeException e) {
            System.out.println("ERROR: " + FooCalls.rootCause(e));
            return null;
        }
        try {
            System.out.println("endpoints under " + path + ": " + FooCalls.endpoints(foo));
            FooCalls calls = new FooCalls();
            calls.op = op;
            calls.millis = millis;
            calls.count = count;
            calls.intervalMillis = interval;
            calls.run(foo, System.out);
        } finally {
            FooCalls.close(foo);
        }
        return null;
    }
}
