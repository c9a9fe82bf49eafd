package io.karafha.routes;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import io.karafha.routes.settings.InvalidSettingsException;
import org.junit.After;
import org.junit.Test;

public class RoleSwitchesTest {

    @After
    public void clearRole() {
        System.clearProperty("karaf.ha.role");
    }

    @Test
    public void anAbsentRoleKeyFollowsTheNodesRole() {
        System.setProperty("karaf.ha.role", "balancer");
        assertTrue("a balancer whose cfg lost 'proxy' keeps proxying", RoleSwitches.proxy(Map.of()));
        assertFalse(RoleSwitches.publish(Map.of()));
        System.setProperty("karaf.ha.role", "backend");
        assertFalse(RoleSwitches.proxy(Map.of()));
        assertTrue("a backend whose cfg lost 'publish' keeps publishing", RoleSwitches.publish(Map.of()));
    }

    @Test
    public void withoutARoleNothingIsOnByDefaultAndAnExplicitKeyWins() {
        assertFalse(RoleSwitches.proxy(Map.of()));
        assertFalse(RoleSwitches.publish(Map.of()));
        System.setProperty("karaf.ha.role", "balancer");
        assertFalse("an explicit proxy = false wins", RoleSwitches.proxy(Map.of("proxy", "false")));
    }

    @Test(expected = InvalidSettingsException.class)
    public void aRoleKeyThatIsNoBooleanIsRefused() {
        RoleSwitches.proxy(Map.of("proxy", "yes"));
    }
}
