#!/usr/bin/env bash
# The HTTP tier of the benchmarks: wrk on loopback against
#   ceiling  a raw axum server answering a small fixed JSON body (examples/http_ceiling.rs),
#   small    dossier's `{ entity(id: "gubad-ibadoglu") { name } }`,
#   hop2     dossier's `neighbourhood(ids: [SEED], depth: 2)` (100 entities and the relations
#            among them),
#   page     dossier's `entities(first: 100)` (the largest page),
# each for a fixed time at a fixed number of connections, every answer checked. Prints
# requests/s, p50, p99, the ratio to the ceiling, the servers' CPU time per request and the
# page's server time per returned entity; writes the figures to target/bench-http/results.json.
#
#   bash bench/http.sh
#
# Settings (environment): DURATION (s, default 10), WARMUP (s, default 2), CONNECTIONS
# (default 32), ENTITIES / RELATIONS (generated graph, default 100000 / 1000000),
# CEILING_PORT / DOSSIER_PORT (default 18080 / 18081), SERVER_CPUS / CLIENT_CPUS (taskset
# lists; default: the last CPU for the servers, the others for wrk; PIN=0 for no pinning),
# DOSSIER_BIN (the server timed, default target/release/dossier: give a saved older build to
# compare two side by side).
#
# Why these choices:
# - POST /graphql with an application/json body: what clients send; the ceiling gets the same
#   request and reads its body too. wrk sends no Accept-Encoding, so nothing is gzipped.
# - 32 connections, closed loop: enough requests in flight to keep a server busy through every
#   client and kernel round trip, and far below dossier's default in-flight cap of 256, so the
#   default guards (in-flight 256 -> 503, no rate limit, 30 s timeout, 64 KiB bodies) never
#   refuse the load and run as shipped: no limit flag is changed. With a closed loop the
#   latency is mostly queueing (about 32 / throughput), so p50 and p99 say how a saturated
#   server answers, not what one request costs: the per-request server cost is measured as the
#   servers' CPU time (utime + stime from /proc) over the run, divided by the requests.
# - wrk's timeout is 10 s: with its default of 2 s, a neighbourhood query queued behind 31
#   others on a busy machine would count as an error; any timeout still fails the script.
# - 10 s after a 2 s warm-up: hundreds of thousands of requests on the fast endpoints and
#   thousands on the slow one; run-to-run spread on this shared machine is larger than what a
#   longer run would remove.
# - Pinning: on a 2-core machine the load tool and the server otherwise fight for the same
#   cores and the figures depend on the scheduler. The servers get one core (tokio's runtime
#   then starts one worker, for both servers alike: Runtime::new() follows the CPU affinity),
#   wrk the rest with one thread per core. The "srv CPU" column says whether the server's core
#   was saturated; if it is well below 100% the load tool was the bottleneck and the CPU-time
#   ratio is the fairer comparison.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/target/bench-http"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
ENTITIES="${ENTITIES:-100000}"
RELATIONS="${RELATIONS:-1000000}"
CEILING_PORT="${CEILING_PORT:-18080}"
DOSSIER_PORT="${DOSSIER_PORT:-18081}"
started=$(date +%s)

