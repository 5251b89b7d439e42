#!/usr/bin/python3
"""End-to-end test of `influsim optimize`.

On tests/scenarios/optimum.yaml, mean conversions as a function of the split
are known exactly: f = p M (1 - 0.99^k_r 0.9995^k_t) + k_t p 100 for k_r posts
of "reach" and k_t = 200 - k_r of "talk" (the scenario explains why), highest
at k_t = 143. The optimiser must land where the true f is within two reported
standard errors of the true maximum, report a value that agrees with the true
f at its split within three standard errors, and call the true optimum's
share flat. With a third tier that sells nothing (Nelder-Mead) it must give
that tier nothing and find the same split. The file holds the optimum as a
strategy whose summary equals the reported value, and /optimize as
documented; the answer does not depend on the thread count. Bad options exit 2
before any simulation.

Usage: /usr/bin/python3 tests/e2e/test_optimize.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import re
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, short

C = Checks()
ARGS = None
RESULT = re.compile(r"^optimize: (.*) value=(\S+) se=(\S+)$", re.M)
DUD = ("tiers.dud={followers: 100, price: 100, platform_fee: 0, reach_rate: 1, "
       "engagement_rate: 0, audience: [1], interest_share: 1}")


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def true_mean(k_reach, k_talk):
    """Expected conversions of the scenario with these posts (see its comments)."""
    p, m = 0.05, 20000.0
    return p * m * (1 - 0.99 ** k_reach * 0.9995 ** k_talk) + k_talk * p * 100


def parse(stdout):
    m = RESULT.search(stdout)
    if not m:
        return None
    shares = {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    return shares, float(m.group(2)), float(m.group(3))


def check_analytic(label, out, shares, value, se):
    k_max = max(range(201), key=lambda kt: true_mean(200 - kt, kt))
    f_max = true_mean(200 - k_max, k_max)
    C.check("the scenario's analytic optimum is 143 posts of talk", k_max == 143, str(k_max))
    with h5py.File(out, "r") as f:
        hires_t = f["strategies/optimum/trials/hires_talk"][:]
        hires_r = f["strategies/optimum/trials/hires_reach"][:]
        # constant prices: every trial hires the same posts
        if not C.check(f"{label}: constant hires at the optimum",
                       np.all(hires_t == hires_t[0]) and np.all(hires_r == hires_r[0])):
            return
        kt, kr = int(hires_t[0]), int(hires_r[0])
        f_found = true_mean(kr, kt)
        C.check(f"{label}: the split found is within 2 standard errors of the true best",
                f_found >= f_max - 2 * se,
                f"{kt} talk posts: true mean {f_found:.2f}, best {f_max:.2f} at 143, se {se:.3f}")
        C.check(f"{label}: the reported value agrees with the true mean there (3 se)",
                abs(value - f_found) <= 3 * se, f"{value:.3f} vs {f_found:.3f} ± {se:.3f}")
        g = f["optimize"]
        t = [x.decode() if isinstance(x, bytes) else x for x in g["profile_tier"][:]]
        i = t.index("talk")
        lo, hi = g["flat_low"][i], g["flat_high"][i]
        C.check(f"{label}: the true optimum's share lies in the range reported flat",
                lo - 0.005 <= k_max / 200 <= hi + 0.005, f"{k_max / 200} not in [{lo}, {hi}]")
        summary_mean = f["strategies/optimum/summary/mean"]
        names = [x.decode() if isinstance(x, bytes) else x
                 for x in f["strategies/optimum/summary/metric"][:]]
        mean_conv = summary_mean[names.index("conversions")]
        C.check(f"{label}: the file's summary of the optimum gives the same value",
                abs(mean_conv - value) <= 1e-9 * abs(value), f"{mean_conv} vs {value}")
        C.check(f"{label}: /optimize says the same value and shares",
                g.attrs["value"] == value and g.attrs["strategy"] == "optimum"
                and abs(g["optimum"][list(_names(g["tier"])).index("talk")] - shares["talk"])
                == 0)
        sh = g["shares"][:]
        C.check(f"{label}: every point's shares are a split of the budget",
                np.all(sh >= 0) and np.allclose(sh.sum(axis=1), 1, atol=1e-9))
        st = g["stage"][:]
        v = g["value"][:]
        C.check(f"{label}: no grid or minimiser point beats the optimum",
                set(np.unique(st)) <= {0, 1, 2} and np.all(v[st < 2] <= value))
        C.check(f"{label}: dimension scales on /optimize",
                h5py.h5ds.is_scale(g["tier"].id) and h5py.h5ds.is_scale(g["point"].id)
                and g["shares"].dims[0][0].name == "/optimize/point")


def _names(ds):
    return [x.decode() if isinstance(x, bytes) else x for x in ds[:]]


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    scen = os.path.join(ARGS.source_dir, "tests", "scenarios", "optimum.yaml")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-optimize-") as tmp:
        out = os.path.join(tmp, "two.h5")
        r = influsim("optimize", scen, "--tiers", "talk,reach", "-o", out, "-t", "2")
        got = parse(r.stdout)
        if C.check("two tiers: exit 0 and a result line", r.returncode == 0 and got,
                   short(r.stdout + r.stderr)):
            shares, value, se = got
            C.check("two tiers: Brent's minimiser did it", "brent" in r.stdout, short(r.stdout))
            check_analytic("two tiers", out, shares, value, se)
            r1 = influsim("optimize", scen, "--tiers", "talk,reach", "-o",
                          os.path.join(tmp, "one.h5"), "-t", "1", "-q")
            C.check("the same optimum and value on 1 thread as on 2",
                    r1.returncode == 0 and parse(r1.stdout) == got, short(r1.stdout))
            r = influsim("show", out)
            C.check("show reads the file", r.returncode == 0 and "optimum" in r.stdout,
                     short(r.stdout + r.stderr))

        out3 = os.path.join(tmp, "three.h5")
        r = influsim("optimize", scen, "--tiers", "talk,reach,dud", "--set", DUD, "-o", out3,
                     "-q")
        got = parse(r.stdout)
        if C.check("three tiers: exit 0 and a result line", r.returncode == 0 and got,
                   short(r.stdout + r.stderr)):
            shares, value, se = got
            C.check("three tiers: the tier that sells nothing gets nothing",
                    shares["dud"] <= 0.005, str(shares))
            with h5py.File(out3, "r") as f:
                C.check("three tiers: Nelder-Mead did it",
                        f["optimize"].attrs["method"] == "nelder-mead")
            check_analytic("three tiers", out3, shares, value, se)

        # A quantile objective: the value is the file's own 10 % quantile.
        outq = os.path.join(tmp, "q10.h5")
        r = influsim("optimize", scen, "--tiers", "talk,reach", "--objective", "q10", "-o",
                     outq, "-q", "-n", "1000")
        got = parse(r.stdout)
        if C.check("q10: exit 0", r.returncode == 0 and got, short(r.stdout + r.stderr)):
            with h5py.File(outq, "r") as f:
                conv = f["strategies/optimum/trials/conversions"][:].astype(float)
            C.check("q10: the value is the 10 % quantile of the optimum's conversions",
                    got[1] == np.quantile(conv, 0.1), f"{got[1]} vs {np.quantile(conv, 0.1)}")
        for objective, metric in (("profit", "profit"), ("p-roi", "roi")):
            o = os.path.join(tmp, f"{objective}.h5")
            r = influsim("optimize", scen, "--tiers", "talk,reach", "--objective", objective,
                         "-o", o, "-q", "-n", "500")
            got = parse(r.stdout)
            if C.check(f"{objective}: exit 0", r.returncode == 0 and got,
                       short(r.stdout + r.stderr)):
                with h5py.File(o, "r") as f:
                    x = f[f"strategies/optimum/trials/{metric}"][:].astype(float)
                want = np.mean(x > 0) if metric == "roi" else np.mean(x)
                C.check(f"{objective}: the value is computed from the optimum's trials",
                        abs(got[1] - want) <= 1e-9 * max(1.0, abs(want)), f"{got[1]} vs {want}")

        # Bad options: exit 2, a message naming the problem, no file.
        bad = os.path.join(tmp, "bad.h5")
        for label, args, word in (
                ("no --tiers", [], "--tiers"),
                ("one tier", ["--tiers", "talk"], "two"),
                ("an unknown tier", ["--tiers", "talk,nobody"], "nobody"),
                ("a tier twice", ["--tiers", "talk,talk"], "twice"),
                ("an unknown objective", ["--tiers", "talk,reach", "--objective", "median"],
                 "median"),
                ("a bad quantile", ["--tiers", "talk,reach", "--objective", "q100"], "q100"),
                ("a bad tolerance", ["--tiers", "talk,reach", "--tolerance", "0.9"],
                 "--tolerance"),
                ("too fine a lattice", ["--tiers", "talk,reach,dud", "--set", DUD, "--grid",
                                        "500"], "--grid")):
            r = influsim("optimize", scen, *args, "-o", bad)
            C.check(f"{label}: exit 2 and says so",
                    r.returncode == 2 and word in r.stderr and not os.path.exists(bad),
                    f"rc {r.returncode} {short(r.stderr)}")
        r = influsim("optimize", scen, "--tiers", "talk,reach", "-o", out)
        C.check("an existing file without --force: exit 2 before simulating",
                r.returncode == 2 and "--force" in r.stderr and "searched" not in r.stdout,
                f"rc {r.returncode} {short(r.stdout + r.stderr)}")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
