#!/usr/bin/python3
"""End-to-end test: a study reads its scenario file once.

`sweep`, `plan` and `optimize` run the scenario many times (once per grid
point, budget tried or batch of splits). Every run must be the scenario as it
was when the command started, even if the file is edited meanwhile: once
they re-read the file for every point, so after an edit of `seed:` the later
points ran with the new seed while the file recorded the old one, and the
command still exited 0.

- sweep: a copy of tests/scenarios/small.yaml is swept over many budgets; as
  soon as the first point's line is on stdout, the copy's seed is rewritten.
  Every dataset of /sweep, and the seed recorded in the file, equal those of
  the same sweep of the unedited scenario.
- plan: the same, rewriting the seed after the first budget's line; the
  result line equals that of the plan of the unedited scenario.

Usage: /usr/bin/python3 tests/e2e/test_scenario_edit.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import h5py

import checks
from checks import Checks, datasets, same, short

C = Checks()
ARGS = None
SWEEP = ("-n", "200", "--vary", "budget=1000:20000:60", "-t", "2")
PLAN = ("-n", "200", "--strategy", "micro-only", "--conversions", "5", "--tolerance", "0.0001",
        "-t", "2")


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def edited_run(scenario, first_line, args):
    """Runs influsim with args, rewrites the scenario's seed as soon as a line
    matching first_line is on stdout, and returns (rc, stdout, stderr, whether
    the edit came before the command ended)."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    p = subprocess.Popen([ARGS.influsim, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    lines = []
    edited_in_time = False
    for line in p.stdout:
        lines.append(line)
        if re.match(first_line, line):
            with open(scenario) as fh:
                text = fh.read()
            with open(scenario, "w") as fh:
                fh.write(re.sub(r"(?m)^seed: .*$", "seed: 777", text))
            edited_in_time = p.poll() is None
            break
    out = "".join(lines) + p.stdout.read()
    err = p.stderr.read()
    p.wait(timeout=600)
    return p.returncode, out, err, edited_in_time


def fresh_copy(tmp, name):
    path = os.path.join(tmp, name)
    with open(os.path.join(ARGS.source_dir, "tests/scenarios/small.yaml")) as src:
        text = src.read()
    with open(path, "w") as dst:
        dst.write(text)
    return path


def test_sweep(tmp):
    reference = os.path.join(tmp, "reference.h5")
    r = influsim("sweep", fresh_copy(tmp, "unedited.yaml"), "-q", "-o", reference, *SWEEP)
    if not C.check("sweep of the unedited scenario", r.returncode == 0, short(r.stderr)):
        return
    scenario = fresh_copy(tmp, "edited.yaml")
    out = os.path.join(tmp, "edited.h5")
    rc, stdout, err, in_time = edited_run(scenario, r"\s*1,000 EUR ", ("sweep", scenario, "-o", out,
                                                                 *SWEEP))
    C.check("sweep: the seed was rewritten while the sweep ran", in_time, short(stdout))
    C.check("sweep: exit 0", rc == 0, f"rc {rc} {short(err)}")
    if not C.check("sweep: a file is written", os.path.exists(out)):
        return
    with h5py.File(out, "r") as f, h5py.File(reference, "r") as g:
        C.check("sweep: the file records the original seed",
                int(f.attrs["seed"]) == int(g.attrs["seed"]) == 424242,
                f"{f.attrs['seed']} vs {g.attrs['seed']}")
    got, want = datasets(out), datasets(reference)
    sweep = sorted(k for k in want if k.startswith("sweep/"))
    C.check("sweep: /sweep has datasets", len(sweep) > 5, str(sweep))
    differ = [k for k in sweep if k not in got or not same(got[k], want[k])]
    C.check("sweep: every point equals the sweep of the unedited scenario", not differ,
            ", ".join(differ[:5]))


def test_plan(tmp):
    r = influsim("plan", fresh_copy(tmp, "plan-unedited.yaml"), "-q", *PLAN)
    if not C.check("plan of the unedited scenario", r.returncode == 0, short(r.stderr)):
        return
    want = r.stdout.strip().splitlines()[-1]
    scenario = fresh_copy(tmp, "plan-edited.yaml")
    rc, stdout, err, in_time = edited_run(scenario, r"\s+budget ", ("plan", scenario, *PLAN))
    C.check("plan: the seed was rewritten while the plan ran", in_time, short(stdout))
    C.check("plan: exit 0", rc == 0, f"rc {rc} {short(err)}")
    got = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    C.check("plan: the result equals the plan of the unedited scenario", got == want,
            f"{got!r} vs {want!r}")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for test in (test_sweep, test_plan):
            try:
                test(tmp)
            except Exception as exc:  # report and go on with the next test
                C.crash(test.__name__, exc)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
