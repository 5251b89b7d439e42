#!/usr/bin/python3
"""End-to-end test of `influsim plan`.

On tests/scenarios/crossover.yaml (a small post costs 100 and sells 50 on
average): the smallest budget for small-only to make 1,000 conversions with
probability 0.9, and on average. The budget found, run with `influsim run`,
reaches the target (checked from its per-trial conversions), the lower end of
the final bracket does not, and the bracket is within the tolerance; for the
probability, the answer is at least 2,100 (20 posts reach 1,000 only about
half the time; 21 posts about 93 % of the time). The answer is printed as
its bracket, both ends as money with the probability (or mean) ± its
standard error, matching the result line; after the first budget, stderr
has an estimate of the budgets and time left (none with -q). --max-budget
above the answer gives the same answer; below it, plan says the target is
not reached at the max budget (exit 1, the max budget the last tried).
Unknown strategies and missing options exit 2; a target out of reach exits 1.

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
RESULT = re.compile(r"plan: budget=(\S+) lower=(\S+) p=(\S+) p_lower=(\S+) se=(\S+) "
                    r"se_lower=(\S+)")
NOT_REACHED = re.compile(r"plan: not-reached max_budget=(\S+) p=(\S+) se=(\S+)")
ESTIMATE = re.compile(r"plan: estimate: about (\d+) more budgets? \((\d+) to bracket the answer, "
                      r"(\d+) to bisect it\), (\d+) trials each; the first took [0-9.]+ s, so "
                      r"about .* more\. A guess")
PILOT = re.compile(r"plan: estimate before starting \(from a pilot of (\d+) trials\): about "
                   r"(\d+) budgets \((\d+) to bracket the answer, (\d+) to bisect it\), "
                   r"(\d+) trials each; the first should take about [0-9.]+ s, so about .* in "
                   r"all\. A guess")
BUDGET_LINE = re.compile(r"^  budget +([0-9,.]+) USD: ", re.M)


def money(v):
    """infl_cli_format_money of a budget of 1,000 or more, in USD."""
    return f"{int(v + 0.5):,} USD"


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
            p, p_lower, se, se_lower = (float(m.group(k)) for k in (3, 4, 5, 6))
            kind = "mean conversions = " if "--expected" in extra else "P(>= 1000) = "
            enough = re.search(r"^  enough: +(\S+ USD)  " + re.escape(kind) + r"(\S+) ± (\S+)$",
                               r.stdout, re.M)
            short_ = re.search(r"^  not enough: +(\S+ USD)  " + re.escape(kind) +
                               r"(\S+) ± (\S+)$", r.stdout, re.M)
            C.check(f"{label}: the bracket, as money, with the score ± its se at each end",
                    enough and short_ and enough.group(1) == money(budget)
                    and short_.group(1) == money(lower)
                    and abs(float(enough.group(2)) - p) <= float(enough.group(3))
                    and abs(float(short_.group(2)) - p_lower) <= float(short_.group(3))
                    and abs(float(enough.group(3)) - se) <= 0.05 * se
                    and abs(float(short_.group(3)) - se_lower) <= 0.05 * se_lower,
                    short(r.stdout[-600:]))
            if "--confidence" in extra:
                C.check(f"{label}: se is the binomial standard error of each end's P",
                        abs(se - (p * (1 - p) / 400) ** 0.5) < 1e-12
                        and abs(se_lower - (p_lower * (1 - p_lower) / 400) ** 0.5) < 1e-12,
                        f"{se} {se_lower}")
            tried = BUDGET_LINE.findall(r.stdout)
            e = ESTIMATE.search(r.stderr)
            C.check(f"{label}: an estimate of the budgets and time left on stderr, after the "
                    f"first budget",
                    e and int(e.group(4)) == 400 and int(e.group(1)) ==
                    int(e.group(2)) + int(e.group(3)) and int(e.group(3)) >= 1
                    and "estimate" not in r.stdout, short(r.stderr))
            pe = PILOT.search(r.stderr)
            C.check(f"{label}: an estimate before starting, from a pilot of 100 trials, near "
                    f"the budgets then tried",
                    pe and int(pe.group(1)) == 100 and int(pe.group(5)) == 400
                    and int(pe.group(2)) == int(pe.group(3)) + int(pe.group(4))
                    and abs(int(pe.group(2)) - len(tried)) <= 3, short(r.stderr))
            if e:
                C.check(f"{label}: the estimate is near the budgets then tried "
                        f"({e.group(1)} vs {len(tried) - 1})",
                        abs(int(e.group(1)) - (len(tried) - 1)) <= 3, short(r.stdout))
            C.check(f"{label}: each budget tried as money", tried and tried[0] == "10,000",
                    str(tried[:3]))
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

        # --ltv counts orders: with 1.5 repeat orders a customer, 1000 orders
        # on average need about 1000 / 2.5 conversions; a run at the answer
        # makes them, one at the lower end does not.
        rep = ["--set", "product.repeat_orders=1.5"]
        r = influsim("plan", scen, "--strategy", "small-only", "--conversions", "1000",
                     "--trials", "400", "--expected", "--ltv", *rep)
        m = RESULT.search(r.stdout)
        if C.check("--ltv: exit 0 and a result line", r.returncode == 0 and m,
                   short(r.stdout + r.stderr)):
            budget, lower = float(m.group(1)), float(m.group(2))
            C.check("--ltv: the title and the score count orders",
                    "to make 1000 orders (first purchases and repeat orders) on average"
                    in r.stdout and "mean orders = " in r.stdout, short(r.stdout[:400]))
            out = os.path.join(tmp, "ltv.h5")
            orders = []
            for b in (budget, lower):
                rr = influsim("run", scen, "-q", "--trials", "400", "--set", f"budget={b!r}",
                              *rep, "-o", out, "--force")
                with h5py.File(out, "r") as f:
                    orders.append(f["strategies/small-only/trials/orders"][:].mean())
            C.check("--ltv: mean orders >= 1000 at the answer, < 1000 below it",
                    orders[0] >= 1000 > orders[1], str(orders))
            plain = RESULT.search(influsim("plan", scen, "--strategy", "small-only",
                                           "--conversions", "1000", "--trials", "400",
                                           "--expected", *rep).stdout)
            C.check("--ltv: a smaller budget than for 1000 first purchases (under half)",
                    plain and budget < 0.5 * float(plain.group(1)), f"{budget} vs {plain}")

        # --max-budget: above the answer, the same answer; below it, not reached.
        base = ("plan", scen, "--strategy", "small-only", "--conversions", "1000", "--trials",
                "400")
        plain, capped = influsim(*base, "-q"), influsim(*base, "--max-budget", "3000")
        a, b = RESULT.search(plain.stdout), RESULT.search(capped.stdout)
        tried = BUDGET_LINE.findall(capped.stdout)
        # Below the scenario's budget (10,000) the search starts at the max, so
        # its bracket differs, but both hold the same step of P (common random
        # numbers make P a step function of the budget).
        C.check("--max-budget 3000, below the start, above the answer: starts at 3,000, a "
                "bracket overlapping the unlimited one",
                plain.returncode == 0 and capped.returncode == 0 and a and b
                and tried and tried[0] == "3,000"
                and max(float(a.group(2)), float(b.group(2)))
                < min(float(a.group(1)), float(b.group(1))) <= 3000,
                short(plain.stdout + " / " + capped.stdout))
        r = influsim(*base, "--max-budget", "1500")
        m = NOT_REACHED.search(r.stdout)
        tried = BUDGET_LINE.findall(r.stdout)
        C.check("--max-budget 1500, below the answer: exit 1, not reached, says so",
                r.returncode == 1 and m and float(m.group(1)) == 1500
                and "not reached: at the max budget, 1,500 USD, P(>= 1000) = 0" in r.stdout
                and "at any budget up to 1,500 USD (--max-budget)" in r.stderr
                and not RESULT.search(r.stdout),
                f"rc {r.returncode} {short(r.stdout + r.stderr)}")
        C.check("--max-budget 1500: no budget above it tried, it the last",
                tried and tried[-1] == "1,500"
                and all(float(t.replace(",", "")) <= 1500 for t in tried), str(tried))
        r = influsim(*base, "--max-budget", "1500", "--expected", "-q")
        m = NOT_REACHED.search(r.stdout)
        C.check("--max-budget, --expected, -q: the mean ± se at the max budget, no estimate",
                r.returncode == 1 and m and 700 < float(m.group(2)) < 800
                and 0 < float(m.group(3)) < 5 and "estimate" not in r.stderr
                and "mean conversions = " in r.stderr, short(r.stdout + r.stderr))
        r = influsim(*base, "--max-budget", "20000", "-q")
        C.check("--max-budget above the scenario's budget and the answer: the same answer",
                r.returncode == 0 and RESULT.search(r.stdout)
                and RESULT.search(r.stdout).group(1) == a.group(1) if a else False,
                short(r.stdout + r.stderr))
        for bad in ("0", "-5", "lots", "1e16"):
            r = influsim(*base, "--max-budget", bad)
            C.check(f"--max-budget {bad}: exit 2, a message",
                    r.returncode == 2 and "--max-budget" in r.stderr, short(r.stderr))

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
