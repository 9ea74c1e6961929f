#!/usr/bin/env bash
# bench/sts-cost.sh [--smoke] [--pods N] [--roles N] [--minutes N] [--seed N] — STS calls of a
# simulated day against the minimum: the core CredentialBroker and Prefetcher on a fake clock
# with a counting issuer (io.podium.bench.StsCostSimulation, from the test classpath), 10,000 pods
# over 500 roles with rollouts, autoscaling, hourly jobs and SDK-like credential requests, once
# with pods of a deployment sharing a session ({namespace}-{serviceaccount}) and once with the
# default per-pod sessions ({namespace}-{pod}). See docs/benchmarks.md for the minimum's
# definition. Writes bench/results/sts-cost-<time>.json. --smoke: 100 pods for one hour.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -a sim_args=()
if [ "$SMOKE" = true ]; then
  sim_args=(--pods 100 --roles 10 --minutes 60)
fi
for arg in "$@"; do
  [ "$arg" = --smoke ] || sim_args+=("$arg")
done

classpath=$(test_classpath)
# shellcheck disable=SC2086
figures=$("$JAVA" $BENCH_JVM_OPTS -Xmx1g -cp "$classpath" io.podium.bench.StsCostSimulation \
  ${sim_args[@]+"${sim_args[@]}"})
out=$(write_result sts-cost "$figures")

python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["figures"]
c = f["cluster"]
print(f"STS cost ({c['pods']} pods, {c['roles']} roles, {c['minutes']} min simulated, commit "
      f"{r['commit'][:12]}{' +dirty' if r['dirty'] else ''})")
for template, run in f.items():
    if template == "cluster":
        continue
    print(f"  sessions named {template}: {run['distinct_sessions']} distinct sessions, "
          f"{run['pods_over_the_day']} pods, {run['credential_requests']} credential requests")
    print(f"    floor for any cache (credentials used to the last servable second): {run['minimum_any_cache']}")
    for name in ("f_0.85", "f_0.70"):
        x = run[name]
        verdict = "EQUAL" if x["equal_to_minimum"] else f"EXCESS {x['excess_calls']}"
        print(f"    refresh at {name[2:]:4} of the window: {x['sts_calls']:>8} calls, minimum {x['minimum']:>8}"
              f"  ({verdict})")
    j = run["f_jittered_0.70_to_0.85"]
    print(f"    production jitter 0.70-0.85:  {j['sts_calls']:>8} calls ({'within' if j['within_bounds'] else 'OUTSIDE'}"
          f" the two bounds; x{j['ratio_to_minimum_any_cache']} the floor)")
    print(f"    answers under --min-remaining: {j['answers_under_min_remaining']}, requests that waited for STS:"
          f" {j['requests_that_waited_for_sts']}, sessions left after the drain: {j['sessions_left_after_drain']}")
print(f"  result: {sys.argv[1]}")
PY
