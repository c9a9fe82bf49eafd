package io.karafha.proxy.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.karafha.proxy.EndpointState;
import io.karafha.proxy.EndpointStatus;
import io.karafha.routes.Endpoint;
import io.karafha.routes.Route;
import io.karafha.routes.settings.Policy;

import java.util.List;

import org.junit.Test;

public class EndpointTableTest {

    private static final Endpoint A = Endpoint.of("n1", "http://127.0.0.1:8181", 1);
    private static final Endpoint B = Endpoint.of("n2", "http://127.0.0.1:8182", 2);
    private static final Endpoint C = Endpoint.of("n3", "http://127.0.0.1:8183", 3);
    private static final long T0 = 1_000_000L;
    private static final long RETRY = 10_000L;

    private static EndpointTable table(Endpoint... endpoints) {
        EndpointTable t = new EndpointTable();
        t.update(List.of(endpoints));
        return t;
    }

    @Test
    public void failoverPlanHasMasterFirst() {
        EndpointTable t = table(A, B, C);
        assertEquals(List.of(A, B, C), t.plan(Policy.FAILOVER, T0, 0));
        assertEquals(List.of(A, B, C), t.plan(Policy.FAILOVER, T0, 0));
        assertEquals(A, t.master(T0));
    }

    @Test
    public void markDownMovesToEndAndSkipsUntilIntervalPassed() {
        EndpointTable t = table(A, B, C);
        assertTrue(t.markDown(A, T0, RETRY, "java.net.ConnectException: Connection refused"));
        assertFalse("already down: log once", t.markDown(A, T0 + 1, RETRY, "again"));
        assertEquals(List.of(B, C), t.plan(Policy.FAILOVER, T0 + RETRY - 1, 0));
        assertEquals(B, t.master(T0));
        EndpointStatus row = t.snapshot(T0).get(2);
        assertEquals(A, row.endpoint());
        assertEquals(EndpointState.DOWN, row.state());
        assertEquals(T0 + 1 + RETRY, row.downUntil());
        assertEquals("again", row.reason());
        assertFalse(row.eligible());
    }

    @Test
    public void recoveredEndpointIsOnlyAFollower() {
        EndpointTable t = table(A, B);
        t.markDown(A, T0, RETRY, "refused");
        List<Endpoint> plan = t.plan(Policy.FAILOVER, T0 + RETRY, 0);
        assertEquals(List.of(B, A), plan);
        assertTrue(t.snapshot(T0 + RETRY).get(1).eligible());
        assertTrue(t.markSuccess(A));
        assertFalse(t.markSuccess(A));
        assertEquals(List.of(B, A), t.plan(Policy.FAILOVER, T0 + RETRY, 0));
        assertEquals(EndpointState.LIVE, t.snapshot(T0).get(1).state());
        assertNull(t.snapshot(T0).get(1).reason());
    }

    @Test
    public void liveEndpointsComeBeforeRetryableOnes() {
        EndpointTable t = table(A, B);
        t.markDown(A, T0, RETRY, "refused");
        t.update(List.of(A, B, C));
        assertEquals(List.of(B, A, C), t.snapshot(T0).stream().map(EndpointStatus::endpoint).toList());
        assertEquals(List.of(B, C, A), t.plan(Policy.FAILOVER, T0 + RETRY, 0));
    }

    @Test
    public void roundRobinAlternatesBetweenTwoLiveEndpoints() {
        EndpointTable t = table(A, B);
        List<Endpoint> first = t.plan(Policy.ROUND_ROBIN, T0, 0);
        List<Endpoint> second = t.plan(Policy.ROUND_ROBIN, T0, 0);
        List<Endpoint> third = t.plan(Policy.ROUND_ROBIN, T0, 0);
        assertEquals(List.of(A, B), first);
        assertEquals(List.of(B, A), second);
        assertEquals(first, third);
        t.markDown(A, T0, RETRY, "refused");
        assertEquals(List.of(B), t.plan(Policy.ROUND_ROBIN, T0, 0));
        assertEquals(List.of(B), t.plan(Policy.ROUND_ROBIN, T0, 0));
    }

