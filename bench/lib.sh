# Shared by the bench/*.sh scripts (sourced, not run). Sets up a safe environment, tracks the
# processes a script starts so that they are ended by PID on exit, and writes results as JSON.
# shellcheck shell=bash

set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# What is measured, fixed when the run starts (a commit made during a long run changes nothing).
BENCH_COMMIT=$(git -C "$BENCH_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
BENCH_DIRTY=$([ -n "$(git -C "$BENCH_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && echo true || echo false)
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_ROOT/bench/results}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
# The flags bin/podium gives every JVM; both sides of every comparison get the same ones.
BENCH_JVM_OPTS=${BENCH_JVM_OPTS:---sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Xmx256m}

# Network safety: loopback only, an explicit region, no shared AWS files, no real credentials, and
# a metadata endpoint on a closed loopback port for every JVM that is not the client under test.
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9
export AWS_CONFIG_FILE=/nonexistent/aws-config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-credentials
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE \
  AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
  AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN || true

SMOKE=false
for arg in "$@"; do
  case "$arg" in
    --smoke) SMOKE=true ;;
    -h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
  esac
done

BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/podium-bench.XXXXXX")
declare -a BENCH_PIDS=()

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${BENCH_KEEP_WORK:-false}" = true ]; then
    echo "work directory kept: $BENCH_WORK" >&2
  else
    rm -rf "$BENCH_WORK"
  fi
}
trap bench_cleanup EXIT

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# start_bg NAME CMD... — runs CMD in the background with output in $BENCH_WORK/NAME.log and
# remembers its PID (in $LAST_PID) so that the EXIT trap ends it.
start_bg() {
  local name=$1
  shift
  "$@" >"$BENCH_WORK/$name.log" 2>&1 </dev/null &
  LAST_PID=$!
  BENCH_PIDS+=("$LAST_PID")
}

# stop_pid PID — ends one process this script started and waits for it.
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL SECONDS [PID] — waits until URL answers 200; fails when PID exits first.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" = 200 ]; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then die "process $pid exited before $url answered"; fi
    [ $SECONDS -lt "$deadline" ] || die "$url did not answer 200 within $2 s"
    sleep 0.05
  done
}

# Builds what the benchmarks run (the jar and the test classes) when it is missing or older than
# a source file: a run must measure the code of the commit it records.
ensure_built() {
  if [ ! -f "$BENCH_ROOT/target/podium.jar" ] || [ ! -d "$BENCH_ROOT/target/test-classes/io/podium/bench" ] \
    || [ -n "$(find "$BENCH_ROOT/src/main" "$BENCH_ROOT/src/test/java" "$BENCH_ROOT/src/test/resources" "$BENCH_ROOT/pom.xml" -newer "$BENCH_ROOT/target/podium.jar" -type f -print -quit)" ]; then
    log "building target/podium.jar and the test classes"
    (cd "$BENCH_ROOT" && ./mvnw -q -B -ntp -DskipTests -Dspotless.check.skip=true package)
  fi
}

