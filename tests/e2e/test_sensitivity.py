#!/usr/bin/python3
"""End-to-end test of `influsim sensitivity`, through the command line and the
file it writes (docs/output.md, "Sensitivity files").

- Each method (tornado, morris, sobol) on tests/scenarios/sensitivity.yaml
  with three factors (a constant, a distribution's parameter, one on a log
  scale): exit 0; /sensitivity read back by h5py and in one line by xarray
  (h5netcdf) with every documented variable on its documented dimensions,
  the scales' values (factors in the order given, their readable labels,
  scales, ranges and base values; the method's statistics), `.sel()` by
  statistic, strategy and output names.
- The design as documented: run 0 the base (unit NaN, the scenario's
  values); the tornado's runs each factor's low then high end, the others at
  base; Morris's trajectories on the grid of p levels, one factor moved per
  step; Sobol's A, B, then AB_i equal to A but for column i, from B. The
  values from the unit cube (linear or log). The indices recomputed from the
  design and the outputs (the tornado's ends and swing; Morris's mu, mu*,
  sigma; Saltelli's S1 and Jansen's ST).
- Every run's outputs equal, number for number, a plain `influsim run` of the
  scenario with the same --set overrides at that design point (a few points
  of each method): mean and q10 conversions, mean profit and LTV profit,
  the pair's mean difference and P(A beats B), the leader.
- `influsim show FILE` prints the same tables the command printed; of a
  damaged file (a dataset missing, one of the wrong length, a leader that is
  no strategy) it exits 1 naming the file and the path; --metrics exits 2.
- --estimate prints the runs (1 + 2k, 1 + r (k + 1), 1 + N (k + 2)) and
  writes nothing; --factors assumptions on the default scenario with
  --estimate (41 factors; Sobol refuses them).
- The same file for -t 1 and -t 2, bit for bit on every dataset and every
  attribute but the wall time, the creation time and the thread count.
- Bad input (unknown key with a suggestion, LO >= HI, a range outside the
  domain, log with LO <= 0, Sobol with 21 factors, --compare with an unknown
  strategy, --samples out of range, odd --levels, a factor twice, no
  factors, a bad --method): exit 2, the message, nothing written.
- The noise warning with -n tiny, naming the trials that would fix it, as
  the file's trials_needed says.
- A tornado flip on tests/scenarios/crossover.yaml (best strategy changes at
  a budget of exactly 10,000) with the base budget at 15,000: the flip on
  screen and in /sensitivity/flips, its `at` inside its bracket and the
  bracket around 10,000; no flip for a factor whose range does not cross.

Usage: /usr/bin/python3 tests/e2e/test_sensitivity.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import math
import os
import re
import shutil
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, short

C = Checks()
ARGS = None

FACTORS = [("tiers.small.engagement_rate", 0.05, 0.2, "linear", "small engagement rate", 0.1),
           ("tiers.mid.reach_rate.beta.mean", 0.1, 0.3, "linear", "mid reach rate (mean)", 0.2),
           ("market.purchase_rate.beta.mean", 0.02, 0.08, "log", "purchase rate (mean)", 0.05)]
FACTOR_ARGS = [x for key, lo, hi, scale, _, _ in FACTORS
               for x in ("--factor", f"{key}={lo}:{hi}" + (":log" if scale == "log" else ""))]
STRATEGIES = ["small-only", "mid-only", "half-half"]
OUTPUTS = ["conversions_mean", "conversions_q10", "profit_mean", "ltv_profit_mean"]
DECISIONS = ["conversions_difference", "p_beats"]
STATISTICS = {"tornado": ["at_lo", "at_hi", "swing"],
              "morris": ["mu", "mu_star", "mu_star_lo", "mu_star_hi", "sigma"],
              "sobol": ["S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"]}
# Each documented variable of /sensitivity and its dimensions.
DIMS = {"factor_label": ("factor",), "factor_scale": ("factor",), "factor_lo": ("factor",),
        "factor_hi": ("factor",), "factor_base": ("factor",),
        "indices": ("factor", "strategy", "output", "statistic"),
        "decision_indices": ("factor", "decision", "statistic"),
        "design": ("run", "factor"), "design_unit": ("run", "factor"),
        "outputs": ("run", "strategy", "output"), "decisions": ("run", "decision"),
        "best": ("run",), "base": ("strategy", "output"), "decision_base": ("decision",),
        "noise_variance": ("strategy", "output"), "decision_noise_variance": ("decision",),
        "design_variance": ("strategy", "output"), "decision_design_variance": ("decision",),
        "trials_needed": ("strategy", "output"), "decision_trials_needed": ("decision",)}
TRIALS = "300"


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def strings(ds):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in ds[()]]


def read(path):
    """/sensitivity as {name: array} (strings as lists) and its attributes."""
    with h5py.File(path, "r") as f:
        g = f["sensitivity"]
        out = {}
        for k, d in g.items():
            if isinstance(d, h5py.Dataset):
                out[k] = strings(d) if d.dtype.kind in "OS" else d[()]
        if "flips" in g:
            fl = g["flips"]
            out["flips"] = {k: strings(d) if d.dtype.kind in "OS" else d[()]
                            for k, d in fl.items()}
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        root = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    return out, attrs, root


def value_of(factor, u):
    """A factor's value at u in the unit cube (docs: uniform or log-uniform)."""
    _, lo, hi, scale, _, _ = factor
    return lo * (hi / lo) ** u if scale == "log" else lo + u * (hi - lo)


