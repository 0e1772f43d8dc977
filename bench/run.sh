#!/usr/bin/env bash
# ActionGate against nginx, on one machine, in one run (issue 12; DESIGN.md "Budgets").
#
#   bench/run.sh [--duration S] [--rounds N] [--warmup S] [--connections N] [--threads N]
#                [--workers N] [--upstream-workers N] [--out DIR] [--perf] [--keep] [--no-build]
#                [--compare BIN] [--floors] [--allocs] [--syscalls]
#
# Starts ONE upstream (nginx `return 200 "ok"`, bench/upstream.conf) and measures with wrk
# (bench/post.lua: POST, 1 KiB JSON body, Origin, session Cookie, Action-Bound):
#   (a) the upstream direct
#   (b) nginx proxy_pass with upstream keep-alive (bench/nginx.conf)
#   (c) ActionGate, passthrough route (bench/gateway.yaml, /static/)
#   (d) ActionGate, full action path: origin + session open + policy + bound-args open + proxy
# in interleaved rounds (b c d a, then rotated), and prints the medians of req/s, p50, p99, each
# ratio to (b), the proxies' CPU time per request and the gateway's RSS. Before measuring it
# checks with curl that (d) really passes every check (200, upstream saw subject and bound args,
# session cookie removed) and that the same request without the cookie gets 401.
# --compare BIN adds (c') and (d'): the same two paths through a second gateway built from another
# revision (a proposed change), in the same rounds, against the same upstream and keyring.
# --floors adds (g) and (h), the floors under any SwiftNIO data plane (actiongate-bench relay): (g)
# bytes relayed unparsed, one upstream connection per client connection; (h) the same through NIO's
# HTTP/1 codecs on both sides, no checks.
# --allocs counts malloc calls per request of each measured proxy process (perf, a uprobe on libc's
# malloc; root): a figure that, unlike CPU time, the machine's load does not move; and where (d)'s
# come from (their stacks, grouped by the code that asked: bench/alloc_sites.py).
# --syscalls counts system calls per request, by name, of nginx's workers (b) and of each gateway
# variant (perf, the syscalls:sys_enter_* tracepoints; root): what the kernel half of the CPU costs
# is made of, against nginx's.
# Everything listens on 127.0.0.1; every process started here is stopped on exit.
#
# Environment: ACTIONGATE_BIN (a built actiongate; default: swift build -c release); with --floors,
# ACTIONGATE_BENCH_BIN (a built actiongate-bench; the same default).
set -euo pipefail

DURATION=10 ROUNDS=3 WARMUP=2 CONNECTIONS=64 THREADS=2
WORKERS=$(nproc) UPSTREAM_WORKERS=1 OUT="" PERF=0 KEEP=0 BUILD=1 COMPARE_BIN="" FLOORS=0 ALLOCS=0 SYSCALLS=0
usage() { sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --workers) WORKERS=$2; shift 2 ;;
        --upstream-workers) UPSTREAM_WORKERS=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --perf) PERF=1; shift ;;
        --keep) KEEP=1; shift ;;
        --no-build) BUILD=0; shift ;;
        --compare) COMPARE_BIN=$2; shift 2 ;;
        --floors) FLOORS=1; shift ;;
        --allocs) ALLOCS=1; shift ;;
        --syscalls) SYSCALLS=1; shift ;;
        -h|--help) usage ;;
        *) echo "run.sh: unknown argument $1" >&2; usage ;;
    esac
done

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
log() { printf '%s\n' "run.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# --- tools -----------------------------------------------------------------------------------
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO=sudo
need() {  # need COMMAND DEBIAN_PACKAGE
    command -v "$1" >/dev/null && return
    log "installing $2 (for $1)"
    $SUDO apt-get install -y "$2" >/dev/null 2>&1 || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y "$2" >/dev/null; }
    command -v "$1" >/dev/null || die "$1 is still missing after apt-get install $2"
}
need wrk wrk
need nginx nginx-light
need curl curl
[ "$PERF" -eq 0 ] || { need perf linux-perf; need python3 python3; }
[ "$ALLOCS" -eq 0 ] || need perf linux-perf
[ "$SYSCALLS" -eq 0 ] || need perf linux-perf
NGINX=$(command -v nginx)

if [ -z "${ACTIONGATE_BIN:-}" ]; then
    if [ "$BUILD" -eq 1 ]; then
        log "swift build -c release --product actiongate (incremental)"
        (cd "$REPO" && swift build -c release --product actiongate >&2)
    fi
    ACTIONGATE_BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/actiongate"
