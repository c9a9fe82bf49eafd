package io.karafha.demo;

import java.io.IOException;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * GET /echo: a second demo servlet that exists only while the configuration
 * {@code io.karafha.demo.echo} exists ({@code config:property-set -p io.karafha.demo.echo enabled true}).
 * Deploying it on one backend deploys it on the other (configuration sync), and the balancer picks
 * the new route up: a servlet deployed while the cluster runs.
 */
@Component(
        name = "io.karafha.demo.echo.servlet",
        configurationPolicy = ConfigurationPolicy.IGNORE,
        service = Servlet.class,
        property = {
                "osgi.http.whiteboard.servlet.pattern=/echo",
                "osgi.http.whiteboard.servlet.name=io.karafha.demo.echo"
        })
public class EchoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Reference
    private transient EchoSwitch enabled;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().println("node: " + HelloServlet.nodeName());
        resp.getWriter().println("echo: " + (req.getQueryString() == null ? "" : req.getQueryString()));
    }
}
