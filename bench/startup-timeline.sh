#!/usr/bin/env bash
#
# Karaf HA Failover - where the start of each node went, read from the nodes' karaf.log.
#
#   bench/startup-timeline.sh [KARAF_HA_HOME] [T0]
#
# KARAF_HA_HOME: the folder of the node folders [$KARAF_HA_HOME, else <repo>/.run].
# T0: epoch seconds (with fractions) the times are counted from, e.g. when './karaf-ha up' began;
#     default: the first node's JVM start.
# Prints a Markdown table: one row per node, one column per milestone, seconds since T0:
#   jvm         the JVM started (Jetty's "Started @<ms>" = milliseconds since the JVM start)
#   boot+       Karaf's features service begins the boot features (the framework is up)
#   http        Pax Web's Jetty listens
#   boot done   the boot features are installed and started
#   role done   the role's features (second stage) are installed and started
#   hz join     Hazelcast begins to join (TcpIpJoiner created)
#   member      first member list: this node is in the cluster
#   health      /karaf-ha/health is registered (the node is up; ready once it is a member)
#   route       backend: its first route published; balancer: its first route added
#
set -euo pipefail
HOME_DIR=${1:-${KARAF_HA_HOME:-$(cd "$(dirname "$0")/.." && pwd)/.run}}
T0=${2:-}

epoch() { # "2026-11-28T11:24:26,415" -> epoch seconds with millis
    local d=${1/,/.}
    date -u -d "${d/T/ }" +%s.%N 2> /dev/null | cut -c1-14
}

first() { # LOG REGEX NTH -> the timestamp of the NTH line matching REGEX (empty when none)
    grep -E "$2" "$1" 2> /dev/null | sed -n "${3:-1}p" | cut -c1-23
}

declare -A AT
nodes=()
for dir in "$HOME_DIR"/*/; do
    log="$dir/data/log/karaf.log"
    [ -f "$log" ] || continue
    node=$(basename "$dir")
    nodes+=("$node")
    started=$(grep -E '\| Server +\|.*Started @[0-9]+ms' "$log" | head -n 1 || true)
    if [ -n "$started" ]; then
        ms=$(sed -E 's/.*Started @([0-9]+)ms.*/\1/' <<< "$started")
        AT[$node,jvm]=$(awk -v t="$(epoch "${started:0:23}")" -v ms="$ms" 'BEGIN { printf "%.3f", t - ms / 1000 }')
    fi
    ts=$(first "$log" 'FeaturesServiceImpl +\|.*\| Adding features:'); [ -n "$ts" ] && AT[$node,boot]=$(epoch "$ts")
    ts=$(first "$log" '\| Server +\|.*Started @'); [ -n "$ts" ] && AT[$node,http]=$(epoch "$ts")
    ts=$(first "$log" 'FeaturesServiceImpl +\|.*\| Done\.$' 1); [ -n "$ts" ] && AT[$node,bootdone]=$(epoch "$ts")
    ts=$(first "$log" 'FeaturesServiceImpl +\|.*\| Done\.$' 2); [ -n "$ts" ] && AT[$node,roledone]=$(epoch "$ts")
    ts=$(first "$log" 'Creating TcpIpJoiner'); [ -n "$ts" ] && AT[$node,join]=$(epoch "$ts")
    ts=$(first "$log" 'Members \{size:'); [ -n "$ts" ] && AT[$node,member]=$(epoch "$ts")
    ts=$(first "$log" "Registering ServletModel.*name='io.karafha.node.health'"); [ -n "$ts" ] && AT[$node,health]=$(epoch "$ts")
    ts=$(first "$log" 'RoutePublisher +\|.*Route .* published|ProxyManager +\|.*Route .* added'); [ -n "$ts" ] && AT[$node,route]=$(epoch "$ts")
done
[ ${#nodes[@]} -gt 0 ] || { echo "startup-timeline: no node log under $HOME_DIR" >&2; exit 2; }

if [ -z "$T0" ]; then
    T0=$(for n in "${nodes[@]}"; do echo "${AT[$n,jvm]:-}"; done | grep . | sort -g | head -n 1)
fi
rel() { [ -n "${1:-}" ] && awk -v a="$1" -v b="$T0" 'BEGIN { printf "%.1f", a - b }' || echo "-"; }

echo "| node | jvm | boot+ | http | boot done | role done | hz join | member | health | route |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in balancer karaf1 karaf2; do
    [[ " ${nodes[*]} " == *" $n "* ]] || continue
    printf '| %s |' "$n"
    for k in jvm boot http bootdone roledone join member health route; do printf ' %s |' "$(rel "${AT[$n,$k]:-}")"; done
    echo
done
