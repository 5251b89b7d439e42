#!/usr/bin/python3
"""End-to-end test of `run --target-se X --max-trials N`.

- With 1 and 2 threads (and with --no-trials) the run stops at the same trial
  count, a whole number of 8,192-trial batches, with bit-identical datasets.
- At that count every strategy's mean conversions (those not 0) has a relative
  standard error at most X in the file's summary, and one batch fewer would
  not have (checked by a plain run of that many trials).
- A target out of reach runs to --max-trials and says it was not met; the file
  is complete.

Usage: /usr/bin/python3 tests/e2e/test_target_se.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, datasets, same, short

C = Checks()
ARGS = None
BATCH = 8192


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def worst_relative_se(path):
    with h5py.File(path, "r") as f:
        worst = 0.0
        for s in f["strategy"].asstr()[:]:
            g = f[f"strategies/{s}/summary"]
            i = list(g["metric"].asstr()[:]).index("conversions")
            if g["mean"][i] > 0:
                worst = max(worst, g["se"][i] / g["mean"][i])
        return worst, int(f.attrs["trials_done"]), bool(f.attrs["complete"])


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    target = 0.012
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-target-") as tmp:
        outs = {}
        for label, extra in (("1 thread", ["-t", "1"]), ("2 threads", ["-t", "2"]),
                             ("no-trials", ["-t", "2", "--no-trials"])):
            out = os.path.join(tmp, label.replace(" ", "-") + ".h5")
            r = influsim("run", "-q", "--target-se", str(target), "--max-trials", "1000000",
                         "-o", out, *extra)
            C.check(f"{label}: exit 0 and says the target was met",
                    r.returncode == 0 and "met after" in r.stderr, short(r.stderr))
            outs[label] = out
        results = {k: worst_relative_se(v) for k, v in outs.items() if os.path.exists(v)}
        counts = {k: v[1] for k, v in results.items()}
        C.check("same trial count with 1 and 2 threads and --no-trials",
                len(set(counts.values())) == 1 and len(counts) == 3, str(counts))
        done = counts.get("1 thread", 0)
        C.check("stops at whole batches of 8,192 trials", done > 0 and done % BATCH == 0,
                str(done))
        a, b = datasets(outs["1 thread"]), datasets(outs["2 threads"])
        differ = [k for k in a if k not in b or not same(a[k], b[k])]
        C.check("1 and 2 threads: bit-identical datasets", not differ, ", ".join(differ[:5]))
        worst, _, complete = results["1 thread"]
        C.check("the file's worst relative SE is within the target, and it is complete",
                worst <= target and complete, f"{worst}")
        if done > BATCH:
            fewer = os.path.join(tmp, "fewer.h5")
            r = influsim("run", "-q", "--trials", str(done - BATCH), "-o", fewer)
            w, _, _ = worst_relative_se(fewer) if r.returncode == 0 else (0, 0, 0)
            C.check("one batch fewer would not have met it", w > target, f"{w}")

        capped = os.path.join(tmp, "capped.h5")
        r = influsim("run", "-q", "--target-se", "1e-6", "--max-trials", str(2 * BATCH), "-o",
                     capped)
        worst, n, complete = worst_relative_se(capped) if r.returncode == 0 else (0, 0, False)
        C.check("an unreachable target runs to --max-trials and says so; the file is complete",
                r.returncode == 0 and "NOT met" in r.stderr and n == 2 * BATCH and complete,
                f"rc {r.returncode} n {n} {short(r.stderr)}")
        r = influsim("run", "-q", "--target-se", "2", "-o", capped + "x")
        C.check("--target-se 2: exit 2", r.returncode == 2, short(r.stderr))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