# 1. The load tool: wrk (Debian's package), installed if missing.
if ! command -v wrk > /dev/null; then
    echo "installing wrk" >&2
    sudo_=""
    [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get install -y -qq wrk > /dev/null 2>&1 ||
        { $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq wrk > /dev/null; }
fi
command -v python3 > /dev/null || { echo "bench/http.sh needs python3" >&2; exit 1; }

# 2. Build, and the generated graph (kept between runs: same size and seed, same bytes).
cargo build --release --quiet --bin dossier --example http_ceiling
mkdir -p "$out"
gen="$out/generated-$ENTITIES-$RELATIONS"
if [ ! -f "$gen/relations.csv" ]; then
    target/release/dossier generate --entities "$ENTITIES" --relations "$RELATIONS" --seed 42 \
        --output "$gen"
fi

# 3. Pinning.
ncpu=$(nproc)
if [ "${PIN:-1}" = 1 ] && [ "$ncpu" -ge 2 ]; then
    SERVER_CPUS="${SERVER_CPUS:-$((ncpu - 1))}"
    CLIENT_CPUS="${CLIENT_CPUS:-0-$((ncpu - 2))}"
    server_run=(taskset -c "$SERVER_CPUS")
    client_run=(taskset -c "$CLIENT_CPUS")
    threads=$(taskset -c "$CLIENT_CPUS" nproc)
else
    SERVER_CPUS="all"
    CLIENT_CPUS="all"
    server_run=()
    client_run=()
    threads=$ncpu
fi
[ "$threads" -le "$CONNECTIONS" ] || threads=$CONNECTIONS

# 4. The servers, stopped on exit whatever happens.
pids=()
stop() {
    for p in "${pids[@]}"; do
        kill "$p" 2> /dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2> /dev/null || true
    done
}
trap stop EXIT
trap 'exit 130' INT TERM

for port in "$CEILING_PORT" "$DOSSIER_PORT"; do
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
        echo "something already answers on 127.0.0.1:$port: set CEILING_PORT / DOSSIER_PORT" >&2
        exit 1
    fi
done
"${server_run[@]}" target/release/examples/http_ceiling "127.0.0.1:$CEILING_PORT" \
    > "$out/ceiling.log" 2>&1 &
ceiling_pid=$!
pids+=("$ceiling_pid")
# The bundled bulletin (for the small query) plus the generated graph, with the default limits.
"${server_run[@]}" "${DOSSIER_BIN:-target/release/dossier}" serve --addr "127.0.0.1:$DOSSIER_PORT" --data data \
    --import "$gen" > "$out/dossier.log" 2>&1 &
dossier_pid=$!
pids+=("$dossier_pid")

wait_ready() { # URL PID SECONDS
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        if curl -sf -o /dev/null --max-time 2 "$1"; then
            return 0
        fi
        kill -0 "$2" 2> /dev/null || { echo "the server behind $1 exited" >&2; return 1; }
        sleep 0.1
    done
    echo "$1 not ready after $3 s" >&2
    return 1
}
load_started=$(date +%s%N)
wait_ready "http://127.0.0.1:$CEILING_PORT/" "$ceiling_pid" 30
wait_ready "http://127.0.0.1:$DOSSIER_PORT/health" "$dossier_pid" 300 ||
    { tail -20 "$out/dossier.log" >&2; exit 1; }
load_seconds=$(awk -v a="$(date +%s%N)" -v b="$load_started" 'BEGIN { printf "%.1f", (a - b) / 1e9 }')

# 5. One request to each endpoint, its answer's meaning checked; the bodies that passed are
#    what every answer under load must equal.
echo "checking the answers (dossier loaded the graph in ${load_seconds%.*} s):"
python3 bench/http_check.py prepare --dossier "http://127.0.0.1:$DOSSIER_PORT/graphql" \
    --ceiling "http://127.0.0.1:$CEILING_PORT/graphql" --generated "$gen" --out "$out"

# 6. The machine.
tck=$(getconf CLK_TCK)
cpu_seconds() { # PID: user + system time of the whole process (live and exited threads)
    awk -v t="$tck" '{ printf "%.3f\n", ($14 + $15) / t }' "/proc/$1/stat"
}
python3 - "$out/machine.json" << EOF
import json, os, platform, subprocess, sys
def sh(c):
    return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
json.dump({
    "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
    "cpus": os.cpu_count(),
    "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    "kernel": platform.release(),
    "load_average_before": os.getloadavg(),
    "server_cpus": "$SERVER_CPUS", "client_cpus": "$CLIENT_CPUS",
    "wrk": sh("wrk -v 2>&1 | head -1"), "wrk_threads": $threads,
    "connections": $CONNECTIONS, "duration_s": $DURATION, "warmup_s": $WARMUP,
    "rustc": sh("rustc --version"), "commit": sh("git rev-parse --short HEAD"),
    "dirty": bool(sh("git status --porcelain -- src examples bench Cargo.lock")),
    "graph": {"entities": $ENTITIES, "relations": $RELATIONS, "seed": 42},
    "dossier_load_s": $load_seconds,
}, open(sys.argv[1], "w"), indent=2)
EOF

# 7. The runs: a warm-up, then the measured run, each answer compared with the expected body.
#    Around the measured run: the server's CPU time, wrk's, and the whole machine's busy time,
#    so that the report can say how much CPU other processes took meanwhile (this machine is
#    shared: figures taken while others compile are not comparable).
machine_busy() { # busy seconds of all CPUs since boot (user nice system irq softirq steal)
    awk -v t="$tck" '/^cpu / { printf "%.3f\n", ($2 + $3 + $4 + $7 + $8 + $9) / t }' /proc/stat
}
run() { # NAME URL SECONDS OUT
    local TIMEFORMAT='%3U %3S'
    { time BENCH_REQUEST="$out/$1.request.json" BENCH_EXPECTED="$out/$1.expected.json" \
        BENCH_OUT="$4" "${client_run[@]}" wrk -t"$threads" -c"$CONNECTIONS" -d"$3s" --timeout 10s \
        -s bench/http.lua "$2" > "$4.txt"; } 2> "$4.time"
    python3 bench/http_check.py check-run "$4"
}
for name in ceiling small hop2 page; do
    if [ "$name" = ceiling ]; then
        pid=$ceiling_pid url="http://127.0.0.1:$CEILING_PORT/graphql"
    else
        pid=$dossier_pid url="http://127.0.0.1:$DOSSIER_PORT/graphql"
    fi
    echo "$name: ${WARMUP} s warm-up, ${DURATION} s at $CONNECTIONS connections"
    run "$name" "$url" "$WARMUP" "$out/$name.warmup.json"
    before=$(cpu_seconds "$pid") busy_before=$(machine_busy)
    run "$name" "$url" "$DURATION" "$out/$name.wrk.json"
    after=$(cpu_seconds "$pid") busy_after=$(machine_busy)
    read -r wrk_user wrk_sys < "$out/$name.wrk.json.time"
    awk -v a="$after" -v b="$before" -v ba="$busy_after" -v bb="$busy_before" \
        -v wu="$wrk_user" -v ws="$wrk_sys" 'BEGIN {
        printf "{\"cpu_seconds\": %.3f, \"wrk_cpu_seconds\": %.3f, \"machine_busy_seconds\": %.3f}\n",
            a - b, wu + ws, ba - bb }' > "$out/$name.cpu.json"
done

# 8. The table and results.json.
python3 bench/http_check.py report --out "$out" --machine "$out/machine.json"
echo "bench/http.sh took $(($(date +%s) - started)) s"
