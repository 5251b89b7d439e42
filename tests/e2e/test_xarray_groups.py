#!/usr/bin/python3
"""End-to-end test: xarray opens every group of every kind of results file.

One file of each kind is written by the binary under test: a run that keeps
its trials, a --no-trials run, a 1-D sweep (with a change of the best
strategy, so /sweep/crossovers has rows) and a 2-D sweep, an optimisation, a
selection from a roster, and a sensitivity study by each method (a tornado
with a flip, Morris, Sobol). Every group of each (found by walking the file
with h5py) is opened with `xarray.open_dataset(FILE, group=G,
engine="h5netcdf")`, and for every dataset of the group:

  - xarray has a variable of that name, of the same shape;
  - its dimensions are the names of the HDF5 dimension scales h5py sees
    attached to the dataset (a scale's own dimension is its name), and none
    is a "phony" dimension;
  - its values are h5py's (numbers bit for bit, NaN equal to NaN; strings as
    text).

Then the dimensions a reader relies on are named: a summary is over `metric`,
/comparisons over (`strategy`, `strategy_b`), /comparisons/pairs over `pair`,
a run's per-trial columns over `trial`, /sweep over (`budget`, ..., `strategy`,
`metric`), /sweep/crossovers over `crossover`, /select/roster over `creator`,
/select's per-trial values over `trial`, its plan over `plan`, /optimize's
shares over (`point`, `tier`); and a few values picked through .sel() by name
equal the h5py ones.

Usage: /usr/bin/python3 tests/e2e/test_xarray_groups.py --influsim BUILD/influsim
           --source-dir SRC
"""
import argparse
import os
import sys
import tempfile
import warnings

import h5py
import numpy as np

import checks
from checks import Checks, short

C = Checks()
ARGS = None


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def groups(path):
    """Every group of the file, the root first, as absolute paths."""
    out = ["/"]
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.append("/" + name)
                     if isinstance(obj, h5py.Group) else None)
    return out


def scale_dims(d):
    """The dimension names h5py sees on dataset d: the basename of the scale
    attached to each axis (the dataset's own name if it is a scale), or None
    for an axis without one."""
    if d.attrs.get("CLASS") == b"DIMENSION_SCALE":
        return (d.name.rsplit("/", 1)[-1],)
    names = []
    for k in range(d.ndim):
        attached = list(d.dims[k].values())
        names.append(attached[0].name.rsplit("/", 1)[-1] if attached else None)
    return tuple(names)


def as_text(a):
    """A string array (bytes or str, any layout) as a list of str."""
    return [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in np.ravel(a)]


def equal_values(h5, xa):
    """h5py's values and xarray's are the same (numbers bit for bit)."""
    if h5.dtype.kind in "SOU":
        return as_text(h5) == as_text(xa)
    xa = np.asarray(xa)
    if h5.shape != xa.shape:
        return False
    if h5.dtype.kind == "f":
        return np.array_equal(h5, xa.astype(h5.dtype), equal_nan=True)
    return np.array_equal(h5, xa)


