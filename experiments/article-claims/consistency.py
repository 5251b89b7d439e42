#!/usr/bin/python3
"""Do the article's engagement numbers hold together? What "6.7 times more
efficient per engagement" would require of prices or engagement rates.

    consistency.py OUT

Reads OUT/base.h5 (the French brand as it is: its resolved scenario and its
trials) and writes OUT/consistency.csv and OUT/consistency.md.

Cost per engagement, as the model defines it (docs/model.md, "What a trial
reports"), is spend / engagements. For one post it is

    price / (followers × engagement per follower)

at the rate card (the fee alone), since the model's engagements of a post
are followers × engagement per follower (docs/model.md, "Engagement per
follower"); the run's figure adds the platform fee, the overhead per hire,
gifted posts and the posts never delivered (Σ spend / Σ engagements over the
trials). Micro is "X times more efficient per engagement" when macro's cost
per engagement is X times micro's. The cost of an engagement is the price
per follower over the engagement per follower, so

    X = (macro's price per follower / micro's) × (micro's engagement per follower / macro's)

and the article's two figures, 60 % higher engagement and 6.7 times more
efficient, together say that macro costs 6.7 / 1.6 = 4.2 times as much per
follower as micro. The script sets each side against the rate cards: the
scenario's (experiments/french-brand.yaml) and the presets' (docs/presets.md,
from the price survey and HypeAuditor/Markerly engagement figures). Needs h5py
and PyYAML (run with /usr/bin/python3).
"""
import csv
import math
import os
import sys

import h5py
import yaml

ARTICLE_EFFICIENCY = 6.7   # "6.7 times more efficient per engagement" (HelloSociety, via the article)
ARTICLE_ENGAGEMENT = 1.6   # "60 percent higher campaign engagement rates" (idem)

# docs/presets.md, instagram/micro and instagram/macro (the price survey's
# Instagram rows; engagement per follower from HypeAuditor 2018-2026 and
# Markerly, less the sponsored-post gap).
PRESETS = {
    "micro": {"followers": ("loguniform", 10000, 50000), "price": ("loguniform", 100, 500),
              "epf": ("lognormal", 0.009449, 0.582)},
    "macro": {"followers": ("loguniform", 500000, 1000000), "price": ("loguniform", 5000, 10000),
              "epf": ("lognormal", 0.006666, 0.64)},
}
# docs/presets.md: the lowest and highest published engagement per follower
# of each band (organic posts).
PUBLISHED_EPF = {"micro": (0.0054, 0.024, "HypeAuditor 2026 10-50 k; Markerly 10-100 k"),
                 "macro": (0.0033, 0.017, "HypeAuditor 2026 > 1 M; Markerly 100 k-1 M")}
# experiments/french-brand.yaml: "$5,000-$10,000" for a 500 k-1 M follower post.
MACRO_RATE_CARD = (5000, 10000)


def mean_of(dist):
    """The mean of a distribution in the scenario's notation, or of a tuple
    (form, a, b) as in PRESETS."""
    if isinstance(dist, (int, float)):
        return float(dist)
    if isinstance(dist, tuple):
        form, a, b = dist
        dist = {form: ({"min": a, "max": b} if form != "lognormal"
                       else {"median": a, "sigma": b})}
    (form, p), = dist.items()
    if form == "loguniform":
        a, b = p["min"], p["max"]
        return (b - a) / math.log(b / a) if b > a else a
    if form == "lognormal":
        return p["median"] * math.exp(p["sigma"] ** 2 / 2)
    if form in ("beta",):
        return p["mean"]
    if form == "uniform":
        return (p["min"] + p["max"]) / 2
    raise SystemExit(f"no mean for {form}")


def rate_card(tier):
    """Mean followers, mean price per post, price per 1,000 followers and
    engagement per follower of a resolved scenario tier, at the rate card."""
    followers = mean_of(tier["followers"])
    if "price" in tier:
        price = mean_of(tier["price"])
    else:  # price per 1k followers, independent of the followers' draw
        price = mean_of(tier["price_per_1k_followers"]) * followers / 1000
    return {"followers": followers, "price": price, "per_1k": 1000 * price / followers,
            "epf": mean_of(tier["engagement_per_follower"])}


