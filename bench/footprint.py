#!/usr/bin/env python3
"""Measures what Podium's long-running processes cost: time to ready, resident memory idle and at
its peak under the hot-path load, threads, and where the memory goes. Used by bench/footprint.sh.

  footprint.py --spec SPEC.json

SPEC (written by footprint.sh) names, per role (standalone, server, agent), the command line, the
URL that answers 200 once the process is ready (standalone and the agent: the pod's credentials,
so the STS call or the server's snapshot is included; the server: its /readyz), its /metrics URL,
and the bare Netty baseline's command and URL. Three phases:

1. Starts: `repeats` rounds; each starts standalone alone, then the server, then the agent (the
   server still running), and measures each from the moment its process is started: ready time
   (polled every 5 ms), RSS and threads when ready and `idle_seconds` later, the JVM's heap and
   non-heap from its /metrics. Each process is stopped (SIGTERM, by its PID) before the next
   round.
2. Load: baseline, standalone, server and agent run together; loadgen.py compares standalone and
   the agent with the baseline (max throughput and p99 at 2,000 req/s, the hot path's targets)
   while every process's RSS is sampled every 100 ms: the peak under load is the largest sample.
3. Native memory (optional): each role once more with -XX:NativeMemoryTracking=summary (through
   `nmt_option`), under a few seconds of load; `jcmd VM.native_memory summary` splits its
   committed memory by category (heap, class metadata, code, threads, GC, symbols, ...).

Prints one JSON object on stdout; progress on stderr.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def log(message):
    print(f"[footprint] {message}", file=sys.stderr, flush=True)


def status_kib(pid):
    """VmRSS, RssAnon, RssFile, VmHWM and Threads from /proc/PID/status."""
    out = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
                out[key] = int(value.split()[0])
            elif key == "Threads":
                out[key] = int(value.split()[0])
    return out


def http_status(url, timeout=1.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def jvm_metrics(url):
    """Heap and non-heap used and committed, direct buffers and threads, from Prometheus text."""
    if not url:
        return None
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return None
    wanted = {
        'jvm_memory_used_bytes{area="heap"}': "heap_used",
        'jvm_memory_committed_bytes{area="heap"}': "heap_committed",
        'jvm_memory_used_bytes{area="nonheap"}': "nonheap_used",
        'jvm_memory_committed_bytes{area="nonheap"}': "nonheap_committed",
        'jvm_buffer_pool_used_bytes{pool="direct"}': "direct_used",
        "jvm_threads_current": "threads",
        'jvm_classes_currently_loaded': "classes_loaded",
    }
    out = {}
    pools = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        if name in wanted:
            out[wanted[name]] = float(value)
        m = re.match(r'jvm_memory_pool_used_bytes\{pool="([^"]+)"\}', name)
        if m:
            pools[m.group(1)] = float(value)
    for key in list(out):
        if key.endswith(("_used", "_committed")):
            out[key + "_mib"] = round(out.pop(key) / 1048576, 1)
    out["pools_used_mib"] = {k: round(v / 1048576, 1) for k, v in pools.items()}
    return out


class Process:
    """One process of the run, started now, ended by its PID."""

    def __init__(self, name, command, log_file, env=None):
        self.name = name
        self.started = time.monotonic()
        self.log = open(log_file, "ab")
        self.popen = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, env=env)
        self.pid = self.popen.pid

    def wait_ready(self, url, timeout=120):
        while True:
            if http_status(url) == 200:
                return round((time.monotonic() - self.started) * 1000, 1)
            if self.popen.poll() is not None:
                raise SystemExit(f"{self.name} exited ({self.popen.returncode}) before {url} answered 200")
            if time.monotonic() - self.started > timeout:
                raise SystemExit(f"{self.name}: {url} did not answer 200 within {timeout} s")
            time.sleep(0.005)

    def stop(self, timeout=60):
        if self.popen.poll() is None:
            stopping = time.monotonic()
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
                raise SystemExit(f"{self.name} did not stop within {timeout} s of SIGTERM")
            stop_ms = round((time.monotonic() - stopping) * 1000, 1)
        else:
            stop_ms = None
        self.log.close()
        return stop_ms


def measure_start(spec, role, work, idle_seconds, round_number):
    r = spec["roles"][role]
    process = Process(role, r["command"], os.path.join(work, f"{role}-start-{round_number}.log"))
    try:
        ready_ms = process.wait_ready(r["ready_url"])
        at_ready = status_kib(process.pid)
        time.sleep(idle_seconds)
        idle = status_kib(process.pid)
        metrics = jvm_metrics(r.get("metrics_url"))
    except BaseException:
        process.stop()
        raise
    return process, {
        "ready_ms": ready_ms,
        "rss_ready_kib": at_ready["VmRSS"],
        "threads_ready": at_ready["Threads"],
        "rss_idle_kib": idle["VmRSS"],
        "rss_idle_anon_kib": idle["RssAnon"],
        "rss_idle_file_kib": idle["RssFile"],
        "threads_idle": idle["Threads"],
        "jvm": metrics,
    }


def starts_phase(spec, work, repeats, idle_seconds):
    runs = {role: [] for role in ("standalone", "server", "agent")}
    for i in range(1, repeats + 1):
        standalone, result = measure_start(spec, "standalone", work, idle_seconds, i)
        result["stop_ms"] = standalone.stop()
        runs["standalone"].append(result)
        log(f"round {i} standalone: ready {result['ready_ms']} ms, RSS idle "
            f"{result['rss_idle_kib'] / 1024:.1f} MiB, {result['threads_idle']} threads")
        server, server_result = measure_start(spec, "server", work, idle_seconds, i)
        try:
            agent, result = measure_start(spec, "agent", work, idle_seconds, i)
            result["stop_ms"] = agent.stop()
            runs["agent"].append(result)
            log(f"round {i} agent: ready {result['ready_ms']} ms, RSS idle "
                f"{result['rss_idle_kib'] / 1024:.1f} MiB, {result['threads_idle']} threads")
        finally:
            server_result["stop_ms"] = server.stop()
        runs["server"].append(server_result)
        log(f"round {i} server: ready {server_result['ready_ms']} ms, RSS idle "
            f"{server_result['rss_idle_kib'] / 1024:.1f} MiB, {server_result['threads_idle']} threads")
    return runs


class Sampler(threading.Thread):
    """Samples the RSS of several processes every 100 ms until stopped; keeps each one's peak."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = {name: {"VmRSS": 0} for name in pids}
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            for name, pid in self.pids.items():
                try:
                    s = status_kib(pid)
                except OSError:
                    continue
                if s["VmRSS"] > self.peak[name]["VmRSS"]:
                    self.peak[name] = s
            time.sleep(0.1)


