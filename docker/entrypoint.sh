#!/usr/bin/env bash
#
# Karaf HA Failover - container entrypoint: configure this Karaf home as one cluster node from the
# environment, then run Karaf in the foreground (logs on stdout, Java as PID 1 so that
# `docker stop` is a clean Karaf shutdown).
#
# Installed in the image as bin/karaf-ha-entrypoint; it finds the Karaf home from its own place,
# so the same file runs unchanged outside a container (the network-namespace test does that).
#
# Everything bin/karaf-ha-node configure reads (KARAF_HA_ROLE, KARAF_HA_NODE_NAME,
# KARAF_HA_HAZELCAST_MEMBERS, KARAF_HA_ADMIN_PASSWORD, ...) plus:
#   KARAF_HA_HAZELCAST_INTERFACE   default: a.b.*.* where a.b.c.d is this host's first IPv4
#                                  address (hostname -I). A pattern, not the one address: Hazelcast
#                                  also filters members given by name (balancer, karaf1, ...) through
#                                  it, so it must match the other members' addresses too.
#   KARAF_HA_HAZELCAST_PUBLIC_ADDRESS  address[:port] other members should use, when it is not the
#                                  bound one (NAT, a second network); default: none
#   JAVA_MAX_MEM                   heap limit [bin/setenv: balancer 128m, backend 256m]
#
# Without KARAF_HA_ADMIN_PASSWORD, the first start generates a strong password (24 random
# letters and digits), makes it the admin's and prints it, framed, in the log
# (docker-compose logs <service>); later starts keep it. There is no default password.
#
set -euo pipefail

KARAF_HOME=$(cd "$(dirname "$0")/.." && pwd)
cd "$KARAF_HOME"

if [ -z "${KARAF_HA_HAZELCAST_INTERFACE:-}" ]; then
    # In a container (or a network namespace) the first address is the one on the service network.
    address=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | head -n 1 || true)
    [ -n "$address" ] || {
        echo "karaf-ha-entrypoint: this host has no IPv4 address to bind Hazelcast to; set KARAF_HA_HAZELCAST_INTERFACE" >&2
        exit 2
    }
    # 172.18.0.3 -> 172.18.*.*: this host's network (Compose's are /16), and the members on it
    KARAF_HA_HAZELCAST_INTERFACE="${address%.*.*}.*.*"
    export KARAF_HA_HAZELCAST_INTERFACE
fi
export KARAF_HA_BIND_ADDRESS="${KARAF_HA_BIND_ADDRESS:-0.0.0.0}"

generated=""
if [ -z "${KARAF_HA_ADMIN_PASSWORD:-}" ] && ! grep -q '^[^#].*_g_:admingroup' etc/users.properties 2>/dev/null; then
    # base64 of random bytes without + / =: letters and digits only, none of , = : \ or space
    while [ "${#generated}" -lt 24 ]; do
        generated="$generated$(head -c 18 /dev/urandom | base64 | tr -d '\n+/=')"
    done
    generated=${generated:0:24}
    export KARAF_HA_ADMIN_PASSWORD=$generated
fi

bin/karaf-ha-node configure

if [ -n "$generated" ]; then
    cat <<EOF
################################################################################
#
#  Karaf HA: no KARAF_HA_ADMIN_PASSWORD was given, so this node generated one.
#
#    node:     ${KARAF_HA_NODE_NAME:-$(hostname)}
#    user:     ${KARAF_HA_ADMIN_USER:-admin}
#    password: $generated
#
#  It is the admin of this node's SSH console, web console and JMX, and stays
#  until the container is removed. To choose your own, set
#  KARAF_HA_ADMIN_PASSWORD in .env (see .env.example) and recreate the nodes.
#
################################################################################
EOF
fi
unset KARAF_HA_ADMIN_PASSWORD generated

# Java replaces this shell (KARAF_EXEC=exec): signals reach Karaf directly.
export KARAF_EXEC=exec
exec bin/karaf run "$@"