fi
[ -x "$ACTIONGATE_BIN" ] || die "no actiongate binary at $ACTIONGATE_BIN"
if [ "$FLOORS" -eq 1 ] && [ -z "${ACTIONGATE_BENCH_BIN:-}" ]; then
    if [ "$BUILD" -eq 1 ]; then
        log "swift build -c release --product actiongate-bench (incremental)"
        (cd "$REPO" && swift build -c release --product actiongate-bench >&2)
    fi
    ACTIONGATE_BENCH_BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/actiongate-bench"
fi
[ "$FLOORS" -eq 0 ] || [ -x "$ACTIONGATE_BENCH_BIN" ] || die "no actiongate-bench binary at $ACTIONGATE_BENCH_BIN"
[ -z "$COMPARE_BIN" ] || [ -x "$COMPARE_BIN" ] || die "no actiongate binary at $COMPARE_BIN (--compare)"

# --- processes and cleanup -------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/actiongate-bench.XXXXXX")
PIDS=()
stop_pid() {  # TERM, then KILL after a bounded wait
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    if [ "$KEEP" -eq 1 ] || [ "$status" -ne 0 ]; then log "work folder kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
USED_PORTS=" "
# Listening ports come from below the kernel's ephemeral range: a port that an outgoing connection
# (an earlier run's, in TIME_WAIT or still open) holds passes the connect test but cannot be bound.
EPHEMERAL_LOW=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$EPHEMERAL_LOW" -gt 12000 ] || EPHEMERAL_LOW=32768
pick_port() {  # pick_port VAR: a free port on 127.0.0.1, distinct from the ones picked before
    local port i
    for i in $(seq 200); do
        port=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
        case "$USED_PORTS" in *" $port "*) continue ;; esac
        if port_is_free "$port"; then USED_PORTS="$USED_PORTS$port "; printf -v "$1" '%s' "$port"; return; fi
    done
    die "no free port found"
}
wait_http() {  # wait_http URL: poll until it answers, at most 15 s
    local i
    for i in $(seq 150); do
        curl -s -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1
    done
    die "nothing answers at $1 (see $WORK/*.log)"
}
fill() {  # fill TEMPLATE OUTPUT: replace the @NAME@ placeholders
    sed -e "s|@PREFIX@|$WORK|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" \
        -e "s|@GATEWAY_PORT@|$GATEWAY_PORT|g" -e "s|@ADMIN_PORT@|$ADMIN_PORT|g" \
        -e "s|@PROXY_WORKERS@|$WORKERS|g" -e "s|@UPSTREAM_WORKERS@|$UPSTREAM_WORKERS|g" \
        -e "s|@USER_DIRECTIVE@|$USER_DIRECTIVE|g" "$1" >"$2"
}

pick_port UPSTREAM_PORT; pick_port PROXY_PORT; pick_port GATEWAY_PORT; pick_port ADMIN_PORT
pick_port GATEWAY2_PORT; pick_port ADMIN2_PORT; pick_port RELAY_TCP_PORT; pick_port RELAY_HTTP_PORT
# As root, nginx workers would switch to `nobody` and lose access to the temp folder.
USER_DIRECTIVE=""
[ "$(id -u)" -eq 0 ] && USER_DIRECTIVE="user root;"

# --- start: upstream, nginx proxy, gateway ---------------------------------------------------
fill "$BENCH_DIR/upstream.conf" "$WORK/upstream.conf"
fill "$BENCH_DIR/nginx.conf" "$WORK/proxy.conf"
fill "$BENCH_DIR/gateway.yaml" "$WORK/gateway.yaml"
"$NGINX" -p "$WORK" -c "$WORK/upstream.conf" -e "$WORK/upstream-error.log" -g 'daemon off;' \
    >"$WORK/upstream.log" 2>&1 &
UPSTREAM_PID=$!; PIDS+=("$UPSTREAM_PID")
"$NGINX" -p "$WORK" -c "$WORK/proxy.conf" -e "$WORK/proxy-error.log" -g 'daemon off;' >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!; PIDS+=("$PROXY_PID")

