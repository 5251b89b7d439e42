#!/usr/bin/python3
"""End-to-end test: extreme but valid scenarios run and give the numbers they must.

Each case overrides tests/scenarios/small.yaml with --set and checks the
file's per-trial values:
- rates of exactly 0: no engagement means no sales, no conversations;
- rates of exactly 1 (real share, reach, engagement, interest, purchase rate)
  with one region: every follower converts (conversions = followers hired,
  without overlap);
- sigma 0 and kappa 1e9: the lognormal is its median and the beta its mean
  (a constant price gives floor(B / c) hires);
- followers of 10^9 and a budget of 10^12 (posts at $10 million): about 10^5
  hires a trial, counts beyond 2^32 summed in 64 bits, no NaN;
- purchase rate 1 and word-of-mouth factor 1: p * w clamps at 1.

Usage: /usr/bin/python3 tests/e2e/test_extremes.py --influsim BUILD/influsim --source-dir SRC
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


def run(tmp, name, sets, trials=60):
    out = os.path.join(tmp, f"{name}.h5")
    args = ["run", os.path.join(ARGS.source_dir, "tests/scenarios/small.yaml"), "-q",
            "--trials", str(trials), "-o", out]
    for s in sets:
        args += ["--set", s]
    r = checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))
    if not C.check(f"{name}: exit 0", r.returncode == 0, short(r.stderr)):
        return None
    f = h5py.File(out, "r")
    C.check(f"{name}: complete", bool(f.attrs["complete"]))
    return f


def col(f, s, m):
    return f[f"strategies/{s}/trials/{m}"][:]


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    tiers = ("nano", "micro", "macro")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-extremes-") as tmp:
        f = run(tmp, "zero-engagement", [f"tiers.{k}.engagement_rate=0" for k in tiers])
        if f:
            bad = [s for s in f["strategy"].asstr()[:]
                   if col(f, s, "engagements").any() or col(f, s, "conversions").any() or
                   col(f, s, "conversations").any()]
            C.check("zero-engagement: no engagements, conversations or sales", not bad, str(bad))
            C.check("zero-engagement: hires still made",
                    col(f, "balanced", "hires").min() > 0)

        ones = ["regions=[{name: home, shippable: true}]", "market.purchase_rate=1",
                "market.wom_purchase_factor=1"]
        for k in tiers:
            ones += [f"tiers.{k}.real_share=1", f"tiers.{k}.reach_rate=1",
                     f"tiers.{k}.engagement_rate=1", f"tiers.{k}.interest_share=1",
                     f"tiers.{k}.audience=[1]", f"tiers.{k}.conversations_per_engagement=0"]
        f = run(tmp, "all-ones", ones)
        if f:
            ok = all(np.array_equal(col(f, s, "interested"), col(f, s, "reach"))
                     and np.array_equal(col(f, s, "reach"), col(f, s, "engagements"))
                     and np.array_equal(col(f, s, "conversions"), col(f, s, "distinct_interested"))
                     for s in f["strategy"].asstr()[:])
            C.check("all-ones: everyone reached engages and is interested; every distinct "
                    "person buys", ok)
            C.check("all-ones: nothing lost (one shippable region)",
                    not any(col(f, s, "lost_conversions").any()
                            for s in f["strategy"].asstr()[:]))

        sets = ["tiers.micro.price={lognormal: {median: 250, sigma: 0}}",
                "tiers.micro.platform_fee=0", "tiers.micro.gifted_share=0",
                "tiers.micro.reach_rate={beta: {mean: 0.3, kappa: 1e9}}",
                "tiers.nano.audience={dirichlet: {mean: [0.7, 0.2, 0.1], kappa: 1e9}}"]
        f = run(tmp, "sigma-0-kappa-1e9", sets)
        if f:
            hires = col(f, "micro-only", "hires_micro")
            C.check("sigma 0: a constant price gives floor(B / c) hires",
                    np.all(hires == 8000 // 250), str(np.unique(hires)))

        huge = ["budget=1e12", "tiers.nano.followers=1e9", "tiers.nano.gifted_share=0",
                "tiers.nano.price_per_1k_followers=10", "tiers.micro.price=1e7",
                "tiers.macro.followers=1e9", "tiers.macro.price_per_1k_followers=10",
                "hiring.reallocate=false"]  # the count below is one tier's share alone
        f = run(tmp, "followers-1e9-budget-1e12", huge, trials=3)
        if f:
            hires = col(f, "macro-heavy", "hires_macro")
            reach = col(f, "macro-heavy", "reach")
            C.check("1e9 followers, 1e12 budget: 8e4 posts at $10M each",
                    np.all(hires == 80000), str(np.unique(hires)))
            C.check("1e9 followers: reach beyond 2^32 summed exactly in 64 bits",
                    reach.dtype == np.uint64 and reach.min() > 2**32, str(reach))
            nan = [m for m in f["strategies/macro-heavy/trials"]
                   if f[f"strategies/macro-heavy/trials/{m}"].dtype.kind == "f" and
                   m not in ("roi", "cost_per_acquisition", "cost_per_engagement") and
                   np.isnan(col(f, "macro-heavy", m)).any()]
            C.check("1e9 followers: no NaN", not nan, str(nan))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
