#!/usr/bin/python3
"""End-to-end test of experiments/plot.py, and of the labelled arrays xarray
reads from influsim's files.

Makes one file of every kind with influsim (a run, a --no-trials run, a 1-D
sweep of two strategies and one of four (small multiples), a 2-D sweep, an
optimisation over two and over three tiers, a selection from a roster, a
sensitivity study by each method: tornado with a flip, Morris, Sobol), draws
them with plot.py, and checks that every figure type is written as a PNG of the
expected size that is not blank (its pixels vary), and that the words a reader
sees first (the titles and axis labels, which plot.py also writes into the
PNG's Title and Description fields) carry no jargon: no "violin", no seed, no
"trials", no method's symbols (S1, ST, mu*, sigma), no scenario key path such
as tiers.small.engagement_rate; while the PNG's Source field names the seed.
xarray with the h5netcdf engine opens /sweep with every dimension named by its
scale and the grid values attached (every group of every kind of file:
test_xarray_groups.py). A file that is not influsim's gives exit 1 with a message;
so does --sens-output naming an output the file does not have.

Usage: /usr/bin/python3 tests/e2e/test_plot.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import re
import struct
import sys
import tempfile
import zlib

import numpy as np

import checks
from checks import Checks, short

C = Checks()
ARGS = None
DUD = ("tiers.dud={followers: 100, price: 100, platform_fee: 0, reach_rate: 1, "
       "engagement_rate: 0, audience: [1], interest_share: 1}")


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def png_ok(path):
    """Exists, is a PNG, at least 400x300 pixels, and not one flat colour."""
    if not os.path.exists(path) or os.path.getsize(path) < 1000:
        return False, "missing or tiny"
    with open(path, "rb") as fh:
        if fh.read(8) != b"\x89PNG\r\n\x1a\n":
            return False, "not a PNG"
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    if h < 300 or w < 400:
        return False, f"{w}x{h}"
    if float(np.std(img[..., :3])) < 0.02:
        return False, "blank"
    return True, f"{w}x{h}"


def png_text(path):
    """The PNG's text fields (tEXt, zTXt, iTXt chunks): {keyword: text}."""
    out = {}
    with open(path, "rb") as fh:
        data = fh.read()
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            out[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            out[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")  # language
            _, _, value = rest.partition(b"\0")  # translated keyword
            out[key.decode("latin-1")] = (zlib.decompress(value) if compressed
                                          else value).decode("utf-8")
    return out


# Words that have no place in what a slide's reader sees first.
JARGON = re.compile(r"violin|\bseed\b|\btrials?\b|\bS1\b|\bST\b|μ|σ|mu\*|sigma|"
                    r"\bq\d\d\b|bootstrap|elementary effect|"
                    r"\b[a-z_]+\.[a-z_0-9]+\.[a-z_0-9.]+\b", re.I)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    plot = os.path.join(ARGS.source_dir, "experiments", "plot.py")
    small = os.path.join(ARGS.source_dir, "tests", "scenarios", "small.yaml")
    cross = os.path.join(ARGS.source_dir, "tests", "scenarios", "crossover.yaml")
    optimum = os.path.join(ARGS.source_dir, "tests", "scenarios", "optimum.yaml")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-plot-") as tmp:
        def path(name):
            return os.path.join(tmp, name)
        made = {
            "run": ["run", small, "-n", "500", "-q", "-o", path("run.h5")],
            "summary": ["run", small, "-n", "500", "-q", "--no-trials", "-o",
                        path("summary.h5")],
            "sweep": ["sweep", cross, "--vary", "budget=1000:100000:7:log", "-n", "100", "-q",
                      "-o", path("sweep.h5")],
            "sweep4": ["sweep", small, "--vary", "budget=2000:20000:4:log", "-n", "100", "-q",
                       "-o", path("sweep4.h5")],
            "grid": ["sweep", cross, "--vary", "budget=1000:100000:5:log", "--vary",
                     "tiers.small.engagement_rate=0.05:0.2:4", "-n", "100", "-q", "-o",
                     path("grid.h5")],
            "opt2": ["optimize", optimum, "--tiers", "talk,reach", "-n", "300", "-q", "-o",
                     path("opt2.h5")],
            "opt3": ["optimize", optimum, "--tiers", "talk,reach,dud", "--set", DUD, "-n", "300",
                     "-q", "-o", path("opt3.h5")],
            "profit": ["optimize", small, "--tiers", "nano,micro", "--objective", "profit",
                       "-n", "200", "-q", "-o", path("profit.h5")],
            "select": ["select", os.path.join(ARGS.source_dir, "tests", "scenarios", "golden",
                                              "shortlist.yaml"), "--budget", "20000", "-n",
                       "100", "--resamples", "0", "-q", "--plan", path("plan.yaml"), "-o",
                       path("select.h5")],
        }
        sens = os.path.join(ARGS.source_dir, "tests", "scenarios", "sensitivity.yaml")
        factors = ["--factor", "tiers.small.engagement_rate=0.05:0.2", "--factor",
                   "tiers.mid.reach_rate.beta.mean=0.1:0.3", "--factor",
                   "market.purchase_rate.beta.mean=0.02:0.08:log"]
        made.update({
            # The crossover at a budget of 10,000: a tornado with a flip.
            "tornado": ["sensitivity", cross, "--set", "budget=15000", "--factor",
                        "budget=5000:30000", "--factor", "tiers.small.engagement_rate=0.05:0.12",
                        "-n", "200", "-q", "-o", path("tornado.h5")],
            "morris": ["sensitivity", sens, *factors, "--method", "morris", "--samples", "4",
                       "-n", "200", "-q", "-o", path("morris.h5")],
            "sobol": ["sensitivity", sens, *factors, "--method", "sobol", "--samples", "8",
                      "--bootstrap", "200", "-n", "200", "-q", "-o", path("sobol.h5")],
        })
        for name, args in made.items():
            r = influsim(*args)
            C.check(f"influsim makes the {name} file", r.returncode == 0,
                    short(r.stdout + r.stderr))
        figures = path("figures")
        r = checks.run(sys.executable, plot, *[path(f"{n}.h5") for n in made], "-o", figures,
                       timeout=300)
        C.check("plot.py: exit 0", r.returncode == 0, short(r.stdout + r.stderr))
        pngs = ("run-conversions", "run-profit", "summary-conversions", "summary-profit",
                "sweep-sweep", "sweep4-sweep", "grid-heatmap", "opt2-conversions",
                "opt2-objective", "opt3-objective", "profit-objective", "select-select",
                "tornado-tornado", "morris-morris", "sobol-sobol")
        for png in pngs:
            ok, detail = png_ok(os.path.join(figures, png + ".png"))
            C.check(f"{png}.png: a PNG that is not blank ({detail})", ok, detail)
            if not ok:
                continue
            meta = png_text(os.path.join(figures, png + ".png"))
            seen = meta.get("Title", "") + " | " + meta.get("Description", "")
            bad = sorted(set(m.group(0) for m in JARGON.finditer(seen)))
            C.check(f"{png}.png: a title, and no jargon in its titles and axis labels",
                    meta.get("Title") and not bad, f"{bad} in {seen!r}")
            C.check(f"{png}.png: where it comes from is in its Source field (seed included)",
                    re.search(r"seed \d+", meta.get("Source", "")) is not None,
                    str(meta.get("Source")))
        meta = png_text(os.path.join(figures, "grid-heatmap.png"))
        C.check("the heat map's axes in words: 'Small engagement rate (%)' and 'Budget ($)'",
                "Small engagement rate (%)" in meta.get("Description", "")
                and "Budget ($)" in meta.get("Description", ""), str(meta.get("Description")))
        meta = png_text(os.path.join(figures, "run-profit.png"))
        C.check("the profit figure is about paying back, with repeat orders (small.yaml has them)",
                "pay back" in meta.get("Title", "") and "repeat orders" in meta.get("Title", ""),
                str(meta.get("Title")))
        meta = png_text(os.path.join(figures, "opt2-objective.png"))
        C.check("the optimiser's figure names the best split",
                "best split" in meta.get("Title", "").lower(), str(meta.get("Title")))
        printed = set(os.path.basename(x) for x in r.stdout.split())
        C.check("plot.py prints each PNG it writes",
                {p + ".png" for p in pngs} <= printed, short(r.stdout))
        C.check("a sensitivity file gets only its method's figure (no conversions)",
                not any(os.path.exists(os.path.join(figures, f"{m}-conversions.png"))
                        for m in ("tornado", "morris", "sobol")), str(os.listdir(figures)))
        r = checks.run(sys.executable, plot, path("sobol.h5"), path("morris.h5"),
                       "--sens-output", "profit_mean", "--top", "2", "-o", path("profit"),
                       timeout=300)
        C.check("--sens-output profit_mean --top 2: the Sobol and Morris figures",
                r.returncode == 0
                and png_ok(os.path.join(path("profit"), "sobol-sobol.png"))[0]
                and png_ok(os.path.join(path("profit"), "morris-morris.png"))[0],
                short(r.stdout + r.stderr))
        r = checks.run(sys.executable, plot, path("sobol.h5"), "--sens-output", "nothing",
                       "-o", path("profit"), timeout=300)
        C.check("--sens-output with an unknown output: exit 1, named with the file's outputs",
                r.returncode == 1 and "nothing" in r.stderr and "conversions_mean" in r.stderr,
                short(r.stderr))
        r = checks.run(sys.executable, plot, path("grid.h5"), "--pair", "big-only,small-only",
                       "-o", path("pair"), timeout=300)
        C.check("--pair picks the heat map's strategies",
                r.returncode == 0 and png_ok(os.path.join(path("pair"), "grid-heatmap.png"))[0],
                short(r.stdout + r.stderr))
        r = checks.run(sys.executable, plot, path("grid.h5"), "--pair", "big-only,nobody",
                       "-o", path("pair"), timeout=300)
        C.check("--pair with an unknown strategy: exit 1, named",
                r.returncode == 1 and "nobody" in r.stderr, short(r.stderr))
        with open(path("not.h5"), "w") as fh:
            fh.write("not hdf5\n")
        r = checks.run(sys.executable, plot, path("not.h5"), "-o", figures, timeout=300)
        C.check("a file that is not influsim's: exit 1 with a message naming it",
                r.returncode == 1 and "not.h5" in r.stderr, short(r.stderr))

        # xarray reads /sweep as labelled arrays through the dimension scales.
        try:
            import xarray as xr
            ds = xr.open_dataset(path("grid.h5"), engine="h5netcdf", group="sweep")
            mean = ds["mean"]
            C.check("xarray: /sweep/mean has named dimensions",
                    mean.dims == ("budget", "tiers_small_engagement_rate", "strategy", "metric"),
                    str(mean.dims))
            C.check("xarray: the grid values are its coordinates",
                    np.allclose(ds["budget"].values, np.geomspace(1000, 100000, 5))
                    and np.allclose(ds["tiers_small_engagement_rate"].values,
                                    np.linspace(0.05, 0.2, 4)), str(ds.coords))
            sel = mean.sel(strategy="small-only", metric="conversions").values
            C.check("xarray: selection by strategy and metric names",
                    sel.shape == (5, 4) and np.all(np.isfinite(sel)), str(sel.shape))
            p = ds["p_greater"]
            C.check("xarray: comparisons over (strategy, strategy_b)",
                    p.dims[-2:] == ("strategy", "strategy_b"), str(p.dims))
            ds.close()
        except Exception as e:  # noqa: BLE001 - any failure here is a failed check
            C.crash("xarray opens /sweep", e)
        try:
            import xarray as xr
            ds = xr.open_dataset(path("run.h5"), engine="h5netcdf", group="comparisons")
            p = ds["p_greater"]
            n = len(ds["strategy_b"])
            C.check("xarray: a run file's /comparisons over (strategy, strategy_b)",
                    p.dims == ("strategy", "strategy_b") and p.shape == (n, n), str(p.dims))
            ds.close()
        except Exception as e:  # noqa: BLE001
            C.crash("xarray opens /comparisons", e)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
