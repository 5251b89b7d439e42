#!/usr/bin/python3
"""Throughput benchmark of influsim on frozen scenarios.

    /usr/bin/python3 experiments/bench/bench.py [--suite | --scenario FILE ...]
        [--trials N] [--repeats R] [--threads 1,all] [--binary LABEL=PATH ...]
        [--arg=--no-trials ...] [--numpy] [--csv FILE]

Runs `influsim run --timings` on each scenario (default: the benchmark
scenario experiments/bench/scenario.yaml; `--suite`: it and the five of
experiments/bench/suite/, see its README) at each thread count, for each
binary (several binaries are interleaved run by run, so a before/after
comparison sees the same machine state), keeps the fastest of the repeats,
prints one table and writes it as CSV. Columns:

  trials/s        trials / simulation wall time (engine only)
  e2e trials/s    trials / the whole command (load, simulate, statistics, write)
  hires/s/core    funnels simulated per second of simulation, per thread
  ns/hire         its inverse: nanoseconds of one core per hire simulated
  efficiency      trials/s at T threads / (T x trials/s at the first thread count)
  peak MiB        peak resident memory of the command (getrusage)
  write %         share of the whole command spent writing HDF5
  x NumPy         (--numpy) trials/s over those of numpy_model.py, the
                  vectorised NumPy implementation of the same model, on the
                  same scenario and trial count (one process, best of the
                  repeats; scenarios it does not support show "-")

Only the standard library is needed. Nothing here is asserted: it measures.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO = os.path.join(ROOT, "experiments", "bench", "scenario.yaml")
SUITE = [SCENARIO] + [os.path.join(ROOT, "experiments", "bench", "suite", f) for f in (
    "french-brand.yaml", "high-conversion.yaml", "macro-heavy.yaml", "twelve-regions.yaml",
    "roster-200.yaml")]
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


def scenario_label(path):
    name = os.path.splitext(os.path.basename(path))[0]
    return "benchmark" if os.path.abspath(path) == SCENARIO else name


def run_once(binary, scenario, threads, trials, extra, out):
    cmd = [binary, "run", scenario, "--quiet", "--timings", "-n", str(trials),
           "-t", str(threads), "-o", out] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    m = TIMINGS.search(p.stderr)
    if m is None:
        sys.exit(f"bench: no timings line from {binary}:\n{p.stderr}")
    return {k: float(v) for k, v in m.groupdict().items()}


def numpy_rate(scenario, trials, tmp):
    """trials/s of numpy_model.py on the scenario, or None if it does not
    support it."""
    js = os.path.join(tmp, "numpy.json")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "bench", "numpy_model.py"),
                        scenario, "-n", str(trials), "--json", js], capture_output=True, text=True)
    if p.returncode != 0:
        if "not supported here" in p.stderr:
            return None
        sys.exit(f"bench: numpy_model.py {scenario} failed:\n{p.stderr}")
    with open(js) as f:
        return json.load(f)["trials_per_s"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", action="store_true", help="every scenario of the suite")
    ap.add_argument("--scenario", action="append", default=[],
                    help="a scenario file (repeatable; default the benchmark scenario)")
    ap.add_argument("--trials", type=int, default=50000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1,all",
                    help="comma-separated thread counts; 'all' = every core")
    ap.add_argument("--binary", action="append", default=[],
                    help="LABEL=PATH of an influsim binary (repeatable; default build/influsim)")
    ap.add_argument("--arg", action="append", default=[],
                    help="extra argument for `influsim run` (repeatable), e.g. --arg=--no-trials")
    ap.add_argument("--numpy", action="store_true",
                    help="also time numpy_model.py on each scenario it supports")
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

    scenarios = SUITE if a.suite else (a.scenario or [SCENARIO])
    for sc in scenarios:
        if not os.path.isfile(sc):
            sys.exit(f"bench: {sc}: no such scenario file")

    best = {}
    numpy_best = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.h5")
        for _ in range(a.repeats):
            for sc in scenarios:
                if a.numpy and numpy_best.get(sc, 0) is not None:
                    rate = numpy_rate(sc, a.trials, tmp)
                    numpy_best[sc] = None if rate is None else max(rate, numpy_best.get(sc, 0))
                for t in threads:
                    for label, path in binaries:
                        r = run_once(path, sc, t, a.trials, a.arg, out)
                        if os.path.exists(out):
                            os.remove(out)
                        key = (sc, label, t)
                        if key not in best or r["total"] < best[key]["total"]:
                            best[key] = r

    rows = []
    for sc in scenarios:
        for label, _ in binaries:
            base = best[(sc, label, threads[0])]
            base_rate = a.trials / base["simulate"] / base["threads"]
            for t in threads:
                r = best[(sc, label, t)]
                rate = a.trials / r["simulate"]
                rows.append({
                    "scenario": scenario_label(sc),
                    "binary": label, "threads": int(r["threads"]), "trials": int(r["trials"]),
                    "simulate_s": r["simulate"], "total_s": r["total"],
                    "trials_per_s": rate, "e2e_trials_per_s": a.trials / r["total"],
                    "hires_per_trial": r["hires"] / r["trials"],
                    "hires_per_s_per_core": r["hires"] / r["simulate"] / r["threads"],
                    "ns_per_hire": 1e9 * r["simulate"] * r["threads"] / r["hires"],
                    "efficiency": rate / (r["threads"] * base_rate),
                    "peak_mib": r["peak"], "write_share": r["write"] / r["total"],
                    "numpy_trials_per_s": numpy_best.get(sc) or "",
                    "x_numpy": rate / numpy_best[sc] if numpy_best.get(sc) else "",
                })

    print(f"machine: {machine()}")
    print(f"scenarios: {', '.join(os.path.relpath(sc, ROOT) for sc in scenarios)}; "
          f"{a.trials} trials, best of {a.repeats}"
          + (f", extra arguments: {' '.join(a.arg)}" if a.arg else ""))
    head = ("threads", "hires/trial", "trials/s", "e2e trials/s", "hires/s/core", "ns/hire",
            "efficiency", "peak MiB", "write %", "x NumPy")
    sw = max(len(r["scenario"]) for r in rows)
    bw = max(6, max(len(label) for label, _ in binaries))
    print(f"{'scenario':<{sw}} {'binary':<{bw}} " + " ".join(f"{h:>12}" for h in head))
    for r in rows:
        print(f"{r['scenario']:<{sw}} {r['binary']:<{bw}} {r['threads']:>12} "
              f"{r['hires_per_trial']:>12.1f} {r['trials_per_s']:>12,.0f} "
              f"{r['e2e_trials_per_s']:>12,.0f} {r['hires_per_s_per_core']:>12,.0f} "
              f"{r['ns_per_hire']:>12.0f} {100 * r['efficiency']:>11.1f}% "
              f"{r['peak_mib']:>12.1f} {100 * r['write_share']:>11.1f}% "
              + (f"{r['x_numpy']:>12.1f}" if r["x_numpy"] != "" else f"{'-':>12}"))

    path = a.csv or f"bench-{platform.node()}-{datetime.date.today()}.csv"
    with open(path, "w", newline="") as f:
        f.write(f"# machine: {machine()}\n")
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