def preset_card(name):
    p = PRESETS[name]
    followers, price = mean_of(p["followers"]), mean_of(p["price"])
    return {"followers": followers, "price": price, "per_1k": 1000 * price / followers,
            "epf": mean_of(p["epf"])}


def requirements(micro, macro):
    """Cost per engagement of each at the rate card, micro's efficiency, and
    what 6.7 would need of one number with the others held."""
    cpe_mi = micro["per_1k"] / 1000 / micro["epf"]
    cpe_ma = macro["per_1k"] / 1000 / macro["epf"]
    x = cpe_ma / cpe_mi
    need = ARTICLE_EFFICIENCY / x
    return {
        "cpe_micro": cpe_mi, "cpe_macro": cpe_ma, "efficiency": x,
        "epf_ratio": micro["epf"] / macro["epf"],
        "price_per_follower_ratio": macro["per_1k"] / micro["per_1k"],
        # one number moved, the others held
        "micro_price_needed": micro["price"] / need,
        "micro_per_1k_needed": micro["per_1k"] / need,
        "macro_price_needed": macro["price"] * need,
        "macro_per_1k_needed": macro["per_1k"] * need,
        "micro_epf_needed": micro["epf"] * need,
        # with the article's 60 % higher engagement: the price ratio needed
        "price_ratio_needed_at_60": ARTICLE_EFFICIENCY / ARTICLE_ENGAGEMENT,
    }


def measured(path):
    """The base run's cost per engagement (Σ spend / Σ engagements), spend and
    engagements per hire, per strategy, and the resolved scenario."""
    with h5py.File(path, "r") as f:
        scenario = yaml.safe_load(f.attrs["scenario_resolved"])
        out = {}
        for s, tier in (("all-micro", "micro"), ("all-macro", "macro")):
            g = f["strategies"][s]["trials"]
            spend, eng = float(g["spend"][:].sum()), float(g["engagements"][:].sum())
            hires = float(g["hires_" + tier][:].sum())
            out[tier] = {"cpe": spend / eng, "spend_per_hire": spend / hires,
                         "engagements_per_hire": eng / hires}
    return scenario, out


