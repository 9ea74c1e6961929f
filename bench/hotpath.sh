#!/usr/bin/env bash
# bench/hotpath.sh [--smoke] — the agent hot path: `podium standalone` serving cached credentials
# to the pod at 127.0.0.1, against the bare Netty baseline (io.podium.bench.BareNettyServer)
# answering a body of the same size, measured in the same run with the same JVM flags.
#
# Figures: maximum requests/s (wrk -t1 -c8) and latency p50/p99 at 2,000 req/s (hey -c 4 -q 500),
# each with keep-alive and with a new connection per request; ratios against the baseline.
# Podium runs twice as `podium standalone`: as in production (the audit record on, JSON logs to a
# file) and with the audit logger off (bench/logback-audit-off.xml), to show what the audit line
# costs; and a third time as `podium agent` (audit on) fed over gRPC with mutual TLS by a
# `podium server` that reads the same pods file: the agent serves from the credentials the server
# pushed to it.
# Writes bench/results/hotpath-<time>.json. --smoke: seconds, proves it works, judges nothing.
#
# Environment: BENCH_JVM_OPTS (JVM flags for every server), BENCH_RESULTS (output directory).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v wrk >/dev/null || die "wrk is missing (Debian package wrk)"
command -v hey >/dev/null || die "hey is missing (Debian package hey)"
classpath=$(test_classpath)

start_sts_emulator
podium_port=$(free_port)
# shellcheck disable=SC2046
start_bg podium $(standalone_command "$podium_port")
podium_pid=$LAST_PID
quiet_port=$(free_port)
# shellcheck disable=SC2046
start_bg podium-audit-off $(standalone_command "$quiet_port" \
  "-Dlogback.configurationFile=$BENCH_ROOT/bench/logback-audit-off.xml")
quiet_pid=$LAST_PID
make_certs
server_port=$(free_port)
# shellcheck disable=SC2046
start_bg server $(server_command "$server_port")
server_pid=$LAST_PID
agent_port=$(free_port)
# shellcheck disable=SC2046
start_bg agent $(agent_command "$agent_port" "$server_port")
agent_pid=$LAST_PID
wait_http "http://127.0.0.1:$podium_port$BENCH_CREDENTIALS_PATH" 60 "$podium_pid"
wait_http "http://127.0.0.1:$quiet_port$BENCH_CREDENTIALS_PATH" 60 "$quiet_pid"
wait_http "http://127.0.0.1:$agent_port$BENCH_CREDENTIALS_PATH" 90 "$agent_pid"
kill -0 "$server_pid" 2>/dev/null || die "podium server exited: $(cat "$BENCH_WORK/server.log")"
agent_bytes=$(curl -s "http://127.0.0.1:$agent_port$BENCH_CREDENTIALS_PATH" | wc -c)

body_bytes=$(curl -s "http://127.0.0.1:$podium_port$BENCH_CREDENTIALS_PATH" | wc -c)
[ "$body_bytes" -gt 100 ] || die "podium's credentials document is only $body_bytes bytes"
# The agent renders the same document; a different size would make its comparison unfair.
[ "$agent_bytes" = "$body_bytes" ] || log "note: the agent's document is $agent_bytes bytes, standalone's $body_bytes"
bare_port=$(free_port)
# shellcheck disable=SC2086
start_bg bare "$JAVA" $BENCH_JVM_OPTS -cp "$classpath" io.podium.bench.BareNettyServer \
  "$bare_port" "$body_bytes"
bare_pid=$LAST_PID
wait_http "http://127.0.0.1:$bare_port$BENCH_CREDENTIALS_PATH" 30 "$bare_pid"
log "credentials document: $body_bytes bytes; baseline answers the same size"

figures=$(python3 "$BENCH_ROOT/bench/loadgen.py" $([ "$SMOKE" = true ] && echo --smoke) \
  --target "baseline=http://127.0.0.1:$bare_port$BENCH_CREDENTIALS_PATH" \
  --target "podium=http://127.0.0.1:$podium_port$BENCH_CREDENTIALS_PATH" \
  --target "podium_audit_off=http://127.0.0.1:$quiet_port$BENCH_CREDENTIALS_PATH" \
  --target "agent=http://127.0.0.1:$agent_port$BENCH_CREDENTIALS_PATH" \
  --pid "baseline=$(java_pid "$bare_pid")" --pid "podium=$(java_pid "$podium_pid")" \
  --pid "podium_audit_off=$(java_pid "$quiet_pid")" --pid "agent=$(java_pid "$agent_pid")")

audit_lines=$(grep -c '"podium.audit"' "$BENCH_WORK/podium.log" || true)
log_bytes=$(stat -c %s "$BENCH_WORK/podium.log")
agent_audit_lines=$(grep -c '"podium.audit"' "$BENCH_WORK/agent.log" || true)
server_cpu_s=$(awk -v t="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); print ($12 + $13) / t}' "/proc/$server_pid/stat")
for pid in "$podium_pid" "$quiet_pid" "$bare_pid" "$server_pid" "$agent_pid"; do
  kill -0 "$pid" 2>/dev/null || die "a server died during the run (pid $pid)"
done

result=$(python3 -c '
import json, sys
figures = json.loads(sys.argv[1])
figures["body_bytes"] = int(sys.argv[2])
figures["podium_log"] = {"audit_lines": int(sys.argv[3]), "bytes": int(sys.argv[4])}
figures["agent"] = {"body_bytes": int(sys.argv[5]), "audit_lines": int(sys.argv[6]),
                    "server_cpu_seconds_total": float(sys.argv[7])}
print(json.dumps(figures))' "$figures" "$body_bytes" "$audit_lines" "$log_bytes" \
  "$agent_bytes" "$agent_audit_lines" "$server_cpu_s")
out=$(write_result hotpath "$result")

python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["figures"]
print(f"hot path ({r['cpus']} CPUs, commit {r['commit'][:12]}{' +dirty' if r['dirty'] else ''}"
      f"{', SMOKE: figures mean nothing' if r['smoke'] else ''})")
for mode in ("keepalive", "new_connection"):
    print(f"  {mode}")
    for name, s in f["summary"].items():
        c = f["comparison"].get(name, {}).get(mode)
        cpu = s[mode]["server_cpu_us_per_request"]
        line = (f"    {name:17} {s[mode]['requests_per_s']:>9.0f} req/s"
                f"{f'  {cpu:5.1f} us CPU/req' if cpu else ''}"
                f"   p50 {s[mode]['latency_ms']['p50']:.3f} ms   p99 {s[mode]['latency_ms']['p99']:.3f} ms")
        if c:
            t, p = c["throughput_ratio"], c["p99_ratio"]
            line += (f"\n{'':22}throughput x{t['median']} [{t['min']}..{t['max']}]"
                     f" ({'ok' if c['throughput_met'] else 'MISSED'} >= 0.8)"
                     f"   p99 x{p['median']} [{p['min']}..{p['max']}]"
                     f" ({'ok' if c['p99_met'] else 'MISSED'} <= 1.2)")
            if "cpu_per_request_ratio" in c:
                line += f"   CPU/req x{c['cpu_per_request_ratio']['median']}"
        print(line)
print(f"  audit lines written: standalone {f['podium_log']['audit_lines']},"
      f" agent {f['agent']['audit_lines']}; server CPU over the whole run"
      f" {f['agent']['server_cpu_seconds_total']:.1f} s")
print(f"  result: {sys.argv[1]}")
PY