# The test classpath (test classes, classes, every dependency). The classes and the jar are
# copied into the work directory first, so that a rebuild during a run changes nothing measured.
test_classpath() {
  ensure_built
  local file="$BENCH_ROOT/target/bench-classpath.txt"
  if [ ! -f "$file" ] || [ "$BENCH_ROOT/pom.xml" -nt "$file" ]; then
    (cd "$BENCH_ROOT" && ./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$file" >/dev/null)
  fi
  if [ ! -d "$BENCH_WORK/classes" ]; then
    cp -r "$BENCH_ROOT/target/classes" "$BENCH_WORK/classes"
    cp -r "$BENCH_ROOT/target/test-classes" "$BENCH_WORK/test-classes"
  fi
  echo "$BENCH_WORK/test-classes:$BENCH_WORK/classes:$(cat "$file")"
}

# podium_jar — the copy of the jar the run measures: target/podium.jar, or BENCH_JAR (another
# build, e.g. an earlier commit's, for a before-and-after comparison).
podium_jar() {
  ensure_built
  [ -f "$BENCH_WORK/podium.jar" ] || cp "${BENCH_JAR:-$BENCH_ROOT/target/podium.jar}" "$BENCH_WORK/podium.jar"
  echo "$BENCH_WORK/podium.jar"
}

# The context every result records: what was measured, on what.
bench_context_json() {
  python3 - "$BENCH_COMMIT" "$BENCH_DIRTY" "$SMOKE" "$BENCH_JVM_OPTS" "$JAVA" <<'PY'
import json, os, platform, subprocess, sys, datetime
commit, dirty, smoke, jvm_opts, java = sys.argv[1:]
cpu_model = ""
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip(); break
except OSError:
    pass
java_version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
print(json.dumps({
    "commit": commit, "dirty": dirty == "true",
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "cpus": os.cpu_count(), "cpu_model": cpu_model, "kernel": platform.release(),
    "java": java_version[0] if java_version else "", "jvm_options": jvm_opts,
    # Other work on the machine makes figures drift: the load average when the result was written.
    "loadavg": open("/proc/loadavg").read().split()[:3],
    "smoke": smoke == "true"}))
PY
}

# write_result NAME JSON — wraps JSON (the figures) with the context, validates it, writes it to
# $BENCH_RESULTS/NAME-<timestamp>.json and NAME-latest.json, and prints the path.
write_result() {
  local name=$1 figures=$2 out stamp
  mkdir -p "$BENCH_RESULTS"
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  out="$BENCH_RESULTS/$name-$stamp.json"
  python3 -c 'import json,sys; ctx=json.loads(sys.argv[1]); fig=json.loads(sys.argv[2]); ctx["benchmark"]=sys.argv[3]; ctx["figures"]=fig; print(json.dumps(ctx, indent=2))' \
    "$(bench_context_json)" "$figures" "$name" >"$out"
  python3 -m json.tool "$out" >/dev/null
  cp "$out" "$BENCH_RESULTS/$name-latest.json"
  echo "$out"
}

BENCH_ROLE=bench-reader
BENCH_CREDENTIALS_PATH=/latest/meta-data/iam/security-credentials/$BENCH_ROLE

# start_sts_emulator — `podium sts-emulator` on a free loopback port; sets STS_PORT and STS_PID.
start_sts_emulator() {
  STS_PORT=$(free_port)
  # shellcheck disable=SC2086
  start_bg sts-emulator env HOME="$BENCH_WORK" "$JAVA" $BENCH_JVM_OPTS -jar "$(podium_jar)" sts-emulator \
    --listen "127.0.0.1:$STS_PORT" --log-format text
  STS_PID=$LAST_PID
  local deadline=$((SECONDS + 30))
  until grep -q "listening on" "$BENCH_WORK/sts-emulator.log" 2>/dev/null; do
    kill -0 "$STS_PID" 2>/dev/null || die "sts-emulator exited: $(cat "$BENCH_WORK/sts-emulator.log")"
    [ $SECONDS -lt $deadline ] || die "sts-emulator did not start"
    sleep 0.05
  done
}

# podium_launch [JVM OPTION...] — the start of a command line that runs Podium's jar; the command
# and its flags follow. By default `$JAVA $BENCH_JVM_OPTS OPTIONS -jar <the jar's copy>`, the same
# flags for every role and for the baseline. With BENCH_LAUNCHER=bin, `bin/podium` instead, with
# the JVM options it chooses for each command (and the AOT caches in $BENCH_AOT_DIR, when set), the
# OPTIONS added after them as -J flags: what a user runs.
podium_launch() {
  if [ "${BENCH_LAUNCHER:-java}" = bin ]; then
    local option
    echo env PODIUM_JAR="$(podium_jar)" PODIUM_AOT_DIR="${BENCH_AOT_DIR:-$BENCH_WORK/no-aot}" \
      JAVA_HOME="$JAVA_HOME" "$BENCH_ROOT/bin/podium"
    for option in "$@"; do echo "-J$option"; done
  else
    echo "$JAVA" $BENCH_JVM_OPTS "$@" -jar "$(podium_jar)"
  fi
}

# pod_source_args ROLE — where standalone_command and server_command read pods: bench/pods.yaml,
# or with BENCH_KUBECONFIG (start_mock_cluster) the same objects from a mock API server, through
# the informers a cluster's processes run (standalone watches the node bench-node).
pod_source_args() {
  if [ -n "${BENCH_KUBECONFIG:-}" ]; then
    echo --kubeconfig "$BENCH_KUBECONFIG"
    [ "$1" = standalone ] && echo --node bench-node
  else
    echo --pods-file "$BENCH_ROOT/bench/pods.yaml"
  fi
  return 0
}

# start_mock_cluster — fabric8's mock API server (io.podium.bench.MockCluster, test classpath)
# holding bench/pods.yaml's objects; sets BENCH_KUBECONFIG and MOCK_PID.
start_mock_cluster() {
  BENCH_KUBECONFIG="$BENCH_WORK/kubeconfig"
  # shellcheck disable=SC2086
  start_bg mock-cluster "$JAVA" $BENCH_JVM_OPTS -cp "$(test_classpath)" io.podium.bench.MockCluster \
    "$BENCH_ROOT/bench/pods.yaml" "$BENCH_KUBECONFIG"
  MOCK_PID=$LAST_PID
  local deadline=$((SECONDS + 60))
  until grep -q "mock API server ready" "$BENCH_WORK/mock-cluster.log" 2>/dev/null; do
    kill -0 "$MOCK_PID" 2>/dev/null || die "the mock API server exited: $(cat "$BENCH_WORK/mock-cluster.log")"
    [ $SECONDS -lt $deadline ] || die "the mock API server did not start"
    sleep 0.05
  done
}

# standalone_command PORT [JVM OPTION...] — the `podium standalone` command line the benchmarks
# measure: production defaults except loopback addresses, the STS emulator, no passthrough, and
# no per-source rate limit (every benchmark request comes from the one pod at 127.0.0.1). HOME is
# the work directory: nothing of the user's (~/.aws) is read.
standalone_command() {
  local port=$1
  shift
  # shellcheck disable=SC2086
  echo env HOME="$BENCH_WORK" AWS_ACCESS_KEY_ID=AKIAPODIUMEMULATOR01 \
    AWS_SECRET_ACCESS_KEY=podiumEmulatorDevSecretKeyNotARealSecret \
    $(podium_launch "$@") standalone $(pod_source_args standalone) --region us-east-1 \
    --sts-endpoint "http://127.0.0.1:$STS_PORT" \
    --role-base-arn arn:aws:iam::123456789012:role/ --metadata-upstream none \
    --availability-zone us-east-1a --imds-listen "127.0.0.1:$port" --max-requests-per-second 0 \
    --container-credentials-listen none --metrics-listen "127.0.0.1:$(free_port)"
}

# java_pid PID — the JVM's PID for a process started with start_bg (`env … java` execs, so it is
# the same process); fails loudly if it is not a JVM.
java_pid() {
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = java ] || die "process $1 is not a JVM"
  echo "$1"
}