def money(x):
    return f"${x:,.0f}" if x >= 100 else f"${x:,.2f}"


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    out = argv[1]
    scenario, run = measured(os.path.join(out, "base.h5"))
    cards = {"scenario": (rate_card(scenario["tiers"]["micro"]),
                          rate_card(scenario["tiers"]["macro"])),
             "presets": (preset_card("micro"), preset_card("macro"))}
    req = {k: requirements(*v) for k, v in cards.items()}
    mi, ma = run["micro"], run["macro"]
    run_x = ma["cpe"] / mi["cpe"]
    # All in: the spend a micro hire would be allowed for 6.7, at its engagements.
    allowed = ma["cpe"] / ARTICLE_EFFICIENCY * mi["engagements_per_hire"]
    overhead = mean_of(scenario["tiers"]["micro"].get("overhead_per_hire", 0))

    rows = []
    for k, r in req.items():
        (m, M) = cards[k]
        for key, val in r.items():
            rows.append({"basis": k, "quantity": key, "value": repr(val)})
        for tier, c in (("micro", m), ("macro", M)):
            for key, val in c.items():
                rows.append({"basis": k, "quantity": f"{tier}_{key}", "value": repr(val)})
    for key, val in (("cpe_micro", mi["cpe"]), ("cpe_macro", ma["cpe"]), ("efficiency", run_x),
                     ("micro_spend_per_hire", mi["spend_per_hire"]),
                     ("micro_engagements_per_hire", mi["engagements_per_hire"]),
                     ("micro_spend_per_hire_allowed", allowed)):
        rows.append({"basis": "run", "quantity": key, "value": repr(val)})
    with open(os.path.join(out, "consistency.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["basis", "quantity", "value"])
        w.writeheader()
        w.writerows(rows)

    s, p = req["scenario"], req["presets"]
    sm, sM = cards["scenario"]
    pm_, pM = cards["presets"]
    lo, hi, src = PUBLISHED_EPF["micro"]
    lines = [
        "| | the scenario's rate cards | the presets' (docs/presets.md) | the base run, all in |",
        "|---|---|---|---|",
        f"| micro post: mean followers, mean price | {sm['followers']:,.0f}, {money(sm['price'])} "
        f"| {pm_['followers']:,.0f}, {money(pm_['price'])} | {money(mi['spend_per_hire'])} spent a hire |",
        f"| macro post: mean followers, mean price | {sM['followers']:,.0f}, {money(sM['price'])} "
        f"| {pM['followers']:,.0f}, {money(pM['price'])} | {money(ma['spend_per_hire'])} spent a hire |",
        f"| price per 1,000 followers, micro / macro | {money(sm['per_1k'])} / {money(sM['per_1k'])} "
        f"| {money(pm_['per_1k'])} / {money(pM['per_1k'])} | |",
        f"| engagement per follower, micro / macro | {100*sm['epf']:.2f} % / {100*sM['epf']:.2f} % "
        f"({s['epf_ratio']:.2f} ×) | {100*pm_['epf']:.2f} % / {100*pM['epf']:.2f} % ({p['epf_ratio']:.2f} ×) "
        f"| |",
        f"| cost per engagement, micro / macro | {money(s['cpe_micro'])} / {money(s['cpe_macro'])} "
        f"| {money(p['cpe_micro'])} / {money(p['cpe_macro'])} | {money(mi['cpe'])} / {money(ma['cpe'])} |",
        f"| **micro's efficiency per engagement (article: {ARTICLE_EFFICIENCY} ×)** "
        f"| **{s['efficiency']:.2f} ×** | **{p['efficiency']:.2f} ×** | **{run_x:.2f} ×** |",
        f"| for {ARTICLE_EFFICIENCY} ×, the mean micro post would cost (others held) "
        f"| {money(s['micro_price_needed'])} ({money(s['micro_per_1k_needed'])} per 1,000) "
        f"| {money(p['micro_price_needed'])} ({money(p['micro_per_1k_needed'])} per 1,000) "
        f"| {money(allowed)} a hire, all in (the overhead alone is {money(overhead)}) |",
        f"| ... or the mean macro post | {money(s['macro_price_needed'])} "
        f"({money(s['macro_per_1k_needed'])} per 1,000) | {money(p['macro_price_needed'])} "
        f"({money(p['macro_per_1k_needed'])} per 1,000) | |",
        f"| ... or micro's engagement per follower | {100*s['micro_epf_needed']:.1f} % "
        f"| {100*p['micro_epf_needed']:.1f} % | |",
        "",
        f"The article's two figures together (60 % higher engagement, {ARTICLE_EFFICIENCY} × "
        f"more efficient per engagement) need macro to cost {s['price_ratio_needed_at_60']:.1f} "
        f"times as much per follower as micro. The scenario's rate cards make it "
        f"{s['price_per_follower_ratio']:.2f} times, the presets' {p['price_per_follower_ratio']:.2f}: "
        f"per follower a macro post costs about what a micro one does (the \"$10 per 1,000 "
        f"followers\" rule; macro rate cards {money(MACRO_RATE_CARD[0])}-{money(MACRO_RATE_CARD[1])} "
        f"for 500 k-1 M followers, i.e. $5-20 per 1,000). Published engagement per follower for "
        f"micro accounts runs from {100*lo:.2f} % to {100*hi:.1f} % ({src}); {ARTICLE_EFFICIENCY} × "
        f"would need {100*s['micro_epf_needed']:.1f} % at the scenario's prices, "
        f"{100*p['micro_epf_needed']:.1f} % at the presets'.",
    ]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "consistency.md"), "w", encoding="utf-8") as fh:
        fh.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv)
