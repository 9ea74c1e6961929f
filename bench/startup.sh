#!/usr/bin/env bash
# bench/startup.sh [--smoke] — start-up and footprint of `podium standalone` (pods file + the STS
# emulator as its own process): time from process start to the metadata port answering the pod's
# credentials request (200: credentials prefetched from STS and cached), resident memory (VmRSS
# from /proc) when ready, idle, and at its peak under load (wrk -t1 -c8), for several JVM option
# sets: the default flags, a small heap with the serial collector, and each with an ahead-of-time
# cache (JDK 25, JEP 483/514/515) made by a training run of the same command.
# Writes bench/results/startup-<time>.json. --smoke: two option sets, one run each, 1 s of load.
#
# Environment: BENCH_JVM_OPTS (the default flags), BENCH_STARTUP_REPEATS (runs per option set).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v wrk >/dev/null || die "wrk is missing (Debian package wrk)"
if [ "$SMOKE" = true ]; then
  repeats=1 idle=0.5 load=1
  variants=("default|" "serial-64m-coh+aot|-Xmx64m -XX:+UseSerialGC -XX:+UseCompactObjectHeaders")
else
  repeats=${BENCH_STARTUP_REPEATS:-5} idle=2 load=5
  variants=(
    "default|"
    "default+aot|"
    "serial-64m|-Xmx64m -XX:+UseSerialGC"
    "serial-64m-coh|-Xmx64m -XX:+UseSerialGC -XX:+UseCompactObjectHeaders"
    "serial-64m-coh+aot|-Xmx64m -XX:+UseSerialGC -XX:+UseCompactObjectHeaders"
    "serial-64m-coh-c1|-Xmx64m -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -XX:TieredStopAtLevel=1"
  )
fi

start_sts_emulator
port=$(free_port)
url="http://127.0.0.1:$port$BENCH_CREDENTIALS_PATH"

# measure NAME [JVM OPTION...] — one start, measured by bench/ready.py; prints its JSON.
measure() {
  local name=$1
  shift
  # shellcheck disable=SC2046
  python3 "$BENCH_ROOT/bench/ready.py" --url "$url" --log "$BENCH_WORK/podium-$name.log" \
    --idle-seconds "$idle" --load-seconds "$load" --stop-wait 120 -- \
    $(standalone_command "$port" "$@")
}

# The STS emulator's first answers are slow (its own JIT): one start that counts for nothing.
log "warm-up start (not counted)"
measure warmup >/dev/null

# Each AOT cache is made first, by a training run of the same command with the same options.
declare -A options_of=()
for variant in "${variants[@]}"; do
  name=${variant%%|*}
  options_of[$name]=${variant#*|}
  if [[ $name == *+aot ]]; then
    cache="$BENCH_WORK/$name.aot"
    log "$name: training run writing $cache"
    # shellcheck disable=SC2086
    measure "$name-training" ${options_of[$name]} "-XX:AOTCacheOutput=$cache" \
      >"$BENCH_WORK/training-$name.json"
    [ -s "$cache" ] || die "no AOT cache written: $(tail -5 "$BENCH_WORK/podium-$name-training.log")"
    options_of[$name]="${options_of[$name]} -XX:AOTCache=$cache"
  fi
done

# Rounds visit every option set in turn, so that drift of the machine hits them all alike.
for ((i = 1; i <= repeats; i++)); do
  for variant in "${variants[@]}"; do
    name=${variant%%|*}
    # shellcheck disable=SC2086
    run=$(measure "$name" ${options_of[$name]})
    log "round $i $name: $run"
    echo "$run" >>"$BENCH_WORK/runs-$name.jsonl"
  done
done

figures=$(python3 - "$BENCH_WORK" "$repeats" "$load" "${variants[@]}" <<'PY'
import json, os, statistics, sys
work, repeats, load, *variants = sys.argv[1:]
out = {"repeats": int(repeats), "load_seconds": int(load), "variants": []}
for variant in variants:
    name, options = variant.split("|", 1)
    runs = [json.loads(line) for line in open(os.path.join(work, f"runs-{name}.jsonl"))]
    cache = os.path.join(work, f"{name}.aot")
    training = os.path.join(work, f"training-{name}.json")
    out["variants"].append({
        "name": name,
        "extra_jvm_options": (options + (" -XX:AOTCache=<cache>" if name.endswith("+aot") else "")).strip(),
        "aot_cache_bytes": os.path.getsize(cache) if os.path.exists(cache) else None,
        "training_run": json.load(open(training)) if os.path.exists(training) else None,
        "median": {key: statistics.median(r[key] for r in runs if r.get(key) is not None)
                   for key in ("listening_ms", "ready_ms", "rss_ready_kib", "rss_idle_kib",
                               "rss_load_peak_kib", "load_requests_per_s")
                   if any(r.get(key) is not None for r in runs)},
        "min_ready_ms": min(r["ready_ms"] for r in runs),
        "runs": runs,
    })
print(json.dumps(out))
PY
)
out=$(write_result startup "$figures")

python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"start-up and footprint ({r['cpus']} CPUs, commit {r['commit'][:12]}{' +dirty' if r['dirty'] else ''}"
      f"{', SMOKE: figures mean nothing' if r['smoke'] else ''}; medians of {r['figures']['repeats']} starts)")
base = r["figures"]["variants"][0]["median"]
for v in r["figures"]["variants"]:
    m = v["median"]
    rate = m.get("load_requests_per_s")
    print(f"  {v['name']:19} ready {m['ready_ms']:6.0f} ms (min {v['min_ready_ms']:5.0f})   RSS ready {m['rss_ready_kib']/1024:6.1f} MiB"
          f"   idle {m['rss_idle_kib']/1024:6.1f} MiB   load peak {m.get('rss_load_peak_kib', 0)/1024:6.1f} MiB"
          + (f"   {rate:8.0f} req/s (x{rate / base['load_requests_per_s']:.2f})" if rate else "")
          + (f"   cache {v['aot_cache_bytes']/1048576:.0f} MiB" if v["aot_cache_bytes"] else ""))
print(f"  result: {sys.argv[1]}")
PY
