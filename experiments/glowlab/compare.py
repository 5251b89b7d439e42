#!/usr/bin/python3
"""Before and after, per strategy: what each run of the same scenario (same seed
and trials) spent and left unspent, its sales and its profit on first purchases
and over the horizon (lifetime value), each mean with its standard error.

    /usr/bin/python3 compare.py BEFORE.h5 AFTER.h5
"""
import sys

import h5py
import numpy as np


def mean_se(f, strategy, metric):
    x = f[f"strategies/{strategy}/trials/{metric}"][()].astype(float)
    return x.mean(), x.std(ddof=1) / np.sqrt(x.size)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
        if a.attrs["seed"] != b.attrs["seed"] or a.attrs["trials"] != b.attrs["trials"]:
            print("compare.py: the runs differ in seed or trials", file=sys.stderr)
            return 1
        cur = a.attrs["currency"]
        cur = cur.decode() if isinstance(cur, bytes) else cur
        budget = float(a.attrs["budget"])
        print(f"means over {int(a.attrs['trials'])} trials, {cur}; before -> after")
        print(f"{'strategy':<11} {'unspent':>17} {'(% of budget)':>14} {'conversions':>16} "
              f"{'profit':>17} {'LTV profit':>17}")
        for s in [x.decode() if isinstance(x, bytes) else x for x in a["strategy"][()]]:
            ua, ub = mean_se(a, s, "unspent")[0], mean_se(b, s, "unspent")[0]
            ca, cb = mean_se(a, s, "conversions")[0], mean_se(b, s, "conversions")[0]
            pa, pb = mean_se(a, s, "profit")[0], mean_se(b, s, "profit")[0]
            la, lb = mean_se(a, s, "ltv_profit")[0], mean_se(b, s, "ltv_profit")[0]
            print(f"{s:<11} {ua:7.0f} -> {ub:6.0f} {100 * ua / budget:6.0f} -> {100 * ub / budget:3.0f}"
                  f" {ca:6.2f} -> {cb:6.2f} {pa:7.0f} -> {pb:6.0f} {la:7.0f} -> {lb:6.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