def close(a, b, rel=1e-9):
    a, b = np.asarray(a, float), np.asarray(b, float)
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | np.isclose(a, b, rtol=rel, atol=1e-12)))


def check_file(method, path, runs_expected, compare=("small-only", "mid-only")):
    """The layout, the scales and the consistency of one method's file."""
    d, attrs, root = read(path)
    C.check(f"{method}: kind = sensitivity, method = {method}",
            root.get("kind") == "sensitivity" and attrs.get("method") == method,
            f"{root.get('kind')} {attrs.get('method')}")
    C.check(f"{method}: compare_a, compare_b, trials_per_run, noise_limit",
            (attrs.get("compare_a"), attrs.get("compare_b")) == compare
            and int(attrs.get("trials_per_run", 0)) == int(TRIALS)
            and float(attrs.get("noise_limit", 0)) == 0.1, str(attrs))
    runs = int(attrs.get("runs", -1))
    C.check(f"{method}: runs = {runs_expected} (attr, run scale, design rows)",
            (runs_expected(runs) if callable(runs_expected) else runs == runs_expected)
            and len(d["run"]) == runs and d["design"].shape == (runs, len(FACTORS))
            and list(d["run"]) == list(range(runs)), f"runs {runs}")
    C.check(f"{method}: factor scale: the keys in the order given",
            d["factor"] == [f[0] for f in FACTORS], str(d["factor"]))
    C.check(f"{method}: factor_label: readable names",
            d["factor_label"] == [f[4] for f in FACTORS], str(d["factor_label"]))
    C.check(f"{method}: factor_scale, factor_lo, factor_hi, factor_base",
            d["factor_scale"] == [f[3] for f in FACTORS]
            and close(d["factor_lo"], [f[1] for f in FACTORS])
            and close(d["factor_hi"], [f[2] for f in FACTORS])
            and close(d["factor_base"], [f[5] for f in FACTORS]),
            f"{d['factor_scale']} {d['factor_lo']} {d['factor_hi']} {d['factor_base']}")
    C.check(f"{method}: strategy, output, decision, statistic scales",
            d["strategy"] == STRATEGIES and d["output"] == OUTPUTS
            and d["decision"] == DECISIONS and d["statistic"] == STATISTICS[method],
            f"{d['strategy']} {d['output']} {d['decision']} {d['statistic']}")

    # xarray, in one line, with the documented dimensions and coordinates.
    try:
        import xarray as xr
        ds = xr.open_dataset(path, group="sensitivity", engine="h5netcdf")
        bad = {k: ds[k].dims for k, dims in DIMS.items() if k not in ds or ds[k].dims != dims}
        C.check(f"{method}: xarray: every variable on its documented dimensions", not bad,
                str(bad))
        C.check(f"{method}: xarray: the scales are coordinates",
                list(ds["factor"].values) == [f[0] for f in FACTORS]
                and list(ds["statistic"].values) == STATISTICS[method]
                and list(ds["strategy"].values) == STRATEGIES
                and list(ds["run"].values) == list(range(runs)), str(ds.coords))
        stat = STATISTICS[method][1]
        v = ds.indices.sel(statistic=stat, strategy="mid-only", output="conversions_mean")
        i_stat = STATISTICS[method].index(stat)
        C.check(f"{method}: xarray: .sel(statistic=, strategy=, output=) picks the indices",
                v.dims == ("factor",)
                and close(v.values, d["indices"][:, STRATEGIES.index("mid-only"), 0, i_stat]),
                str(v))
        w = ds.decision_indices.sel(decision="conversions_difference", statistic=stat)
        C.check(f"{method}: xarray: .sel(decision=, statistic=)",
                close(w.values, d["decision_indices"][:, 0, i_stat]), str(w))
        o = ds.outputs.sel(run=0, strategy="small-only", output="profit_mean")
        C.check(f"{method}: xarray: .sel(run=0, ...) is the base",
                close(float(o), d["base"][0, 2]), str(o))
        ds.close()
    except Exception as e:  # noqa: BLE001 - any failure here is a failed check
        C.crash(f"{method}: xarray opens /sensitivity", e)

    # Run 0 is the base; the values follow from the unit cube.
    unit, design = d["design_unit"], d["design"]
    C.check(f"{method}: run 0 is the base (unit NaN, the scenario's values)",
            np.all(np.isnan(unit[0])) and close(design[0], d["factor_base"]), str(design[0]))
    expect = np.array([[value_of(FACTORS[f], u) if not math.isnan(u) else FACTORS[f][5]
                        for f, u in enumerate(row)] for row in unit])
    C.check(f"{method}: design = the unit design mapped on each range (linear, log)",
            close(design, expect, 1e-12), "")
    C.check(f"{method}: base, decision_base = run 0's outputs",
            checks.same(d["base"], d["outputs"][0])
            and checks.same(d["decision_base"], d["decisions"][0]), "")
    a, b = STRATEGIES.index(compare[0]), STRATEGIES.index(compare[1])
    C.check(f"{method}: decisions[:, conversions_difference] = mean(a) - mean(b)",
            close(d["decisions"][:, 0], d["outputs"][:, a, 0] - d["outputs"][:, b, 0], 1e-9),
            "")
    C.check(f"{method}: best = the strategy with the highest mean conversions",
            list(d["best"]) == list(np.argmax(d["outputs"][:, :, 0], axis=1)), str(d["best"]))
    C.check(f"{method}: noise and design variances are finite and >= 0",
            np.all(d["noise_variance"] >= 0) and np.all(d["design_variance"] >= 0)
            and np.all(d["decision_noise_variance"] >= 0), "")
    return d, attrs


