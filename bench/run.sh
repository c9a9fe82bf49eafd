#!/usr/bin/env bash
#
# Karaf HA Failover - benchmark (not a test): prints its tables in Markdown.
#
#   bench/run.sh     (needs wrk and haproxy: Debian packages wrk and haproxy, installed when missing as root)
#
# In one run, on one machine, loopback only, every load run bounded in time:
# 0. Start-up: './karaf-ha up' from nothing to the cluster ready, and to the first 200 proxied
#    by the balancer.
# 1. GET /hello directly on the master backend (karaf1), through HAProxy (bench/haproxy.cfg: the same
#    two backends, karaf1 master, karaf2 backup, option redispatch) and through the balancer, after a
#    warm-up, at 2, 16 and 64 connections: req/s, p50, p99, and the ratios balancer/HAProxy and
#    balancer/direct. Targets alternate within each round; medians of the rounds.
# 2. The same for HAProxy and the balancer with the proxy pinned to core 0 and the backends and wrk
#    pinned to core 1 (taskset), so one core of proxy work is compared with one core of proxy work.
# 3. Resident memory of the nodes and HAProxy after the load.
# 4. Failover: wrk through the balancer while the master is killed with SIGKILL, then while the
#    new master is stopped with SIGSTOP (hung, socket open): failed requests and worst latency.
#
# Load generator: wrk 4.1 (Debian package wrk), 2 threads, keep-alive connections.
# It starts its own cluster with ./karaf-ha on ports moved by BENCH_PORT_OFFSET (2000; folder
# bench/target/cluster) and HAProxy on 8180 + offset, and stops both at the end.
#
# Environment: BENCH_DURATION seconds per load run [8], BENCH_ROUNDS [3], BENCH_WARMUP seconds [10],
#              BENCH_CONNECTIONS [2 16 64], BENCH_PORT_OFFSET [2000], BENCH_FAILOVER [1] (0 skips part 4),
#              BENCH_JFR=<file> (a JFR profile of the balancer during 15 s at 16 connections)
#
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export KARAF_HA_HOME="$REPO/bench/target/cluster"
export KARAF_HA_PORT_OFFSET=${BENCH_PORT_OFFSET:-2000}
DURATION=${BENCH_DURATION:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-10}
read -r -a CONNS <<< "${BENCH_CONNECTIONS:-2 16 64}"
O=$KARAF_HA_PORT_OFFSET
export BENCH_HAPROXY_PORT=$((8180 + O)) BENCH_KARAF1_PORT=$((8182 + O)) BENCH_KARAF2_PORT=$((8183 + O))
declare -A URL=(
    [direct]=http://127.0.0.1:$BENCH_KARAF1_PORT/hello
    [haproxy]=http://127.0.0.1:$BENCH_HAPROXY_PORT/hello
    [balancer]=http://127.0.0.1:$((8181 + O))/hello
)
LOGS="$REPO/bench/target"
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- bundles features distribution || echo "+changes")
DIST=$(ls "$REPO"/distribution/target/karaf-ha-distribution-*.tar.gz 2> /dev/null | head -n 1)
DIST_DATE=$([ -n "$DIST" ] && date -u -r "$DIST" '+%Y-%m-%d %H:%M UTC' || echo "to be built")
mkdir -p "$LOGS"

for tool in wrk haproxy; do
    if ! command -v "$tool" > /dev/null && [ ! -x "/usr/sbin/$tool" ]; then
        [ "$(id -u)" -eq 0 ] || { echo "bench: $tool is needed (apt-get install $tool)" >&2; exit 2; }
        apt-get install -y -qq "$tool" > /dev/null
    fi
done
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

HAPID=""
cleanup() {
    [ -n "$HAPID" ] && kill "$HAPID" 2> /dev/null || true
    [ -n "${PID2:-}" ] && kill -CONT "$PID2" 2> /dev/null || true
    ./karaf-ha down > /dev/null 2>&1 || true
}
trap cleanup EXIT

