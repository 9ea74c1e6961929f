#!/usr/bin/env bash
# bench/floor.sh [--smoke] — the floor under the agent's footprint: what the parts the agent is
# built from cost with no Podium code at all, measured the same way as the agent beside them.
#   bare   io.podium.bench.BareNettyServer: the hot-path baseline, a Netty HTTP server alone
#   tls    io.podium.bench.FloorAgent in its tls mode: that server plus one Netty connection to
#          a Podium server with mutual TLS and nothing on it (an agent without grpc-java)
#   floor  io.podium.bench.FloorAgent: that server plus a grpc-java client holding one Watch
#          stream to a Podium server over mutual TLS (the agent's mandated parts, nothing else)
#   agent  `podium agent` through bin/podium, fed by the same server
# All four run with the agent's JVM options (bin/podium --jvm-options agent) and, unless
# FLOOR_AOT=off, an AOT cache trained for each (bare and floor: their own training run under
# load; the agent: bin/podium-aot). Per start: time from start to ready (200 from the HTTP port;
# tls, floor and the agent also connected to or synced with the server), RSS and threads idle, classes loaded;
# then `wrk -t1 -c8` on kept-alive connections, 15 s to warm the JIT up and 8 s measured (req/s,
# p99), RSS after it and the process's peak RSS (VmHWM: start-up and load). Writes
# bench/results/floor-<time>.json.
#
# Environment: FLOOR_REPEATS (starts per process, 3), FLOOR_AOT (on; off), FLOOR_JVM_OPTS (more
# JVM options for all four, after the agent's: e.g. -XX:TieredStopAtLevel=1), BENCH_JAR.
# The bare server and FloorAgent answer every request with a 1,300-byte body, larger than the
# agent's 378-byte credentials document: their req/s are if anything understated; the memory
# figures, which this script is for, hardly depend on it (one prepared buffer).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v wrk >/dev/null || die "wrk is missing (Debian package wrk)"
command -v curl >/dev/null || die "curl is missing"
export BENCH_LAUNCHER=bin
jar=$(podium_jar)
aot=${FLOOR_AOT:-on}
if [ "$SMOKE" = true ]; then
  aot=${FLOOR_AOT:-off} repeats=1 idle=0.5 warmup=1s load=1s
else
  repeats=${FLOOR_REPEATS:-3} idle=2 warmup=15s load=8s
fi
declare -a extra=()
read -r -a extra <<<"${FLOOR_JVM_OPTS:-}"
# shellcheck disable=SC2207
declare -a agent_options=($(PODIUM_JAR="$jar" "$BENCH_ROOT/bin/podium" --jvm-options agent))

# The two bench classes in a jar of their own: an AOT cache takes jars only on its class path.
floor_jar="$BENCH_WORK/floor.jar"
(cd "$BENCH_ROOT/target/test-classes" &&
  "$JAVA_HOME/bin/jar" cf "$floor_jar" io/podium/bench/FloorAgent*.class io/podium/bench/BareNettyServer*.class)

if [ "$aot" = on ]; then
  BENCH_AOT_DIR="$BENCH_WORK/aot"
  log "training the agent's and the server's AOT caches (bin/podium-aot)"
  PODIUM_JAR="$jar" PODIUM_AOT_DIR="$BENCH_AOT_DIR" PODIUM_JAVA_OPTS="${FLOOR_JVM_OPTS:-}" \
    JAVA_HOME="$JAVA_HOME" "$BENCH_ROOT/bin/podium-aot" server agent 2>"$BENCH_WORK/podium-aot.log" ||
    die "bin/podium-aot failed: $(tail -20 "$BENCH_WORK/podium-aot.log")"
fi

start_sts_emulator
make_certs
server_port=$(free_port) port=$(free_port)
server=$(server_command "$server_port")
start_bg server $server
wait_http "http://$(sed -n 's/.*--metrics-listen \([^ ]*\).*/\1/p' <<<"$server")/readyz" 120 "$LAST_PID"
certs=$BENCH_WORK/certs

# command_of PROCESS [JVM OPTION...] — the command line of bare, tls, floor or agent on $port.
command_of() {
  local process=$1
  shift
  case "$process" in
    bare) echo "$JAVA" "${agent_options[@]}" ${extra[@]+"${extra[@]}"} "$@" -cp "$jar:$floor_jar" \
      io.podium.bench.BareNettyServer "$port" 1300 ;;
    tls | floor) echo "$JAVA" "${agent_options[@]}" ${extra[@]+"${extra[@]}"} "$@" -cp "$jar:$floor_jar" \
      io.podium.bench.FloorAgent "$port" 1300 "127.0.0.1:$server_port" "$certs/agent-bench-node.crt" \
      "$certs/agent-bench-node.key" "$certs/ca.crt" bench-node "$([ "$process" = tls ] && echo tls || echo grpc)" ;;
    agent) agent_command "$port" "$server_port" ${extra[@]+"${extra[@]}"} "$@" ;;
  esac
}

url_of() { [ "$1" = agent ] && echo "http://127.0.0.1:$port$BENCH_CREDENTIALS_PATH" || echo "http://127.0.0.1:$port/"; }