def check_tornado_design(d):
    k = len(FACTORS)
    unit = d["design_unit"]
    ok = True
    for f in range(k):
        for end in (0, 1):
            row = unit[1 + 2 * f + end]
            others = np.delete(row, f)
            ok = ok and row[f] == end and np.all(np.isnan(others))
    C.check("tornado: runs 1..2k: each factor at its low then high end, the others at base", ok,
            str(unit[:1 + 2 * k]))
    y, dec, ix, dix = d["outputs"], d["decisions"], d["indices"], d["decision_indices"]
    lo = np.stack([y[1 + 2 * f] for f in range(k)])
    hi = np.stack([y[2 + 2 * f] for f in range(k)])
    C.check("tornado: at_lo, at_hi, swing = the ends' outputs and |hi - lo|",
            checks.same(ix[..., 0], lo) and checks.same(ix[..., 1], hi)
            and close(ix[..., 2], np.abs(hi - lo)), "")
    C.check("tornado: the decision's at_lo, at_hi from the ends' decisions",
            checks.same(dix[:, :, 0], np.stack([dec[1 + 2 * f] for f in range(k)]))
            and checks.same(dix[:, :, 1], np.stack([dec[2 + 2 * f] for f in range(k)])), "")


def check_morris_design(d, r, levels):
    k = len(FACTORS)
    unit = d["design_unit"][1:]
    grid = np.arange(levels) / (levels - 1)
    C.check(f"morris: every point on the grid of {levels} levels",
            np.all(np.isclose(unit[..., None], grid, atol=1e-12).any(axis=-1)), str(unit))
    ok = True
    mu = np.zeros((k,) + d["outputs"].shape[1:])
    mu_star = np.zeros_like(mu)
    ee = np.zeros((r, k) + d["outputs"].shape[1:])
    y = d["outputs"][1:]
    for t in range(r):
        seen = set()
        for s in range(k):
            i0 = t * (k + 1) + s
            diff = unit[i0 + 1] - unit[i0]
            moved = np.flatnonzero(diff != 0)
            if len(moved) != 1:
                ok = False
                continue
            f = int(moved[0])
            seen.add(f)
            ee[t, f] = (y[i0 + 1] - y[i0]) / diff[f]
        ok = ok and seen == set(range(k))
    C.check("morris: each trajectory moves every factor once, one per step", ok, "")
    mu = ee.mean(axis=0)
    mu_star = np.abs(ee).mean(axis=0)
    sigma = ee.std(axis=0, ddof=1)
    ix = d["indices"]
    C.check("morris: mu, mu*, sigma recomputed from the design and the outputs",
            close(ix[..., 0], mu, 1e-9) and close(ix[..., 1], mu_star, 1e-9)
            and close(ix[..., 4], sigma, 1e-7), "")
    finite = np.isfinite(ix[..., 2])
    C.check("morris: mu* intervals: lo <= hi",
            np.all(ix[..., 2][finite] <= ix[..., 3][finite] + 1e-12) and finite.any(), "")


def sobol_indices(fa, fb, fab):
    mean = (fa.sum() + fb.sum()) / (2 * len(fa))
    v = (np.sum(fa * fa) + np.sum(fb * fb)) / (2 * len(fa)) - mean * mean
    s1 = [np.mean((fb - mean) * (fi - fa)) / v for fi in fab]
    st = [np.mean((fi - fa) ** 2) / (2 * v) for fi in fab]
    return np.array(s1), np.array(st)


