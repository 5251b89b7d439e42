#!/usr/bin/python3
"""End-to-end test of `influsim show` on a select's file.

`influsim select` on a small roster (written here, `roster:` in the YAML, in
the style of test_select.py), then `influsim show FILE`: it must print the
answer select printed, line for line (the title, the search, the plan's
creators, the objective, the runner-up, the robustness table, the result
line), only without the lines naming the files select wrote; for the mean
objective with resamples and for a profit objective without them and with an
excluded creator. Damaged or hand-edited files (h5py): /select/roster/handle
deleted, `chosen` shorter than `handle`, `chosen` not the plan, a plan index
outside the roster, chosen_values not as long as the trials, an unknown
objective, /select deleted: each exits 1 with a message naming the file and
the dataset or attribute, and prints nothing on stdout. --metrics on a
select's file is a usage error (exit 2).

Usage: /usr/bin/python3 tests/e2e/test_show_select.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, short

C = Checks()
ARGS = None

ROSTER = """\
name: tiny
trials: 2000
seed: 5
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
"""

# The lines select prints about the files it wrote, after the answer and
# before the result line: "\nwrote FILE\nwrote PLAN: ...\n...influsim run PLAN\n".
WROTE = re.compile(r"\nwrote .*?(?=^select: )", re.S | re.M)


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def check_same_answer(tmp, name, *options):
    """select with options, then show of its file: the same text but the
    lines naming the files written. Returns the file's path (None if select
    failed)."""
    sc = os.path.join(tmp, "tiny.yaml")
    out, plan = os.path.join(tmp, name + ".h5"), os.path.join(tmp, name + ".yaml")
    r = influsim("select", sc, *options, "-o", out, "--plan", plan)
    if not C.check(f"{name}: select runs", r.returncode == 0, short(r.stderr + r.stdout)):
        return None
    expected, n = WROTE.subn("", r.stdout)
    C.check(f"{name}: select's output names the files it wrote", n == 1, short(r.stdout, 2000))
    s = influsim("show", out)
    C.check(f"{name}: show exits 0", s.returncode == 0, short(s.stderr))
    C.check(f"{name}: show says nothing on stderr", s.stderr == "", short(s.stderr))
    C.check(f"{name}: show prints the answer select printed", s.stdout == expected,
            f"\n--- select\n{expected}\n--- show\n{s.stdout}")
    # The blocks the brief names, each on its own (a clearer failure).
    for block in ("the plan:", "Monte Carlo standard error", "runner-up", "select: method="):
        want = [line for line in expected.splitlines() if block in line]
        got = [line for line in s.stdout.splitlines() if block in line]
        C.check(f"{name}: '{block}' lines alike", want and want == got, f"{want} vs {got}")
    return out


def damaged(tmp, good, name, edit):
    """A copy of good edited by edit(h5py file); show's result on it."""
    path = os.path.join(tmp, name + ".h5")
    shutil.copy(good, path)
    with h5py.File(path, "r+") as f:
        edit(f)
    return path, influsim("show", path)


def replace(f, name, data):
    del f[name]
    f[name] = data


def check_damaged(tmp, good):
    with h5py.File(good, "r") as f:
        n = len(f["select/roster/handle"])
        chosen = f["select/roster/chosen"][()]
        plan = f["select/plan"][()]
    C.check("the plan is not empty (for the edits below)", len(plan) > 0)
    outside = chosen.copy()
    outside[plan[0]] = 0  # chosen says a member is not one
    cases = [
        ("no-handle", lambda f: f.__delitem__("select/roster/handle"),
         ["/select/roster/handle", "missing"]),
        ("short-chosen", lambda f: replace(f, "select/roster/chosen", chosen[:-1]),
         ["/select/roster/chosen", f"{n - 1} entries", f"/select/roster/handle has {n}"]),
        ("long-chosen", lambda f: replace(f, "select/roster/chosen",
                                          np.append(chosen, np.uint8(0))),
         ["/select/roster/chosen", f"{n + 1} entries"]),
        ("chosen-not-plan", lambda f: replace(f, "select/roster/chosen", outside),
         ["/select/roster/chosen", "/select/plan"]),
        ("chosen-floats", lambda f: replace(f, "select/roster/chosen", chosen.astype(float)),
         ["/select/roster/chosen", "whole numbers"]),
        ("plan-outside", lambda f: replace(f, "select/plan", np.array([n + 3], np.uint64)),
         ["/select/plan", "not a creator"]),
        ("short-values", lambda f: replace(f, "select/chosen_values", np.zeros(7)),
         ["/select/chosen_values", "7 entries", "'trials'"]),
        ("handle-2d", lambda f: replace(f, "select/roster/handle", np.array([[b"a"]] * n)),
         ["/select/roster/handle", "2 dimensions"]),
        ("bad-objective", lambda f: f["select"].attrs.__setitem__("objective", "median"),
         ["/select", "'objective'", "median"]),
        ("value-text", lambda f: f["select"].attrs.__setitem__("value", "high"),
         ["/select", "'value'"]),
        ("no-select", lambda f: f.__delitem__("select"), ["/select", "missing"]),
    ]
    for name, edit, words in cases:
        try:
            path, r = damaged(tmp, good, name, edit)
        except Exception as exc:  # an h5py edit that failed: the test's fault
            C.crash(name, exc)
            continue
        C.check(f"{name}: exit 1", r.returncode == 1, f"{r.returncode} {short(r.stderr)}")
        C.check(f"{name}: nothing on stdout", r.stdout == "", short(r.stdout))
        for w in [path] + words:
            C.check(f"{name}: message says '{w}'", w in r.stderr, short(r.stderr))
    # A string column written as variable-length strings (h5py's default) reads too.
    def vlen(f):
        h = [x.decode() for x in f["select/roster/handle"][()]]
        del f["select/roster/handle"]
        f.create_dataset("select/roster/handle", data=h, dtype=h5py.string_dtype())
    _, r = damaged(tmp, good, "vlen-handles", vlen)
    ref = influsim("show", good)
    C.check("variable-length handles read", r.returncode == 0 and r.stdout == ref.stdout,
            short(r.stderr + r.stdout))


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--influsim", required=True)
    p.add_argument("--source-dir", required=True)
    ARGS = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "tiny.yaml"), "w") as fh:
            fh.write(ROSTER)
        good = check_same_answer(tmp, "mean", "--budget", "900", "--resamples", "30")
        check_same_answer(tmp, "profit", "--budget", "1200", "--objective", "profit",
                          "--resamples", "0", "--exclude", "eve")
        check_same_answer(tmp, "p-roi", "--budget", "700", "--objective", "p-roi",
                          "--exact-limit", "2", "--resamples", "10")
        if good is not None:
            check_damaged(tmp, good)
            r = influsim("show", "--metrics", good)
            C.check("--metrics on a select's file: exit 2", r.returncode == 2
                    and "select's file" in r.stderr, short(r.stderr))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
