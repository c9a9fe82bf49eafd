package io.karafha.routes;

import static org.junit.Assert.assertEquals;

import java.util.Set;

import org.junit.Test;
import org.ops4j.pax.web.service.spi.model.events.ServletEventData;

public class LocalRoutesTest {

    @Test
    public void aServletEventNamesTheRoutesOfItsPatterns() {
        assertEquals(Set.of("/hello", "/app"), LocalRoutes.servletPaths(new ServletEventData(null, "s", new String[] {"/hello", "/app/*", "*.jsp"}, null)));
    }

    @Test
    public void anHttpServiceServletIsNamedByItsAlias() {
        assertEquals(Set.of("/legacy"), LocalRoutes.servletPaths(new ServletEventData("/legacy", "s", null, null)));
    }

    @Test
    public void otherElementsNameNoRoute() {
        assertEquals(Set.of(), LocalRoutes.servletPaths(null));
    }
}
