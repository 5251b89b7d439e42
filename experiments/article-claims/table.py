#!/usr/bin/python3
"""The claims table, from the runs' results files.

    table.py OUT

Reads claims.yaml (beside this script) and OUT/ID.h5 for every run, and
writes OUT/claims-table.csv (every number) and OUT/claims-table.md (the
table of the README). For the pair A, B of claims.yaml (all-micro,
all-macro), per run, from the per-trial datasets:

- conversions per dollar of each strategy, Σ conversions / Σ spend over the
  trials, and their ratio R = A's / B's: all-micro's advantage;
- P(A beats B), the share of trials where A converts more than B, and the win
  margin P(A beats B) − P(B beats A), which is 0 for two tiers that are alike
  (P(A beats B) alone is below 1/2 then, because of ties);
- the share of the advantage lost against base, on R's log scale,
  1 − ln R / ln R_base (0: nothing lost; 1: R = 1, micro and macro sell
  alike per dollar; below 0: the advantage grows): the funnel is a product,
  so claims that multiply sales per dollar add up on this scale;
- the share of the win margin lost, 1 − margin / margin_base;
- cost per engagement of each, Σ spend / Σ engagements.

Standard errors by the delta method over the trials; a share lost is paired
with base trial by trial (the runs play the same campaigns: same seed, same
trials), which is what makes it precise. Needs h5py and PyYAML (run with
/usr/bin/python3).
"""
import csv
import math
import os
import sys

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

COLUMNS = ["id", "claim", "kind", "article", "scenario", "source", "trials", "seed",
           "conversions_a", "conversions_b", "spend_a", "spend_b",
           "per_1000_usd_a", "per_1000_usd_b", "ratio", "ratio_se",
           "advantage_lost", "advantage_lost_se",
           "p_beats", "p_beats_se", "p_loses", "margin", "margin_lost", "margin_lost_se",
           "cost_per_engagement_a", "cost_per_engagement_b"]


def read_run(path, pair):
    """Per-trial conversions, spend and engagements of the pair, and the
    run's seed and trials."""
    with h5py.File(path, "r") as f:
        if not f.attrs["complete"]:
            raise SystemExit(f"{path}: an incomplete run")
        run = {"seed": int(f.attrs["seed"]), "trials": int(f.attrs["trials_done"])}
        for tag, s in zip("ab", pair):
            g = f["strategies"][s]["trials"]
            run["c" + tag] = g["conversions"][:].astype(np.float64)
            run["s" + tag] = g["spend"][:].astype(np.float64)
            run["e" + tag] = g["engagements"][:].astype(np.float64)
    return run


def log_ratio(run):
    """ln R and its influence per trial (so that se = sd / sqrt(n))."""
    m = {k: run[k].mean() for k in ("ca", "sa", "cb", "sb")}
    value = math.log(m["ca"] / m["sa"]) - math.log(m["cb"] / m["sb"])
    influence = (run["ca"] / m["ca"] - run["sa"] / m["sa"]
                 - run["cb"] / m["cb"] + run["sb"] / m["sb"])
    return value, influence


def se(x):
    return float(np.std(x, ddof=1) / math.sqrt(len(x)))


