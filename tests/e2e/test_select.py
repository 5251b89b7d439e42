#!/usr/bin/python3
"""End-to-end test of `influsim select`.

On a small roster with uncertain prices and rates (written here, `roster:` in
the YAML): the printed answer (the plan's creators, the objective with its
error, the runner-up, the robustness line, the files written), the results
file read back with h5py (the roster table, the attributes, the per-trial
values against the printed value), the same answer on 1 and 3 threads, and
`influsim run` of the plan's file, whose plan strategy converts exactly as
select said, trial by trial. On a roster with constant rates and integer
prices, where a creator's expected conversions are followers x real_share x
reach x engagement x interest x purchase_rate, the best subset is a knapsack
that the test solves by dynamic programming; the instance leaves a gap of many
standard errors to the second best subset, so select must find it. Bad input:
an unknown --must-include handle (exit 2, with a suggestion), a scenario
without a roster; nothing is written. Audience overlap (a market of 20 to 60
people next to posts that reach about 25 interested people each): select
answers, the plan's run gives select's conversions trial by trial, and the
plan converts fewer than its members alone (diminishing returns).

Usage: /usr/bin/python3 tests/e2e/test_select.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import itertools
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
RESULT = re.compile(r"^select: method=(\S+) plan=(\S*) value=(\S+) se=(\S+)$", re.M)

ROSTER = """\
name: tiny
trials: 3000
seed: 11
budget: 5000
product: {price: 400, unit_cost: 100}
market: {purchase_rate: {beta: {mean: 0.1, kappa: 100}}}
regions: [{name: home, shippable: true}, {name: away, shippable: false}]
tiers:
  micro: {followers: 8000, price: 150, platform_fee: 0.1,
          reach_rate: {beta: {mean: 0.3, kappa: 40}}, engagement_rate: 0.05,
          audience: {dirichlet: {mean: [0.8, 0.2], kappa: 30}},
          interest_share: {beta: {mean: 0.2, kappa: 30}}, overhead_per_hire: 20,
          post_probability: 0.85, conversations_per_engagement: 0.05}
roster:
  - {handle: alice, tier: micro, followers: 10000, price: {uniform: {min: 200, max: 400}}}
  - {handle: '@Bob', tier: micro, platform: instagram, followers: 30000, price: 500}
  - {handle: carol, tier: micro, followers: 5000, price: 100}
  - {handle: dan, platform: tiktok, tier: micro, followers: 20000,
     price: {loguniform: {min: 300, max: 700}}}
  - {handle: eve, tier: micro, followers: 2000, price: 60}
strategies:
  - {name: all-micro, allocation: {micro: 1}}
  - {name: pick, hire: [alice, bob]}
"""

# Conversions per follower of every creator of KNAPSACK: real_share 1 x reach
# 0.5 x engagement 0.1 x interest 0.5 x purchase rate 0.1.
RATE = 1.0 * 0.5 * 0.1 * 0.5 * 0.1
# (handle, price, followers): expected conversions followers x RATE.
CREATORS = [("ana", 400, 40000), ("ben", 300, 28000), ("cal", 300, 24000),
            ("dee", 200, 20000), ("eli", 500, 44000), ("fay", 100, 4000),
            ("gus", 250, 16000), ("hal", 350, 34000), ("ivy", 150, 10000)]
KNAPSACK_BUDGET = 1000


def knapsack_yaml():
    rows = "\n".join(f"  - {{handle: {h}, tier: base, followers: {f}, price: {p}}}"
                     for h, p, f in CREATORS)
    return f"""\
name: knapsack
trials: 2000
seed: 3
budget: 99999
product: {{price: 10, unit_cost: 2}}
market: {{purchase_rate: 0.1}}
regions: [{{name: home, shippable: true}}]
tiers:
  base: {{followers: 1000, price: 100, platform_fee: 0, real_share: 1, reach_rate: 0.5,
          engagement_rate: 0.1, audience: [1], interest_share: 0.5}}
roster:
{rows}
strategies:
  - {{name: all-base, allocation: {{base: 1}}}}
