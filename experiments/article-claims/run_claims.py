#!/usr/bin/python3
"""Runs the French brand once per claim of claims.yaml.

    run_claims.py INFLUSIM OUT TRIALS

Each run is ../french-brand.yaml with the run's overrides (`set`), after the
keys under `drop` are removed from the file's text, with -n TRIALS and the
scenario's seed: OUT/ID.h5 for every run ID, and OUT/ID.yaml for a run whose
scenario was edited. `base` runs first; the efficiency run's engagement per
follower ({efficiency_epf} in claims.yaml) is the one that would make
all-micro's cost per engagement a 6.7th of all-macro's, from base's file
(cost per engagement = spend / engagements, ratios of totals over the trials;
the spend does not depend on engagement, and engagements are proportional to
the engagement per follower, so that figure scales by the ratio it must
gain). Prints one line per run with its time. Needs PyYAML and h5py (Debian's
python3-yaml, python3-h5py: run with /usr/bin/python3).
"""
import os
import re
import subprocess
import sys
import time

import h5py
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "french-brand.yaml")
ARTICLE_EFFICIENCY = 6.7  # "6.7 times more efficient per engagement" (the article)


def load_runs():
    """claims.yaml's pair and runs, base first."""
    with open(os.path.join(HERE, "claims.yaml"), encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    runs = doc["runs"]
    if not runs or runs[0]["id"] != "base":
        raise SystemExit("claims.yaml: the first run must be `base`")
    ids = [r["id"] for r in runs]
    if len(set(ids)) != len(ids):
        raise SystemExit("claims.yaml: two runs share an id")
    return doc["pair"], runs


def drop_key(text, path):
    """text of a scenario without the line of the mapping key PATH
    (tiers.TIER.KEY, written on one line, as french-brand.yaml writes every
    tier key). Exactly one such line must exist."""
    parts = path.split(".")
    if len(parts) != 3 or parts[0] != "tiers":
        raise SystemExit(f"drop {path}: only tiers.TIER.KEY can be dropped")
    tier, key = parts[1], parts[2]
    lines = text.split("\n")
    start = [i for i, line in enumerate(lines) if line == f"  {tier}:"]
    if len(start) != 1:
        raise SystemExit(f"drop {path}: tier {tier} not found once in the scenario")
    hits = []
    for i in range(start[0] + 1, len(lines)):
        if re.match(r"  \S", lines[i]):  # the next tier
            break
        if re.match(rf"    {re.escape(key)}:", lines[i]):
            hits.append(i)
    if len(hits) != 1:
        raise SystemExit(f"drop {path}: found {len(hits)} lines of it, not 1")
    return "\n".join(lines[:hits[0]] + lines[hits[0] + 1:])


def cost_per_engagement(path, strategy):
    """Σ spend / Σ engagements over the trials of one strategy."""
    with h5py.File(path, "r") as f:
        g = f["strategies"][strategy]["trials"]
        return float(g["spend"][:].sum()) / float(g["engagements"][:].sum())


def efficiency_epf(base_h5, pair, scenario_text):
    """The micro engagement per follower at which all-micro's cost per
    engagement would be all-macro's / 6.7."""
    scenario = yaml.safe_load(scenario_text)
    epf = scenario["tiers"]["micro"]["engagement_per_follower"]["beta"]["mean"]
    micro, macro = (cost_per_engagement(base_h5, s) for s in pair)
    return epf * micro / (macro / ARTICLE_EFFICIENCY)


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    influsim, out, trials = argv[1], argv[2], int(argv[3])
    os.makedirs(out, exist_ok=True)
    pair, runs = load_runs()
    with open(SCENARIO, encoding="utf-8") as fh:
        original = fh.read()
    fills = {}
    for run in runs:
        text, scenario = original, SCENARIO
        for path in run.get("drop", []):
            text = drop_key(text, path)
        if text != original:
            scenario = os.path.join(out, run["id"] + ".yaml")
            with open(scenario, "w", encoding="utf-8") as fh:
                fh.write(text)
        sets = []
        for s in run["set"]:
            if "{efficiency_epf}" in s:
                if "efficiency_epf" not in fills:
                    fills["efficiency_epf"] = repr(efficiency_epf(
                        os.path.join(out, "base.h5"), pair, original))
                s = s.replace("{efficiency_epf}", fills["efficiency_epf"])
            sets += ["--set", s]
        cmd = [influsim, "run", scenario, "-n", str(trials), "-q", "--force",
               "-o", os.path.join(out, run["id"] + ".h5")] + sets
        t0 = time.time()
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            sys.exit(f"run {run['id']} failed (exit {done.returncode}): {' '.join(cmd)}")
        print(f"{run['id']:22s} {time.time() - t0:5.1f} s  {' '.join(sets[1::2])}")


if __name__ == "__main__":
    main(sys.argv)