def walk(label, path):
    """Opens every group of path with xarray and checks it against h5py.
    Returns {group: xarray Dataset} (loaded; the files are closed)."""
    import xarray as xr
    opened = {}
    f = h5py.File(path, "r")
    for g in groups(path):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = xr.open_dataset(path, group=g, engine="h5netcdf").load()
        except Exception as e:  # noqa: BLE001 - a failure to open is a failed check
            C.crash(f"{label} {g}: xarray opens it", e)
            continue
        ds.close()
        opened[g] = ds
        bad = []
        grp = f[g]
        names = [k for k, v in grp.items() if isinstance(v, h5py.Dataset)]
        for name in names:
            d = grp[name]
            if name not in ds.variables:
                bad.append(f"{name}: not in xarray")
                continue
            v = ds.variables[name]
            want = scale_dims(d)
            if v.shape != d.shape:
                bad.append(f"{name}: shape {v.shape} != {d.shape}")
            elif None in want or v.dims != want:
                bad.append(f"{name}: dims {v.dims}, scales {want}")
            elif any(str(x).startswith("phony_dim") for x in v.dims):
                bad.append(f"{name}: phony dims {v.dims}")
            elif not equal_values(d[()], v.values):
                bad.append(f"{name}: values differ")
        C.check(f"{label} {g}: all {len(names)} datasets in xarray, on their scales' "
                f"dimensions, with h5py's values", not bad, "; ".join(bad[:6]))
    f.close()
    return opened


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    try:
        import xarray  # noqa: F401 - only whether it is installed
        import h5netcdf  # noqa: F401
    except ImportError as e:
        C.crash("xarray and h5netcdf are installed (tests/deps.sh)", e)
        return C.finish()
    src = ARGS.source_dir
    small = os.path.join(src, "tests", "scenarios", "small.yaml")
    cross = os.path.join(src, "tests", "scenarios", "crossover.yaml")
    optimum = os.path.join(src, "tests", "scenarios", "optimum.yaml")
    sens = os.path.join(src, "tests", "scenarios", "sensitivity.yaml")
    shortlist = os.path.join(src, "tests", "scenarios", "golden", "shortlist.yaml")
    factors = ["--factor", "tiers.small.engagement_rate=0.05:0.2", "--factor",
               "tiers.mid.reach_rate.beta.mean=0.1:0.3"]
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-xarray-") as tmp:
        def path(name):
            return os.path.join(tmp, name + ".h5")
        made = {
            "run": ["run", small, "-n", "300"],
            "no_trials": ["run", small, "-n", "300", "--no-trials"],
            "sweep": ["sweep", cross, "--vary", "budget=5000:15000:6", "-n", "100"],
            "grid": ["sweep", cross, "--vary", "budget=1000:100000:3:log", "--vary",
                     "tiers.small.engagement_rate=0.05:0.2:2", "-n", "50"],
            "optimize": ["optimize", optimum, "--tiers", "talk,reach", "-n", "200"],
            "select": ["select", shortlist, "--budget", "20000", "-n", "200", "--resamples",
                       "10", "--plan", os.path.join(tmp, "plan.yaml")],
            "tornado": ["sensitivity", cross, "--set", "budget=15000", "--factor",
                        "budget=5000:30000", "--factor",
                        "tiers.small.engagement_rate=0.05:0.12", "-n", "100"],
            "morris": ["sensitivity", sens, *factors, "--method", "morris", "--samples", "3",
                       "-n", "100"],
            "sobol": ["sensitivity", sens, *factors, "--method", "sobol", "--samples", "8",
                      "--bootstrap", "50", "-n", "40"],
        }
        ds = {}
        for label, args in made.items():
            r = influsim(*args, "-q", "-o", path(label))
            if not C.check(f"influsim writes the {label} file", r.returncode == 0,
                           short(r.stdout + r.stderr)):
                continue
            ds[label] = walk(label, path(label))
            r = influsim("show", path(label))
            C.check(f"{label}: influsim show still reads it, with no integrity note",
                    r.returncode == 0 and "note" not in r.stderr, short(r.stderr))

        def named(label, group, var, dims):
            got = ds.get(label, {}).get(group)
            actual = None if got is None or var not in got else got[var].dims
            C.check(f"{label} {group}/{var} is over {dims}", actual == dims, str(actual))

        for label in ("run", "no_trials", "optimize"):
            named(label, "/strategies/all-nano/summary" if label != "optimize"
                  else "/strategies/optimum/summary", "mean", ("metric",))
            named(label, "/strategies/all-nano/summary" if label != "optimize"
                  else "/strategies/optimum/summary", "long_name", ("metric",))
            named(label, "/comparisons", "p_greater", ("strategy", "strategy_b"))
            named(label, "/comparisons/pairs", "p_a_greater", ("pair",))
            named(label, "/comparisons/pairs", "strategy_a", ("pair",))
        named("run", "/strategies/all-nano/trials", "conversions", ("trial",))
        named("run", "/trials", "purchase_rate", ("trial",))
        named("sweep", "/sweep", "mean", ("budget", "strategy", "metric"))
        named("sweep", "/sweep/crossovers", "lower", ("crossover",))
        named("grid", "/sweep", "q50",
              ("budget", "tiers_small_engagement_rate", "strategy", "metric"))
        named("optimize", "/optimize", "shares", ("point", "tier"))
        named("select", "/select/roster", "handle", ("creator",))
        named("select", "/select/roster", "mean_conversions", ("creator",))
        named("select", "/select", "chosen_values", ("trial",))
        named("select", "/select", "plan", ("plan",))
        named("tornado", "/sensitivity/flips", "at", ("flip",))
        named("sobol", "/sensitivity", "indices", ("factor", "strategy", "output", "statistic"))

        # A few values through .sel() by name, against h5py by index.
        try:
            with h5py.File(path("run"), "r") as f:
                metrics = list(f["strategies/balanced/summary/metric"].asstr()[:])
                strategies = list(f["strategy"].asstr()[:])
                m = metrics.index("conversions")
                want = f["strategies/balanced/summary/q90"][m]
                a, b = strategies.index("balanced"), strategies.index("all-nano")
                want_p = f["comparisons/p_greater"][a, b]
                rows = [i for i in range(len(f["comparisons/pairs/strategy_a"]))
                        if f["comparisons/pairs/strategy_a"].asstr()[i] == "balanced"
                        and f["comparisons/pairs/strategy_b"].asstr()[i] == "all-nano"]
            s = ds["run"]["/strategies/balanced/summary"]
            C.check("run: summary.q90.sel(metric='conversions') is h5py's",
                    float(s["q90"].sel(metric="conversions")) == want,
                    f"{float(s['q90'].sel(metric='conversions'))} vs {want}")
            c = ds["run"]["/comparisons"]
            C.check("run: p_greater.sel(strategy='balanced', strategy_b='all-nano') is h5py's",
                    float(c["p_greater"].sel(strategy="balanced", strategy_b="all-nano"))
                    == want_p, str(want_p))
            pairs = ds["run"]["/comparisons/pairs"]
            C.check("run: the pairs table's row of (balanced, all-nano) has that P",
                    len(rows) == 1 and float(pairs["p_a_greater"][rows[0]]) == want_p,
                    str(rows))
            C.check("run: the pair index is 0..n-1",
                    np.array_equal(pairs["pair"].values, np.arange(pairs.sizes["pair"])),
                    str(pairs["pair"].values))
        except Exception as e:  # noqa: BLE001
            C.crash("run: values through .sel()", e)
        try:
            with h5py.File(path("sweep"), "r") as f:
                n_cx = len(f["sweep/crossovers/lower"])
                lower = f["sweep/crossovers/lower"][()]
            cx = ds["sweep"]["/sweep/crossovers"]
            C.check("sweep: /sweep/crossovers has rows (the best strategy changes)",
                    n_cx > 0 and cx.sizes["crossover"] == n_cx, str(n_cx))
            C.check("sweep: crossovers.lower is h5py's", np.array_equal(cx["lower"].values, lower),
                    str(cx["lower"].values))
        except Exception as e:  # noqa: BLE001
            C.crash("sweep: crossovers", e)
        try:
            with h5py.File(path("select"), "r") as f:
                plan = f["select/plan"][()]
                chosen = f["select/roster/chosen"][()]
                values = f["select/chosen_values"][()]
            sel = ds["select"]["/select"]
            roster = ds["select"]["/select/roster"]
            C.check("select: the plan's roster indices are the creators marked chosen",
                    np.array_equal(sel["plan"].values, np.flatnonzero(chosen))
                    and np.array_equal(plan, np.flatnonzero(chosen)), str(plan))
            C.check("select: roster.chosen.sel(creator=plan) is all 1",
                    bool(np.all(roster["chosen"].sel(creator=sel["plan"].values).values == 1)),
                    str(roster["chosen"].values))
            C.check("select: chosen_values over its trials",
                    sel.sizes["trial"] == 200 and np.array_equal(sel["chosen_values"].values,
                                                                 values), str(sel.sizes))
        except Exception as e:  # noqa: BLE001
            C.crash("select: values", e)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