"""


def influsim(*args, cwd=None):
    return checks.run(ARGS.influsim, *args, cwd=cwd, timeout=600, drop=("OMP_NUM_THREADS",))


def parse(stdout):
    m = RESULT.search(stdout)
    if not m:
        return None
    return m.group(1), [h for h in m.group(2).split(",") if h], float(m.group(3)), float(m.group(4))


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as fh:
        fh.write(text)
    return path


def check_answer(tmp):
    """The printed answer, the file, the plan's run."""
    sc = write(tmp, "tiny.yaml", ROSTER)
    out, plan = os.path.join(tmp, "tiny.h5"), os.path.join(tmp, "tiny-plan.yaml")
    r = influsim("select", sc, "--budget", "900", "--resamples", "40", "-t", "2", "-o", out,
                 "--plan", plan)
    C.check("select runs", r.returncode == 0, short(r.stderr + r.stdout))
    got = parse(r.stdout)
    C.check("result line", got is not None, short(r.stdout))
    if got is None:
        return
    method, members, value, se = got
    C.check("exact on 5 creators", method == "exact", method)
    C.check("a plan", len(members) > 0, r.stdout)
    for text in ("the plan:", "handle", "marginal", "mean conversions:", "Monte Carlo standard error",
                 "runner-up", "P(the plan beats the runner-up", "robustness", "wrote " + out,
                 "influsim run " + plan):
        C.check(f"prints '{text}'", text in r.stdout, short(r.stdout, 2000))
    for h in members:
        C.check(f"{h} in the table", re.search(rf"^  {re.escape(h)}\s+micro", r.stdout, re.M)
                is not None, short(r.stdout, 2000))

    with h5py.File(out, "r") as f:
        C.check("kind select", f.attrs.get("kind") == "select", str(f.attrs.get("kind")))
        C.check("complete", bool(f.attrs.get("complete")))
        C.check("provenance", all(k in f.attrs for k in ("scenario_text", "scenario_resolved",
                                                          "seed", "program_version")),
                str(list(f.attrs)))
        C.check("scenario text as given", f.attrs["scenario_text"] == ROSTER)
        g = f["select"]
        a = dict(g.attrs)
        C.check("attributes", all(k in a for k in (
            "objective", "units", "value", "se", "budget", "method", "plans_evaluated",
            "runner_up_value", "p_beats", "p_tie", "diff", "diff_se", "trials", "resamples",
            "seconds")), str(sorted(a)))
        C.check("value as printed", a["value"] == value and a["se"] == se,
                f"{a['value']} {value}")
        C.check("budget", a["budget"] == 900.0, str(a["budget"]))
        C.check("method", a["method"] == "exact" and a["objective"] == "mean")
        C.check("trials and resamples", a["trials"] == 3000 and a["resamples"] == 40)
        t = g["roster"]
        cols = {k: t[k][()] for k in t}
        C.check("roster columns", set(cols) == {"creator", "handle", "tier", "platform",
                                                 "mean_cost", "mean_conversions",
                                                 "conversions_se", "chosen", "marginal",
                                                 "frequency"}, str(sorted(cols)))
        C.check("the rows' index, their dimension scale",
                list(cols["creator"]) == list(range(5)), str(cols["creator"]))
        C.check("equal lengths", all(len(v) == 5 for v in cols.values()))
        C.check("fixed-length handles", t["handle"].dtype.kind == "S"
                and h5py.check_string_dtype(t["handle"].dtype).length is not None,
                str(t["handle"].dtype))
        handles = [x.decode() for x in cols["handle"]]
        C.check("handles in roster order", handles == ["alice", "Bob", "carol", "dan", "eve"],
                str(handles))
        C.check("platforms", [x.decode() for x in cols["platform"]] ==
                ["", "instagram", "", "tiktok", ""])
        C.check("tiers", all(x.decode() == "micro" for x in cols["tier"]))
        C.check("chosen is the plan", [handles[i] for i in range(5) if cols["chosen"][i]]
                == members and cols["chosen"].dtype == np.uint8, str(cols["chosen"]))
        C.check("plan indices", [handles[i] for i in g["plan"][()]] == members)
        C.check("constant price", cols["mean_cost"][2] == 130.0, str(cols["mean_cost"]))
        C.check("frequencies", np.all((cols["frequency"] >= 0) & (cols["frequency"] <= 1)))
        cv = g["chosen_values"][()]
        C.check("chosen values", len(cv) == 3000 and abs(cv.mean() - value) < 1e-9,
                f"{cv.mean()} {value}")
        C.check("runner-up values", len(g["runner_up_values"][()]) == 3000)
        C.check("units", g["chosen_values"].attrs["units"] == "conversions")

    # The same answer on other thread counts.
    for threads in ("1", "3"):
        r2 = influsim("select", sc, "--budget", "900", "--resamples", "40", "-t", threads, "-q",
                      "-o", os.path.join(tmp, "t.h5"), "--plan", os.path.join(tmp, "t.yaml"),
                      "--force")
        C.check(f"same answer on {threads} threads", parse(r2.stdout) == got, short(r2.stdout))

    # The plan's file runs: the plan strategy beside the scenario's, on the same trials.
    run_out = os.path.join(tmp, "run.h5")
    r = influsim("run", plan, "-o", run_out)
    C.check("the plan runs", r.returncode == 0, short(r.stderr))
    C.check("plan strategy in the run", "select-mean" in r.stdout and "all-micro" in r.stdout
            and "pick" in r.stdout, short(r.stdout, 2000))
    if r.returncode == 0:
        with h5py.File(run_out, "r") as f:
            conv = f["strategies/select-mean/trials/conversions"][()]
            C.check("run's conversions are select's", np.array_equal(conv, cv),
                    f"{conv.mean()} {value}")
            C.check("run's budget", f.attrs["budget"] == 900.0)

    # Targets are not replaced without --force.
    r = influsim("select", sc, "-o", out, "--plan", os.path.join(tmp, "other.yaml"))
    C.check("existing file refused", r.returncode == 2 and "already exists" in r.stderr,
            short(r.stderr))


