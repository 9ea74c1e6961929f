#!/usr/bin/env bash
# bench/footprint.sh [--smoke] — what Podium's long-running processes cost, run as a user runs them
# (bin/podium, with the JVM options and AOT caches it chooses per command): for `podium
# standalone`, `podium server` and `podium agent` (fed by that server), time from the process's
# start to ready, resident memory (RSS) and threads when ready and idle, RSS at its peak under
# the hot-path load, the JVM's heap and non-heap, and with Native Memory Tracking where the rest
# goes; beside the hot-path figures of the same run (standalone and the agent against the bare
# Netty baseline, which runs with the agent's JVM options). Standalone and the server read the
# pods of bench/pods.yaml through their informers from a mock API server, as in a cluster.
# Targets (issue 18): agent ≤ 72 MiB idle and ≤ 96 MiB at its peak; standalone ≤ 128 MiB peak;
# both ready ≤ 0.5 s after start; the hot path's ratios kept.
# Writes bench/results/footprint-<time>.json. --smoke: one start each, seconds of load.
#
# Environment: FOOTPRINT_REPEATS (starts per role, 3), FOOTPRINT_AOT (on: train the caches with
# bin/podium-aot first, as the image does; off), FOOTPRINT_JVM_OPTS (more JVM options for every
# Podium process, after bin/podium's), FOOTPRINT_LAUNCHER (bin; java: `java $BENCH_JVM_OPTS -jar`
# for every process instead, bin/podium's choices ignored), FOOTPRINT_POD_SOURCE (kubeconfig;
# file: bench/pods.yaml read directly), FOOTPRINT_NMT (true; false skips the native-memory
# phase), BENCH_JAR (measure that jar instead of target/podium.jar), BENCH_RESULTS.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v wrk >/dev/null || die "wrk is missing (Debian package wrk)"
command -v hey >/dev/null || die "hey is missing (Debian package hey)"
command -v curl >/dev/null || die "curl is missing"
classpath=$(test_classpath)
jar=$(podium_jar)
BENCH_LAUNCHER=${FOOTPRINT_LAUNCHER:-bin}
aot=${FOOTPRINT_AOT:-on}
if [ "$SMOKE" = true ]; then
  # The smoke run proves the script; ImageRuntimeIT already trains the AOT caches.
  aot=${FOOTPRINT_AOT:-off}
  repeats=1 idle=0.5
else
  repeats=${FOOTPRINT_REPEATS:-3} idle=2
fi
declare -a extra=()
read -r -a extra <<<"${FOOTPRINT_JVM_OPTS:-}"

if [ "$BENCH_LAUNCHER" = bin ] && [ "$aot" = on ]; then
  BENCH_AOT_DIR="$BENCH_WORK/aot"
  log "training the AOT caches (bin/podium-aot) into $BENCH_AOT_DIR"
  PODIUM_JAR="$jar" PODIUM_AOT_DIR="$BENCH_AOT_DIR" PODIUM_JAVA_OPTS="${FOOTPRINT_JVM_OPTS:-}" \
    JAVA_HOME="$JAVA_HOME" "$BENCH_ROOT/bin/podium-aot" 2>"$BENCH_WORK/podium-aot.log" ||
    die "bin/podium-aot failed: $(tail -20 "$BENCH_WORK/podium-aot.log")"
fi

start_sts_emulator
make_certs
[ "${FOOTPRINT_POD_SOURCE:-kubeconfig}" = kubeconfig ] && start_mock_cluster

# The JVM options of the baseline: the agent's (without its AOT cache), so that the hot-path
# ratios compare the same JVM settings.
if [ "$BENCH_LAUNCHER" = bin ]; then
  baseline_options="$(PODIUM_JAR="$jar" "$BENCH_ROOT/bin/podium" --jvm-options agent) ${FOOTPRINT_JVM_OPTS:-}"
else
  baseline_options="$BENCH_JVM_OPTS ${FOOTPRINT_JVM_OPTS:-}"
fi

standalone_port=$(free_port) server_port=$(free_port) agent_port=$(free_port) bare_port=$(free_port)
body_bytes=378
python3 - "$BENCH_WORK/spec.json" "$BENCH_WORK" "$SMOKE" "$repeats" "$idle" \
  "${FOOTPRINT_NMT:-true}" "$baseline_options" \
  "$(standalone_command "$standalone_port" ${extra[@]+"${extra[@]}"})" \
  "$(server_command "$server_port" ${extra[@]+"${extra[@]}"})" \
  "$(agent_command "$agent_port" "$server_port" ${extra[@]+"${extra[@]}"})" \
  "$(standalone_command "$standalone_port" ${extra[@]+"${extra[@]}"} -XX:NativeMemoryTracking=summary)" \
  "$(server_command "$server_port" ${extra[@]+"${extra[@]}"} -XX:NativeMemoryTracking=summary)" \
  "$(agent_command "$agent_port" "$server_port" ${extra[@]+"${extra[@]}"} -XX:NativeMemoryTracking=summary)" \
  "$JAVA $baseline_options -cp $classpath io.podium.bench.BareNettyServer $bare_port $body_bytes" \
  "$standalone_port" "$agent_port" "$bare_port" "$BENCH_CREDENTIALS_PATH" "$BENCH_LAUNCHER" "$aot" <<'PY'
import json, re, sys
(out, work, smoke, repeats, idle, nmt, baseline_options, standalone, server, agent,
 standalone_nmt, server_nmt, agent_nmt, baseline, standalone_port, agent_port, bare_port, path,
 launcher, aot) = sys.argv[1:]

