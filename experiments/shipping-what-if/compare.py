#!/usr/bin/python3
"""Compares two influsim runs of the same scenario and seed trial by trial:
per strategy, the mean conversions, revenue and lost conversions of each, the
mean gain with its standard error (paired: the same campaigns in both), and
how often the second run sells more.

    /usr/bin/python3 compare.py BEFORE.h5 AFTER.h5
"""
import sys

import h5py
import numpy as np


def column(f, strategy, metric):
    return f[f"strategies/{strategy}/trials/{metric}"][()].astype(float)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
        if a.attrs["seed"] != b.attrs["seed"] or a.attrs["trials"] != b.attrs["trials"]:
            print("compare.py: the runs differ in seed or trials; a paired comparison needs "
                  "both the same", file=sys.stderr)
            return 1
        currency = a.attrs["currency"]
        print(f"{'strategy':<12} {'conversions':>23} {'lost (before)':>14} "
              f"{'gain':>16} {'P(more)':>8} {'revenue gain':>14}")
        for s in [x.decode() if isinstance(x, bytes) else x for x in a["strategy"][()]]:
            ca, cb = column(a, s, "conversions"), column(b, s, "conversions")
            lost = column(a, s, "lost_conversions")
            d = cb - ca
            rev = column(b, s, "revenue") - column(a, s, "revenue")
            se = d.std(ddof=1) / np.sqrt(d.size)
            print(f"{s:<12} {ca.mean():10.2f} -> {cb.mean():9.2f} {lost.mean():14.2f} "
                  f"{d.mean():+9.2f} ± {se:4.2f} {np.mean(d > 0):8.3f} "
                  f"{rev.mean():+10.0f} {currency}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