    @Test
    public void roundRobinStartsEachEndpointOnceInThree() {
        EndpointTable t = table(A, B, C);
        assertEquals(List.of(A, B, C), t.plan(Policy.ROUND_ROBIN, T0, 0));
        assertEquals(List.of(B, A, C), t.plan(Policy.ROUND_ROBIN, T0, 0));
        assertEquals(List.of(C, A, B), t.plan(Policy.ROUND_ROBIN, T0, 0));
        assertEquals(List.of(A), t.plan(Policy.ROUND_ROBIN, T0, 1));
    }

    @Test
    public void drainAndRestore() {
        EndpointTable t = table(A, B, C);
        assertTrue(t.drain(A));
        assertFalse(t.drain(A));
        assertEquals(List.of(B, C), t.plan(Policy.FAILOVER, Long.MAX_VALUE, 0));
        assertFalse("drained is not marked down", t.markDown(A, T0, RETRY, "x"));
        assertFalse(t.markSuccess(A));
        assertEquals(EndpointState.DRAINED, t.snapshot(T0).get(0).state());
        assertTrue(t.restore(A));
        assertFalse(t.restore(A));
        assertEquals(List.of(B, C, A), t.plan(Policy.FAILOVER, T0, 0));
    }

    @Test
    public void registryUpdateRemovesANodeAndAppendsANewOne() {
        EndpointTable t = table(A, B);
        t.markDown(B, T0, RETRY, "refused");
        t.update(List.of(B, C));
        List<EndpointStatus> rows = t.snapshot(T0);
        assertEquals(List.of(B, C), rows.stream().map(EndpointStatus::endpoint).toList());
        assertEquals(EndpointState.DOWN, rows.get(0).state());
        assertEquals(List.of(C), t.plan(Policy.FAILOVER, T0, 0));
        assertEquals(2, t.size());
        t.update(new Route("/hello", List.of(C)).getEndpoints());
        assertEquals(List.of(C), t.plan(Policy.FAILOVER, T0, 0));
    }

    @Test
    public void reRegistrationWithHigherOrderIsAFreshFollower() {
        EndpointTable t = table(A, B);
        t.markDown(A, T0, RETRY, "refused");
        t.update(List.of(B, A.withOrder(3)));
        assertEquals(List.of(B, A), t.plan(Policy.FAILOVER, T0, 0));
        assertEquals(3, t.snapshot(T0).get(1).endpoint().getOrder());
        EndpointTable master = table(A, B);
        master.update(List.of(B, A.withOrder(3)));
        assertEquals(B, master.master(T0));
        master.update(List.of(B, A.withOrder(3)));
        assertEquals(B, master.master(T0));
    }

    @Test
    public void maxAttemptsTruncates() {
        EndpointTable t = table(A, B, C);
        assertEquals(List.of(A, B), t.plan(Policy.FAILOVER, T0, 2));
        assertEquals(List.of(A, B, C), t.plan(Policy.FAILOVER, T0, 5));
        assertEquals(List.of(A), t.plan(Policy.FAILOVER, T0, 1));
    }

    @Test
    public void emptyPlanWhenAllDown() {
        EndpointTable t = table(A, B);
        t.markDown(A, T0, RETRY, "refused");
        t.markDown(B, T0, RETRY, "refused");
        assertEquals(List.of(), t.plan(Policy.FAILOVER, T0 + 1, 0));
        assertEquals(List.of(), t.plan(Policy.ROUND_ROBIN, T0 + 1, 0));
        assertNull(t.master(T0 + 1));
        assertEquals(List.of(), new EndpointTable().plan(Policy.FAILOVER, T0, 0));
        assertEquals(List.of(A, B), t.plan(Policy.FAILOVER, T0 + RETRY, 0));
    }

    @Test(expected = UnsupportedOperationException.class)
    public void planIsUnmodifiable() {
        table(A).plan(Policy.FAILOVER, T0, 0).add(B);
    }
}