def knapsack():
    """The best subset by dynamic programming over integer prices, and the
    second best value by enumeration (to check the instance's gap)."""
    value = [f * RATE for _, _, f in CREATORS]
    best = [(0.0, ())] * (KNAPSACK_BUDGET + 1)
    for i, (_, p, _) in enumerate(CREATORS):
        new = list(best)
        for b in range(p, KNAPSACK_BUDGET + 1):
            v, s = best[b - p]
            if v + value[i] > new[b][0]:
                new[b] = (v + value[i], s + (i,))
        best = new
    values = sorted({sum(value[i] for i in s)
                     for k in range(len(CREATORS) + 1)
                     for s in itertools.combinations(range(len(CREATORS)), k)
                     if sum(CREATORS[i][1] for i in s) <= KNAPSACK_BUDGET}, reverse=True)
    return best[KNAPSACK_BUDGET], values[1]


def check_knapsack(tmp):
    (v_best, s_best), v_second = knapsack()
    # The gap: per-trial conversions are about Poisson, so the paired
    # difference of two plans has sd below sqrt(sum of their means); over
    # 2,000 trials, an SE below 0.5 conversion.
    C.check("instance has a clear optimum", v_best - v_second >= 5,
            f"best {v_best}, second {v_second}")
    sc = write(tmp, "knapsack.yaml", knapsack_yaml())
    r = influsim("select", sc, "--budget", str(KNAPSACK_BUDGET), "--resamples", "20",
                 "-o", os.path.join(tmp, "k.h5"), "--plan", os.path.join(tmp, "k.yaml"))
    got = parse(r.stdout)
    C.check("knapsack runs", r.returncode == 0 and got is not None, short(r.stderr + r.stdout))
    if got is None:
        return
    expected = [CREATORS[i][0] for i in s_best]
    C.check("select finds the knapsack optimum", got[1] == expected, f"{got[1]} vs {expected}")
    C.check("its value within 4 SE of the analytic one", abs(got[2] - v_best) <= 4 * got[3],
            f"{got[2]} +- {got[3]} vs {v_best}")
    # Greedy + local search finds it too.
    r = influsim("select", sc, "--budget", str(KNAPSACK_BUDGET), "--exact-limit", "2",
                 "--resamples", "0", "-o", os.path.join(tmp, "g.h5"), "--plan",
                 os.path.join(tmp, "g.yaml"))
    g = parse(r.stdout)
    C.check("greedy method", g is not None and g[0] == "greedy", short(r.stdout))
    C.check("greedy finds it", g is not None and g[1] == expected, f"{g} vs {expected}")


