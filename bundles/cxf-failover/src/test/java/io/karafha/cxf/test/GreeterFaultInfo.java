package io.karafha.cxf.test;

import javax.xml.bind.annotation.XmlAccessType;
import javax.xml.bind.annotation.XmlAccessorType;
import javax.xml.bind.annotation.XmlType;

@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "GreeterFaultInfo", namespace = "http://karafha.io/cxf/test")
public class GreeterFaultInfo {
    public String node;
}
