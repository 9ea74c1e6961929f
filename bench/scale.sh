#!/usr/bin/env bash
# bench/scale.sh [--smoke] [--pods N] [--nodes N] [--streams N] [--watch-pods N] [--page-size N]
# [--compare-feed true|false] [--compare-pods N] — the scale model (io.podium.bench.ScaleModel,
# from the test classpath): 100,000 realistic pod manifests over 10,000 nodes in one podium
# server's state, and 10,000 agents streaming from it over an in-process gRPC transport. Measures
# the live heap per tracked pod (class histograms after a full GC), events ingested per second
# (every pod listed in pages over HTTP by the real informers from a stand-in API server, then
# --watch-pods more, default 10,000, over the watch; the server's listeners fed through the same
# store and view code), the time one credentials refresh takes to reach every subscribed agent,
# and an agent's memory for a node of 10 pods in a 1,000-pod and in the full cluster. Writes
# bench/results/scale-<time>.json. --smoke: 1,000 pods, 100 nodes, 100 streams, 100 watched
# pods. See docs/benchmarks.md.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -a model_args=()
heap=3g
if [ "$SMOKE" = true ]; then
  model_args=(--pods 1000 --nodes 100 --streams 100 --watch-pods 100 --compare-pods 0)
  heap=512m
fi
for arg in "$@"; do
  [ "$arg" = --smoke ] || model_args+=("$arg")
done

classpath=$(test_classpath)
# The model's heap is its own (the server's default -Xmx256m would not hold 100,000 pods twice,
# the informer path's and the cluster's); the other flags are those of every benchmark.
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
print(f"  informer path (fabric8 informers over HTTP, paging stand-in API server): {i['listed_pods']} pods listed"
      f" in {i['list_pages']} pages of {i['list_page_size']} ({i['list_json_bytes_per_pod']} B of JSON per pod)"
      f" in {i['list_seconds_pods']} s: {i['list_pods_per_second']} pods/s; {i['list_pods_per_second_without_api_server_wait']}/s"
      f" without the {i['list_seconds_waiting_for_api_server']} s spent waiting for the stand-in's pages;"
      f" {i['list_pods_per_cpu_second_without_api_server_serialising']} per CPU s without its serialising")
print(f"    {i['watched_pods']} more over the watch (WebSocket) in {i['watch_seconds']} s: {i['watch_pods_per_second']} pods/s"
      f" ({i['watch_pods_per_cpu_second_without_api_server_serialising']} per CPU s without the stand-in's serialising)")
feed = i.get("same_pods_fed_to_store_and_view_bytes_per_pod")
print(f"    the directory's live heap: {i['directory_bytes_per_pod']} B per tracked pod"
      f" ({i['directory_bytes_per_pod_of_which_heap_fillers']} B of it G1 filler arrays)"
      + (f" (the same manifests through store and view alone: {feed} B/pod;"
         f" {i['store_and_view_events_per_second']} pods/s, {i['store_and_view_events_per_cpu_second']} per CPU s)"
         if feed is not None else ""))
def cluster(name, c):
    print(f"  {name}: {c['pods']} pods on {c['nodes']} nodes, {c['sessions']} sessions, {c['streams']} agent streams")
    print(f"    events/s: informer list {c['events_per_second_informer_list']} ({c['events_per_cpu_second_informer_list']} per CPU s),"
          f" hub {c['events_per_second_hub_replay']} ({c['events_per_cpu_second_hub_replay']}),"
          f" prefetch {c['events_per_second_prefetch_replay']} ({c['events_per_cpu_second_prefetch_replay']})")
    verdict = "met" if c['server_bytes_per_pod'] <= 1024 else "MISSED"
    print(f"    server live heap per pod: {c['server_bytes_per_pod']} B (target <= 1024: {verdict}) = directory"
          f" {c['directory_bytes_per_pod']} + hub {c['hub_bytes_per_pod']} + prefetch and broker"
          f" {c['prefetch_and_broker_bytes_per_pod']} ({c['prefetch_and_broker_bytes_per_session']} B per session)")
    print(f"    the Kubernetes client's one-time state (serialisers, connection; not counted above): {c['client_one_time_bytes']} B")
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
    print(f"  server heap per pod added from {f['small_cluster']['pods']} to {f['cluster']['pods']} pods (what each pod costs,"
          f" without the state that does not grow with the pods): {f['server_bytes_per_added_pod']} B")
    print(f"  agent memory, {f['small_cluster']['pods']} vs {f['cluster']['pods']} pods: {s['node_view_bytes_per_agent']} vs"
          f" {c['node_view_bytes_per_agent']} B (ratio {c['node_view_bytes_per_agent'] / s['node_view_bytes_per_agent']:.2f})")
print(f"  result: {sys.argv[1]}")
PY
