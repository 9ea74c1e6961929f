#!/usr/bin/env bash
# bench/sts-cost.sh [--smoke] [--pods N] [--roles N] [--minutes N] [--seed N] — STS calls of a
# simulated day against the minimum: the core CredentialBroker and Prefetcher on a fake clock
# with a counting issuer (io.podium.bench.StsCostSimulation, from the test classpath), 10,000 pods
# over 500 roles with rollouts, autoscaling, hourly jobs and SDK-like credential requests, once
# with pods of a deployment sharing a session ({namespace}@{serviceaccount}) and once with the
# default per-pod sessions ({namespace}@{pod}). See docs/benchmarks.md for the minimum's
# definition. Then the same days with --replicas N (3) `podium server` replicas sharing the STS
# work through the real rendezvous ownership, hubs and agent streams, and with one replica dying
# at --kill-at-minute (half the day). Writes bench/results/sts-cost-<time>.json. --smoke: 100 pods
# for one hour.

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
figures=$("$JAVA" $BENCH_JVM_OPTS -Xmx1g -Dlogback.configurationFile="$BENCH_ROOT/bench/logback-quiet.xml" \
  -cp "$classpath" io.podium.bench.StsCostSimulation \
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
    rep = run.get("replicas")
    if rep:
        print(f"    {rep['replicas']} podium server replicas (rendezvous ownership, agents fed by pushes):")
        for name in ("f_0.85", "f_0.70"):
            x = rep[name]
            verdict = "EQUAL" if x["equal_to_minimum"] else f"EXCESS {x['excess_calls']}"
            print(f"      refresh at {name[2:]:4}: {x['sts_calls']:>8} calls, minimum {x['minimum']:>8}  ({verdict});"
                  f" per replica {x['sts_calls_per_replica']}")
        j = rep["f_jittered_0.70_to_0.85"]
        print(f"      production jitter: {j['sts_calls']:>8} calls (one process: {j['single_process_calls']};"
              f" {'within' if j['within_bounds'] else 'OUTSIDE'} the bounds); requests needing a lookup:"
              f" {j['requests_that_needed_a_lookup']}")
        d = rep["one_replica_dies_f_0.85"]
        print(f"      one replica dies at minute {d['replica_died_at_minute']} (survivors take over after"
              f" {d['takeover_after_seconds']} s; f = 0.85): {d['sts_calls']} calls, minimum {d['minimum']},"
              f" +{d['extra_calls_vs_no_death']} vs no death; it held {d['sessions_held_by_dead_replica']} sessions,"
              f" {d['calls_at_the_takeover_instant']} fetched at takeover")
        dj = rep["one_replica_dies_jittered"]
        print(f"      the same with production jitter: {dj['sts_calls']} calls, {dj['extra_calls_vs_no_death']:+d}"
              f" vs no death; answers under --min-remaining: {dj['answers_under_min_remaining']},"
              f" requests that waited for STS: {dj['requests_that_waited_for_sts']}")
print(f"  result: {sys.argv[1]}")
PY
