#!/usr/bin/env bash
#
# Karaf HA Failover - balancer tuning by measurement (not a test).
#
#   bench/tune.sh "" "-Dkarafha.proxy.selectors=2" "-XX:+UseSerialGC" ...
#
# Starts the cluster once (as bench/run.sh: own folder, ports moved by 2000), then for each
# argument restarts only the balancer with those JVM options (EXTRA_JAVA_OPTS; "" = the defaults)
# and measures GET /hello through it with wrk at 16 and 64 connections (warm-up, then
# BENCH_ROUNDS rounds of BENCH_DURATION seconds, medians). The HttpClient sizes of the proxy can be
# set with -Dkarafha.proxy.selectors / .threads / .min.threads / .reserved.threads.
#
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export KARAF_HA_HOME="$REPO/bench/target/cluster"
export KARAF_HA_PORT_OFFSET=${BENCH_PORT_OFFSET:-2000}
DURATION=${BENCH_DURATION:-6}
ROUNDS=${BENCH_ROUNDS:-3}
BALANCER=http://127.0.0.1:$((8181 + KARAF_HA_PORT_OFFSET))/hello
[ $# -gt 0 ] || { echo "usage: bench/tune.sh OPTIONS... (one argument per balancer configuration)" >&2; exit 2; }
command -v wrk > /dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 2; }

trap './karaf-ha down > /dev/null 2>&1 || true' EXIT
./karaf-ha clean > /dev/null
./karaf-ha up > /dev/null

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
run() { # CONNECTIONS SECONDS -> "rps p99ms"
    local out
    out=$(wrk -t2 -c"$1" -d"$2"s --latency --timeout 10s "$BALANCER")
    echo "$(awk '/^Requests\/sec:/ { printf "%d", $2 }' <<< "$out") $(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$out")")"
}

printf '| %-60s | %9s | %9s | %9s | %9s | %8s |\n' "balancer JVM options" "16: req/s" "16: p99" "64: req/s" "64: p99" "RSS MB"
printf '| %-60s | %9s | %9s | %9s | %9s | %8s |\n' "---" "---:" "---:" "---:" "---:" "---:"
for opts in "$@"; do
    ./karaf-ha stop balancer > /dev/null
    EXTRA_JAVA_OPTS="$opts" ./karaf-ha start balancer > /dev/null
    for _ in $(seq 1 300); do curl -fs "$BALANCER" 2> /dev/null | grep -q '^node: ' && break; sleep 0.2; done
    run 16 10 > /dev/null
    cells=()
    for c in 16 64; do
        r=""
        for _ in $(seq 1 "$ROUNDS"); do r+="$(run "$c" "$DURATION")"$'\n'; done
        cells+=("$(awk 'NF { print $1 }' <<< "$r" | median)" "$(awk 'NF { print $2 }' <<< "$r" | median)")
    done
    rss=$(ps -o rss= -p "$(cat "$KARAF_HA_HOME/balancer.pid")" | awk '{ printf "%d", $1 / 1024 }')
    printf '| %-60s | %9s | %9s | %9s | %9s | %8s |\n' "${opts:-(defaults)}" "${cells[@]}" "$rss"
done
