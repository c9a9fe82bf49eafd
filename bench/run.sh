#!/usr/bin/env bash
#
# Karaf HA Failover - benchmark (not a test): prints one table.
#
#   bench/run.sh            (needs wrk: Debian package wrk, installed when missing and run as root)
#
# 1. Throughput and latency of GET /hello through the balancer and straight to the master backend,
#    measured side by side in the same run (alternating, 3 rounds each, medians), at full load
#    (BENCH_CONNECTIONS connections) and at light load (2 connections).
# 2. Failover: wrk through the balancer while the master is killed with SIGKILL, then while the
#    new master is stopped with SIGSTOP (hung, socket open): failed requests and worst latency.
#
# It starts its own cluster with ./karaf-ha on ports moved by 2000 (folder bench/target/cluster)
# and stops it at the end. Loopback only; every run is bounded in time.
#
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export KARAF_HA_HOME="$REPO/bench/target/cluster"
export KARAF_HA_PORT_OFFSET=2000
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
BALANCER=http://127.0.0.1:$((8181 + KARAF_HA_PORT_OFFSET))/hello
KARAF1=http://127.0.0.1:$((8182 + KARAF_HA_PORT_OFFSET))/hello

if ! command -v wrk > /dev/null; then
    [ "$(id -u)" -eq 0 ] || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 2; }
    apt-get install -y -qq wrk > /dev/null
fi

cleanup() { ./karaf-ha down > /dev/null 2>&1 || true; }
trap cleanup EXIT

./karaf-ha clean > /dev/null
./karaf-ha up > /dev/null
./karaf-ha shell balancer "config:property-set -p io.karafha.balancer response.timeout.ms 2000" > /dev/null
./karaf-ha shell balancer "config:property-set -p io.karafha.balancer retry.interval.ms 5000" > /dev/null
for _ in $(seq 1 50); do curl -fs "$BALANCER" | grep -q 'node: karaf1' && break; sleep 0.2; done

# ms of a wrk latency figure such as 812.00us, 1.21ms, 2.00s
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# run URL CONNECTIONS SECONDS -> "rps p50ms p99ms maxms non2xx errors"
run() {
    local out rps p50 p99 max non2xx errors
    out=$(wrk -t2 -c"$2" -d"$3"s --latency --timeout 10s "$1")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<< "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<< "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$out")")
    max=$(to_ms "$(awk '$1 == "Latency" && NF >= 4 { print $4; exit }' <<< "$out")")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<< "$out"); non2xx=${non2xx:-0}
    errors=$(awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<< "$out"); errors=${errors:-0}
    echo "$rps $p50 $p99 $max $non2xx $errors"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

measure() { # CONNECTIONS -> sets D_* and P_* medians
    local c=$1 d=() p=()
    run "$KARAF1" "$c" 3 > /dev/null; run "$BALANCER" "$c" 3 > /dev/null   # warm-up
    for _ in 1 2 3; do
        d+=("$(run "$KARAF1" "$c" "$DURATION")")
        p+=("$(run "$BALANCER" "$c" "$DURATION")")
    done
    D_RPS=$(printf '%s\n' "${d[@]}" | awk '{print $1}' | median); P_RPS=$(printf '%s\n' "${p[@]}" | awk '{print $1}' | median)
    D_P50=$(printf '%s\n' "${d[@]}" | awk '{print $2}' | median); P_P50=$(printf '%s\n' "${p[@]}" | awk '{print $2}' | median)
    D_P99=$(printf '%s\n' "${d[@]}" | awk '{print $3}' | median); P_P99=$(printf '%s\n' "${p[@]}" | awk '{print $3}' | median)
}

row() { printf '| %-34s | %12s | %12s | %10s |\n' "$@"; }

measure "$CONNECTIONS"
FULL=("$D_RPS" "$P_RPS" "$D_P50" "$P_P50" "$D_P99" "$P_P99")
measure 2
LIGHT=("$D_RPS" "$P_RPS" "$D_P50" "$P_P50" "$D_P99" "$P_P99")

# failover under load: SIGKILL of the master 3 s into a 12 s run
( sleep 3; ./karaf-ha kill karaf1 > /dev/null ) &
read -r K_RPS _ _ K_MAX K_NON2XX K_ERR <<< "$(run "$BALANCER" 8 12)"
wait
# then SIGSTOP of the new master (karaf2) 3 s into a 12 s run, SIGCONT after the run
./karaf-ha start karaf1 > /dev/null
PID2=$(cat "$KARAF_HA_HOME/karaf2.pid")
( sleep 3; kill -STOP "$PID2" ) &
read -r S_RPS _ _ S_MAX S_NON2XX S_ERR <<< "$(run "$BALANCER" 8 12)"
wait
kill -CONT "$PID2"

echo
echo "Karaf HA Failover benchmark: GET /hello, wrk -t2, ${DURATION}s x 3 rounds alternating (medians), $(nproc) cores"
echo
row "" "direct karaf1" "via balancer" "ratio"
row "----------------------------------" "------------" "------------" "----------"
row "requests/s, $CONNECTIONS connections" "${FULL[0]}" "${FULL[1]}" "$(awk -v a="${FULL[1]}" -v b="${FULL[0]}" 'BEGIN{printf "%.2f", a/b}')"
row "p50 ms, $CONNECTIONS connections" "${FULL[2]}" "${FULL[3]}" "+$(awk -v a="${FULL[3]}" -v b="${FULL[2]}" 'BEGIN{printf "%.3f", a-b}') ms"
row "p99 ms, $CONNECTIONS connections" "${FULL[4]}" "${FULL[5]}" "+$(awk -v a="${FULL[5]}" -v b="${FULL[4]}" 'BEGIN{printf "%.3f", a-b}') ms"
row "requests/s, 2 connections" "${LIGHT[0]}" "${LIGHT[1]}" "$(awk -v a="${LIGHT[1]}" -v b="${LIGHT[0]}" 'BEGIN{printf "%.2f", a/b}')"
row "p50 ms, 2 connections" "${LIGHT[2]}" "${LIGHT[3]}" "+$(awk -v a="${LIGHT[3]}" -v b="${LIGHT[2]}" 'BEGIN{printf "%.3f", a-b}') ms"
row "p99 ms, 2 connections" "${LIGHT[4]}" "${LIGHT[5]}" "+$(awk -v a="${LIGHT[5]}" -v b="${LIGHT[4]}" 'BEGIN{printf "%.3f", a-b}') ms"
echo
row "failover, 8 connections, 12 s" "failed" "worst ms" "requests/s"
row "----------------------------------" "------------" "------------" "----------"
row "kill -9 of the master at 3 s" "$((K_NON2XX + K_ERR))" "$K_MAX" "$K_RPS"
row "SIGSTOP of the master at 3 s" "$((S_NON2XX + S_ERR))" "$S_MAX" "$S_RPS"
echo
echo "(response.timeout.ms=2000, retry.interval.ms=5000; failed = non-2xx answers + socket errors)"
