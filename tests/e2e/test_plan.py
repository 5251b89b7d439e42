#!/usr/bin/python3
"""End-to-end test of `influsim plan`.

On tests/scenarios/crossover.yaml (a small post costs 100 and sells 50 on
average): the smallest budget for small-only to make 1,000 conversions with
probability 0.9, and on average. The budget found, run with `influsim run`,
reaches the target (checked from its per-trial conversions), the lower end of
the final bracket does not, and the bracket is within the tolerance; for the
probability, the answer is at least 2,100 (20 posts reach 1,000 only about
half the time; 21 posts about 93 % of the time). Unknown strategies and
missing options exit 2; a target out of reach exits 1.

Usage: /usr/bin/python3 tests/e2e/test_plan.py --influsim BUILD/influsim --source-dir SRC
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
RESULT = re.compile(r"plan: budget=(\S+) lower=(\S+) p=(\S+) p_lower=(\S+)")


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def conversions_at(tmp, scenario, budget):
    out = os.path.join(tmp, f"at-{budget!r}.h5")
    r = influsim("run", scenario, "-q", "--trials", "400", "--set", f"budget={budget!r}", "-o",
                 out, "--force")
    if r.returncode != 0:
        return None
    with h5py.File(out, "r") as f:
        return f["strategies/small-only/trials/conversions"][:].astype(float)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    scen = os.path.join(ARGS.source_dir, "tests", "scenarios", "crossover.yaml")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-plan-") as tmp:
        for label, extra, ok_at in (
                ("P(1000) >= 0.9", ["--confidence", "0.9"],
                 lambda c: np.mean(c >= 1000) >= 0.9),
                ("mean >= 1000", ["--expected"], lambda c: c.mean() >= 1000)):
            r = influsim("plan", scen, "--strategy", "small-only", "--conversions", "1000",
                         "--trials", "400", *extra)
            m = RESULT.search(r.stdout)
            if not C.check(f"{label}: exit 0 and a result line", r.returncode == 0 and m,
                           short(r.stdout + r.stderr)):
                continue
            budget, lower = float(m.group(1)), float(m.group(2))
            C.check(f"{label}: the bracket is within 0.5 %",
                    0 < budget - lower <= 0.005 * budget, f"{lower} .. {budget}")
            at, below = conversions_at(tmp, scen, budget), conversions_at(tmp, scen, lower)
            C.check(f"{label}: a run at the budget found reaches the target",
                    at is not None and ok_at(at), f"at {budget}")
            C.check(f"{label}: a run at the lower end of the bracket does not",
                    below is not None and not ok_at(below), f"at {lower}")
            if "--confidence" in extra:
                C.check(f"{label}: at least 21 posts' worth (2,100), not much more",
                        2100 <= budget <= 2100 * 1.01, str(budget))

        r = influsim("plan", scen, "--strategy", "nobody", "--conversions", "10", "-n", "50")
        C.check("unknown strategy: exit 2, named",
                r.returncode == 2 and "nobody" in r.stderr, short(r.stderr))
        r = influsim("plan", scen, "--strategy", "small-only")
        C.check("no --conversions: exit 2", r.returncode == 2, short(r.stderr))
        r = influsim("plan", scen, "--strategy", "small-only", "--conversions", "1000",
                     "--confidence", "1.5")
        C.check("--confidence 1.5: exit 2", r.returncode == 2, short(r.stderr))
        # Posts that sell nothing: no budget up to 10^12 is enough.
        r = influsim("plan", scen, "--strategy", "small-only", "--conversions", "10", "-n", "5",
                     "-q", "--set", "tiers.small.engagement_rate=0",
                     "--set", "tiers.small.price=1e6", "--set", "tiers.big.price=1e8")
        C.check("a target out of reach: exit 1, says so",
                r.returncode == 1 and "10^12" in r.stderr, f"rc {r.returncode} {short(r.stderr)}")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
