#!/usr/bin/python3
"""End-to-end test of `influsim sweep`.

- A 1-D budget sweep of tests/scenarios/small.yaml: /sweep holds the grid as
  the `budget` dimension scale, and at every point every statistic (and every
  comparison) equals, number for number, a plain `influsim run` with
  --set budget=VALUE and the same seed; the same with --no-trials.
- A 2-D sweep: arrays over (key 1, key 2, strategy, metric), each dimension
  with its scale, the grid values as asked (log spacing included); the same
  numbers with 1 and 2 threads.
- Crossovers: on tests/scenarios/crossover.yaml, whose best strategy changes at
  a budget of exactly 10,000, one change by mean and one by median, in the grid
  bracket around 10,000, in /sweep/crossovers and on screen; none when there is
  none.
- Bad --vary specifications and a grid point the scenario rejects: exit 2, a
  message, no file. `show` of a sweep file says where its results are.

Usage: /usr/bin/python3 tests/e2e/test_sweep.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, short

C = Checks()
ARGS = None
STATS = ("mean", "sd", "se", "min", "max", "q01", "q05", "q10", "q25", "q50", "q75", "q90",
         "q95", "q99", "p_zero", "ratio_of_totals", "n")
COMPARISONS = ("p_greater", "p_tie", "mean_difference", "se_difference")


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def same(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def point_equals_run(tmp, sweep_file, small, extra, label):
    with h5py.File(sweep_file, "r") as f:
        g = f["sweep"]
        budgets = g["budget"][:]
        metrics = list(g["metric"].asstr()[:])
        strategies = list(g["strategy"].asstr()[:])
        bad = []
        for i, b in enumerate(budgets):
            out = os.path.join(tmp, f"{label}-{i}.h5")
            r = influsim("run", small, "-q", "--trials", "400", "--set", f"budget={b!r}",
                         "-o", out, *extra)
            if r.returncode != 0:
                bad.append(f"run at {b}: {short(r.stderr)}")
                continue
            with h5py.File(out, "r") as run:
                for s_i, s in enumerate(strategies):
                    summ = run[f"strategies/{s}/summary"]
                    order = [list(summ["metric"].asstr()[:]).index(m) for m in metrics]
                    for stat in STATS:
                        if not same(g[stat][i, s_i, :], summ[stat][:][order]):
                            bad.append(f"{stat} of {s} at budget {b}")
                for cmp in COMPARISONS:
                    if not same(g[cmp][i], run[f"comparisons/{cmp}"][:]):
                        bad.append(f"{cmp} at budget {b}")
        C.check(f"{label}: every point equals a plain run with that budget, number for number",
                not bad and len(budgets) == 3, "; ".join(bad[:5]))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    small = os.path.join(ARGS.source_dir, "tests", "scenarios", "small.yaml")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-sweep-") as tmp:
        for label, extra in (("kept", []), ("no-trials", ["--no-trials"])):
            out = os.path.join(tmp, f"sweep-{label}.h5")
            r = influsim("sweep", small, "--vary", "budget=2000:20000:3:log", "--trials", "400",
                         "-o", out, *extra)
            if C.check(f"{label}: sweep exits 0 and prints a row per point",
                       r.returncode == 0 and r.stdout.count("\n") >= 5, short(r.stderr)):
                with h5py.File(out, "r") as f:
                    g = f["sweep"]
                    C.check(f"{label}: log grid 2000, 6324.6, 20000",
                            np.allclose(g["budget"][:], [2000, 2000 * 10**0.5, 20000],
                                        rtol=1e-12) and g["budget"].attrs["spacing"] == "log")
                    C.check(f"{label}: mean has dims (budget, strategy, metric)",
                            [d[0].name for d in g["mean"].dims] ==
                            ["/sweep/budget", "/sweep/strategy", "/sweep/metric"],
                            str([d[0].name for d in g["mean"].dims]))
                    C.check(f"{label}: file complete, kind sweep",
                            bool(f.attrs["complete"]) and f.attrs["kind"] == "sweep")
                point_equals_run(tmp, out, small, extra, label)

        outs = []
        for t in ("1", "2"):
            out = os.path.join(tmp, f"grid-{t}.h5")
            r = influsim("sweep", small, "--vary", "budget=3000:9000:3",
                         "--vary", "tiers.macro.price_per_1k_followers=6:18:2",
                         "--trials", "300", "-t", t, "-q", "-o", out)
            C.check(f"2-D sweep, {t} thread(s): exit 0", r.returncode == 0, short(r.stderr))
            outs.append(out)
        if all(os.path.exists(o) for o in outs):
            with h5py.File(outs[0], "r") as a, h5py.File(outs[1], "r") as b:
                g = a["sweep"]
                dims = [d[0].name for d in g["mean"].dims]
                C.check("2-D: dims (budget, tiers_macro_price_per_1k_followers, strategy, metric)",
                        dims == ["/sweep/budget", "/sweep/tiers_macro_price_per_1k_followers",
                                 "/sweep/strategy", "/sweep/metric"], str(dims))
                C.check("2-D: shape 3 x 2 x strategies x metrics",
                        g["mean"].shape[:2] == (3, 2), str(g["mean"].shape))
                C.check("2-D: the key is recorded on its scale",
                        g["tiers_macro_price_per_1k_followers"].attrs["key"] ==
                        "tiers.macro.price_per_1k_followers")
                C.check("2-D: linear grid values", np.array_equal(g["budget"][:], [3000, 6000, 9000]))
                diff = [k for k in g if isinstance(g[k], h5py.Dataset) and g[k].dtype.kind == "f"
                        and not same(g[k][()], b["sweep"][k][()])]
                C.check("2-D: the same numbers with 1 and 2 threads", not diff, str(diff))
            r = influsim("show", outs[0])
            C.check("show of a sweep: exit 1, points to /sweep",
                    r.returncode == 1 and "/sweep" in r.stderr, short(r.stderr))

        # The crossover scenario: the best strategy changes at a budget of
        # exactly 10,000 (see tests/scenarios/crossover.yaml).
        cross = os.path.join(ARGS.source_dir, "tests", "scenarios", "crossover.yaml")
        for grid, bracket in (("5000:15000:6", (9000, 11000)), ("9000:11000:3", (9000, 10000))):
            out = os.path.join(tmp, f"cross-{grid.replace(':', '-')}.h5")
            r = influsim("sweep", cross, "--vary", f"budget={grid}", "-o", out)
            ok = r.returncode == 0
            if ok:
                with h5py.File(out, "r") as f:
                    g = f["sweep/crossovers"]
                    rows = list(zip(g["by"].asstr()[:], g["lower"][:], g["upper"][:],
                                    g["from_strategy"].asstr()[:], g["to_strategy"].asstr()[:]))
                want = [(by, *bracket, "small-only", "big-only") for by in ("mean", "median")]
                ok = rows == want and "between budget" in r.stdout
            C.check(f"crossover over {grid}: once by mean and once by median, in "
                    f"[{bracket[0]}, {bracket[1]}], small-only -> big-only",
                    ok, f"{short(r.stdout + r.stderr)}")
        out = os.path.join(tmp, "cross-none.h5")
        r = influsim("sweep", cross, "--vary", "budget=12000:30000:3", "-o", out)
        with h5py.File(out, "r") as f:
            empty = f["sweep/crossovers/lower"].shape == (0,)
        C.check("no change along the grid: 'nowhere', an empty crossovers table",
                r.returncode == 0 and "nowhere" in r.stdout and empty, short(r.stdout))

        nofile = os.path.join(tmp, "none.h5")
        for spec, words in (("budget", "KEY=FROM:TO:POINTS"), ("budget=1:2", "KEY=FROM:TO"),
                            ("budget=1:2:0", "POINTS"), ("budget=0:10:3:log", "log"),
                            ("budget=1:2:3:lin", "log"), ("=1:2:3", "KEY")):
            r = influsim("sweep", small, "--vary", spec, "-o", nofile)
            C.check(f"--vary {spec}: exit 2 with a message",
                    r.returncode == 2 and words in r.stderr and not os.path.exists(nofile),
                    f"rc {r.returncode} {short(r.stderr)}")
        r = influsim("sweep", small, "--vary", "budget=-100:100:3", "-n", "100", "-o", nofile)
        C.check("a grid point the scenario rejects: exit 2, names the point, no file",
                r.returncode == 2 and "budget=-100" in r.stderr and not os.path.exists(nofile),
                f"rc {r.returncode} {short(r.stderr)}")
        r = influsim("sweep", small, "-o", nofile)
        C.check("no --vary: exit 2", r.returncode == 2 and "--vary" in r.stderr, short(r.stderr))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