pid_of() { cat "$KARAF_HA_HOME/$1.pid"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

start_haproxy() { # [CPU]: start HAProxy (restricted to that CPU when given), wait until it proxies
    [ -n "$HAPID" ] && { kill "$HAPID" 2> /dev/null || true; wait "$HAPID" 2> /dev/null || true; }
    if [ -n "${1:-}" ]; then
        taskset -c "$1" "$HAPROXY" -f bench/haproxy.cfg -db > "$LOGS/haproxy.log" 2>&1 &
    else
        "$HAPROXY" -f bench/haproxy.cfg -db > "$LOGS/haproxy.log" 2>&1 &
    fi
    HAPID=$!
    for _ in $(seq 1 50); do curl -fs "${URL[haproxy]}" > /dev/null && return 0; sleep 0.1; done
    echo "bench: HAProxy does not answer; see $LOGS/haproxy.log" >&2
    exit 1
}

# ---------------------------------------------------------------- 0. start-up
./karaf-ha clean > /dev/null
T0=$(now)
rm -f "$LOGS"/first200 "$LOGS"/ready.*
( for _ in $(seq 1 3000); do
      curl -fs "${URL[balancer]}" 2> /dev/null | grep -q '^node: ' && { since "$T0" > "$LOGS/first200"; exit 0; }
      sleep 0.1
  done ) &
FIRST_POLL=$!
# each node's first "ready":true on /karaf-ha/health (HTTP up and a member of the cluster)
( pending=(balancer karaf1 karaf2)
  for _ in $(seq 1 1500); do
      left=()
      for n in "${pending[@]}"; do
          port=$((8181 + O + $([ $n = balancer ] && echo 0 || echo "${n#karaf}")))
          if curl -fs -m 1 "http://127.0.0.1:$port/karaf-ha/health" 2> /dev/null | grep -q '"ready":true'; then
              since "$T0" > "$LOGS/ready.$n"
          else
              left+=("$n")
          fi
      done
      [ ${#left[@]} -eq 0 ] && exit 0
      pending=("${left[@]}")
      sleep 0.2
  done ) &
READY_POLL=$!
./karaf-ha up > "$LOGS/up.log"
UP_READY=$(since "$T0")
wait "$FIRST_POLL" "$READY_POLL" || true
UP_FIRST200=$(cat "$LOGS/first200" 2> /dev/null || echo "-")
READY_AT=$(for n in balancer karaf1 karaf2; do printf '%s %s s, ' "$n" "$(cat "$LOGS/ready.$n" 2> /dev/null || echo -)"; done)
TIMELINE=$(bench/startup-timeline.sh "$KARAF_HA_HOME" "$T0")
rss() { ps -o rss= -p "$1" | awk '{ printf "%d", $1 / 1024 }'; }
RSS_START=$(rss "$(pid_of balancer)"); RSS_START_K1=$(rss "$(pid_of karaf1)"); RSS_START_K2=$(rss "$(pid_of karaf2)")
./karaf-ha shell balancer "config:property-set -p io.karafha.balancer response.timeout.ms 2000" > /dev/null
./karaf-ha shell balancer "config:property-set -p io.karafha.balancer retry.interval.ms 5000" > /dev/null
for _ in $(seq 1 50); do curl -fs "${URL[balancer]}" | grep -q 'node: karaf1' && break; sleep 0.2; done
start_haproxy

# ms of a wrk latency figure such as 812.00us, 1.21ms, 2.00s
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

WRK_CPU=""
# run URL CONNECTIONS SECONDS -> "rps p50ms p99ms maxms non2xx errors"
run() {
    local out rps p50 p99 max non2xx errors
    local cmd=(wrk -t2 -c"$2" -d"$3"s --latency --timeout 10s "$1")
    [ -n "$WRK_CPU" ] && cmd=(taskset -c "$WRK_CPU" "${cmd[@]}")
    out=$("${cmd[@]}")
    rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' <<< "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<< "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$out")")
    max=$(to_ms "$(awk '$1 == "Latency" && NF >= 4 { print $4; exit }' <<< "$out")")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<< "$out"); non2xx=${non2xx:-0}
    errors=$(awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<< "$out"); errors=${errors:-0}
    [ $((non2xx + errors)) -eq 0 ] || echo "bench: $1 at $2 connections: $non2xx non-2xx, $errors socket errors" >&2
    echo "$rps $p50 $p99 $max $non2xx $errors"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A RAW MED
# measure TABLE TARGET... : ROUNDS rounds, each target at each connection count in turn; medians in MED
measure() {
    local table=$1 c t k
    shift
    for _ in $(seq 1 "$ROUNDS"); do
        for c in "${CONNS[@]}"; do
            for t in "$@"; do
                RAW[$table,$c,$t]+="$(run "${URL[$t]}" "$c" "$DURATION")"$'\n'
            done
        done
    done
    for c in "${CONNS[@]}"; do
        for t in "$@"; do
            for k in 1 2 3; do
                MED[$table,$c,$t,$k]=$(awk -v k=$k 'NF { print $k }' <<< "${RAW[$table,$c,$t]}" | median)
            done
        done
    done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
plus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.3f", a - b }'; }
row() { printf '| %5s | %-9s | %8s | %8s | %8s | %11s | %11s | %11s |\n' "$@"; }

print_table() { # TABLE TARGET...
    local table=$1 c t ref h d
    shift
    row "conns" "target" "req/s" "p50 ms" "p99 ms" "p99 added" "x HAProxy" "x direct"
    row "----:" "---------" "-------:" "-------:" "-------:" "----------:" "----------:" "----------:"
    for c in "${CONNS[@]}"; do
        h=${MED[$table,$c,haproxy,1]:-0}
        d=${MED[$table,$c,direct,1]:-0}
        for t in "$@"; do
            ref="-"; [ "$t" != direct ] && [ -n "${MED[$table,$c,direct,3]:-}" ] && ref=$(plus "${MED[$table,$c,$t,3]}" "${MED[$table,$c,direct,3]}")
            row "$c" "$t" "${MED[$table,$c,$t,1]}" "${MED[$table,$c,$t,2]}" "${MED[$table,$c,$t,3]}" "$ref" \
                "$( [ "$h" != 0 ] && ratio "${MED[$table,$c,$t,1]}" "$h" || echo -)" \
                "$( [ "$d" != 0 ] && ratio "${MED[$table,$c,$t,1]}" "$d" || echo -)"
        done
    done
}

# ---------------------------------------------------------------- 1. all on both cores
for t in direct haproxy balancer; do run "${URL[$t]}" 16 "$WARMUP" > /dev/null; done
measure both direct haproxy balancer

# ---------------------------------------------------------------- 2. proxy on core 0, backends and wrk on core 1
CORES=$(nproc)
if [ "$CORES" -ge 2 ]; then
    ALL="0-$((CORES - 1))"
    for n in karaf1 karaf2; do taskset -a -p -c 1 "$(pid_of $n)" > /dev/null; done
    taskset -a -p -c 0 "$(pid_of balancer)" > /dev/null
    start_haproxy 0
    WRK_CPU=1
    for t in haproxy balancer; do run "${URL[$t]}" 16 3 > /dev/null; done
    measure pinned haproxy balancer
    WRK_CPU=""
    for n in balancer karaf1 karaf2; do taskset -a -p -c "$ALL" "$(pid_of $n)" > /dev/null; done
fi

# ---------------------------------------------------------------- 3. memory after the load
RSS_BAL=$(rss "$(pid_of balancer)"); RSS_K1=$(rss "$(pid_of karaf1)"); RSS_K2=$(rss "$(pid_of karaf2)"); RSS_HA=$(rss "$HAPID")
# the balancer's heap (committed / used) and metaspace (committed), in MB: how much of its RSS is Java heap
HEAP_BAL=$(jcmd "$(pid_of balancer)" GC.heap_info 2> /dev/null | awk '
    / total [0-9]+K, used [0-9]+K/ { for (i = 1; i <= NF; i++) { if ($i == "total") t += $(i + 1) + 0; if ($i == "used") u += $(i + 1) + 0 } }
    /Metaspace/ { for (i = 1; i <= NF; i++) if ($i == "committed") m = $(i + 1) + 0 }
    END { printf "heap %d MB committed, %d MB used; metaspace %d MB", t / 1024, u / 1024, m / 1024 }')
# the JVM settings in force on each node: maximum heap and collector (jcmd VM.flags)
JVM_FLAGS=$(for n in balancer karaf1 karaf2; do
    jcmd "$(pid_of $n)" VM.flags 2> /dev/null | tr ' ' '\n' | awk -v n=$n '
        /^-XX:MaxHeapSize=/ { split($0, a, "="); h = sprintf("%d MB", a[2] / 1048576) }
        /^-XX:\+Use[A-Za-z0-9]+GC$/ { g = substr($0, 9) }
        END { printf "%s %s %s, ", n, h, g }'
done)
# the balancer's live heap: used after a full collection (after the RSS figures above were taken)
jcmd "$(pid_of balancer)" GC.run > /dev/null 2>&1 || true
LIVE_BAL=$(jcmd "$(pid_of balancer)" GC.heap_info 2> /dev/null | awk '
    / total [0-9]+K, used [0-9]+K/ { for (i = 1; i <= NF; i++) if ($i == "used") u += $(i + 1) + 0 }
    END { printf "%d MB", u / 1024 }')
kill "$HAPID"; wait "$HAPID" 2> /dev/null || true; HAPID=""

# optional: a JFR profile of the balancer during 15 s at 16 connections (BENCH_JFR=<file.jfr>), after the
# memory figures so that the recorder's own memory is not in them
if [ -n "${BENCH_JFR:-}" ]; then
    jcmd "$(pid_of balancer)" JFR.start name=bench settings=profile > /dev/null
    run "${URL[balancer]}" 16 15 > /dev/null
    jcmd "$(pid_of balancer)" JFR.stop name=bench filename="$BENCH_JFR" > /dev/null
fi

# ---------------------------------------------------------------- 4. failover under load
if [ "${BENCH_FAILOVER:-1}" = 1 ]; then
    # SIGKILL of the master 3 s into a 12 s run
    ( sleep 3; ./karaf-ha kill karaf1 > /dev/null ) &
    read -r K_RPS _ _ K_MAX K_NON2XX K_ERR <<< "$(run "${URL[balancer]}" 8 12 2> /dev/null)"
    wait
    # then SIGSTOP of the new master (karaf2) 3 s into a 12 s run, SIGCONT after the run
    ./karaf-ha start karaf1 > /dev/null
    PID2=$(pid_of karaf2)
    ( sleep 3; kill -STOP "$PID2" ) &
    read -r S_RPS _ _ S_MAX S_NON2XX S_ERR <<< "$(run "${URL[balancer]}" 8 12 2> /dev/null)"
    wait
    kill -CONT "$PID2"
fi

echo
echo "Karaf HA Failover benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT (distribution built $DIST_DATE), $CORES cores"
echo "GET /hello, wrk -t2 (keep-alive), ${WARMUP}s warm-up per target, then ${ROUNDS} rounds of ${DURATION}s per target and connection count, alternating; medians."
echo "$("$HAPROXY" -v | head -n 1 | cut -d' ' -f1-3); balancer and backends: Karaf 4.4.10, Java $(java -version 2>&1 | awk -F'"' 'NR == 1 { print $2 }'); p99 added = p99 - direct p99."
echo
echo "All on the same $CORES cores:"
echo
print_table both direct haproxy balancer
if [ "$CORES" -ge 2 ]; then
    echo
    echo "Proxy (HAProxy, or the balancer JVM) pinned to core 0; backends and wrk pinned to core 1 (taskset):"
    echo
    print_table pinned haproxy balancer
fi
echo
echo "| start-up and memory | figure |"
echo "| --- | ---: |"
echo "| ./karaf-ha up, until the cluster is ready | $UP_READY s |"
echo "| ./karaf-ha up, until the first 200 proxied by the balancer | $UP_FIRST200 s |"
echo "| each node ready (health \"ready\":true) | ${READY_AT%, } |"
echo "| RSS balancer after start / after the load | $RSS_START MB / $RSS_BAL MB ($HEAP_BAL) |"
echo "| RSS karaf1, karaf2 after start | $RSS_START_K1 MB, $RSS_START_K2 MB |"
echo "| RSS karaf1, karaf2 after the load | $RSS_K1 MB, $RSS_K2 MB |"
echo "| RSS HAProxy after the load | $RSS_HA MB |"
echo "| JVM: maximum heap, collector | ${JVM_FLAGS%, } |"
echo "| balancer heap live after a full GC | $LIVE_BAL |"
echo
echo "Start-up timeline, seconds since './karaf-ha up' began (bench/startup-timeline.sh, from the nodes' logs):"
echo
echo "$TIMELINE"
if [ "${BENCH_FAILOVER:-1}" = 1 ]; then
    echo
    echo "| failover, balancer, 8 connections, 12 s | failed | worst ms | req/s |"
    echo "| --- | ---: | ---: | ---: |"
    echo "| kill -9 of the master at 3 s | $((K_NON2XX + K_ERR)) | $K_MAX | $K_RPS |"
    echo "| SIGSTOP of the master at 3 s | $((S_NON2XX + S_ERR)) | $S_MAX | $S_RPS |"
    echo
    echo "(response.timeout.ms=2000, retry.interval.ms=5000; failed = non-2xx answers + socket errors)"
fi