def load_phase(spec, work, idle_seconds, smoke, loadgen_args):
    processes = {}
    try:
        b = spec["baseline"]
        processes["baseline"] = Process("baseline", b["command"], os.path.join(work, "baseline-load.log"))
        processes["baseline"].wait_ready(b["url"])
        for role in ("standalone", "server", "agent"):
            r = spec["roles"][role]
            processes[role] = Process(role, r["command"], os.path.join(work, f"{role}-load.log"))
            processes[role].wait_ready(r["ready_url"])
        sizes = {}
        for name, url in (("baseline", b["url"]), ("standalone", spec["roles"]["standalone"]["ready_url"]),
                          ("agent", spec["roles"]["agent"]["ready_url"])):
            with urllib.request.urlopen(url, timeout=5) as response:
                sizes[name] = len(response.read())
        if len(set(sizes.values())) != 1:
            log(f"note: the documents differ in size: {sizes}")
        time.sleep(idle_seconds)
        before = {name: status_kib(p.pid) for name, p in processes.items()}
        sampler = Sampler({name: p.pid for name, p in processes.items()})
        sampler.start()
        command = [sys.executable, os.path.join(HERE, "loadgen.py")] + (["--smoke"] if smoke else loadgen_args)
        command += ["--target", f"baseline={b['url']}"]
        for role in ("standalone", "agent"):
            command += ["--target", f"{role}={spec['roles'][role]['ready_url']}"]
        for name in ("baseline", "standalone", "agent"):
            command += ["--pid", f"{name}={processes[name].pid}"]
        log("load: " + " ".join(command[2:]))
        output = subprocess.run(command, capture_output=True, text=True)
        sampler.done.set()
        sampler.join()
        sys.stderr.write(output.stderr)
        if output.returncode != 0:
            raise SystemExit(f"loadgen failed ({output.returncode})")
        hotpath = json.loads(output.stdout)
        time.sleep(idle_seconds)
        after = {name: status_kib(p.pid) for name, p in processes.items()}
        metrics = {role: jvm_metrics(spec["roles"][role].get("metrics_url"))
                   for role in ("standalone", "server", "agent")}
        for name, p in processes.items():
            if p.popen.poll() is not None:
                raise SystemExit(f"{name} died during the load")
        result = {}
        for name in processes:
            peak = sampler.peak[name]
            result[name] = {
                "rss_before_load_kib": before[name]["VmRSS"],
                "threads_before_load": before[name]["Threads"],
                "rss_load_peak_kib": peak["VmRSS"],
                "rss_load_peak_anon_kib": peak.get("RssAnon"),
                "rss_load_peak_file_kib": peak.get("RssFile"),
                "threads_load_peak": peak.get("Threads"),
                "rss_after_load_kib": after[name]["VmRSS"],
                "rss_high_water_kib": after[name]["VmHWM"],
                "threads_after_load": after[name]["Threads"],
                "jvm_after_load": metrics.get(name),
            }
        hotpath["body_bytes"] = sizes
        return result, hotpath
    finally:
        for p in reversed(list(processes.values())):
            p.stop()


