#!/usr/bin/env bash
#
# Karaf HA Failover - balancer settings compared by measurement, HAProxy beside them (not a test).
#
#   bench/tune.sh "" "-Dkarafha.proxy.selectors=2" "-XX:+UseG1GC" ...
#
# Starts the cluster once (as bench/run.sh: own folder, ports moved by 2000) and HAProxy in front of
# the same backends (bench/haproxy.cfg), then for each argument restarts only the balancer with those
# JVM options (EXTRA_JAVA_OPTS; "" = the defaults) and measures GET /hello with wrk: after a warm-up,
# BENCH_ROUNDS rounds, each round HAProxy then the balancer at 16 connections (BENCH_DURATION s) and
# at 2 connections (4 s); medians. The ratio is taken against HAProxy's rounds of the same row, so
# drift between rows (the backends keep warming) cancels out; repeat "" at the end to see the drift.
# The HttpClient sizes of the proxy can be set with -Dkarafha.proxy.selectors / .threads /
# .min.threads / .reserved.threads.
#
# Environment: BENCH_DURATION [8], BENCH_ROUNDS [3], BENCH_WARMUP seconds [25], BENCH_PORT_OFFSET [2000].
#
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export KARAF_HA_HOME="$REPO/bench/target/cluster"
export KARAF_HA_PORT_OFFSET=${BENCH_PORT_OFFSET:-2000}
DURATION=${BENCH_DURATION:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-25}
O=$KARAF_HA_PORT_OFFSET
export BENCH_HAPROXY_PORT=$((8180 + O)) BENCH_KARAF1_PORT=$((8182 + O)) BENCH_KARAF2_PORT=$((8183 + O))
BALANCER=http://127.0.0.1:$((8181 + O))/hello
HAPROXY_URL=http://127.0.0.1:$BENCH_HAPROXY_PORT/hello
[ $# -gt 0 ] || { echo "usage: bench/tune.sh OPTIONS... (one argument per balancer configuration)" >&2; exit 2; }
for tool in wrk haproxy; do
    command -v "$tool" > /dev/null || [ -x "/usr/sbin/$tool" ] \
        || { echo "bench: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
mkdir -p bench/target

HAPID=""
trap '[ -n "$HAPID" ] && kill "$HAPID" 2> /dev/null; ./karaf-ha down > /dev/null 2>&1 || true' EXIT
./karaf-ha clean > /dev/null
./karaf-ha up > /dev/null
"$HAPROXY" -f bench/haproxy.cfg -db > bench/target/haproxy.log 2>&1 &
HAPID=$!
for _ in $(seq 1 50); do curl -fs "$HAPROXY_URL" > /dev/null && break; sleep 0.1; done

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
run() { # URL CONNECTIONS SECONDS -> "rps p99ms"
    local out
    out=$(wrk -t2 -c"$2" -d"$3"s --latency --timeout 10s "$1")
    echo "$(awk '/^Requests\/sec:/ { printf "%d", $2 }' <<< "$out") $(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$out")")"
}

echo "Karaf HA Failover settings run, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(nproc) cores;"
echo "GET /hello, wrk -t2, ${WARMUP}s warm-up per row, $ROUNDS rounds of ${DURATION}s at 16 connections and 4 s at 2, HAProxy and balancer alternating; medians."
echo
printf '| %-58s | %8s | %8s | %9s | %8s | %14s | %6s |\n' "balancer JVM options" "HAProxy" "balancer" "x HAProxy" "p99 16" "p99 2: H / B" "RSS MB"
printf '| %-58s | %8s | %8s | %9s | %8s | %14s | %6s |\n' "---" "---:" "---:" "---:" "---:" "---:" "---:"
for opts in "$@"; do
    ./karaf-ha stop balancer > /dev/null
    EXTRA_JAVA_OPTS="$opts" ./karaf-ha start balancer > /dev/null
    for _ in $(seq 1 300); do curl -fs "$BALANCER" 2> /dev/null | grep -q '^node: ' && break; sleep 0.2; done
    run "$BALANCER" 16 "$WARMUP" > /dev/null
    run "$HAPROXY_URL" 16 5 > /dev/null
    h=""; b=""; h2=""; b2=""
    for _ in $(seq 1 "$ROUNDS"); do
        h+="$(run "$HAPROXY_URL" 16 "$DURATION")"$'\n'
        b+="$(run "$BALANCER" 16 "$DURATION")"$'\n'
        h2+="$(run "$HAPROXY_URL" 2 4)"$'\n'
        b2+="$(run "$BALANCER" 2 4)"$'\n'
    done
    H=$(awk 'NF { print $1 }' <<< "$h" | median)
    B=$(awk 'NF { print $1 }' <<< "$b" | median)
    rss=$(ps -o rss= -p "$(cat "$KARAF_HA_HOME/balancer.pid")" | awk '{ printf "%d", $1 / 1024 }')
    printf '| %-58s | %8s | %8s | %9s | %8s | %14s | %6s |\n' "${opts:-(defaults)}" "$H" "$B" \
        "$(awk -v a="$B" -v b="$H" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
        "$(awk 'NF { print $2 }' <<< "$b" | median)" \
        "$(awk 'NF { print $2 }' <<< "$h2" | median) / $(awk 'NF { print $2 }' <<< "$b2" | median)" "$rss"
done
