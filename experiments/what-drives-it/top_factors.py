#!/usr/bin/env python3
"""The factors a Morris screening ranks first, as --factor options for a Sobol study.

    top_factors.py MORRIS.h5 [N]

Reads /sensitivity of an `influsim sensitivity --method morris` file, ranks the
factors by mu* of the decision (the compared pair's difference in mean
conversions) and prints the first N (default 8) as `--factor KEY=LO:HI[:log]`, one
per line, with the ranges the screening used, so the Sobol study looks at the
same box. Needs h5py (Debian's python3-h5py: run with /usr/bin/python3).
"""
import sys

import h5py


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    top = int(argv[2]) if len(argv) == 3 else 8
    with h5py.File(argv[1], "r") as f:
        g = f["sensitivity"]
        if g.attrs["method"] != "morris":
            sys.exit(f"{argv[1]}: a {g.attrs['method']} study, not a Morris screening")
        keys = g["factor"].asstr()[:]
        stats = list(g["statistic"].asstr()[:])
        decisions = list(g["decision"].asstr()[:])
        mu_star = g["decision_indices"][:, decisions.index("conversions_difference"),
                                        stats.index("mu_star")]
        lo, hi = g["factor_lo"][:], g["factor_hi"][:]
        scale = g["factor_scale"].asstr()[:]
    order = sorted(range(len(keys)), key=lambda i: -mu_star[i])[:top]
    for i in order:
        log = ":log" if scale[i] == "log" else ""
        print(f"--factor {keys[i]}={lo[i]!r}:{hi[i]!r}{log}")


if __name__ == "__main__":
    main(sys.argv)