# rss_kib PID — resident set size of a process, from /proc.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# make_certs — `podium certs` into $BENCH_WORK/certs: a CA, a server certificate for 127.0.0.1
# and localhost, and an agent certificate for the node bench-node (the node of bench/pods.yaml).
make_certs() {
  [ -f "$BENCH_WORK/certs/ca.crt" ] && return 0
  env HOME="$BENCH_WORK" "$JAVA" -jar "$(podium_jar)" certs --out "$BENCH_WORK/certs" \
    --server-dns localhost --server-ip 127.0.0.1 --agent-node bench-node >"$BENCH_WORK/certs.log" 2>&1 ||
    die "podium certs failed: $(cat "$BENCH_WORK/certs.log")"
}

# server_command PORT [JVM OPTION...] — `podium server` with bench/pods.yaml as its pod source
# (the same pod, role and policy as standalone_command), the STS emulator, mutual TLS from
# make_certs, and the agent API on 127.0.0.1:PORT.
server_command() {
  local port=$1
  shift
  # shellcheck disable=SC2086
  echo env HOME="$BENCH_WORK" AWS_ACCESS_KEY_ID=AKIAPODIUMEMULATOR01 \
    AWS_SECRET_ACCESS_KEY=podiumEmulatorDevSecretKeyNotARealSecret \
    $(podium_launch "$@") server $(pod_source_args server) --region us-east-1 \
    --sts-endpoint "http://127.0.0.1:$STS_PORT" \
    --role-base-arn arn:aws:iam::123456789012:role/ --listen "127.0.0.1:$port" \
    --health-listen none --replica-id bench-server --tls-cert "$BENCH_WORK/certs/server.crt" \
    --tls-key "$BENCH_WORK/certs/server.key" --tls-ca "$BENCH_WORK/certs/ca.crt" \
    --metrics-listen "127.0.0.1:$(free_port)"
}

# agent_command PORT SERVER_PORT [JVM OPTION...] — `podium agent` of bench-node fed by the server
# on SERVER_PORT, with the same metadata options as standalone_command (no passthrough, no
# per-source rate limit). It holds no AWS credentials: only its certificate.
agent_command() {
  local port=$1 server_port=$2
  shift 2
  # shellcheck disable=SC2086
  echo env HOME="$BENCH_WORK" $(podium_launch "$@") agent \
    --server "127.0.0.1:$server_port" --node bench-node --region us-east-1 \
    --tls-cert "$BENCH_WORK/certs/agent-bench-node.crt" \
    --tls-key "$BENCH_WORK/certs/agent-bench-node.key" --tls-ca "$BENCH_WORK/certs/ca.crt" \
    --metadata-upstream none --availability-zone us-east-1a --imds-listen "127.0.0.1:$port" \
    --max-requests-per-second 0 --container-credentials-listen none \
    --metrics-listen "127.0.0.1:$(free_port)"
}
