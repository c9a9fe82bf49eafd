package io.karafha.cxf.demo;

import javax.jws.WebService;

/** The demo web service: every operation tells which Karaf node served it. */
@WebService(targetNamespace = "http://karafha.io/cxf/demo")
public interface Foo {

    /** @return the name of the node that served the call ({@code karaf.name}) */
    String whoAreYou();

    /** Answers after {@code millis} ms (at most 60 s): how the tests make a server hang with a call in hand. */
    String slow(long millis);

    /** Always answers with an application fault (a SOAP fault) naming the node. */
    String fault(String message) throws FooFault;
}
