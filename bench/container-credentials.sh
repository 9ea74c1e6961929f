#!/usr/bin/env bash
# bench/container-credentials.sh [--smoke] — the token path: `podium dev`'s container-credentials
# endpoint (GET /v1/credentials, the pod's service-account token in Authorization, verified once and
# then remembered) beside the metadata API's credentials route of the same process and the bare
# Netty baseline (io.podium.bench.BareNettyServer) answering a body of the container document's
# size, measured in the same run with the same JVM flags.
#
# Figures: maximum requests/s (wrk -t1 -c8) and latency p50/p99 at 2,000 req/s (hey -c 4 -q 500),
# each with keep-alive and with a new connection per request; ratios against the baseline.
# Writes bench/results/container-credentials-<time>.json. --smoke: seconds, judges nothing.
#
# Environment: BENCH_JVM_OPTS (JVM flags for every server), BENCH_RESULTS (output directory).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v wrk >/dev/null || die "wrk is missing (Debian package wrk)"
command -v hey >/dev/null || die "hey is missing (Debian package hey)"
classpath=$(test_classpath)

imds_port=$(free_port)
cc_port=$(free_port)
dev_sts_port=$(free_port)
tokens="$BENCH_WORK/tokens"
# The pod dev/web sits at 127.0.0.1 (examples/dev-pods.yaml): the load generators' address.
# shellcheck disable=SC2086
start_bg dev env HOME="$BENCH_WORK" "$JAVA" $BENCH_JVM_OPTS -jar "$(podium_jar)" dev \
  --pods-file "$BENCH_ROOT/examples/dev-pods.yaml" --imds-listen "127.0.0.1:$imds_port" \
  --sts-listen "127.0.0.1:$dev_sts_port" --container-credentials-listen "127.0.0.1:$cc_port" \
  --token-dir "$tokens" --max-requests-per-second 0 --metrics-listen "127.0.0.1:$(free_port)"
dev_pid=$LAST_PID
imds_url="http://127.0.0.1:$imds_port/latest/meta-data/iam/security-credentials/dev-web"
cc_url="http://127.0.0.1:$cc_port/v1/credentials"
wait_http "$imds_url" 60 "$dev_pid"
deadline=$((SECONDS + 30))
until [ -s "$tokens/dev/web/token" ]; do
  [ $SECONDS -lt $deadline ] || die "no token in $tokens/dev/web/token"
  sleep 0.05
done
authorization="Authorization: $(cat "$tokens/dev/web/token")"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "$authorization" "$cc_url")
[ "$status" = 200 ] || die "the container-credentials endpoint answered $status"

body_bytes=$(curl -s -H "$authorization" "$cc_url" | wc -c)
imds_bytes=$(curl -s "$imds_url" | wc -c)
bare_port=$(free_port)
# shellcheck disable=SC2086
start_bg bare "$JAVA" $BENCH_JVM_OPTS -cp "$classpath" io.podium.bench.BareNettyServer \
  "$bare_port" "$body_bytes"
bare_pid=$LAST_PID
wait_http "http://127.0.0.1:$bare_port$BENCH_CREDENTIALS_PATH" 30 "$bare_pid"
log "container document: $body_bytes bytes (IMDS document $imds_bytes); baseline answers $body_bytes"

# The token is a secret of the run's own dev key: it goes to the load generators' command lines only.
figures=$(python3 "$BENCH_ROOT/bench/loadgen.py" $([ "$SMOKE" = true ] && echo --smoke) \
  --target "baseline=http://127.0.0.1:$bare_port$BENCH_CREDENTIALS_PATH" \
  --target "token=$cc_url" --header "token=$authorization" \
  --target "imds=$imds_url" \
  --pid "baseline=$(java_pid "$bare_pid")" --pid "token=$(java_pid "$dev_pid")" \
  --pid "imds=$(java_pid "$dev_pid")")
for pid in "$dev_pid" "$bare_pid"; do
  kill -0 "$pid" 2>/dev/null || die "a server died during the run (pid $pid)"
done

result=$(python3 -c '
import json, sys
figures = json.loads(sys.argv[1])
figures["body_bytes"] = int(sys.argv[2])
figures["imds_body_bytes"] = int(sys.argv[3])
print(json.dumps(figures))' "$figures" "$body_bytes" "$imds_bytes")
out=$(write_result container-credentials "$result")

python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["figures"]
print(f"container credentials ({r['cpus']} CPUs, commit {r['commit'][:12]}{' +dirty' if r['dirty'] else ''}"
      f"{', SMOKE: figures mean nothing' if r['smoke'] else ''})")
for mode in ("keepalive", "new_connection"):
    print(f"  {mode}")
    for name, s in f["summary"].items():
        c = f["comparison"].get(name, {}).get(mode)
        line = (f"    {name:9} {s[mode]['requests_per_s']:>9.0f} req/s"
                f"   p50 {s[mode]['latency_ms']['p50']:.3f} ms   p99 {s[mode]['latency_ms']['p99']:.3f} ms")
        if c:
            t, p = c["throughput_ratio"], c["p99_ratio"]
            line += (f"\n{'':14}throughput x{t['median']} [{t['min']}..{t['max']}]"
                     f"   p99 x{p['median']} [{p['min']}..{p['max']}]")
        print(line)
print(f"  result: {sys.argv[1]}")
PY
