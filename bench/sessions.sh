#!/usr/bin/env bash
#
# Karaf HA Failover - session replication benchmark (not a test): prints one table.
#
#   bench/sessions.sh       (needs wrk: Debian package wrk, installed when missing and run as root)
#
# GET /session of the demo (reads the HttpSession, sets one attribute) straight to karaf1, with one
# session cookie, replication on (feature ha-sessions: every request reads the session from
# the cluster map, and writes it when it changed) and off (bundle io.karafha.sessions stopped on karaf1: Jetty's in-memory sessions),
# alternating, 3 rounds each, medians; GET /hello with the same cookie (its session is read, not
# used). Same run, same cluster.
#
# It starts its own cluster with ./karaf-ha on ports moved by 2000 (folder bench/target/sessions-cluster)
# and stops it at the end. Loopback only; every run is bounded in time.
#
set -euo pipefail
cd "$(dirname "$0")/.."
export KARAF_HA_HOME="$PWD/bench/target/sessions-cluster"
export KARAF_HA_PORT_OFFSET=2000
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
KARAF1=http://127.0.0.1:$((8182 + KARAF_HA_PORT_OFFSET))

if ! command -v wrk > /dev/null; then
    [ "$(id -u)" -eq 0 ] || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 2; }
    apt-get install -y -qq wrk > /dev/null
fi

cleanup() { ./karaf-ha down > /dev/null 2>&1 || true; }
trap cleanup EXIT

./karaf-ha clean > /dev/null
./karaf-ha up > /dev/null

LOG="$KARAF_HA_HOME/karaf1/data/log/karaf.log"
# a fresh session cookie of karaf1; waits until /session answers
cookie() {
    local c=""
    for _ in $(seq 1 100); do
        c=$(curl -s -m 5 -D - -o /dev/null "$KARAF1/session" | tr -d '\r' | awk -F'[=;]' '/^Set-Cookie: JSESSIONID=/ { print $2 }')
        [ -n "$c" ] && break
        sleep 0.2
    done
    [ -n "$c" ] || { echo "bench: no session cookie from $KARAF1/session" >&2; exit 1; }
    echo "$c"
}
# rps of URL with the cookie; non-2xx and socket errors counted
run() {
    local out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$3"s --timeout 10s -H "Cookie: JSESSIONID=$2" "$1")
    echo "$(awk '/^Requests\/sec:/ { print $2 }' <<< "$out") $(awk '/Non-2xx/ { print $NF }' <<< "$out" | grep . || echo 0)"
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# replication on|off on karaf1: stop/start its sessions bundle, wait for Pax Web's server restart
replication() {
    local before
    before=$(grep -c "HTTP sessions of every web context are replicated\|Session replication off" "$LOG" || true)
    if [ "$1" = on ]; then
        ./karaf-ha shell karaf1 "bundle:start io.karafha.sessions" > /dev/null
    else
        ./karaf-ha shell karaf1 "bundle:stop io.karafha.sessions" > /dev/null
    fi
    for _ in $(seq 1 100); do
        [ "$(grep -c "HTTP sessions of every web context are replicated\|Session replication off" "$LOG" || true)" -gt "$before" ] && break
        sleep 0.2
    done
    sleep 2
}

ON=(); OFF=(); HELLO=(); ERRORS=0
C=$(cookie); run "$KARAF1/session" "$C" 3 > /dev/null; run "$KARAF1/hello" "$C" 3 > /dev/null   # warm-up
for _ in 1 2 3; do
    C=$(cookie); read -r rps bad <<< "$(run "$KARAF1/session" "$C" "$DURATION")"; ON+=("$rps"); ERRORS=$((ERRORS + bad))
    read -r rps bad <<< "$(run "$KARAF1/hello" "$C" "$DURATION")"; HELLO+=("$rps"); ERRORS=$((ERRORS + bad))
    replication off
    C=$(cookie); read -r rps bad <<< "$(run "$KARAF1/session" "$C" "$DURATION")"; OFF+=("$rps"); ERRORS=$((ERRORS + bad))
    replication on
done
M_ON=$(printf '%s\n' "${ON[@]}" | median); M_OFF=$(printf '%s\n' "${OFF[@]}" | median); M_HELLO=$(printf '%s\n' "${HELLO[@]}" | median)

echo
echo "Karaf HA Failover session benchmark: straight to karaf1, wrk -t2 -c$CONNECTIONS, one session, ${DURATION}s x 3 rounds alternating (medians), $(nproc) cores"
echo
printf '| %-44s | %12s |\n' "" "requests/s"
printf '| %-44s | %12s |\n' "--------------------------------------------" "------------"
printf '| %-44s | %12s |\n' "GET /hello with the cookie, replication on" "$M_HELLO"
printf '| %-44s | %12s |\n' "GET /session, replication off (in memory)" "$M_OFF"
printf '| %-44s | %12s |\n' "GET /session, replication on (cluster map)" "$M_ON"
printf '| %-44s | %12s |\n' "on / off" "$(awk -v a="$M_ON" -v b="$M_OFF" 'BEGIN{printf "%.2f", a/b}')"
echo
echo "rounds on: ${ON[*]}; off: ${OFF[*]}; hello: ${HELLO[*]}; non-2xx answers: $ERRORS"
