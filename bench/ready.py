#!/usr/bin/env python3
"""Starts one server process and measures it: time to ready, resident memory idle and under load.

Used by bench/startup.sh.

  ready.py --url URL --log FILE [--idle-seconds S] [--load-seconds S] [--stop-wait S] -- CMD...

Runs CMD, polls URL every 5 ms from the moment the process is started, and records when the port
first answers at all (`listening_ms`) and when it first answers 200 (`ready_ms`: for Podium, the
credentials of the pod at 127.0.0.1 are cached, the STS call included). Then reads VmRSS from
/proc idle, samples it every 100 ms while `wrk -t1 -c8` loads URL, and stops the process with
SIGTERM (it is ended by its own PID, and killed if it does not stop). Prints one JSON object.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def probe(url):
    """The HTTP status URL answers with, or None when nothing answers."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=1)
    try:
        connection.request("GET", parts.path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--idle-seconds", type=float, default=2)
    parser.add_argument("--load-seconds", type=int, default=10)
    parser.add_argument("--stop-wait", type=float, default=30)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    result = {}
    with open(args.log, "ab") as log:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        try:
            listening = None
            while True:
                status = probe(args.url)
                now = time.monotonic()
                if status is not None and listening is None:
                    listening = now
                if status == 200:
                    break
                if process.poll() is not None:
                    raise SystemExit(f"the process exited ({process.returncode}) before {args.url} answered 200")
                if now - started > 60:
                    raise SystemExit(f"{args.url} did not answer 200 within 60 s")
                time.sleep(0.005)
            result["listening_ms"] = round((listening - started) * 1000, 1)
            result["ready_ms"] = round((now - started) * 1000, 1)
            result["rss_ready_kib"] = rss_kib(process.pid)

            time.sleep(args.idle_seconds)
            result["rss_idle_kib"] = rss_kib(process.pid)

            if args.load_seconds > 0:
                wrk = subprocess.Popen(["wrk", "-t1", "-c8", f"-d{args.load_seconds}s", args.url],
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                peak = 0
                while wrk.poll() is None:
                    peak = max(peak, rss_kib(process.pid) or 0)
                    time.sleep(0.1)
                output = wrk.stdout.read()
                rate = [line.split()[1] for line in output.splitlines() if line.startswith("Requests/sec")]
                result["load_requests_per_s"] = float(rate[0]) if rate else None
                result["rss_load_peak_kib"] = peak
                result["rss_after_load_kib"] = rss_kib(process.pid)
            result["rss_high_water_kib"] = rss_kib(process.pid, "VmHWM")

            stopping = time.monotonic()
            process.send_signal(signal.SIGTERM)
            try:
                result["exit_code"] = process.wait(timeout=args.stop_wait)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise SystemExit(f"the process did not stop within {args.stop_wait} s of SIGTERM")
            result["stop_ms"] = round((time.monotonic() - stopping) * 1000, 1)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
