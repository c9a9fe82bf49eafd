package io.karafha.node.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;

public class RoleConfigValidatorTest {

    private static Map<String, Object> balancerNode() {
        Map<String, Object> node = new HashMap<>();
        node.put("groups", "load-balancer");
        node.put("producer", "false");
        node.put("consumer", "true");
        node.put("bundle.listener", "false");
        node.put("config.listener", "false");
        node.put("feature.listener", "false");
        for (String h : RoleConfigValidator.ROLE_TABLE_HANDLERS) {
            node.put("handler." + h, "false");
        }
        node.put("handler.io.karafha.balancer.BalancerEventHandler", "true");
        return node;
    }

    private static Map<String, Object> groups() {
        Map<String, Object> groups = new HashMap<>();
        groups.put("groups", "load-balancer, web");
        groups.put("web.config.sync", "cluster");
        groups.put("load-balancer.config.sync", "disabled");
        return groups;
    }

    @Test
    public void soundConfigurationHasNoProblems() {
        assertEquals(List.of(), RoleConfigValidator.validate(balancerNode(), groups(), Set.of()));
    }

    @Test
    public void handlerFlagMaybeNamesFileAndKey() {
        Map<String, Object> node = balancerNode();
        node.put("handler.org.apache.karaf.cellar.bundle.BundleEventHandler", "maybe");
        List<String> problems = RoleConfigValidator.validate(node, groups(), Set.of());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0), problems.get(0).startsWith("etc/org.apache.karaf.cellar.node.cfg: key 'handler.org.apache.karaf.cellar.bundle.BundleEventHandler' has value 'maybe'"));
    }

    @Test
    public void unknownHandlerIsNamed() {
        Map<String, Object> node = balancerNode();
        node.put("handler.org.example.NoSuchHandler", "true");
        List<String> problems = RoleConfigValidator.validate(node, groups(), Set.of());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0), problems.get(0).contains("unknown event handler 'org.example.NoSuchHandler'"));
        // a handler that runs on the node is known
        assertEquals(List.of(), RoleConfigValidator.validate(node, groups(), Set.of("org.example.NoSuchHandler")));
    }

    @Test
    public void groupWithoutConfigurationIsNamed() {
        Map<String, Object> node = balancerNode();
        node.put("groups", "load-balancer, webb");
        List<String> problems = RoleConfigValidator.validate(node, groups(), Set.of());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0), problems.get(0).contains("key 'groups' names group 'webb' that does not exist in etc/org.apache.karaf.cellar.groups.cfg"));
    }

    @Test
    public void badListenerFlagAndSyncPolicyAreNamed() {
        Map<String, Object> node = balancerNode();
        node.put("producer", "yes");
        Map<String, Object> groups = groups();
        groups.put("web.bundle.sync", "sometimes");
        List<String> problems = RoleConfigValidator.validate(node, groups, Set.of());
        assertEquals(problems.toString(), 2, problems.size());
        assertTrue(problems.get(0).contains("key 'producer' has value 'yes'"));
        assertTrue(problems.get(1).contains("etc/org.apache.karaf.cellar.groups.cfg: key 'web.bundle.sync' has value 'sometimes'"));
    }

    @Test
    public void memberAddressesParse() {
        assertEquals(5702, HazelcastMemberCheck.parse("127.0.0.1:5702", 5701).getPort());
        assertEquals(5701, HazelcastMemberCheck.parse("karaf1", 5701).getPort());
        assertEquals(null, HazelcastMemberCheck.parse("karaf1:x", 5701));
        assertEquals(null, HazelcastMemberCheck.parse(":5701", 5701));
    }
}
