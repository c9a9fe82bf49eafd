package io.karafha.cxf.test;

import javax.jws.WebService;

/** The test service: names the server that answered. */
@WebService(targetNamespace = "http://karafha.io/cxf/test")
public interface Greeter {

    String node();

    /** Answers after the given time: how a test makes a server hang with a request in hand. */
    String slow(long millis);

    /** Always an application fault. */
    String fail(String message) throws GreeterFault;
}