# ready PROCESS LOG — true once the process answers 200 (and tls or the floor, logging to
# $BENCH_WORK/LOG.log, has its handshake done or its first event from the server).
ready() {
  case "$1" in
    tls | floor) grep -q '^synced' "$BENCH_WORK/$2.log" 2>/dev/null || return 1 ;;
  esac
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$(url_of "$1")" || true)" = 200 ]
}

# train PROCESS — bare, tls and floor write their AOT caches after a run under load.
train() {
  start_bg "$1-training" $(command_of "$1" -XX:AOTCacheOutput="$BENCH_AOT_DIR/$1.aot")
  local pid=$LAST_PID deadline=$((SECONDS + 120))
  until ready "$1" "$1-training"; do
    kill -0 "$pid" 2>/dev/null || die "$1 exited in its training run: $(tail -5 "$BENCH_WORK/$1-training.log")"
    [ $SECONDS -lt $deadline ] || die "$1 did not get ready in its training run"
    sleep 0.05
  done
  wrk -t1 -c8 -d5s "$(url_of "$1")" >/dev/null
  stop_pid "$pid"
  [ -s "$BENCH_AOT_DIR/$1.aot" ] || die "no AOT cache written for $1: $(tail -5 "$BENCH_WORK/$1-training.log")"
}

rows="$BENCH_WORK/rows.jsonl"
: >"$rows"
for process in bare tls floor agent; do
  declare -a cache=()
  if [ "$aot" = on ] && [ "$process" != agent ]; then
    log "training $process's AOT cache"
    train "$process"
    cache=(-XX:AOTCache="$BENCH_AOT_DIR/$process.aot")
  fi
  for ((round = 1; round <= repeats; round++)); do
    started=$(date +%s%N)
    start_bg "$process" $(command_of "$process" ${cache[@]+"${cache[@]}"})
    pid=$LAST_PID deadline=$((SECONDS + 120))
    until ready "$process" "$process"; do
      kill -0 "$pid" 2>/dev/null || die "$process exited: $(tail -5 "$BENCH_WORK/$process.log")"
      [ $SECONDS -lt $deadline ] || die "$process did not get ready"
      sleep 0.01
    done
    ready_ms=$((($(date +%s%N) - started) / 1000000))
    sleep "$idle"
    rss_idle=$(rss_kib "$pid")
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
    classes=$("$JAVA_HOME/bin/jcmd" "$pid" VM.classes | grep -c '^0x' || true)
    wrk -t1 -c8 -d"$warmup" "$(url_of "$process")" >/dev/null
    wrk_out=$(wrk -t1 -c8 -d"$load" --latency "$(url_of "$process")")
    sleep 1
    rss_after=$(rss_kib "$pid")
    peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    python3 - "$process" "$ready_ms" "$rss_idle" "$threads" "$classes" "$rss_after" "$peak" \
      "$wrk_out" >>"$rows" <<'PY'
import json, re, sys
process, ready, idle, threads, classes, after, peak, wrk = sys.argv[1:]
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", wrk, re.M).group(1))
print(json.dumps({"process": process, "ready_ms": int(ready), "rss_idle_kib": int(idle),
                  "threads": int(threads), "classes": int(classes), "rss_after_load_kib": int(after),
                  "rss_peak_kib": int(peak), "requests_per_s": rps, "p99_ms": p99}))
PY
    stop_pid "$pid"
  done
done

figures=$(python3 - "$rows" "$aot" "$repeats" "${agent_options[*]} ${FLOOR_JVM_OPTS:-}" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
summary = {}
for process in ("bare", "tls", "floor", "agent"):
    mine = [r for r in rows if r["process"] == process]
    summary[process] = {k: statistics.median(r[k] for r in mine)
                        for k in mine[0] if k != "process"}
print(json.dumps({"aot": sys.argv[2], "repeats": int(sys.argv[3]), "jvm_options": sys.argv[4].split(),
                  "runs": rows, "median": summary}))
PY
)
out=$(write_result floor "$figures")
python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["figures"]
print(f"floor ({r['cpus']} CPUs, commit {r['commit'][:12]}, AOT {f['aot']}, medians of {f['repeats']}"
      f"{', SMOKE: figures mean nothing' if r['smoke'] else ''})")
print(f"  {'process':8} {'ready ms':>8} {'idle MiB':>8} {'peak MiB':>8} {'after MiB':>9} {'threads':>7}"
      f" {'classes':>7} {'req/s':>8} {'p99 ms':>7}")
for name, m in f["median"].items():
    print(f"  {name:8} {m['ready_ms']:8.0f} {m['rss_idle_kib'] / 1024:8.1f} {m['rss_peak_kib'] / 1024:8.1f}"
          f" {m['rss_after_load_kib'] / 1024:9.1f} {m['threads']:7.0f} {m['classes']:7.0f}"
          f" {m['requests_per_s']:8.0f} {m['p99_ms']:7.2f}")
print(f"  result: {sys.argv[1]}")
PY
