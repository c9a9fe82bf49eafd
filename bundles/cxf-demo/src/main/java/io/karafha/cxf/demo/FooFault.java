package io.karafha.cxf.demo;

import javax.xml.ws.WebFault;

/** An application fault of {@link Foo}: a live server's answer, never a reason to fail over. */
@WebFault(name = "FooFaultInfo", targetNamespace = "http://karafha.io/cxf/demo")
public class FooFault extends Exception {

    private static final long serialVersionUID = 1L;
    private final FooFaultInfo faultInfo;

    public FooFault(String message, FooFaultInfo faultInfo) {
        super(message);
        this.faultInfo = faultInfo;
    }

    public FooFault(String message, FooFaultInfo faultInfo, Throwable cause) {
        super(message, cause);
        this.faultInfo = faultInfo;
    }

    public FooFaultInfo getFaultInfo() {
        return faultInfo;
    }
}