def row(spec, run, base):
    n = run["trials"]
    lr, z = log_ratio(run)
    lr0, z0 = log_ratio(base)
    # 1 - a / b, a = ln R, b = ln R_base; d = -da / b + a db / b^2
    lost = 1.0 - lr / lr0
    lost_w = -z / lr0 + lr * z0 / lr0 ** 2
    g = np.sign(run["ca"] - run["cb"])
    g0 = np.sign(base["ca"] - base["cb"])
    margin, margin0 = g.mean(), g0.mean()
    mlost = 1.0 - margin / margin0
    mlost_w = -(g - margin) / margin0 + margin * (g0 - margin0) / margin0 ** 2
    wins = (run["ca"] > run["cb"]).astype(np.float64)
    ratio = math.exp(lr)
    return {
        "id": spec["id"], "claim": spec["claim"], "kind": spec["kind"],
        "article": spec["article"], "scenario": spec["scenario"], "source": spec["source"],
        "trials": n, "seed": run["seed"],
        "conversions_a": run["ca"].mean(), "conversions_b": run["cb"].mean(),
        "spend_a": run["sa"].mean(), "spend_b": run["sb"].mean(),
        "per_1000_usd_a": 1000 * run["ca"].sum() / run["sa"].sum(),
        "per_1000_usd_b": 1000 * run["cb"].sum() / run["sb"].sum(),
        "ratio": ratio, "ratio_se": ratio * se(z),
        "advantage_lost": lost, "advantage_lost_se": se(lost_w),
        "p_beats": wins.mean(), "p_beats_se": se(wins),
        "p_loses": float((run["ca"] < run["cb"]).mean()),
        "margin": margin, "margin_lost": mlost, "margin_lost_se": se(mlost_w),
        "cost_per_engagement_a": run["sa"].sum() / run["ea"].sum(),
        "cost_per_engagement_b": run["sb"].sum() / run["eb"].sum(),
    }


def digits(err):
    """Decimals that show a number to its standard error (2 significant
    digits of the error, at least 0 decimals)."""
    if not err > 0 or not math.isfinite(err):
        return 2
    return max(0, 1 - int(math.floor(math.log10(err))))


def pm(x, err, percent=False):
    scale = 100.0 if percent else 1.0
    d = min(digits(err * scale), 3)
    unit = " %" if percent else ""
    return f"{x * scale:.{d}f} ± {err * scale:.{d}f}{unit}".replace("-", "−")


def markdown(rows, pair):
    a, b = pair
    head = ["claim", "run", "the article says", "the scenario uses (source)",
            f"conversions per $1,000: {a} / {b}", f"{a}'s advantage per $ (×)",
            "share of the advantage lost", f"P({a} beats {b})", "share of the win margin lost"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        scen = r["scenario"] + (f" ({r['source']})" if r["source"] else "")
        if r["kind"] == "base":
            lost = "—"
            mlost = "—"
        else:
            lost = pm(r["advantage_lost"], r["advantage_lost_se"], percent=True)
            mlost = pm(r["margin_lost"], r["margin_lost_se"], percent=True)
        cells = [r["claim"], f"`{r['id']}` ({r['kind']})", r["article"] or "—", scen or "—",
                 f"{r['per_1000_usd_a']:.3f} / {r['per_1000_usd_b']:.4f}",
                 pm(r["ratio"], r["ratio_se"]), lost,
                 f"{r['p_beats']:.4f}", mlost]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    base = rows[0]
    lines.append("")
    lines.append(f"{base['trials']:,} trials a run, seed {base['seed']}, the same trials in "
                 f"every run. Share lost on the log scale of the advantage per dollar: "
                 f"1 − ln R / ln R_base (100 %: micro and macro sell alike per dollar; "
                 f"negative: the advantage grows). Win margin: P({a} beats {b}) − "
                 f"P({b} beats {a}), {base['margin']:.4f} at base. ± one standard error, "
                 f"paired with base trial by trial.")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    out = argv[1]
    with open(os.path.join(HERE, "claims.yaml"), encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    pair, specs = doc["pair"], doc["runs"]
    runs = {s["id"]: read_run(os.path.join(out, s["id"] + ".h5"), pair) for s in specs}
    base = runs["base"]
    for rid, run in runs.items():
        if run["seed"] != base["seed"] or run["trials"] != base["trials"]:
            raise SystemExit(f"{rid}: seed {run['seed']} and {run['trials']} trials, base "
                             f"{base['seed']} and {base['trials']}: not the same trials")
    rows = [row(s, runs[s["id"]], base) for s in specs]
    with open(os.path.join(out, "claims-table.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in r.items()})
    text = markdown(rows, pair)
    with open(os.path.join(out, "claims-table.md"), "w", encoding="utf-8") as fh:
        fh.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv)
