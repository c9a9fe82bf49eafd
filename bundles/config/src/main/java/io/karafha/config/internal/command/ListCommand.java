package io.karafha.config.internal.command;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

import io.karafha.config.internal.ClusterConfigs;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-list, as Cellar's: every configuration of the group, in the cluster and/or on this node. */
@Command(scope = "cluster", name = "config-list", description = "List the configurations in a cluster group")
@Service
public class ListCommand implements Action {

    @Argument(index = 0, name = "group", description = "The cluster group name", required = true)
    @Completion(GroupCompleter.class)
    String groupName;

    @Argument(index = 1, name = "pid", description = "The configuration PID to look for (factoryPid~name for a factory configuration)")
    @Completion(PidCompleter.class)
    String searchPid;

    @Option(name = "-m", aliases = {"--minimal"}, description = "Don't display the properties of each configuration")
    boolean minimal;

    @Option(name = "--cluster", description = "Shows only configurations on the cluster")
    boolean onlyCluster;

    @Option(name = "--local", description = "Shows only configurations on the local node")
    boolean onlyLocal;

    @Option(name = "--blocked", description = "Shows only blocked configurations")
    boolean onlyBlocked;

    @Reference
    private ClusterConfigs configs;

    @Override
    public Object execute() {
        SortedMap<String, Map<String, Object>> cluster = configs.cluster(groupName);
        SortedMap<String, Map<String, Object>> local = configs.local();
        TreeSet<String> keys = new TreeSet<>(cluster.keySet());
        keys.addAll(local.keySet());
        int shown = 0;
        for (String key : keys) {
            boolean inCluster = cluster.containsKey(key);
            boolean onNode = local.containsKey(key);
            boolean in = configs.allowed(groupName, key, false);
            boolean out = configs.allowed(groupName, key, true);
            if ((searchPid != null && !searchPid.equals(key)) || (onlyCluster && !inCluster) || (onlyLocal && !onNode)
                    || (onlyBlocked && in && out)) {
                continue;
            }
            shown++;
            System.out.println("----------------------------------------------------------------");
            System.out.println("Pid:            " + key);
            System.out.println("Located:        " + (inCluster && onNode ? "cluster/local" : inCluster ? "cluster" : "local"));
            System.out.println("Blocked:        " + (!in && !out ? "in/out" : !in ? "in" : !out ? "out" : ""));
            if (!minimal) {
                System.out.println("Properties:");
                (inCluster ? cluster : local).get(key).forEach((k, v) -> System.out.println("   " + k + " = " + Values.text(v)));
            }
        }
        if (shown == 0) {
            System.err.println("No configuration PID found in cluster group " + groupName);
        }
        return null;
    }
}
