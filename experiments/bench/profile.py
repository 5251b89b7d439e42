#!/usr/bin/python3
"""Where the time goes, per scenario of the benchmark suite.

    /usr/bin/python3 experiments/bench/profile.py [--binary PATH] [--trials N]
        [--scenario FILE ...] [--top K]

Runs `perf record` on `influsim run -t 1` for each scenario (default: the
whole suite, as bench.py --suite), and prints for each the share of samples by
part of the program (the groups below, by function name) and its top
functions. One thread, so the shares are those of one core's time; the whole
command is profiled (load, simulate, statistics, write). Needs `perf`
(Debian's linux-perf) and a binary with symbols (a Release build keeps them).
Nothing here is asserted: it measures.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the suite's list and labels)

GROUPS = (
    ("binomial", re.compile(r"binomial|multinomial")),
    ("normal, gamma, beta, Dirichlet", re.compile(r"normal|gamma|beta|dirichlet")),
    ("hypergeometric", re.compile(r"hypergeometric|log_factorial")),
    ("Poisson", re.compile(r"poisson")),
    ("log, exp (fmath)", re.compile(r"fmath")),
    ("distributions, candidates, hiring, funnel",
     re.compile(r"dist_draw|draw_candidate|hire|funnel|model_trial|tier_|add_hire|roster|named|creator")),
    ("statistics (sort, summaries)", re.compile(r"sort|summar|tally|quantile|moments|compar")),
    ("writing (zlib, HDF5)", re.compile(r"libz|H5|h5|deflate|chunk|compress|crc|fletcher")),
)


def profile(binary, scenario, trials, tmp):
    data = os.path.join(tmp, "perf.data")
    out = os.path.join(tmp, "run.h5")
    rec = subprocess.run(["perf", "record", "-q", "-F", "4000", "-o", data, binary, "run",
                          scenario, "-q", "-t", "1", "-n", str(trials), "-o", out],
                         capture_output=True, text=True)
    if rec.returncode != 0:
        sys.exit(f"profile: perf record failed on {scenario}:\n{rec.stderr}")
    rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                          "--sort", "dso,symbol"], capture_output=True, text=True)
    rows = []
    for line in rep.stdout.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[.\]\s+(.+)$", line)
        if m:
            sym = re.sub(r"(\s+-)+\s*$", "", m.group(3)).strip()
            rows.append((float(m.group(1)), m.group(2), sym))
    os.remove(out)
    os.remove(data)
    return rows


def group_of(dso, sym):
    text = f"{dso} {sym}"
    for name, rx in GROUPS:
        if rx.search(sym) or (name.startswith("writing") and rx.search(dso)):
            return name
    if "libgsl" in dso and "sort" in sym:
        return "statistics (sort, summaries)"
    if "kernel" in text:
        return "kernel"
    return "other"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(bench.ROOT, "build-rel", "influsim"))
    ap.add_argument("--trials", type=int, default=20000)
    ap.add_argument("--scenario", action="append", default=[])
    ap.add_argument("--top", type=int, default=6)
    a = ap.parse_args()
    scenarios = a.scenario or bench.SUITE
    print(f"machine: {bench.machine()}; {a.binary}; {a.trials} trials, 1 thread")
    with tempfile.TemporaryDirectory() as tmp:
        for sc in scenarios:
            rows = profile(a.binary, sc, a.trials, tmp)
            total = sum(r[0] for r in rows) or 1.0
            shares = {}
            for pct, dso, sym in rows:
                g = group_of(dso, sym)
                shares[g] = shares.get(g, 0.0) + pct
            print(f"\n{bench.scenario_label(sc)}")
            for g, pct in sorted(shares.items(), key=lambda kv: -kv[1]):
                print(f"  {100 * pct / total:5.1f} %  {g}")
            print("  top functions: " + ", ".join(
                f"{sym.split('.')[0]} {100 * pct / total:.1f} %" for pct, _, sym in rows[:a.top]))


if __name__ == "__main__":
    main()
