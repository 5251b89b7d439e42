#!/usr/bin/python3
"""Writes roster-200.csv, the benchmark suite's 200-creator shortlist.

Deterministic (a fixed seed, Python's own random module), so the committed CSV
can be written again byte for byte: /usr/bin/python3 make_roster.py. The creators
are invented (handles end in .demo); their figures are drawn around the micro,
mid and macro tiers of docs/presets.md, in the formats an influencer platform
exports (followers as 12.3k, a price range, audience by country in percent).
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
COUNTRIES = ["FR", "BE", "DE", "IT", "ES", "NL", "US", "CA", "GB", "MA", "BR"]


def followers_text(n):
    if n >= 1_000_000:
        return f"{n / 1e6:.2f}M"
    if n >= 10_000:
        return f"{n / 1e3:.1f}k"
    return str(n)


def main():
    rng = random.Random(20261203)
    rows = ["handle,tier,platform,followers,engagement_rate,posts_observed,credibility,"
            "price,gifted_ok,audience,notes"]
    for i in range(200):
        tier = "micro" if i < 150 else ("mid" if i < 190 else "macro")
        lo, hi = {"micro": (5_000, 30_000), "mid": (30_000, 500_000),
                  "macro": (500_000, 1_000_000)}[tier]
        followers = int(lo * (hi / lo) ** rng.random())
        er = {"micro": 0.023, "mid": 0.018, "macro": 0.0155}[tier] * rng.lognormvariate(0, 0.3)
        per_1k = rng.lognormvariate(2.3, 0.35)   # about $10 per 1,000 followers
        price = 180 * rng.lognormvariate(0, 0.5) if tier == "micro" else per_1k * followers / 1000
        price_text = (f"{price:.0f}" if rng.random() < 0.7
                      else f"{0.8 * price:.0f}-{1.25 * price:.0f}")
        home = {"micro": 0.6, "mid": 0.4, "macro": 0.1}[tier] * rng.uniform(0.7, 1.2)
        rest = [rng.random() for _ in COUNTRIES[1:]]
        scale = (1 - home) / sum(rest)
        shares = [home] + [r * scale for r in rest]
        pct = [round(100 * s) for s in shares]
        pct[0] += 100 - sum(pct)
        audience = ";".join(f"{c}:{p}" for c, p in zip(COUNTRIES, pct) if p > 0)
        rows.append(",".join([
            f"creator{i:03d}.{tier}.demo", tier, rng.choice(["instagram", "tiktok", "youtube"]),
            followers_text(followers), f"{er:.4f}", str(rng.randint(6, 40)),
            f"{rng.uniform(0.7, 0.95):.2f}", price_text,
            "yes" if tier == "micro" and rng.random() < 0.1 else "no", audience,
            f"\"invented creator {i}\""]))
    with open(os.path.join(HERE, "roster-200.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