"$ACTIONGATE_BIN" keys init --keyring "$WORK/keys.json" >"$WORK/keys.log" 2>&1 || die "keys init failed: $(cat "$WORK/keys.log")"
ADMIN_TOKEN="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
(umask 077 && printf '%s' "$ADMIN_TOKEN" >"$WORK/admin.token")
"$ACTIONGATE_BIN" serve --config "$WORK/gateway.yaml" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!; PIDS+=("$GATEWAY_PID")
GATEWAY2_PID=""
if [ -n "$COMPARE_BIN" ]; then
    # Same configuration, keyring and admin token; only the listeners differ.
    sed -e "s|127.0.0.1:$GATEWAY_PORT|127.0.0.1:$GATEWAY2_PORT|" -e "s|127.0.0.1:$ADMIN_PORT|127.0.0.1:$ADMIN2_PORT|" \
        "$WORK/gateway.yaml" >"$WORK/gateway2.yaml"
    "$COMPARE_BIN" serve --config "$WORK/gateway2.yaml" >"$WORK/gateway2.log" 2>&1 &
    GATEWAY2_PID=$!; PIDS+=("$GATEWAY2_PID")
fi

RELAY_TCP_PID="" RELAY_HTTP_PID=""
if [ "$FLOORS" -eq 1 ]; then
    "$ACTIONGATE_BENCH_BIN" relay tcp "$RELAY_TCP_PORT" "$UPSTREAM_PORT" >"$WORK/relay-tcp.log" 2>&1 &
    RELAY_TCP_PID=$!; PIDS+=("$RELAY_TCP_PID")
    "$ACTIONGATE_BENCH_BIN" relay http "$RELAY_HTTP_PORT" "$UPSTREAM_PORT" >"$WORK/relay-http.log" 2>&1 &
    RELAY_HTTP_PID=$!; PIDS+=("$RELAY_HTTP_PID")
fi

wait_http "http://127.0.0.1:$UPSTREAM_PORT/"
wait_http "http://127.0.0.1:$PROXY_PORT/"
wait_http "http://127.0.0.1:$ADMIN_PORT/healthz"
wait_http "http://127.0.0.1:$GATEWAY_PORT/"
kill -0 "$GATEWAY_PID" 2>/dev/null || die "the gateway exited: $(cat "$WORK/gateway.log")"
if [ "$FLOORS" -eq 1 ]; then
    wait_http "http://127.0.0.1:$RELAY_TCP_PORT/"
    wait_http "http://127.0.0.1:$RELAY_HTTP_PORT/"
fi
if [ -n "$COMPARE_BIN" ]; then
    wait_http "http://127.0.0.1:$ADMIN2_PORT/healthz"
    wait_http "http://127.0.0.1:$GATEWAY2_PORT/"
fi

# --- tokens: a session cookie from the CLI, bound arguments from POST /v1/seal ----------------
SESSION=$("$ACTIONGATE_BIN" seal --purpose session --cookie ag-bench --ttl 2h \
    --data '{"sub":"bench","roles":["writer"]}' --keyring "$WORK/keys.json") || die "seal --purpose session failed"
BOUND_ARGS='{"note":42,"rev":7}'
SEAL_REPLY=$(curl -s --max-time 5 -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    --data "{\"action\":\"updateNote\",\"args\":$BOUND_ARGS,\"ttl\":\"1h\",\"subject\":\"bench\"}" \
    "http://127.0.0.1:$ADMIN_PORT/v1/seal")
BOUND=$(printf '%s' "$SEAL_REPLY" | sed -n 's/.*"token":"\([A-Za-z0-9_-]*\)".*/\1/p')
[ -n "$BOUND" ] || die "POST /v1/seal gave no token: $SEAL_REPLY"

# For --keep: everything needed to rerun one wrk by hand against the kept configuration.
printf 'BENCH_COOKIE=%s\nBENCH_BOUND=%s\nUPSTREAM_PORT=%s\nPROXY_PORT=%s\nGATEWAY_PORT=%s\nADMIN_PORT=%s\n' \
    "$SESSION" "$BOUND" "$UPSTREAM_PORT" "$PROXY_PORT" "$GATEWAY_PORT" "$ADMIN_PORT" >"$WORK/bench.env"

URL_A="http://127.0.0.1:$UPSTREAM_PORT/actions/updateNote"
URL_B="http://127.0.0.1:$PROXY_PORT/actions/updateNote"
URL_C="http://127.0.0.1:$GATEWAY_PORT/static/updateNote"
URL_D="http://127.0.0.1:$GATEWAY_PORT/actions/updateNote"
URL_E="http://127.0.0.1:$GATEWAY2_PORT/static/updateNote"
URL_F="http://127.0.0.1:$GATEWAY2_PORT/actions/updateNote"
URL_G="http://127.0.0.1:$RELAY_TCP_PORT/actions/updateNote"
URL_H="http://127.0.0.1:$RELAY_HTTP_PORT/actions/updateNote"

