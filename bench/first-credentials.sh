#!/usr/bin/env bash
# bench/first-credentials.sh [--smoke] — time to first credentials: pods created one by one in
# fabric8's mock Kubernetes API server (CRUD mode), each asking Podium's metadata API for
# credentials (IMDSv2 token, role name, credentials, as an SDK does when it starts) at the moment
# its pod is created, with the STS emulator answering in 50 to 150 ms.
#
# Per pod: served − added − the STS call's own time (the latency the emulator injected into that
# session's answer): p50/p90/p99/max; requests an SDK would have given up on (over 1 s); STS
# calls. Runs `podium standalone` (informers on the mock, broker, metadata API), then `podium
# agent` fed over gRPC with mutual TLS by `podium server` watching the mock. The harness is
# io.podium.bench.FirstCredentials (test sources); each pod's client binds its own address in
# 127.0.0.0/8, so Podium sees the pod's IP as the peer. Targets: p99 ≤ 100 ms beyond STS, no
# request past 1 s.
# Writes bench/results/first-credentials-<time>.json. --smoke: seconds, proves it works.
#
# Environment: FIRST_PODS (1000), FIRST_WARMUP (1000: a node's processes have run a while, and
# the JIT compiles a once-per-pod path only after a few thousand pods), FIRST_WARMUP_RATE (15),
# FIRST_RATE (pods added per second, 15),
# FIRST_MODES ("standalone agent-server"), FIRST_STS_RATE_LIMIT (Podium's --sts-rate-limit; its
# default when unset), FIRST_REUSE_IPS (K: the churn switch — pod i takes the address of pod i − K,
# deleted just before, and its client asks every 50 ms until its own role is named; 0 = off),
# BENCH_JVM_OPTS (the harness JVM's flags, to which this script adds -XX:TieredStopAtLevel=1: the
# harness stands in for the API server, STS and the pods, and its own C2 compilations during a
# burst took CPU from Podium on 2 CPUs), BENCH_RESULTS. Podium's processes run with the JVM
# options bin/podium gives their command (no AOT cache: the figures are taken warm);
# FIRST_PODIUM_LAUNCHER names another launcher to ask for them, or empty for the tests' flags
# (-Xmx256m, G1: how runs 1 to 6 of docs/benchmarks.md section 6 were taken).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

classpath=$(test_classpath)
jar=$(podium_jar)
if [ "$SMOKE" = true ]; then
  pods=10 warmup=3 rate=10
else
  pods=${FIRST_PODS:-1000} warmup=${FIRST_WARMUP:-1000} rate=${FIRST_RATE:-15}
fi
warmup_rate=${FIRST_WARMUP_RATE:-15}
if [ "$SMOKE" = true ]; then
  warmup_rate=$rate
fi
modes=${FIRST_MODES:-standalone agent-server}
declare -a limit_args=()
[ -n "${FIRST_STS_RATE_LIMIT:-}" ] && limit_args=(--sts-rate-limit "$FIRST_STS_RATE_LIMIT")
reuse=${FIRST_REUSE_IPS:-0}
[ "$SMOKE" = true ] && [ "$reuse" != 0 ] && reuse=3

all="{}"
for mode in $modes; do
  log "$mode: $warmup warm-up pods, then $pods pods at $rate per second"
  # The harness JVM (BENCH_JVM_OPTS, C1 only) runs the mock API server, the STS emulator and the
  # pods' clients; Podium's processes get the JVM options bin/podium gives their command.
  # shellcheck disable=SC2086
  env HOME="$BENCH_WORK" "$JAVA" $BENCH_JVM_OPTS -XX:TieredStopAtLevel=1 -Dpodium.jvm-options="${FIRST_PODIUM_LAUNCHER-$BENCH_ROOT/bin/podium}" \
    -cp "$classpath" io.podium.bench.FirstCredentials --mode "$mode" --jar "$jar" --work "$BENCH_WORK/$mode" \
    --out "$BENCH_WORK/$mode.json" --pods "$pods" --warmup "$warmup" --pods-per-second "$rate" \
    --warmup-pods-per-second "$warmup_rate" \
    --sts-latency-ms 50-150 --reuse-ips "$reuse" ${limit_args[@]+"${limit_args[@]}"} >"$BENCH_WORK/$mode-harness.log" 2>&1 ||
    die "$mode: the harness failed: $(tail -40 "$BENCH_WORK/$mode-harness.log")"
  grep '^\[first-credentials\]' "$BENCH_WORK/$mode-harness.log" >&2 || true
  figures=$(cat "$BENCH_WORK/$mode.json")
  all=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); a[sys.argv[2].replace("-","_")]=json.loads(sys.argv[3]); print(json.dumps(a))' \
    "$all" "$mode" "$figures")
done

out=$(write_result first-credentials "$all")

python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"time to first credentials ({r['cpus']} CPUs, load {' '.join(r['loadavg'])}, commit "
      f"{r['commit'][:12]}{' +dirty' if r['dirty'] else ''}"
      f"{', SMOKE: figures mean nothing' if r['smoke'] else ''})")
for mode, f in r["figures"].items():
    b = f["beyond_sts_ms"]
    print(f"  {mode}: {f['served']}/{f['pods']} pods served, {f['pods_per_second']} pods/s added,"
          f" --sts-rate-limit {f.get('sts_rate_limit', 'default')}")
    if b:
        print(f"    beyond STS ms   p50 {b['p50']}  p90 {b['p90']}  p99 {b['p99']}  max {b['max']}"
              f"  ({'ok' if b['p99'] <= 100 else 'MISSED'} p99 <= 100)")
        t = f["added_to_served_ms"]
        print(f"    added→served ms p50 {t['p50']}  p99 {t['p99']}  max {t['max']};"
              f" STS time ms p50 {f['sts_time_ms']['p50']}  max {f['sts_time_ms']['max']}")
    print(f"    pods with a request over 1 s: {f['pods_with_a_request_over_1s']}"
          f" ({'ok' if f['pods_with_a_request_over_1s'] == 0 else 'MISSED'} = 0);"
          f" pods over 1 s to credentials: {f['pods_over_1s_to_credentials']};"
          f" failures: {f['failures']}; STS AssumeRole calls: {f['sts_assume_role_calls']}")
    print(f"    CPU per pod: Podium {f['podium_cpu_ms_per_pod']} ms, harness (mock API server,"
          f" STS emulator, clients) {f['harness_cpu_ms_per_pod']} ms")
    if f.get("reuse_ips"):
        print(f"    churn switch over {f['reuse_ips']} reused addresses: stale role answers"
              f" {f['stale_role_answers']} (pods {f['pods_with_stale_role_answers']})")
print(f"  result: {sys.argv[1]}")
PY
