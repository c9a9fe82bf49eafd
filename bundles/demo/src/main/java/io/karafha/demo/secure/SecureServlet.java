package io.karafha.demo.secure;

import java.io.IOException;
import java.io.PrintWriter;

import javax.servlet.Servlet;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Every page of {@link SecureContext} (/secure): the login form (/secure/login, posting to Jetty's
 * {@code j_security_check}), its error page (/secure/login-error), /secure/logout, and any other
 * path, which the container shows only to a logged-in user with the role {@value SecureLogin#ROLE}:
 * {@code user: <name>}, {@code node: <name>}, {@code count: <requests in this session>}. Whether a
 * login survives the loss of its node is visible from outside.
 */
@Component(
        name = "io.karafha.demo.secure",
        configurationPolicy = ConfigurationPolicy.IGNORE,
        service = Servlet.class,
        property = {
                "osgi.http.whiteboard.servlet.pattern=/*",
                "osgi.http.whiteboard.servlet.name=io.karafha.demo.secure",
                "osgi.http.whiteboard.context.select=" + SecureContext.SELECT
        })
public class SecureServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String COUNT = "io.karafha.demo.secure.count";

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String page = req.getPathInfo() == null ? "/" : req.getPathInfo();
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Karaf-HA-Node", nodeName());
        switch (page) {
            case SecureLogin.LOGIN_PAGE:
                form(req, resp, "login: required", "Log in");
                break;
            case SecureLogin.ERROR_PAGE:
                form(req, resp, "login: failed", "Wrong user name or password, or no role '" + SecureLogin.ROLE + "'. Log in");
                break;
            case "/logout":
                req.logout();
                HttpSession old = req.getSession(false);
                if (old != null) {
                    old.invalidate();
                }
                text(resp).println("logout: done");
                break;
            default:
                whoAmI(req, resp);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        // Jetty dispatches a failed j_security_check POST to the error page as a POST
        doGet(req, resp);
    }

    private static void whoAmI(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(true);
        Integer count = (Integer) session.getAttribute(COUNT);
        int next = count == null ? 1 : count + 1;
        session.setAttribute(COUNT, next);
        PrintWriter out = text(resp);
        out.println("user: " + req.getRemoteUser());
        out.println("node: " + nodeName());
        out.println("count: " + next);
    }

    private static void form(HttpServletRequest req, HttpServletResponse resp, String state, String title) throws IOException {
        resp.setContentType("text/html;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        out.println("<!DOCTYPE html><html><head><title>Karaf HA demo: log in</title></head><body>");
        out.println("<!-- " + state + " -->");
        out.println("<p>" + title + " (node " + nodeName() + ")</p>");
        out.println("<form method=\"post\" action=\"" + req.getContextPath() + "/j_security_check\">");
        out.println("<label>User <input name=\"j_username\" autocomplete=\"username\"></label>");
        out.println("<label>Password <input type=\"password\" name=\"j_password\" autocomplete=\"current-password\"></label>");
        out.println("<button type=\"submit\">Log in</button></form></body></html>");
    }

    private static PrintWriter text(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        return resp.getWriter();
    }

    static String nodeName() {
        return System.getProperty("karaf.name", "unknown");
    }
}