def metrics_url(command):
    return "http://" + re.search(r"--metrics-listen (\S+)", command).group(1) + "/metrics"

def same_metrics_port(nmt_command, command):
    # The NMT run reuses the measured command's ports (one of each runs at a time).
    return re.sub(r"--metrics-listen \S+", "--metrics-listen " + re.search(
        r"--metrics-listen (\S+)", command).group(1), nmt_command)

roles = {
    "standalone": {"command": standalone.split(),
                   "nmt_command": same_metrics_port(standalone_nmt, standalone).split(),
                   "ready_url": f"http://127.0.0.1:{standalone_port}{path}",
                   "metrics_url": metrics_url(standalone)},
    "server": {"command": server.split(), "nmt_command": same_metrics_port(server_nmt, server).split(),
               "ready_url": metrics_url(server).replace("/metrics", "/readyz"),
               "metrics_url": metrics_url(server)},
    "agent": {"command": agent.split(), "nmt_command": same_metrics_port(agent_nmt, agent).split(),
              "ready_url": f"http://127.0.0.1:{agent_port}{path}", "metrics_url": metrics_url(agent)},
}
json.dump({"work": work, "smoke": smoke == "true", "repeats": int(repeats), "idle_seconds": float(idle),
           "nmt": nmt == "true", "loadgen_args": ["--rounds", "6,4"],
           "jvm_options": {"launcher": launcher, "aot": aot, "baseline": baseline_options.split()},
           "roles": roles,
           "baseline": {"command": baseline.split(), "url": f"http://127.0.0.1:{bare_port}{path}"}},
          open(out, "w"))
PY

figures=$(python3 "$BENCH_ROOT/bench/footprint.py" --spec "$BENCH_WORK/spec.json")
out=$(write_result footprint "$figures")

python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["figures"]
mib = lambda kib: f"{kib / 1024:6.1f}" if kib is not None else "     -"
print(f"footprint ({r['cpus']} CPUs, load {' '.join(r['loadavg'])}, commit {r['commit'][:12]}"
      f"{' +dirty' if r['dirty'] else ''}, launcher {f['jvm_options']['launcher']}, AOT {f['jvm_options']['aot']}"
      f"{', SMOKE: figures mean nothing' if r['smoke'] else ''}; medians of {f['repeats']} starts)")
print(f"  {'role':10} {'ready ms':>9} {'[min..max]':>15} {'RSS ready':>9} {'idle':>6} {'peak':>6}"
      f" {'after':>6} {'threads':>7}  heap/non-heap used MiB (idle)  target")
targets = {"agent": (72, 96), "standalone": (None, 128), "server": (None, None)}
for role in ("standalone", "server", "agent"):
    s, l = f["starts"][role], f["load"][role]
    m = s["median"]
    jvm = (s["runs"][-1].get("jvm") or {})
    idle_t, peak_t = targets[role]
    verdict = []
    if idle_t:
        verdict.append(f"idle {'ok' if m['rss_idle_kib'] <= idle_t * 1024 else 'MISSED'} <= {idle_t}")
    if peak_t:
        verdict.append(f"peak {'ok' if l['rss_load_peak_kib'] <= peak_t * 1024 else 'MISSED'} <= {peak_t}")
    if role != "server":
        verdict.append(f"ready {'ok' if m['ready_ms'] <= 500 else 'MISSED'} <= 500")
    print(f"  {role:10} {m['ready_ms']:9.0f} [{s['min_ready_ms']:5.0f}..{s['max_ready_ms']:5.0f}]"
          f" {mib(m['rss_ready_kib'])} {mib(m['rss_idle_kib'])} {mib(l['rss_load_peak_kib'])}"
          f" {mib(l['rss_after_load_kib'])} {m['threads_idle']:7.0f}"
          f"  {jvm.get('heap_used_mib', '-')}/{jvm.get('nonheap_used_mib', '-')}"
          f"   {', '.join(verdict)}")
b = f["load"]["baseline"]
print(f"  {'baseline':10} {'':25} {'':9} {mib(b['rss_before_load_kib'])} {mib(b['rss_load_peak_kib'])}"
      f" {mib(b['rss_after_load_kib'])} {b['threads_before_load']:7}")
h = f["hotpath"]
for mode in ("keepalive", "new_connection"):
    for name, c in h["comparison"].items():
        t, p = c[mode]["throughput_ratio"], c[mode]["p99_ratio"]
        print(f"  hot path {mode:14} {name:10} throughput x{t['median']} [{t['min']}..{t['max']}]"
              f" ({'ok' if c[mode]['throughput_met'] else 'MISSED'} >= 0.8)   p99 x{p['median']}"
              f" ({'ok' if c[mode]['p99_met'] else 'MISSED'} <= 1.2)   {h['summary'][name][mode]['requests_per_s']:.0f} req/s")
if f.get("native_memory"):
    for role, n in f["native_memory"].items():
        c = n["committed_kib"]
        top = sorted(((k, v) for k, v in c.items() if k != "Total"), key=lambda kv: -kv[1])[:8]
        print(f"  NMT {role:10} committed {mib(c.get('Total'))} MiB (RSS {mib(n['rss_kib'])}): "
              + ", ".join(f"{k} {v / 1024:.1f}" for k, v in top))
print(f"  result: {sys.argv[1]}")
PY
