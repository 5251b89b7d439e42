#!/usr/bin/python3
"""End-to-end test: influsim and an independent NumPy implementation of the
model agree.

experiments/bench/numpy_model.py implements docs/model.md with NumPy's own
generator, so its trials are not influsim's; the two must agree in
distribution. For three frozen scenarios of the benchmark suite (the benchmark
scenario: overlap, word of mouth, stop-free skip hiring; the high-conversion
brand: repeat orders, delivery, overhead, large binomial means; twelve
regions), every compared metric's mean per strategy must agree within 5
standard errors of the difference (about 40 comparisons a scenario; with fixed
seeds the outcome is the same every run). The test must be able to fail: the
same comparison against influsim with the purchase rate halved has to find
conversions that disagree.

Usage: /usr/bin/python3 tests/e2e/test_numpy_model.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, short

METRICS = ("hires", "spend", "unspent", "undelivered", "engagements", "interested",
           "distinct_interested", "conversions", "conversions_wom", "lost_conversions",
           "orders", "revenue", "profit")
CASES = (("benchmark", "experiments/bench/scenario.yaml", 3000),
         ("high-conversion", "experiments/bench/suite/high-conversion.yaml", 3000),
         ("twelve-regions", "experiments/bench/suite/twelve-regions.yaml", 2000))
Z = 5.0

C = Checks()


def influsim_means(args, scenario, n, tmp, extra=()):
    out = os.path.join(tmp, "run.h5")
    r = checks.run(args.influsim, "run", scenario, "-q", "-n", str(n), "-o", out, *extra,
                   timeout=600)
    if r.returncode != 0:
        return None, short(r.stderr)
    res = {}
    with h5py.File(out, "r") as f:
        for s in f["strategies"]:
            t = f["strategies"][s]["trials"]
            res[s] = {m: (float(np.mean(t[m][()])), float(np.std(t[m][()], ddof=1) / math.sqrt(n)))
                      for m in METRICS}
    os.remove(out)
    return res, ""


def numpy_means(args, scenario, n, tmp):
    js = os.path.join(tmp, "numpy.json")
    script = os.path.join(args.source_dir, "experiments", "bench", "numpy_model.py")
    r = subprocess.run([sys.executable, script, scenario, "-n", str(n), "--seed", "7",
                        "--json", js], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        return None, short(r.stderr)
    with open(js) as f:
        d = json.load(f)["strategies"]
    return {s: {m: (v[m]["mean"], v[m]["se"]) for m in METRICS} for s, v in d.items()}, ""


def disagreements(a, b):
    """The metrics whose means differ by more than Z standard errors, and the
    largest difference seen, in standard errors."""
    bad, worst = [], 0.0
    for s in a:
        for m in METRICS:
            (ma, sa), (mb, sb) = a[s][m], b[s][m]
            se = math.hypot(sa, sb)
            if se == 0:
                if ma != mb:
                    bad.append(f"{s}/{m}: {ma} vs {mb}")
            else:
                worst = max(worst, abs(ma - mb) / se)
                if abs(ma - mb) > Z * se:
                    bad.append(f"{s}/{m}: {ma:.4g} vs {mb:.4g} ({abs(ma - mb) / se:.1f} se)")
    return bad, worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, rel, n in CASES:
            scenario = os.path.join(args.source_dir, rel)
            ours, err = influsim_means(args, scenario, n, tmp)
            if not C.check(f"{name}: influsim runs", ours is not None, err):
                continue
            theirs, err = numpy_means(args, scenario, n, tmp)
            if not C.check(f"{name}: numpy_model runs", theirs is not None, err):
                continue
            C.check(f"{name}: same strategies", sorted(ours) == sorted(theirs),
                    f"{sorted(ours)} vs {sorted(theirs)}")
            if sorted(ours) != sorted(theirs):
                continue
            bad, worst = disagreements(ours, theirs)
            C.check(f"{name}: {len(ours) * len(METRICS)} means agree within {Z:g} se "
                    f"(largest difference {worst:.2f} se)",
                    not bad, "; ".join(bad[:6]))
            if name == "benchmark":
                # The comparison has power: halve the purchase rate in influsim.
                off, err = influsim_means(
                    args, scenario, n, tmp,
                    ("--set", "market.purchase_rate={beta: {mean: 0.004, kappa: 200}}"))
                if C.check(f"{name}: influsim runs with the purchase rate halved",
                           off is not None, err):
                    bad, _ = disagreements(off, theirs)
                    C.check(f"{name}: a halved purchase rate is seen in conversions",
                            any("/conversions:" in b for b in bad), "; ".join(bad[:3]))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