def parse_nmt(text):
    """Committed KiB per category of `jcmd VM.native_memory summary`."""
    out = {}
    total = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", text)
    if total:
        out["Total"] = int(total.group(1))
    for m in re.finditer(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB\)", text, re.M):
        out[m.group(1).strip()] = int(m.group(2))
    return out


def nmt_phase(spec, work, load_seconds):
    java_home = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    out = {}
    server = None
    try:
        for role in ("standalone", "server", "agent"):
            r = spec["roles"][role]
            command = r["nmt_command"]
            p = Process(role, command, os.path.join(work, f"{role}-nmt.log"))
            p.wait_ready(r["ready_url"])
            if role != "server":
                subprocess.run(["wrk", "-t1", "-c8", f"-d{load_seconds}s", r["ready_url"]],
                               capture_output=True, check=True)
            summary = subprocess.run([os.path.join(java_home, "bin", "jcmd"), str(p.pid),
                                      "VM.native_memory", "summary"],
                                     capture_output=True, text=True).stdout
            out[role] = {"committed_kib": parse_nmt(summary), "rss_kib": status_kib(p.pid)["VmRSS"]}
            if role == "server":
                server = p
            else:
                p.stop()
    finally:
        if server:
            server.stop()
    return out


def median_of(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    args = parser.parse_args()
    spec = json.load(open(args.spec))
    work = spec["work"]
    smoke = spec["smoke"]
    repeats, idle = spec["repeats"], spec["idle_seconds"]

    runs = starts_phase(spec, work, repeats, idle)
    starts = {}
    for role, role_runs in runs.items():
        starts[role] = {
            "median": {key: median_of(role_runs, key) for key in (
                "ready_ms", "rss_ready_kib", "rss_idle_kib", "rss_idle_anon_kib",
                "rss_idle_file_kib", "threads_idle", "stop_ms")},
            "min_ready_ms": min(r["ready_ms"] for r in role_runs),
            "max_ready_ms": max(r["ready_ms"] for r in role_runs),
            "runs": role_runs,
        }
    log("load phase")
    load, hotpath = load_phase(spec, work, idle, smoke, spec.get("loadgen_args", []))
    nmt = nmt_phase(spec, work, 1 if smoke else 5) if spec.get("nmt") else None
    print(json.dumps({"repeats": repeats, "idle_seconds": idle, "jvm_options": spec["jvm_options"],
                      "starts": starts, "load": load, "native_memory": nmt, "hotpath": hotpath}))


if __name__ == "__main__":
    main()