def check_bad_input(tmp):
    sc = os.path.join(tmp, "tiny.yaml")
    out, plan = os.path.join(tmp, "bad.h5"), os.path.join(tmp, "bad.yaml")
    r = influsim("select", sc, "--must-include", "alcie", "-o", out, "--plan", plan)
    C.check("unknown handle: exit 2", r.returncode == 2, str(r.returncode))
    C.check("unknown handle: suggestion", "no creator 'alcie'" in r.stderr
            and "did you mean 'alice'" in r.stderr, short(r.stderr))
    r = influsim("select", sc, "--exclude", "@BOB,zed", "-o", out, "--plan", plan)
    C.check("unknown excluded handle", r.returncode == 2 and "--exclude: no creator 'zed'"
            in r.stderr, short(r.stderr))
    pools = write(tmp, "pools.yaml", re.sub(r"roster:.*?strategies:", "strategies:", ROSTER,
                                            flags=re.S).replace("  - {name: pick, hire: [alice, bob]}\n", ""))
    r = influsim("select", pools, "-o", out, "--plan", plan)
    C.check("no roster: exit 2", r.returncode == 2, short(r.stderr))
    C.check("no roster: says so", "roster" in r.stderr and "has none" in r.stderr,
            short(r.stderr))
    r = influsim("select", sc, "--objective", "median", "-o", out, "--plan", plan)
    C.check("bad objective: exit 2", r.returncode == 2, short(r.stderr))
    r = influsim("select", "-o", out, "--plan", plan)
    C.check("no scenario: exit 2", r.returncode == 2, short(r.stderr))
    C.check("nothing written", not os.path.exists(out) and not os.path.exists(plan))
    r = influsim("select", "--help")
    C.check("--help", r.returncode == 0 and "--must-include" in r.stdout, short(r.stdout))
    r = influsim("--help")
    C.check("listed in influsim --help", "select SCENARIO" in r.stdout, short(r.stdout))


def check_overlap(tmp):
    """Audience overlap: an answer, and the plan's run gives its values."""
    sc = os.path.join(tmp, "tiny.yaml")
    out, plan = os.path.join(tmp, "ov.h5"), os.path.join(tmp, "ov-plan.yaml")
    r = influsim("select", sc, "--budget", "900", "--resamples", "20",
                 "--set", "market.addressable={uniform: {min: 20, max: 60}}",
                 "-o", out, "--plan", plan)
    C.check("overlap: select runs", r.returncode == 0, short(r.stderr + r.stdout))
    got = parse(r.stdout)
    C.check("overlap: result line", got is not None, short(r.stdout))
    if got is None:
        return
    method, members, value, se = got
    C.check("overlap: exact on 5 creators", method == "exact", method)
    C.check("overlap: a plan", len(members) > 0 and value > 0 and se > 0, r.stdout)
    with h5py.File(out, "r") as f:
        g = f["select"]
        cv = g["chosen_values"][()]
        alone = g["roster/mean_conversions"][()]
        chosen = g["roster/chosen"][()]
    C.check("overlap: values as printed", abs(cv.mean() - value) < 1e-9, f"{cv.mean()} {value}")
    if len(members) > 1:
        C.check("overlap: fewer conversions than its members alone",
                value < 0.95 * alone[chosen == 1].sum(), f"{value} vs {alone[chosen == 1]}")
    for threads in ("1", "3"):
        r2 = influsim("select", sc, "--budget", "900", "--resamples", "20", "-t", threads, "-q",
                      "--set", "market.addressable={uniform: {min: 20, max: 60}}",
                      "-o", os.path.join(tmp, "ovt.h5"), "--plan", os.path.join(tmp, "ovt.yaml"),
                      "--force")
        C.check(f"overlap: same answer on {threads} threads", parse(r2.stdout) == got,
                short(r2.stdout))
    run_out = os.path.join(tmp, "ov-run.h5")
    r = influsim("run", plan, "-o", run_out)
    C.check("overlap: the plan runs", r.returncode == 0, short(r.stderr))
    if r.returncode == 0:
        with h5py.File(run_out, "r") as f:
            conv = f["strategies/select-mean/trials/conversions"][()]
        C.check("overlap: run's conversions are select's, trial by trial",
                np.array_equal(conv, cv), f"{conv.mean()} {value}")


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--influsim", required=True)
    p.add_argument("--source-dir", required=True)
    ARGS = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        check_answer(tmp)
        check_knapsack(tmp)
        check_bad_input(tmp)
        check_overlap(tmp)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
