#!/usr/bin/env bash
# bench/scale.sh [--smoke] [--pods N] [--nodes N] [--streams N] [--informer-pods N]
# [--watch-pods N] [--compare-pods N] — the scale model (io.podium.bench.ScaleModel, from the test
# classpath): 100,000 realistic pod manifests over 10,000 nodes in one podium server's state, and
# 10,000 agents streaming from it over an in-process gRPC transport. Measures the live heap per
# tracked pod (class histograms after a full GC), events ingested per second (a part through the
# real informers and the Kubernetes mock API server, the whole cluster through the same store and
# view code), the time one credentials refresh takes to reach every subscribed agent, and an
# agent's memory for a node of 10 pods in a 1,000-pod and in the full cluster. Writes
# bench/results/scale-<time>.json. --smoke: 1,000 pods, 100 nodes, 100 streams, 500 pods through
# the mock API server. See docs/benchmarks.md.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -a model_args=()
heap=3g
if [ "$SMOKE" = true ]; then
  model_args=(--pods 1000 --nodes 100 --streams 100 --informer-pods 400 --watch-pods 100 --compare-pods 0)
  heap=512m
fi
for arg in "$@"; do
  [ "$arg" = --smoke ] || model_args+=("$arg")
done

classpath=$(test_classpath)
# The model's heap is its own (the server's default -Xmx256m would not hold 100,000 pods with the
# mock API server's copies); the other flags are those of every benchmark.
# shellcheck disable=SC2086
figures=$("$JAVA" $BENCH_JVM_OPTS -Xmx$heap -Dlogback.configurationFile="$BENCH_ROOT/bench/logback-quiet.xml" \
  -cp "$classpath" io.podium.bench.ScaleModel ${model_args[@]+"${model_args[@]}"})
out=$(write_result scale "$figures")

python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["figures"]
i = f["informer_path"]
print(f"Scale model (commit {r['commit'][:12]}{' +dirty' if r['dirty'] else ''}, load average {' '.join(r['loadavg'])})")
print(f"  informer path (fabric8 informers, mock API server): {i['listed_pods']} pods listed in {i['list_seconds']} s"
      f" ({i['list_events_per_second']}/s); {i['watched_pods']} created while watching, all delivered"
      f" {i['watch_seconds_first_create_to_last_event']} s after the first create ({i['watch_events_per_second']}/s;"
      f" the mock takes {i['create_per_second_client_to_mock']} creates/s)")
print(f"    the directory's live heap: {i['directory_bytes_per_pod']} B/pod (the same manifests through store and view alone:"
      f" {i['same_pods_fed_to_store_and_view_bytes_per_pod']} B/pod)")
def cluster(name, c):
    print(f"  {name}: {c['pods']} pods on {c['nodes']} nodes, {c['sessions']} sessions, {c['streams']} agent streams")
    print(f"    events/s: store + view {c['events_per_second_store_and_view']} ({c['events_per_cpu_second_store_and_view']} per CPU s),"
          f" hub {c['events_per_second_hub_replay']} ({c['events_per_cpu_second_hub_replay']}),"
          f" prefetch {c['events_per_second_prefetch_replay']} ({c['events_per_cpu_second_prefetch_replay']})")
    verdict = "met" if c['server_bytes_per_pod'] <= 1024 else "MISSED"
    print(f"    server live heap per pod: {c['server_bytes_per_pod']} B (target <= 1024: {verdict}) = directory"
          f" {c['directory_bytes_per_pod']} + hub {c['hub_bytes_per_pod']} + prefetch and broker"
          f" {c['prefetch_and_broker_bytes_per_pod']} ({c['prefetch_and_broker_bytes_per_session']} B per session)")
    for key in ("fanout_daemonset_session", "fanout_deployment_session"):
        x = c[key]
        print(f"    one refresh to {x['agents_subscribed']} agents ({key.split('_')[1]}): median {x['median_ms']} ms"
              f" [{x['min_ms']}..{x['max_ms']}], of which server and transport {x['server_and_transport_median_ms']} ms"
              f" [{x['server_and_transport_min_ms']}..{x['server_and_transport_max_ms']}]")
    a = c["agent"]
    print(f"    an agent (node of {a['pods_in_view']} pods): {a['node_view_bytes_per_agent']} B of NodeView,"
          f" {a['events_received_snapshot_and_fanouts']} events / {a['bytes_received_snapshot_and_fanouts']} B received")
if "small_cluster" in f:
    cluster("small cluster", f["small_cluster"])
cluster("cluster", f["cluster"])
if "small_cluster" in f:
    s, c = f["small_cluster"]["agent"], f["cluster"]["agent"]
    print(f"  agent memory, {f['small_cluster']['pods']} vs {f['cluster']['pods']} pods: {s['node_view_bytes_per_agent']} vs"
          f" {c['node_view_bytes_per_agent']} B (ratio {c['node_view_bytes_per_agent'] / s['node_view_bytes_per_agent']:.2f})")
print(f"  result: {sys.argv[1]}")
PY
