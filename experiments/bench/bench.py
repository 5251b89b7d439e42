#!/usr/bin/python3
"""Throughput benchmark of influsim on a fixed scenario.

    /usr/bin/python3 experiments/bench/bench.py [--trials N] [--repeats R]
        [--threads 1,all] [--binary LABEL=PATH ...] [--arg=--no-trials ...]
        [--csv FILE]

Runs `influsim run --timings` on experiments/bench/scenario.yaml at each
thread count, for each binary (several binaries are interleaved run by run, so
a before/after comparison sees the same machine state), keeps the fastest of
the repeats, prints one table and writes it as CSV. Columns:

  trials/s        trials / simulation wall time (engine only)
  e2e trials/s    trials / the whole command (load, simulate, statistics, write)
  hires/s/core    funnels simulated per second of simulation, per thread
  efficiency      trials/s at T threads / (T x trials/s at the first thread count)
  peak MiB        peak resident memory of the command (getrusage)
  write %         share of the whole command spent writing HDF5

Only the standard library is needed. Nothing here is asserted: it measures.
"""
import argparse
import csv
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO = os.path.join(ROOT, "experiments", "bench", "scenario.yaml")
TIMINGS = re.compile(
    r"timings: load (?P<load>[\d.]+) s, simulate (?P<simulate>[\d.]+) s, "
    r"statistics (?P<statistics>[\d.]+) s, write (?P<write>[\d.]+) s, total (?P<total>[\d.]+) s; "
    r"threads (?P<threads>\d+); trials (?P<trials>\d+); hires simulated (?P<hires>\d+); "
    r"peak memory (?P<peak>[\d.]+) MiB")


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def run_once(binary, threads, trials, extra, out):
    cmd = [binary, "run", SCENARIO, "--quiet", "--timings", "-n", str(trials),
           "-t", str(threads), "-o", out] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    m = TIMINGS.search(p.stderr)
    if m is None:
        sys.exit(f"bench: no timings line from {binary}:\n{p.stderr}")
    return {k: float(v) for k, v in m.groupdict().items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=50000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1,all",
                    help="comma-separated thread counts; 'all' = every core")
    ap.add_argument("--binary", action="append", default=[],
                    help="LABEL=PATH of an influsim binary (repeatable; default build/influsim)")
    ap.add_argument("--arg", action="append", default=[],
                    help="extra argument for `influsim run` (repeatable), e.g. --arg=--no-trials")
    ap.add_argument("--csv", help="CSV file to write (default: bench-HOST-DATE.csv here)")
    a = ap.parse_args()

    binaries = []
    for b in a.binary or [f"current={os.path.join(ROOT, 'build', 'influsim')}"]:
        label, _, path = b.partition("=")
        if not path:
            label, path = os.path.basename(b), b
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: {path}: not an executable (build first: cmake --build build)")
        binaries.append((label, path))
    threads = []
    for t in a.threads.split(","):
        threads.append(os.cpu_count() if t == "all" else int(t))
    threads = list(dict.fromkeys(threads))

    best = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.h5")
        for _ in range(a.repeats):
            for t in threads:
                for label, path in binaries:
                    r = run_once(path, t, a.trials, a.arg, out)
                    if os.path.exists(out):
                        os.remove(out)
                    key = (label, t)
                    if key not in best or r["total"] < best[key]["total"]:
                        best[key] = r

    rows = []
    for label, _ in binaries:
        base = best[(label, threads[0])]
        base_rate = a.trials / base["simulate"] / base["threads"]
        for t in threads:
            r = best[(label, t)]
            rate = a.trials / r["simulate"]
            rows.append({
                "binary": label, "threads": int(r["threads"]), "trials": int(r["trials"]),
                "simulate_s": r["simulate"], "total_s": r["total"],
                "trials_per_s": rate, "e2e_trials_per_s": a.trials / r["total"],
                "hires_per_trial": r["hires"] / r["trials"],
                "hires_per_s_per_core": r["hires"] / r["simulate"] / r["threads"],
                "efficiency": rate / (r["threads"] * base_rate),
                "peak_mib": r["peak"], "write_share": r["write"] / r["total"],
            })

    print(f"machine: {machine()}")
    print(f"scenario: {os.path.relpath(SCENARIO, ROOT)}, {a.trials} trials, best of {a.repeats}"
          + (f", extra arguments: {' '.join(a.arg)}" if a.arg else ""))
    head = ("binary", "threads", "trials/s", "e2e trials/s", "hires/s/core", "efficiency",
            "peak MiB", "write %")
    width = max(8, max(len(label) for label, _ in binaries))
    print(f"{head[0]:<{width}} " + " ".join(f"{h:>12}" for h in head[1:]))
    for r in rows:
        print(f"{r['binary']:<{width}} {r['threads']:>12} {r['trials_per_s']:>12,.0f} "
              f"{r['e2e_trials_per_s']:>12,.0f} {r['hires_per_s_per_core']:>12,.0f} "
              f"{100 * r['efficiency']:>11.1f}% {r['peak_mib']:>12.1f} "
              f"{100 * r['write_share']:>11.1f}%")

    path = a.csv or f"bench-{platform.node()}-{datetime.date.today()}.csv"
    with open(path, "w", newline="") as f:
        f.write(f"# machine: {machine()}\n")
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
