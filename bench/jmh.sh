#!/usr/bin/env bash
# bench/jmh.sh [--smoke] [JMH OPTIONS...] — JMH microbenchmarks of the hot path's pieces, from the
# test classpath (sources in src/test/java, *Benchmark): route match and dispatch
# (RoutingBenchmark), identity lookup and role decision (IdentityBenchmark), one credentials
# request through the real pipeline on an EmbeddedChannel, with and without the audit record
# (CredentialsRoundTripBenchmark), IMDSv2 token checks (TokenBenchmark).
# Writes bench/results/jmh-<time>.json (JMH's own JSON inside). --smoke: 1 fork, 1 iteration of
# 100 ms, no warm-up — proves the benchmarks run, measures nothing. Further arguments go to JMH,
# e.g. bench/jmh.sh Identity -prof gc.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -a jmh_args=()
for arg in "$@"; do
  [ "$arg" = --smoke ] || jmh_args+=("$arg")
done
if [ "$SMOKE" = true ]; then
  mode=(-f 1 -wi 0 -i 1 -r 100ms)
else
  # The credentials round trip needs about 5 s of warm-up before its JIT settles.
  mode=(-f 2 -wi 5 -w 2s -i 5 -r 1s)
fi
# Options given here replace the defaults above (JMH takes each option once); a bare pattern
# selects benchmarks.
for arg in "${jmh_args[@]}"; do
  case "$arg" in -*) mode=() ;; esac
done
selected=false
for arg in "${jmh_args[@]}"; do
  case "$arg" in -*) ;; *) selected=true ;; esac
done
[ "$selected" = true ] || jmh_args+=('io\.podium\..*Benchmark')

classpath=$(test_classpath)
raw="$BENCH_WORK/jmh.json"
# shellcheck disable=SC2086
"$JAVA" $BENCH_JVM_OPTS -cp "$classpath" org.openjdk.jmh.Main ${mode[@]+"${mode[@]}"} \
  -jvmArgs "$BENCH_JVM_OPTS -Dlogback.configurationFile=$BENCH_ROOT/bench/logback-jmh.xml" \
  -rf json -rff "$raw" "${jmh_args[@]}" >&2

figures=$(python3 - "$raw" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
summary = []
for run in runs:
    metric = run["primaryMetric"]
    name = run["benchmark"].rsplit(".", 2)
    summary.append({
        "benchmark": name[-2] + "." + name[-1],
        "params": run.get("params", {}),
        "score": round(metric["score"], 3),
        "error": round(metric["scoreError"], 3) if isinstance(metric["scoreError"], float)
                 and metric["scoreError"] == metric["scoreError"] else None,
        "unit": metric["scoreUnit"],
    })
print(json.dumps({"summary": summary, "jmh": runs}))
PY
)
out=$(write_result jmh "$figures")
python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"JMH ({r['cpus']} CPUs, commit {r['commit'][:12]}{' +dirty' if r['dirty'] else ''}"
      f"{', SMOKE: figures mean nothing' if r['smoke'] else ''})")
for s in r["figures"]["summary"]:
    params = ", ".join(f"{k}={v}" for k, v in s["params"].items())
    error = f" ± {s['error']}" if s["error"] is not None else ""
    print(f"  {s['benchmark']:45} {params:62} {s['score']:>10}{error} {s['unit']}")
print(f"  result: {sys.argv[1]}")
PY
