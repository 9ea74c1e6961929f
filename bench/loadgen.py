#!/usr/bin/env python3
"""Drives wrk and hey against several HTTP targets in one run and compares each with the first.

Used by bench/hotpath.sh and bench/footprint.sh. Targets are measured in alternating rounds (A, B, C, A, B, C, ...) so
that drift of a shared machine hits all of them alike; each figure is the median over rounds, and
every comparison is a ratio against the baseline measured in the same run.

  loadgen.py --target NAME=URL [--target NAME=URL ...] [--pid NAME=PID ...] [--smoke]
             [--rounds WRK_ROUNDS,HEY_ROUNDS]

The first target is the baseline. With --pid, the server's CPU time (user + system, from
/proc/PID/stat) is read around every wrk run: CPU microseconds per request is a cost that drifts
far less than requests/s when other work shares the machine. Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WRK_SCRIPT = os.path.join(HERE, "wrk-report.lua")

# The fixed rate of the latency comparison: hey -c 4 -q 500 = 4 workers x 500 req/s = 2,000 req/s.
HEY_WORKERS = 4
HEY_RATE_PER_WORKER = 500


def log(message):
    print(message, file=sys.stderr, flush=True)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of a process so far, from /proc (fields 14 and 15 of stat)."""
    if pid is None:
        return None
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def wrk(url, seconds, keepalive, pid=None, headers=()):
    """Maximum throughput: wrk -t1 -c8 for `seconds`; returns wrk-report.lua's JSON, plus the
    server's CPU microseconds per request when its pid is known."""
    before = cpu_seconds(pid)
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", "-s", WRK_SCRIPT]
    if not keepalive:
        command += ["-H", "Connection: close"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    if pid is not None:
        report["server_cpu_us_per_request"] = round(
            (cpu_seconds(pid) - before) * 1e6 / max(1, report["requests"]), 2)
    errors = report["errors"]
    if errors["status"] or errors["timeout"] or errors["connect"]:
        raise SystemExit(f"wrk against {url} saw errors: {errors}\n{output}")
    return report


# hey prints response times in seconds with four decimals: 0.1 ms steps, too coarse to compare
# sub-millisecond percentiles by a factor of 1.2. Percentiles are therefore interpolated within
# the step, assuming answers are spread evenly across it (as Prometheus' histogram_quantile does
# within a bucket); the nearest-rank values of hey's own steps are kept as `latency_ms_steps`.
HEY_STEP_MS = 0.1


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, int(-(-fraction * len(sorted_values) // 1)))
    return sorted_values[rank - 1]


def interpolated_percentile(sorted_values, fraction, step):
    """Percentile of values rounded to `step`, interpolated within the step that holds it."""
    if not sorted_values:
        return None
    rank = fraction * len(sorted_values)
    below = 0
    i = 0
    while i < len(sorted_values):
        value = sorted_values[i]
        j = i
        while j < len(sorted_values) and sorted_values[j] == value:
            j += 1
        count = j - i
        if below + count >= rank:
            low = max(0.0, value - step / 2)
            return round(low + (rank - below) / count * (value + step / 2 - low), 4)
        below += count
        i = j
    return sorted_values[-1]


def hey(url, requests, keepalive, headers=()):
    """Latency at the fixed rate: hey -c 4 -q 500 -n REQUESTS -o csv; percentiles in ms."""
    command = ["hey", "-c", str(HEY_WORKERS), "-q", str(HEY_RATE_PER_WORKER), "-n", str(requests),
               "-o", "csv"]
    if not keepalive:
        command.append("-disable-keepalive")
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(io.StringIO(output)))
    statuses = {}
    for row in rows:
        statuses[row["status-code"]] = statuses.get(row["status-code"], 0) + 1
    if len(rows) != requests or statuses != {"200": requests}:
        raise SystemExit(f"hey against {url}: {len(rows)} answers of {requests}, statuses {statuses}")
    times = sorted(float(row["response-time"]) * 1000 for row in rows)
    offsets = [float(row["offset"]) for row in rows]
    span = max(offsets) - min(offsets)
    times = [round(t, 1) for t in times]
    return {
        "requests": len(rows),
        "achieved_rate_per_s": round(len(rows) / span, 1) if span > 0 else None,
        "latency_ms": {
            "p50": interpolated_percentile(times, 0.50, HEY_STEP_MS),
            "p90": interpolated_percentile(times, 0.90, HEY_STEP_MS),
            "p99": interpolated_percentile(times, 0.99, HEY_STEP_MS),
            "p999": interpolated_percentile(times, 0.999, HEY_STEP_MS),
            "max": times[-1],
        },
        "latency_ms_steps": {
            "p50": percentile(times, 0.50),
            "p99": percentile(times, 0.99),
        },
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", action="append", required=True, help="NAME=URL, baseline first")
    parser.add_argument("--pid", action="append", default=[], help="NAME=PID of a target's server")
    parser.add_argument("--header", action="append", default=[],
                        help="NAME=HEADER: a request header for a target (e.g. Authorization: ...)")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--rounds", help="WRK_ROUNDS,HEY_ROUNDS instead of 10,6 (bench/footprint.sh: 6,4)")
    args = parser.parse_args()
    targets = [tuple(t.split("=", 1)) for t in args.target]
    pids = {name: int(pid) for name, pid in (p.split("=", 1) for p in args.pid)}
    headers = {}
    for name, header in (h.split("=", 1) for h in args.header):
        headers.setdefault(name, []).append(header)
    baseline = targets[0][0]

    if args.smoke:
        warmup_s, wrk_s, wrk_rounds, hey_requests, hey_rounds = 1, 1, 1, 200, 1
    else:
        warmup_s, wrk_s, wrk_rounds, hey_requests, hey_rounds = 10, 3, 10, 10_000, 6
        if args.rounds:
            wrk_rounds, hey_rounds = (int(n) for n in args.rounds.split(","))

    plan = {"wrk": {"threads": 1, "connections": 8, "seconds": wrk_s, "rounds": wrk_rounds,
                    "warmup_seconds": warmup_s},
            "hey": {"workers": HEY_WORKERS, "rate_per_s": HEY_WORKERS * HEY_RATE_PER_WORKER,
                    "requests": hey_requests, "rounds": hey_rounds},
            "baseline": baseline,
            "order": "targets alternate within each round, reversed every other round (ABBA)"}

    for name, url in targets:
        log(f"warm-up {name}: wrk {warmup_s}s keep-alive, {warmup_s}s new connections")
        wrk(url, warmup_s, True, headers=headers.get(name, ()))
        wrk(url, warmup_s, False, headers=headers.get(name, ()))

    modes = (("keepalive", True), ("new_connection", False))
    runs = {name: {mode: {"wrk": [], "hey": []} for mode, _ in modes} for name, _ in targets}
    for mode, keepalive in modes:
        for round_number in range(wrk_rounds):
            order = targets if round_number % 2 == 0 else list(reversed(targets))
            for name, url in order:
                report = wrk(url, wrk_s, keepalive, pids.get(name), headers.get(name, ()))
                runs[name][mode]["wrk"].append(report)
                cpu = report.get("server_cpu_us_per_request")
                log(f"wrk {mode:14} round {round_number + 1:2} {name:16} "
                    f"{report['requests_per_s']:>9.0f} req/s" + (f"  {cpu:6.2f} us CPU/req" if cpu else ""))
        for round_number in range(hey_rounds):
            order = targets if round_number % 2 == 0 else list(reversed(targets))
            for name, url in order:
                report = hey(url, hey_requests, keepalive, headers.get(name, ()))
                runs[name][mode]["hey"].append(report)
                latency = report["latency_ms"]
                log(f"hey {mode:14} round {round_number + 1:2} {name:16} p50 {latency['p50']:.3f} ms"
                    f"  p99 {latency['p99']:.3f} ms  ({report['achieved_rate_per_s']} req/s)")

    def spread(values):
        values = sorted(values)
        return {"median": round(statistics.median(values), 3), "min": round(values[0], 3),
                "max": round(values[-1], 3)}

    summary = {}
    for name, _ in targets:
        summary[name] = {}
        for mode, _ in modes:
            wrk_runs = runs[name][mode]["wrk"]
            hey_runs = runs[name][mode]["hey"]
            cpu = [r["server_cpu_us_per_request"] for r in wrk_runs if "server_cpu_us_per_request" in r]
            summary[name][mode] = {
                "requests_per_s": statistics.median(r["requests_per_s"] for r in wrk_runs),
                "server_cpu_us_per_request": statistics.median(cpu) if cpu else None,
                "latency_ms": {
                    p: statistics.median(r["latency_ms"][p] for r in hey_runs)
                    for p in ("p50", "p90", "p99", "p999")
                },
            }

    # Each round's ratio pairs measurements taken seconds apart; their median is the figure.
    comparison = {}
    for name, _ in targets[1:]:
        comparison[name] = {}
        for mode, _ in modes:
            mine, base = runs[name][mode], runs[baseline][mode]
            throughput = spread([m["requests_per_s"] / b["requests_per_s"]
                                 for m, b in zip(mine["wrk"], base["wrk"])])
            p99 = spread([m["latency_ms"]["p99"] / b["latency_ms"]["p99"]
                          for m, b in zip(mine["hey"], base["hey"])])
            p50 = spread([m["latency_ms"]["p50"] / b["latency_ms"]["p50"]
                          for m, b in zip(mine["hey"], base["hey"])])
            entry = {
                "throughput_ratio": throughput,
                "throughput_target": ">= 0.8",
                "throughput_met": throughput["median"] >= 0.8,
                "p50_ratio": p50,
                "p99_ratio": p99,
                "p99_target": "<= 1.2",
                "p99_met": p99["median"] <= 1.2,
            }
            if summary[name][mode]["server_cpu_us_per_request"] and summary[baseline][mode]["server_cpu_us_per_request"]:
                entry["cpu_per_request_ratio"] = spread(
                    [m["server_cpu_us_per_request"] / b["server_cpu_us_per_request"]
                     for m, b in zip(mine["wrk"], base["wrk"])
                     if m.get("server_cpu_us_per_request") and b.get("server_cpu_us_per_request")])
            comparison[name][mode] = entry
    print(json.dumps({"plan": plan, "summary": summary, "comparison": comparison, "runs": runs}))


if __name__ == "__main__":
    main()