def check_sobol_design(d, n):
    k = len(FACTORS)
    unit, design = d["design_unit"], d["design"]
    A, B = unit[1:1 + n], unit[1 + n:1 + 2 * n]
    ok = np.all((A >= 0) & (A <= 1)) and np.all((B >= 0) & (B <= 1)) and not np.array_equal(A, B)
    for i in range(k):
        AB = unit[1 + (2 + i) * n:1 + (3 + i) * n]
        ok = ok and np.array_equal(np.delete(AB, i, 1), np.delete(A, i, 1)) \
            and np.array_equal(AB[:, i], B[:, i])
        ok = ok and np.array_equal(np.delete(design[1 + (2 + i) * n:1 + (3 + i) * n], i, 1),
                                   np.delete(design[1:1 + n], i, 1))
    C.check("sobol: run order base, A (N rows), B (N rows), AB_i = A with column i from B", ok,
            "")
    # Saltelli's S1 and Jansen's ST from the outputs, for mid-only's mean
    # conversions and for the decision.
    y = d["outputs"][:, STRATEGIES.index("mid-only"), 0]
    fab = [y[1 + (2 + i) * n:1 + (3 + i) * n] for i in range(k)]
    s1, st = sobol_indices(y[1:1 + n], y[1 + n:1 + 2 * n], fab)
    ix = d["indices"][:, STRATEGIES.index("mid-only"), 0]
    C.check("sobol: S1 (Saltelli) and ST (Jansen) recomputed from the outputs",
            close(ix[:, 0], s1, 1e-8) and close(ix[:, 3], st, 1e-8), f"{ix} vs {s1} {st}")
    y = d["decisions"][:, 0]
    fab = [y[1 + (2 + i) * n:1 + (3 + i) * n] for i in range(k)]
    s1, st = sobol_indices(y[1:1 + n], y[1 + n:1 + 2 * n], fab)
    ix = d["decision_indices"][:, 0]
    C.check("sobol: the decision's S1 and ST recomputed",
            close(ix[:, 0], s1, 1e-8) and close(ix[:, 3], st, 1e-8), f"{ix} vs {s1} {st}")
    all_ix = d["indices"]
    fin = np.isfinite(all_ix[..., 1])
    C.check("sobol: intervals lo <= hi where defined",
            fin.any() and np.all(all_ix[..., 1][fin] <= all_ix[..., 2][fin])
            and np.all(all_ix[..., 4][fin] <= all_ix[..., 5][fin]), "")
    # mid-only does not depend on the small tier: its indices on that factor are 0.
    C.check("sobol: a factor an output ignores has S1 = ST = 0 for it",
            d["indices"][0, STRATEGIES.index("mid-only"), 0, 0] == 0
            and d["indices"][0, STRATEGIES.index("mid-only"), 0, 3] == 0,
            str(d["indices"][0, STRATEGIES.index("mid-only"), 0]))


def check_against_runs(method, d, scenario, run_ids, tmp, compare=("small-only", "mid-only"),
                       extra=()):
    """Design points run again with `influsim run --set`: the same numbers."""
    a, b = STRATEGIES.index(compare[0]), STRATEGIES.index(compare[1])
    for r in run_ids:
        sets = list(extra)
        for key, v, base in zip(d["factor"], d["design"][r], d["factor_base"]):
            if v != base:
                sets += ["--set", f"{key}={float(v)!r}"]
        out = os.path.join(tmp, f"point-{method}-{r}.h5")
        p = influsim("run", scenario, "-n", TRIALS, "-q", "-o", out, "--force", *sets)
        if not C.check(f"{method}: influsim run at design point {r}", p.returncode == 0,
                       short(p.stderr)):
            continue
        with h5py.File(out, "r") as f:
            got, want = [], []
            for s, name in enumerate(STRATEGIES):
                g = f[f"strategies/{name}/summary"]
                metric = strings(g["metric"])
                c, pr = metric.index("conversions"), metric.index("profit")
                lp = metric.index("ltv_profit") if "ltv_profit" in metric else pr
                got += [g["mean"][c], g["q10"][c], g["mean"][pr], g["mean"][lp]]
                want += list(d["outputs"][r, s])
            cmp = f["comparisons"]
            got += [cmp["mean_difference"][a, b], cmp["p_greater"][a, b]]
            want += list(d["decisions"][r])
            means = [f[f"strategies/{n}/summary"]["mean"][strings(
                f[f"strategies/{n}/summary"]["metric"]).index("conversions")] for n in STRATEGIES]
        C.check(f"{method}: run {r}'s outputs = `influsim run {' '.join(sets[1::2])}` "
                "number for number", np.array_equal(np.array(got), np.array(want)),
                f"run {got} vs sensitivity {want}")
        C.check(f"{method}: run {r}'s best = the run's highest mean",
                int(d["best"][r]) == int(np.argmax(means)), f"{d['best'][r]} {means}")