# --- checks: the benchmark measures what it claims -------------------------------------------
BODY=$(printf '{"note":"%s"}' "$(head -c 1013 /dev/zero | tr '\0' x)")
[ "${#BODY}" -eq 1024 ] || die "check body is ${#BODY} bytes"
probe() {  # probe URL [curl args...] -> status line on stdout, headers in $WORK/probe.headers
    local url=$1; shift
    curl -s --max-time 5 -o "$WORK/probe.body" -D "$WORK/probe.headers" -w '%{http_code}' -X POST \
        -H 'Host: app.bench' -H 'Content-Type: application/json' --data "$BODY" "$@" "$url"
}
header() { grep -i "^$1:" "$WORK/probe.headers" | head -1 | cut -d: -f2- | tr -d '\r' | sed 's/^ //'; }
b64url_decode() {
    local s; s=$(printf '%s' "$1" | tr '_-' '/+')
    while [ $(( ${#s} % 4 )) -ne 0 ]; do s="$s="; done
    printf '%s' "$s" | base64 -d
}
expect_status() {  # expect_status WANT WHAT URL [curl args...]
    local want=$1 what=$2 got; shift 2
    got=$(probe "$@")
    [ "$got" = "$want" ] || die "check failed: $what: got HTTP $got, wanted $want ($(cat "$WORK/probe.body"))"
    log "check ok: $what -> $got"
}
FULL=(-H 'Origin: http://app.bench' -H "Cookie: theme=dark; ag-bench=$SESSION" -H "Action-Bound: $BOUND")
expect_status 200 "(a) upstream direct" "$URL_A" "${FULL[@]}"
expect_status 200 "(b) nginx proxy" "$URL_B" "${FULL[@]}"
check_gateway() {  # check_gateway NAME PASSTHROUGH_URL ACTION_URL
    local c=$1 pass=$2 full=$3 saw
    expect_status 200 "($c) passthrough" "$pass" "${FULL[@]}"
    expect_status 200 "($c) full action path" "$full" "${FULL[@]}" -H 'X-Bench-Echo: 1'
    [ "$(header x-bench-saw-subject)" = "bench" ] || die "check failed: upstream did not get X-ActionGate-Subject: bench"
    saw=$(b64url_decode "$(header x-bench-saw-bound-args)")
    [ "$saw" = "$BOUND_ARGS" ] || die "check failed: upstream got bound args '$saw', sealed '$BOUND_ARGS'"
    [ "$(header x-bench-saw-cookie)" = "theme=dark" ] || die "check failed: the session cookie reached the upstream"
    [ -z "$(header set-cookie)" ] || die "check failed: ($c) re-issues the session on every request (refresh)"
    log "check ok: upstream saw subject 'bench', bound args $saw, Cookie 'theme=dark' only; no Set-Cookie"
    expect_status 401 "($c) without the session cookie" "$full" -H 'Origin: http://app.bench' -H "Action-Bound: $BOUND"
    expect_status 403 "($c) from another origin" "$full" -H 'Origin: http://evil.example' \
        -H "Cookie: ag-bench=$SESSION" -H "Action-Bound: $BOUND"
    expect_status 403 "($c) without bound arguments" "$full" -H 'Origin: http://app.bench' -H "Cookie: ag-bench=$SESSION"
    expect_status 403 "($c) with a tampered bound token" "$full" -H 'Origin: http://app.bench' \
        -H "Cookie: ag-bench=$SESSION" -H "Action-Bound: ${BOUND%?}$( [ "${BOUND: -1}" = A ] && echo E || echo A)"
}
check_gateway "c/d" "$URL_C" "$URL_D"
[ -z "$COMPARE_BIN" ] || check_gateway "c'/d'" "$URL_E" "$URL_F"
if [ "$FLOORS" -eq 1 ]; then
    expect_status 200 "(g) NIO byte relay" "$URL_G" "${FULL[@]}"
    expect_status 200 "(h) NIO HTTP/1 relay" "$URL_H" "${FULL[@]}"
fi

# --- measuring -------------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
cpu_split() {  # "utime stime" in ticks, summed over the given PIDs (all threads)
    local user=0 sys=0 pid u k
    for pid in "$@"; do
        read -r u k < <(awk '{print $14, $15}' "/proc/$pid/stat" 2>/dev/null || echo "0 0")
        user=$((user + u)); sys=$((sys + k))
    done
    echo "$user $sys"
}
cpu_ticks() {  # total utime+stime of the given PIDs (all threads)
    local user sys
    read -r user sys < <(cpu_split "$@")
    echo $((user + sys))
}
proxy_pids() {  # the processes doing variant $1's proxying work
    case "$1" in
        a) echo "" ;;
        b) pgrep -P "$PROXY_PID" | tr '\n' ' ' ;;
        c|d) echo "$GATEWAY_PID" ;;
        e|f) echo "$GATEWAY2_PID" ;;
        g) echo "$RELAY_TCP_PID" ;;
        h) echo "$RELAY_HTTP_PID" ;;
    esac
}
url_of() {
    case "$1" in a) echo "$URL_A" ;; b) echo "$URL_B" ;; c) echo "$URL_C" ;; d) echo "$URL_D" ;; e) echo "$URL_E" ;;
        f) echo "$URL_F" ;; g) echo "$URL_G" ;; h) echo "$URL_H" ;; esac
}
path_of() { local u; u=$(url_of "$1"); echo "/${u#http://*/}"; }
wrk_once() {  # wrk_once VARIANT SECONDS OUTPUT: one wrk run of the benchmark's request
    BENCH_PATH=$(path_of "$1") BENCH_COOKIE=$SESSION BENCH_BOUND=$BOUND BENCH_LABEL=$1 \
        timeout $(($2 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --timeout 5s \
        -s "$BENCH_DIR/post.lua" "$(url_of "$1")" >"$3" 2>&1 || die "wrk failed for ($1): $(cat "$3")"
}
# counted_run VARIANT EVENTS NAME: perf stat counts EVENTS in the variant's proxy processes (into
# $WORK/NAME-VARIANT.csv) around a 3 s wrk run (perf counts for 4 s: the idle rest adds almost
# nothing); sets RUN_REQUESTS and the proxy's RUN_USER_TICKS and RUN_SYS_TICKS during the run.
counted_run() {
    local v=$1 events=$2 name=$3 pids stat_pid user_before sys_before user_after sys_after out
    pids=$(proxy_pids "$v" | tr -s ' ' ',' | sed 's/^,//; s/,$//')
    perf stat -e "$events" -x, -p "$pids" -o "$WORK/$name-$v.csv" -- sleep 4 >/dev/null 2>&1 &
    stat_pid=$!
    sleep 0.3
    # shellcheck disable=SC2086
    read -r user_before sys_before < <(cpu_split $(proxy_pids "$v"))
    out="$WORK/wrk-$v-$name.txt"
    wrk_once "$v" 3 "$out"
    # shellcheck disable=SC2086
    read -r user_after sys_after < <(cpu_split $(proxy_pids "$v"))
    wait "$stat_pid" || die "--$name: perf stat failed for ($v) (root needed)"
    RUN_REQUESTS=$(sed -n 's/^BENCH .*requests=\([0-9]*\).*/\1/p' "$out")
    RUN_USER_TICKS=$((user_after - user_before)) RUN_SYS_TICKS=$((sys_after - sys_before))
}
RESULTS="$WORK/results.txt"
: >"$RESULTS"
run_wrk() {  # run_wrk VARIANT SECONDS ROUND (ROUND "-" = warm-up, not recorded)
    local v=$1 secs=$2 round=$3 pids up_pids before after up_before up_after load line cpu up_cpu out
    local sys_before sys_after sys_cpu
    pids=$(proxy_pids "$v"); up_pids=$(pgrep -P "$UPSTREAM_PID" | tr '\n' ' ')
    load=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086
    read -r before sys_before < <(cpu_split $pids); before=$((before + sys_before)); up_before=$(cpu_ticks $up_pids)
    out="$WORK/wrk-$v-$round.txt"
    wrk_once "$v" "$secs" "$out"
    # shellcheck disable=SC2086
    read -r after sys_after < <(cpu_split $pids); after=$((after + sys_after)); up_after=$(cpu_ticks $up_pids)
    line=$(grep '^BENCH ' "$out") || die "no result from wrk for ($v): $(cat "$out")"
    eval "$(printf '%s' "${line#BENCH }" | tr ' ' '\n' | sed -n 's/^\([a-z0-9_]*\)=\([0-9.a-z]*\)$/W_\1=\2/p')"
    [ "$W_non2xx" -eq 0 ] || die "($v) answered $W_non2xx non-2xx responses: not measuring what it claims"
    [ $((W_connect + W_read + W_write + W_timeout)) -eq 0 ] || log "warning: ($v) socket errors: $line"
    [ "$round" = "-" ] && return
    cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$W_requests" \
        'BEGIN { if (n > 0 && t > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')
    up_cpu=$(awk -v t=$((up_after - up_before)) -v hz="$CLK_TCK" -v n="$W_requests" \
        'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')
    sys_cpu=$(awk -v t=$((sys_after - sys_before)) -v hz="$CLK_TCK" -v n="$W_requests" -v p="$pids" \
        'BEGIN { if (n > 0 && t >= 0 && p != "") printf "%.1f", t / hz * 1e6 / n; else print "-" }')
    echo "$v $round $W_rps $W_p50_us $W_p99_us $cpu $up_cpu $load $sys_cpu" >>"$RESULTS"
    log "$(printf 'round %s (%s): %9.0f req/s  p50 %6d us  p99 %6d us  proxy cpu %s us/req  load %s' \
        "$round" "$v" "$W_rps" "$W_p50_us" "$W_p99_us" "$cpu" "$load")"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average at start: $LOAD_START; $WORKERS proxy workers, $UPSTREAM_WORKERS upstream worker(s)"
ORDER=(b c d a)
[ -z "$COMPARE_BIN" ] || ORDER=(b c d e f a)
[ "$FLOORS" -eq 0 ] || ORDER+=(g h)
N=${#ORDER[@]}
for v in "${ORDER[@]}"; do run_wrk "$v" "$WARMUP" -; done
for round in $(seq "$ROUNDS"); do
    for i in $(seq 0 $((N - 1))); do run_wrk "${ORDER[$(( (i + round - 1) % N ))]}" "$DURATION" "$round"; done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
GW_RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status")
GW_HWM=$(awk '/^VmHWM/ {print $2}' "/proc/$GATEWAY_PID/status")
GW_THREADS=$(awk '/^Threads/ {print $2}' "/proc/$GATEWAY_PID/status")
NGINX_RSS=0
for pid in $PROXY_PID $(pgrep -P "$PROXY_PID"); do
    NGINX_RSS=$((NGINX_RSS + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")))
done

ALLOCS_FILE="$WORK/allocs.txt"
: >"$ALLOCS_FILE"
if [ "$ALLOCS" -eq 1 ]; then
    LIBC=$(ldd "$ACTIONGATE_BIN" | awk '$1 ~ /^libc\.so/ { print $3; exit }')
    [ -n "$LIBC" ] || die "--allocs: no libc found in ldd $ACTIONGATE_BIN"
    perf probe -q -d 'probe_libc:malloc' >/dev/null 2>&1 || true
    perf probe -q -x "$LIBC" malloc >/dev/null 2>&1 || die "--allocs: perf probe -x $LIBC malloc failed (root needed)"
    for v in "${ORDER[@]}"; do
        case "$v" in a|b) continue ;; esac  # nginx allocates from pools, not malloc: nothing to compare
        counted_run "$v" probe_libc:malloc allocs
        m=$(awk -F, '/probe_libc:malloc/ { print $1; exit }' "$WORK/allocs-$v.csv")
        echo "$v $(awk -v m="$m" -v n="$RUN_REQUESTS" 'BEGIN { printf "%.1f", m / n }')" >>"$ALLOCS_FILE"
        log "($v): $(tail -1 "$ALLOCS_FILE" | cut -d' ' -f2) malloc calls per request"
    done
    # Where the full action path's mallocs come from (bench/alloc_sites.py): their stacks, 2 s of (d).
    pid=$(proxy_pids d)
    perf record -e probe_libc:malloc --call-graph dwarf,8192 -o "$WORK/allocs-d.data" -p "$pid" -- sleep 3 \
        >"$WORK/allocs-record.log" 2>&1 &
    RECORD_PID=$!
    sleep 0.3
    wrk_once d 2 "$WORK/wrk-d-alloc-stacks.txt"
    if wait "$RECORD_PID"; then
        # perf drops samples at this rate: the stacks give shares, scaled by the count perf stat made.
        per_request=$(awk '$1 == "d" { print $2 }' "$ALLOCS_FILE")
        perf script -F ip,sym,dso -i "$WORK/allocs-d.data" 2>/dev/null |
            { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; } >"$WORK/alloc-stacks-d.txt"
        python3 "$BENCH_DIR/alloc_sites.py" "$WORK/alloc-stacks-d.txt" "$per_request" >"$WORK/alloc-sites-d.txt"
    else
        log "warning: perf record of malloc stacks failed: $(cat "$WORK/allocs-record.log")"
    fi
    perf probe -q -d 'probe_libc:malloc' >/dev/null 2>&1 || true
fi

SYSCALLS_FILE="$WORK/syscalls.txt"
: >"$SYSCALLS_FILE"
: >"$WORK/cpu-split.txt"
if [ "$SYSCALLS" -eq 1 ]; then
    for v in "${ORDER[@]}"; do
        case "$v" in a|g|h) continue ;; esac
        counted_run "$v" 'syscalls:sys_enter_*,context-switches,page-faults' syscalls
        n=$RUN_REQUESTS
        awk -F, -v n="$n" -v v="$v" -v u="$RUN_USER_TICKS" -v k="$RUN_SYS_TICKS" -v hz="$CLK_TCK" '
            $3 == "context-switches" { cs = $1 } $3 == "page-faults" { pf = $1 }
            END { printf "%s %.1f %.1f %.2f %.2f\n", v, u / hz * 1e6 / n, k / hz * 1e6 / n, cs / n, pf / n }' \
            "$WORK/syscalls-$v.csv" >>"$WORK/cpu-split.txt"
        # "count,,syscalls:sys_enter_NAME,...": per request, those at 0.05 or more, largest first.
        awk -F, -v n="$n" '$3 ~ /^syscalls:sys_enter_/ && $1 ~ /^[0-9]+$/ && n > 0 && $1 / n >= 0.05 {
                sub(/^syscalls:sys_enter_/, "", $3); printf "%s %.2f\n", $3, $1 / n }' "$WORK/syscalls-$v.csv" |
            sort -k2,2 -nr | awk -v v="$v" '{ total += $2; list = list " " $1 " " $2 }
                END { printf "%s %.1f%s\n", v, total, list }' >>"$SYSCALLS_FILE"
        log "($v): $(tail -1 "$SYSCALLS_FILE" | cut -d' ' -f2) system calls per request"
    done
fi

if [ "$PERF" -eq 1 ]; then
    # DWARF stacks: Swift frames are attributed correctly (frame-pointer stacks lose inlined callers).
    for v in d c; do
        log "profiling ($v) for ${DURATION}s: perf record --call-graph dwarf on the gateway"
        perf record -F 999 --call-graph dwarf,8192 -o "$WORK/perf-$v.data" -p "$GATEWAY_PID" -- sleep "$DURATION" \
            >"$WORK/perf-$v.log" 2>&1 &
        PERF_PID=$!
        run_wrk "$v" "$DURATION" perf
        wait "$PERF_PID" || log "warning: perf record failed: $(cat "$WORK/perf-$v.log")"
        perf script -F ip,sym,dso -i "$WORK/perf-$v.data" 2>/dev/null | { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; } >"$WORK/stacks-$v.txt"
        python3 "$BENCH_DIR/perf_costs.py" "$WORK/stacks-$v.txt" >"$WORK/costs-$v.txt"
    done
fi

# --- report ----------------------------------------------------------------------------------
median() {  # median of column $2 for variant $1
    awk -v v="$1" -v c="$2" '$1 == v && $2 != "perf" && $c != "-" { print $c }' "$RESULTS" | sort -n |
        awk '{ x[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print x[(NR + 1) / 2]; else print (x[NR / 2] + x[NR / 2 + 1]) / 2 }'
}
B_RPS=$(median b 3) B_P99=$(median b 5)
{
    echo
    echo "ActionGate vs nginx — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, POST 1 KiB, $ROUNDS interleaved rounds, medians;" \
        "load average $LOAD_START (start), $LOAD_END (end)"
    echo
    echo "| variant | req/s | p50 ms | p99 ms | req/s ÷ (b) | p99 ÷ (b) | proxy CPU µs/req | of it kernel | upstream CPU µs/req |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for v in a b c d e f g h; do
        [ -n "$COMPARE_BIN" ] || case "$v" in e|f) continue ;; esac
        [ "$FLOORS" -eq 1 ] || case "$v" in g|h) continue ;; esac
        case "$v" in
            a) name="(a) upstream direct (nginx return 200)" ;;
            b) name="(b) nginx proxy_pass, keep-alive" ;;
            c) name="(c) ActionGate passthrough" ;;
            d) name="(d) ActionGate full action path" ;;
            e) name="(c') passthrough, --compare binary" ;;
            f) name="(d') full action path, --compare binary" ;;
            g) name="(g) floor: NIO byte relay, unparsed" ;;
            h) name="(h) floor: NIO HTTP/1 codecs, no checks" ;;
        esac
        rps=$(median "$v" 3) p50=$(median "$v" 4) p99=$(median "$v" 5) cpu=$(median "$v" 6) up=$(median "$v" 7)
        sys=$(median "$v" 9)
        awk -v n="$name" -v r="$rps" -v p50="$p50" -v p99="$p99" -v br="$B_RPS" -v bp="$B_P99" -v cpu="$cpu" -v up="$up" \
            -v sys="$sys" 'function f(x) { return x == "-" ? "-" : sprintf("%.1f", x) }
             BEGIN { printf "| %s | %.0f | %.2f | %.2f | %.2f× | %.2f× | %s | %s | %s |\n", n, r, p50 / 1000, p99 / 1000, r / br, p99 / bp, f(cpu), f(sys), f(up) }'
    done
    echo
    echo "Gateway after the run: VmRSS $((GW_RSS / 1024)) MiB (peak VmHWM $((GW_HWM / 1024)) MiB), $GW_THREADS threads;" \
        "nginx proxy (master + $WORKERS workers) VmRSS $((NGINX_RSS / 1024)) MiB."
    echo
    [ -z "$COMPARE_BIN" ] || echo "(c')/(d'): $COMPARE_BIN; (c)/(d): $ACTIONGATE_BIN."
    if [ -n "$COMPARE_BIN" ]; then
        # Paired: each round's ratio of the two builds' CPU per request on the same path, measured
        # one run apart; the median of those ratios is less at the mercy of the machine's load
        # swings (which move whole rounds) than the ratio of the medians.
        paired() {  # paired NEW OLD: "median ratio (each round's ratios)"
            awk -v n="$1" -v o="$2" '$2 != "perf" && $6 != "-" { if ($1 == n) a[$2] = $6; if ($1 == o) b[$2] = $6 }
                END { for (r in a) if (r in b && b[r] > 0) print a[r] / b[r] }' "$RESULTS" | sort -n |
                awk '{ x[NR] = $1; list = list sprintf("%s%.2f", NR > 1 ? " " : "", $1) }
                     END { if (NR == 0) { print "-"; exit }
                           m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
                           printf "%.2f (rounds, sorted: %s)", m, list }'
        }
        echo "CPU per request, this build ÷ the --compare build, paired by round: (c)/(c') $(paired c e); (d)/(d') $(paired d f)."
    fi
    [ -z "$COMPARE_BIN" ] || echo
    if [ -s "$ALLOCS_FILE" ]; then
        echo "malloc calls per request (--allocs; a 3 s wrk run each): $(awk '{ printf "%s(%s) %s", (NR > 1 ? ", " : ""), $1, $2 }' "$ALLOCS_FILE")."
        echo
        if [ -s "$WORK/alloc-sites-d.txt" ]; then
            echo "Where (d)'s malloc calls come from (per request; bench/alloc_sites.py):"
            head -16 "$WORK/alloc-sites-d.txt" | sed 's/^/  /'
            echo
        fi
    fi
    if [ -s "$SYSCALLS_FILE" ]; then
        echo "System calls per request (--syscalls; a 3 s wrk run each; those at 0.05 or more):"
        while read -r v total rest; do
            printf '  (%s) %s:' "$v" "$total"
            printf '%s\n' "$rest" | awk '{ for (i = 1; i < NF; i += 2) printf " %s %s", $i, $(i + 1); print "" }'
        done <"$SYSCALLS_FILE"
        echo
        echo "The same runs' CPU per request, user and kernel (kernel time inflated by tracing every system call:"
        echo "the table's kernel column is the untraced figure), with context switches and page faults:"
        awk '{ printf "  (%s) user %s µs, kernel %s µs; %s context switches, %s page faults\n", $1, $2, $3, $4, $5 }' \
            "$WORK/cpu-split.txt"
        echo
    fi
    echo "Per round (variant round req/s p50_us p99_us proxy_cpu_us/req upstream_cpu_us/req load1 proxy_kernel_us/req):"
    sed 's/^/  /' "$RESULTS"
    if [ "$PERF" -eq 1 ]; then
        for v in d c; do
            echo
            echo "Where the gateway's CPU went in ($v) (perf, share of samples; bench/perf_costs.py):"
            head -22 "$WORK/costs-$v.txt" | sed 's/^/  /'
        done
    fi
} | tee "$WORK/report.md"
if [ -n "$OUT" ]; then
    mkdir -p "$OUT"
    cp "$WORK/report.md" "$WORK/results.txt" "$WORK"/wrk-*.txt "$OUT/"
    if [ "$PERF" -eq 1 ]; then cp "$WORK"/perf-*.data "$WORK"/stacks-*.txt "$WORK"/costs-*.txt "$OUT/"; fi
    if [ -s "$SYSCALLS_FILE" ]; then cp "$WORK"/syscalls-*.csv "$OUT/"; fi
    if [ -s "$WORK/alloc-sites-d.txt" ]; then cp "$WORK"/alloc-stacks-d.txt "$WORK"/alloc-sites-d.txt "$OUT/"; fi
    log "results copied to $OUT"
fi
