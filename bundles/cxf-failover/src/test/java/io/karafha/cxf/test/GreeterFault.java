package io.karafha.cxf.test;

import javax.xml.ws.WebFault;

@WebFault(name = "GreeterFaultInfo", targetNamespace = "http://karafha.io/cxf/test")
public class GreeterFault extends Exception {

    private static final long serialVersionUID = 1L;
    private final GreeterFaultInfo faultInfo;

    public GreeterFault(String message, GreeterFaultInfo faultInfo) {
        super(message);
        this.faultInfo = faultInfo;
    }

    public GreeterFault(String message, GreeterFaultInfo faultInfo, Throwable cause) {
        super(message, cause);
        this.faultInfo = faultInfo;
    }

    public GreeterFaultInfo getFaultInfo() {
        return faultInfo;
    }
}