def tables(stdout):
    """The command's output without its first line (the estimate) and the
    closing 'written to' paragraph: what `show` prints."""
    lines = stdout.split("\n")[1:]
    text = "\n".join(lines)
    return text.split("\n\nsensitivity written to")[0].rstrip("\n")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    sc = os.path.join(ARGS.source_dir, "tests", "scenarios", "sensitivity.yaml")
    cross = os.path.join(ARGS.source_dir, "tests", "scenarios", "crossover.yaml")
    k = len(FACTORS)
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-sensitivity-") as tmp:
        def path(name):
            return os.path.join(tmp, name)

        # --- the three methods --------------------------------------------
        n_sobol, r_morris, levels = 8, 4, 4
        made = {
            "tornado": (["--method", "tornado", "--compare", "half-half,mid-only"],
                        lambda runs: 1 + 2 * k <= runs <= 1 + 2 * k + 12 * 2 * k,
                        ("half-half", "mid-only")),
            "morris": (["--method", "morris", "--samples", str(r_morris), "--levels",
                        str(levels)], 1 + r_morris * (k + 1), ("small-only", "mid-only")),
            "sobol": (["--method", "sobol", "--samples", str(n_sobol), "--bootstrap", "200"],
                      1 + n_sobol * (k + 2), ("small-only", "mid-only")),
        }
        files, out = {}, {}
        for method, (opts, runs, compare) in made.items():
            files[method] = path(f"{method}.h5")
            p = influsim("sensitivity", sc, *FACTOR_ARGS, *opts, "-n", TRIALS, "-t", "2", "-o",
                         files[method])
            out[method] = p.stdout
            if not C.check(f"{method}: exit 0", p.returncode == 0,
                           short(p.stdout + p.stderr)):
                continue
            C.check(f"{method}: the first line states the runs",
                    re.search(rf"{method} of {k} factors: \d+ runs of {TRIALS} trials",
                              p.stdout.split("\n")[0]) is not None, short(p.stdout))
            C.check(f"{method}: the ranked decision table and the file named",
                    "The decision: " in p.stdout and f"written to {files[method]}" in p.stdout,
                    short(p.stdout))
            d, attrs = check_file(method, files[method], runs, compare)
            if method == "tornado":
                check_tornado_design(d)
                check_against_runs(method, d, sc, [0, 2, 5], tmp, compare)
                C.check("tornado: samples, levels, bootstrap = 0",
                        (int(attrs["samples"]), int(attrs["levels"]),
                         int(attrs["bootstrap"])) == (0, 0, 0), str(attrs))
            elif method == "morris":
                check_morris_design(d, r_morris, levels)
                check_against_runs(method, d, sc, [3, 7], tmp, compare)
                C.check("morris: samples = r, levels = p",
                        (int(attrs["samples"]), int(attrs["levels"])) == (r_morris, levels),
                        str(attrs))
            else:
                check_sobol_design(d, n_sobol)
                check_against_runs(method, d, sc, [1, 1 + n_sobol + 2, 1 + 4 * n_sobol + 5],
                                   tmp, compare)
                C.check("sobol: samples = N, bootstrap as asked, confidence 0.95",
                        (int(attrs["samples"]), int(attrs["bootstrap"]),
                         float(attrs["confidence"])) == (n_sobol, 200, 0.95), str(attrs))
                C.check("sobol: the table has ST and S1 with intervals",
                        "total ST [interval]" in p.stdout
                        and re.search(r"\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\]", p.stdout),
                        short(p.stdout))

            # show FILE prints the same tables.
            s = influsim("show", files[method])
            C.check(f"{method}: `show FILE` prints the tables the command printed",
                    s.returncode == 0 and s.stdout.rstrip("\n") == tables(p.stdout),
                    short(s.stdout + s.stderr))

        # --- show of a damaged file, show --metrics ----------------------------
        if os.path.exists(files["sobol"]):
            s = influsim("show", files["sobol"], "--metrics")
            C.check("show --metrics of a sensitivity file: exit 2, said why",
                    s.returncode == 2 and "sensitivity study's file" in s.stderr,
                    short(s.stderr))
            for name, damage, message in (
                    ("a dataset missing", lambda g: g.__delitem__("decisions"),
                     "/sensitivity/decisions: missing"),
                    ("an array of the wrong length",
                     lambda g: (lambda v: (g.__delitem__("best"),
                                           g.create_dataset("best", data=v[:-1])))(
                         g["best"][()]), "/sensitivity/best: dimension 0 has"),
                    ("a leader that is no strategy",
                     lambda g: g["best"].__setitem__(3, 99),
                     "/sensitivity/best: entry 3 is not a strategy's index")):
                dud = path("damaged.h5")
                shutil.copy(files["sobol"], dud)
                with h5py.File(dud, "r+") as f:
                    damage(f["sensitivity"])
                s = influsim("show", dud)
                C.check(f"show of a file with {name}: exit 1, the file and the path named",
                        s.returncode == 1 and f"{dud}: {message}" in s.stderr, short(s.stderr))

        # --- threads: the same file, bit for bit ---------------------------
        for method, opts, scen, fargs in (
                ("sobol", made["sobol"][0], sc, FACTOR_ARGS),
                ("tornado", [], cross, ["--set", "budget=15000", "--factor",
                                        "budget=5000:30000", "--factor",
                                        "tiers.small.engagement_rate=0.05:0.12"])):
            paths = []
            for t in ("1", "2"):
                paths.append(path(f"threads-{method}-{t}.h5"))
                p = influsim("sensitivity", scen, *fargs, *opts, "-n", TRIALS, "-q", "-t", t,
                             "-o", paths[-1])
                C.check(f"{method} -t {t}: exit 0", p.returncode == 0, short(p.stderr))
            if not all(os.path.exists(x) for x in paths):
                continue
            a, b = checks.datasets(paths[0]), checks.datasets(paths[1])
            differ = sorted(n for n in a.keys() | b.keys()
                            if n not in a or n not in b or not checks.same(a[n], b[n]))
            C.check(f"{method}: -t 1 and -t 2 write the same datasets, bit for bit",
                    not differ and len(a) > 20, str(differ))
            attrs = []
            for x in paths:
                with h5py.File(x, "r") as f:
                    got = {}
                    # The dimension scales' references point into each
                    # file: their shapes are checked through xarray above.
                    # /integrity's hashes cover the strings, `created` among
                    # them, so they differ when the runs' seconds do.
                    f.visititems(lambda n, o: got.update(
                        {f"{n}@{k}": o.attrs[k] for k in o.attrs
                         if k not in ("DIMENSION_LIST", "REFERENCE_LIST")}
                        if not n.startswith("integrity") else {}))
                    got.update({f"@{k}": v for k, v in f.attrs.items()
                                if k not in ("wall_time_s", "created", "threads")})
                    attrs.append(got)
            differ = sorted(k for k in attrs[0].keys() | attrs[1].keys()
                            if k not in attrs[0] or k not in attrs[1]
                            or not np.array_equal(np.asarray(attrs[0][k]),
                                                  np.asarray(attrs[1][k])))
            C.check(f"{method}: -t 1 and -t 2: the same attributes (but wall time, created, "
                    "threads and the integrity hashes over them)", not differ, str(differ))

        # --- --estimate ------------------------------------------------------
        for method, opts, runs in (
                ("tornado", [], 1 + 2 * k),
                ("morris", ["--samples", "5"], 1 + 5 * (k + 1)),
                ("sobol", ["--samples", "64"], 1 + 64 * (k + 2))):
            target = path(f"estimate-{method}.h5")
            p = influsim("sensitivity", sc, *FACTOR_ARGS, "--method", method, *opts,
                         "--estimate", "-n", TRIALS, "-o", target)
            C.check(f"--estimate {method}: exit 0, '{runs} runs', nothing written",
                    p.returncode == 0 and f" {runs} runs of {TRIALS} trials" in p.stdout
                    and not os.path.exists(target) and "The decision" not in p.stdout,
                    short(p.stdout + p.stderr))
        target = path("estimate-default.h5")
        p = influsim("sensitivity", "--factors", "assumptions", "--estimate", "-n", "200", "-o",
                     target)
        m = re.search(r"tornado of (\d+) factors: (\d+) runs", p.stdout)
        C.check("--factors assumptions on the default scenario with --estimate: 41 factors, "
                "1 + 2k runs, nothing written",
                p.returncode == 0 and m is not None and int(m.group(1)) == 41
                and int(m.group(2)) == 83 and not os.path.exists(target),
                short(p.stdout + p.stderr))
        p = influsim("sensitivity", "--factors", "assumptions:10%", "--method", "morris",
                     "--samples", "3", "--estimate", "-n", "200", "-o", target)
        m = re.search(r"morris of (\d+) factors: (\d+) runs", p.stdout)
        C.check("--factors assumptions:10% --method morris --estimate: 1 + r (k + 1) runs",
                p.returncode == 0 and m is not None
                and int(m.group(2)) == 1 + 3 * (int(m.group(1)) + 1)
                and not os.path.exists(target), short(p.stdout + p.stderr))
        p = influsim("sensitivity", sc, "--factors", "assumptions", "--method", "sobol",
                     "--samples", "8", "--estimate", "-n", TRIALS, "-o", target)
        m = re.search(r"sobol of (\d+) factors: (\d+) runs", p.stdout)
        twenty = m is not None and int(m.group(1)) == 20
        C.check("--factors assumptions of the test scenario: 20 factors, Sobol accepts them",
                p.returncode == 0 and twenty and int(m.group(2)) == 1 + 8 * 22,
                short(p.stdout + p.stderr))

        # --- bad input: exit 2, the message, nothing written -------------------
        bad = path("bad.h5")
        one = ["--factor", "tiers.small.engagement_rate=0.05:0.2"]
        cases = [
            ("an unknown key, with a suggestion",
             ["--factor", "tiers.small.engagment_rate=0.05:0.2"],
             ["unknown key tiers.small.engagment_rate",
              "did you mean 'tiers.small.engagement_rate'"]),
            ("an unknown tier, with a suggestion",
             ["--factor", "tiers.smal.reach_rate.beta.mean=0.1:0.2"],
             ["unknown key", "did you mean 'tiers.small.reach_rate.beta.mean'"]),
            ("LO > HI", ["--factor", "tiers.small.engagement_rate=0.2:0.05"],
             ["LO must be less than HI"]),
            ("LO = HI", ["--factor", "tiers.small.engagement_rate=0.2:0.2"],
             ["LO must be less than HI"]),
            ("a range outside the domain",
             ["--factor", "tiers.small.engagement_rate=0.5:1.5"],
             ["1.5 is outside tiers.small.engagement_rate's valid values [0, 1]"]),
            ("a distribution parameter outside its domain",
             ["--factor", "tiers.mid.reach_rate.beta.mean=0.1:1.2"],
             ["outside", "tiers.mid.reach_rate.beta.mean"]),
            ("log with LO = 0", ["--factor", "budget=0:5000:log"],
             ["a log scale needs LO > 0"]),
            ("log with LO < 0", ["--factor", "tiers.small.engagement_rate=-0.1:0.2:log"],
             ["a log scale needs LO > 0"]),
            ("--method sobol with 21 factors",
             ["--factors", "assumptions", "--factor", "budget=2000:6000", "--method", "sobol"],
             ["--method sobol: at most 20 factors (got 21)"]),
            ("--compare with an unknown strategy", one + ["--compare", "small-only,nobody"],
             ["--compare: 'small-only,nobody' is not two different strategies",
              "small-only, mid-only, half-half"]),
            ("--compare of a strategy with itself", one + ["--compare", "mid-only,mid-only"],
             ["not two different strategies"]),
            ("--compare with one name", one + ["--compare", "mid-only"],
             ["--compare: two strategies, A,B"]),
            ("--samples 0", one + ["--method", "sobol", "--samples", "0"],
             ["--samples", "from 1 to"]),
            ("--samples too many", one + ["--method", "sobol", "--samples", "2000000"],
             ["--samples", "2000000"]),
            ("--samples under Sobol's 8", one + ["--method", "sobol", "--samples", "4"],
             ["--samples: from 8 to"]),
            ("--samples 1 for Morris", one + ["--method", "morris", "--samples", "1"],
             ["--samples: from 2 to 100000 Morris trajectories"]),
            ("--levels odd", one + ["--method", "morris", "--levels", "3"],
             ["--levels: an even number from 2 to 64 (got 3)"]),
            ("a factor twice", one + ["--factor", "tiers.small.engagement_rate=0.06:0.1"],
             ["tiers.small.engagement_rate is already a factor"]),
            ("no factors at all", [],
             ["sensitivity needs --factor KEY=LO:HI[:log] or --factors assumptions"]),
            ("--factors with a bad percentage", ["--factors", "assumptions:-5%"],
             ["P must be more than 0"]),
            ("--method unknown", one + ["--method", "anova"],
             ["--method: tornado, morris or sobol (got 'anova')"]),
            ("a structural key (trials)", ["--factor", "trials=100:200"],
             ["trials is structural, not a factor"]),
            ("an audience share alone", ["--factor", "tiers.small.audience.0=0.5:1"],
             ["the audience's shares sum to 1"]),
        ]
        for name, args, messages in cases:
            p = influsim("sensitivity", sc, *args, "-n", "50", "-o", bad)
            missing = [m for m in messages if m not in p.stderr]
            C.check(f"bad input, {name}: exit 2, the message, nothing written",
                    p.returncode == 2 and not missing and not os.path.exists(bad)
                    and p.stdout == "", f"rc {p.returncode}, missing {missing}: "
                    + short(p.stdout + p.stderr))

        with open(bad, "wb") as fh:
            fh.write(b"kept")
        p = influsim("sensitivity", sc, *one, "-n", "50", "-o", bad)
        with open(bad, "rb") as fh:
            kept = fh.read() == b"kept"
        C.check("an existing file without --force: exit 2, named, left as it was",
                p.returncode == 2 and "already exists" in p.stderr and kept, short(p.stderr))
        os.remove(bad)

        # --- the noise warning ---------------------------------------------------
        noisy = path("noisy.h5")
        p = influsim("sensitivity", sc, "--factor", "tiers.small.engagement_rate=0.09:0.11",
                     "-n", "3", "-o", noisy)
        m = re.search(r"^  small-only/conversions_mean +noise +([0-9.]+) % of the design's "
                      r"variance: -n (\d+)$", p.stdout, re.M)
        C.check("-n 3: the noise warning, per output, with the trials that would fix it",
                p.returncode == 0 and "warning:" in p.stdout and "more trials per run fix it"
                in p.stdout and m is not None and int(m.group(2)) > 3, short(p.stdout))
        if m and os.path.exists(noisy):
            d, _, _ = read(noisy)
            share = 100 * d["noise_variance"][0, 0] / d["design_variance"][0, 0]
            C.check("the warning's share and trials are the file's noise and trials_needed",
                    int(d["trials_needed"][0, 0]) == int(m.group(2))
                    and abs(share - float(m.group(1))) < 0.051,
                    f"{d['trials_needed'][0]} {share}")
            varies = d["design_variance"] > 0
            C.check("trials_needed > 0 exactly where noise > 10 % of the design's variance",
                    np.array_equal((d["trials_needed"] > 0)[varies],
                                   (d["noise_variance"] > 0.1 * d["design_variance"])[varies]),
                    "")
        # mid-only does not depend on the small tier: its outputs are the same
        # in every run, so nothing varies and no trials are needed.
        q = path("constant.h5")
        p = influsim("sensitivity", sc, "--factor", "tiers.small.engagement_rate=0.05:0.2",
                     "-n", TRIALS, "-o", q)
        if C.check("one factor: exit 0", p.returncode == 0, short(p.stderr)):
            d, _, _ = read(q)
            mid = STRATEGIES.index("mid-only")
            const = np.all(d["outputs"][:, mid] == d["outputs"][0, mid], axis=0)
            C.check("an output the same in every run: design_variance 0, trials_needed 0, "
                    "no warning for it",
                    const.all() and np.all(d["design_variance"][mid] == 0)
                    and np.all(d["trials_needed"][mid] == 0) and "mid-only/" not in p.stdout,
                    f"design_variance {d['design_variance'][mid]}, trials_needed "
                    f"{d['trials_needed'][mid]}: " + short(p.stdout[-600:]))
        p = influsim("sensitivity", sc, "--factor", "tiers.small.engagement_rate=0.05:0.2",
                     "--factor", "tiers.mid.reach_rate.beta.mean=0.1:0.3", "-n", TRIALS, "-o",
                     path("quiet-noise.h5"))
        C.check("enough trials: no warning, the largest share stated",
                p.returncode == 0 and "warning:" not in p.stdout
                and "Monte Carlo noise: under 10 %" in p.stdout, short(p.stdout))

        # --- a tornado flip --------------------------------------------------
        flip = path("flip.h5")
        p = influsim("sensitivity", cross, "--set", "budget=15000", "--factor",
                     "budget=5000:30000", "--factor", "tiers.small.engagement_rate=0.05:0.12",
                     "-n", TRIALS, "-o", flip)
        C.check("flip: exit 0", p.returncode == 0, short(p.stdout + p.stderr))
        m = re.search(r"^  budget = ([0-9.e+]+) \(base 1\.5e\+04\): small-only leads below, "
                      r"big-only above  \[budget\]$", p.stdout, re.M)
        C.check("flip: on screen, the factor, its value and the leaders either side",
                "Where the ranking flips" in p.stdout and m is not None, short(p.stdout, 1500))
        if os.path.exists(flip):
            d, attrs, _ = read(flip)
            fl = d.get("flips", {})
            ok = fl and fl["factor"] == ["budget"]
            C.check("flip: one row in /sensitivity/flips, for budget", ok, str(fl))
            if ok:
                at, lo, hi = float(fl["at"][0]), float(fl["lower"][0]), float(fl["upper"][0])
                C.check("flip: lower <= at <= upper, and the bracket holds 10,000",
                        lo <= at <= hi and lo < 10000 <= hi and hi - lo < 200,
                        f"{lo} {at} {hi}")
                C.check("flip: at is the bracket's midpoint (a linear factor)",
                        abs(at - 0.5 * (lo + hi)) <= 1e-9 * hi, f"{lo} {at} {hi}")
                C.check("flip: from small-only to big-only",
                        fl["from_strategy"] == ["small-only"]
                        and fl["to_strategy"] == ["big-only"], str(fl))
                C.check("flip: the screen's value is the file's",
                        m is not None and f"{at:.4g}" == m.group(1),
                        f"{at:.4g} vs {m.group(1) if m else None}")
                runs = int(attrs["runs"])
                C.check("flip: the bisection's points are runs after the 1 + 2k (at most "
                        "12 for the flip)", 5 < runs <= 5 + 12 and len(d["run"]) == runs,
                        str(runs))
                extra = d["design"][5:, 0]
                C.check("flip: the searched budgets lie between the low end and the base",
                        np.all((extra > 5000) & (extra < 15000)) and
                        np.all(np.isnan(d["design_unit"][5:, 1])), str(extra))
        p = influsim("sensitivity", cross, "--factor", "tiers.small.engagement_rate=0.05:0.12",
                     "-n", TRIALS, "-o", path("noflip.h5"))
        C.check("no flip: said on screen", p.returncode == 0
                and "No factor alone, within its range, changes which" in p.stdout,
                short(p.stdout))
        if os.path.exists(path("noflip.h5")):
            d, attrs, _ = read(path("noflip.h5"))
            fl = d.get("flips")
            C.check("no flip: /sensitivity/flips with empty columns",
                    fl is not None and all(len(v) == 0 for v in fl.values())
                    and set(fl) == {"flip", "factor", "at", "lower", "upper",
                                    "from_strategy", "to_strategy"}, str(fl))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
