package io.karafha.cxf.demo;

import javax.xml.bind.annotation.XmlAccessType;
import javax.xml.bind.annotation.XmlAccessorType;
import javax.xml.bind.annotation.XmlType;

/** The detail of a {@link FooFault}: the node that raised it. */
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "FooFaultInfo", namespace = "http://karafha.io/cxf/demo")
public class FooFaultInfo {
    public String node;
}
