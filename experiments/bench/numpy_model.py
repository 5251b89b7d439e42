#!/usr/bin/python3
"""The influsim model in NumPy: the comparison for the speed targets, and an
independent check of the engine's numbers.

    /usr/bin/python3 experiments/bench/numpy_model.py SCENARIO.yaml [-n TRIALS]
        [--seed S] [--json FILE]

A careful vectorised implementation of docs/model.md, "One trial, step by step",
for scenarios of tiers (no roster, no `hiring.reallocate`, no
`nonfollower_views`): every step runs on all trials at once. Hiring loops over
the candidate index (the budget rule is sequential within a trial) with one
array operation per step over every trial still hiring; funnels are drawn for
every hire of every trial in one call per draw; overlap loops over the hire's
rank within its strategy, again over all trials at once. Common random numbers
hold as in the engine: candidates, and a hire's funnel, are the same under every
strategy of a trial.

It uses NumPy's own generator (PCG64), so its trials are not influsim's: its
results agree with influsim's in distribution, not draw by draw.
tests/e2e/test_numpy_model.py compares the two means per metric and strategy
within their standard errors. It prints trials/s and hires simulated per
second (one process; NumPy does not use threads for these calls), and with
--json writes the per-strategy means and standard errors and the timing.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import yaml


class Unsupported(Exception):
    pass


def sampler(spec, key):
    """A function (rng, size) -> array for a scenario value: a constant or one
    of the distribution forms of docs/model.md."""
    if isinstance(spec, (int, float)):
        v = float(spec)
        return lambda rng, size: np.full(size, v)
    if isinstance(spec, str) and spec.endswith("%"):
        v = float(spec[:-1]) / 100
        return lambda rng, size: np.full(size, v)
    if not isinstance(spec, dict) or len(spec) != 1:
        raise Unsupported(f"{key}: {spec!r}")
    (form, p), = spec.items()
    if form == "beta":
        a, b = p["mean"] * p["kappa"], (1 - p["mean"]) * p["kappa"]
        return lambda rng, size: rng.beta(a, b, size)
    if form == "lognormal":
        mu, s = math.log(p["median"]), p["sigma"]
        return lambda rng, size: np.exp(mu + s * rng.standard_normal(size))
    if form == "loguniform":
        lo, hi = math.log(p["min"]), math.log(p["max"])
        return lambda rng, size: np.exp(rng.uniform(lo, hi, size))
    if form == "uniform":
        lo, hi = p["min"], p["max"]
        return lambda rng, size: rng.uniform(lo, hi, size)
    raise Unsupported(f"{key}: distribution {form}")


class Tier:
    def __init__(self, name, t, n_regions):
        self.name = name
        for k in ("roster", "nonfollower_views"):
            if t.get(k):
                raise Unsupported(f"tiers.{name}.{k}")
        self.followers = sampler(t["followers"], "followers")
        if "price" in t:
            self.price, self.per_1k = sampler(t["price"], "price"), None
        else:
            self.price, self.per_1k = None, sampler(t["price_per_1k_followers"], "price_per_1k")
        self.fee = sampler(t.get("platform_fee", 0), "platform_fee")
        self.gifted = sampler(t.get("gifted_share", 0), "gifted_share")
        self.overhead = sampler(t.get("overhead_per_hire", 0), "overhead_per_hire")
        self.post = sampler(t.get("post_probability", 1), "post_probability")
        self.real = sampler(t["real_share"], "real_share")
        self.reach = sampler(t["reach_rate"], "reach_rate")
        if "engagement_per_follower" in t:
            self.epf, self.er = sampler(t["engagement_per_follower"], "epf"), None
        else:
            self.epf, self.er = None, sampler(t["engagement_rate"], "engagement_rate")
        aud = t["audience"]
        if isinstance(aud, dict) and "dirichlet" in aud:
            d = aud["dirichlet"]
            alpha = np.array(d["mean"], dtype=float) * d["kappa"]
            self.audience = lambda rng, size: rng.dirichlet(alpha, size)
        else:
            fixed = np.array(aud, dtype=float)
            self.audience = lambda rng, size: np.broadcast_to(fixed, (size, n_regions)).copy()
        self.interest = sampler(t["interest_share"], "interest_share")
        self.cpe = sampler(t["conversations_per_engagement"], "conversations_per_engagement")


class Scenario:
    def __init__(self, doc):
        if doc.get("roster") or doc.get("roster_file"):
            raise Unsupported("roster")
        hiring = doc.get("hiring", {})
        if hiring.get("reallocate"):
            raise Unsupported("hiring.reallocate")
        self.rule = hiring.get("rule", "skip")
        self.max_skips = int(hiring.get("max_skips", 25))
        self.budget = float(doc["budget"])
        self.ship = np.array([bool(r["shippable"]) for r in doc["regions"]])
        prod, market = doc["product"], doc["market"]
        self.price, self.unit_cost = float(prod["price"]), float(prod["unit_cost"])
        self.repeat = sampler(prod.get("repeat_orders", 0), "repeat_orders")
        self.purchase = sampler(market["purchase_rate"], "purchase_rate")
        self.wom = sampler(market.get("wom_purchase_factor", 1), "wom_purchase_factor")
        self.addressable = (sampler(market["addressable"], "addressable")
                            if market.get("addressable") is not None else None)
        self.tiers = [Tier(k, v, len(self.ship)) for k, v in doc["tiers"].items()]
        names = [t.name for t in self.tiers]
        self.strategies = []
        for s in doc["strategies"]:
            if "hire" in s:
                raise Unsupported("named hires")
            alloc = {k: float(v) for k, v in s["allocation"].items()}
            if s.get("shares", "fraction") != "fraction":
                raise Unsupported("shares other than fractions")
            total = sum(alloc.values())
            self.strategies.append((s["name"], [alloc.get(n, 0.0) / total for n in names]))


def draw_candidates(rng, tier, shape, scenario):
    """Every candidate attribute that hiring needs, for an array of shape
    (trials, candidates)."""
    size = int(np.prod(shape))
    f = np.clip(np.floor(tier.followers(rng, size)), 1, 4294967295)
    gifted = rng.random(size) < tier.gifted(rng, size)
    price = tier.price(rng, size) if tier.price else tier.per_1k(rng, size) * f / 1000
    fee = price * (1 + tier.fee(rng, size))
    overhead = tier.overhead(rng, size)
    posts = rng.random(size) < tier.post(rng, size)
    cost = np.where(gifted, scenario.unit_cost, fee) + overhead
    refund = np.where(gifted | posts, 0.0, fee)
    return {k: v.reshape(shape) for k, v in
            dict(f=f, cost=cost, refund=refund, posts=posts).items()}


def hire(cand_cost, money, rule, max_skips):
    """Hires under the budget, all trials at once: a boolean (trials,
    candidates) mask and whether any trial ran out of candidates."""
    n_trials, n_cand = cand_cost.shape
    hired = np.zeros((n_trials, n_cand), dtype=bool)
    if money <= 0:
        return hired, False
    limit = money * (1 + 1e-12)
    spent = np.zeros(n_trials)
    misfits = np.zeros(n_trials, dtype=np.int64)
    active = np.ones(n_trials, dtype=bool)
    for c in range(n_cand):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            return hired, False
        cost = cand_cost[idx, c]
        fits = spent[idx] + cost <= limit
        hired[idx[fits], c] = True
        spent[idx[fits]] += cost[fits]
        misfits[idx[fits]] = 0
        miss = idx[~fits]
        if rule == "stop":
            active[miss] = False
        else:
            misfits[miss] += 1
            active[miss[misfits[miss] >= max_skips]] = False
    return hired, bool(active.any())


def simulate(sc, n_trials, seed):
    rng = np.random.default_rng(seed)
    T = n_trials
    p = sc.purchase(rng, T)
    pw = np.minimum(1.0, p * sc.wom(rng, T))
    lam = sc.repeat(rng, T)
    M = np.floor(sc.addressable(rng, T)).astype(np.int64) if sc.addressable else None

    # Candidates: enough per tier for the strategy that gives it the most
    # money, grown (doubling) until no trial runs out.
    per_tier = []
    for k, tier in enumerate(sc.tiers):
        share = max(s[1][k] for s in sc.strategies)
        if share <= 0:
            per_tier.append(None)
            continue
        n_cand = 64
        while True:
            cand = draw_candidates(rng, tier, (T, n_cand), sc)
            masks, short = [], False
            for _, shares in sc.strategies:
                m, out = hire(cand["cost"], sc.budget * shares[k], sc.rule, sc.max_skips)
                masks.append(m)
                short |= out
            if not short:
                break
            n_cand *= 2
        per_tier.append((cand, masks))

    n_s = len(sc.strategies)
    out = {name: {} for name, _ in sc.strategies}
    acc = {m: np.zeros((n_s, T)) for m in (
        "hires", "spend", "engagements", "shippable", "interested", "distinct", "wom",
        "conversions", "lost", "orders", "undelivered")}
    hires_simulated = 0
    # Hires of every strategy in tier order, then candidate order (the
    # overlap's order), as flat (trial, candidate) lists per strategy.
    ranks = [[] for _ in range(n_s)]
    for k, entry in enumerate(per_tier):
        if entry is None:
            continue
        cand, masks = entry
        tier = sc.tiers[k]
        union = np.zeros_like(masks[0])
        for m in masks:
            union |= m
        ti, ci = np.nonzero(union & cand["posts"])
        n = ti.size
        hires_simulated += n
        f = cand["f"][ti, ci]
        real, reach = tier.real(rng, n), tier.reach(rng, n)
        if tier.epf is not None:
            er = np.minimum(1.0, tier.epf(rng, n) / (real * reach))
        else:
            er = tier.er(rng, n)
        aud = tier.audience(rng, n)
        interest, cpe = tier.interest(rng, n), tier.cpe(rng, n)
        V = rng.binomial(f.astype(np.int64), real * reach)
        E = rng.binomial(V, er)
        # Multinomial(E, a) as a chain of binomials, vectorised over hires.
        left, rest, S = E.copy(), np.ones(n), np.zeros(n, dtype=np.int64)
        for r in range(aud.shape[1]):
            if r == aud.shape[1] - 1:
                Er = left
            else:
                q = np.clip(aud[:, r] / np.maximum(rest, 1e-300), 0.0, 1.0)
                Er = rng.binomial(left, q)
            left = left - Er
            rest = rest - aud[:, r]
            if sc.ship[r]:
                S += Er
        a_S = aud[:, sc.ship].sum(axis=1)
        I = rng.binomial(S, interest)
        L = rng.binomial(E - S, interest * p[ti])
        W = rng.poisson(cpe * E)
        Iw = rng.binomial(W, np.clip(interest * a_S, 0, 1))
        Cw = rng.binomial(Iw, pw[ti])
        if M is None:
            Cd = rng.binomial(I, p[ti])
        # Per strategy: sums over its hires (delivered or not for spend).
        funnel = np.full(union.shape, -1, dtype=np.int64)
        funnel[ti, ci] = np.arange(n)
        for s, m in enumerate(masks):
            ht, hc = np.nonzero(m)
            acc["hires"][s] += np.bincount(ht, minlength=T)
            spend = cand["cost"][ht, hc] - cand["refund"][ht, hc]
            acc["spend"][s] += np.bincount(ht, weights=spend, minlength=T)
            acc["undelivered"][s] += np.bincount(ht, weights=~cand["posts"][ht, hc], minlength=T)
            j = funnel[ht, hc]
            j = j[j >= 0]
            tj = ti[j]
            for name, v in (("engagements", E), ("shippable", S), ("interested", I),
                            ("wom", Cw), ("lost", L)):
                acc[name][s] += np.bincount(tj, weights=v[j], minlength=T)
            if M is None:
                acc["distinct"][s] += np.bincount(tj, weights=I[j], minlength=T)
                C = Cd[j] + Cw[j]
                acc["conversions"][s] += np.bincount(tj, weights=C, minlength=T)
                acc["orders"][s] += np.bincount(tj, weights=C + rng.poisson(lam[tj] * C),
                                                minlength=T)
            else:
                ranks[s].append((tj, I[j], Cw[j]))

    if M is not None:
        # Overlap: hypergeometric draws in each strategy's hire order, the
        # rank-th hire of every trial at once.
        for s in range(n_s):
            if not ranks[s]:
                continue
            tj = np.concatenate([r[0] for r in ranks[s]])
            I = np.concatenate([r[1] for r in ranks[s]])
            Cw = np.concatenate([r[2] for r in ranks[s]])
            order = np.argsort(tj, kind="stable")
            tj, I, Cw = tj[order], I[order], Cw[order]
            first = np.searchsorted(tj, np.arange(T))
            rank = np.arange(tj.size) - first[tj]
            D = np.zeros(T, dtype=np.int64)
            N = np.zeros(tj.size, dtype=np.int64)
            for r in range(int(rank.max()) + 1 if rank.size else 0):
                sel = np.flatnonzero(rank == r)
                t = tj[sel]
                draw = np.minimum(I[sel], M[t])
                good, bad = M[t] - D[t], D[t]
                nz = draw > 0
                n_new = np.zeros(sel.size, dtype=np.int64)
                if nz.any():
                    n_new[nz] = rng.hypergeometric(good[nz], bad[nz], draw[nz])
                N[sel] = n_new
                D[t] += n_new
            C = rng.binomial(N, p[tj]) + Cw
            acc["distinct"][s] += np.bincount(tj, weights=N, minlength=T)
            acc["conversions"][s] += np.bincount(tj, weights=C, minlength=T)
            acc["orders"][s] += np.bincount(tj, weights=C + rng.poisson(lam[tj] * C),
                                            minlength=T)

    for s, (name, _) in enumerate(sc.strategies):
        C = acc["conversions"][s]
        spend = acc["spend"][s]
        revenue = C * sc.price
        profit = revenue - C * sc.unit_cost - spend
        o = out[name]
        for m in ("hires", "spend", "engagements", "interested", "conversions",
                  "orders", "undelivered"):
            o[m] = acc[m][s]
        o["lost_conversions"] = acc["lost"][s]
        o["distinct_interested"] = acc["distinct"][s]
        o["conversions_wom"] = acc["wom"][s]
        o["unspent"] = sc.budget - spend
        o["revenue"] = revenue
        o["profit"] = profit
    return out, hires_simulated


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("-n", "--trials", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json")
    a = ap.parse_args()
    with open(a.scenario) as f:
        doc = yaml.safe_load(f)
    try:
        sc = Scenario(doc)
    except Unsupported as e:
        sys.exit(f"numpy_model: {a.scenario}: not supported here: {e}")
    start = time.perf_counter()
    out, hires = simulate(sc, a.trials, a.seed)
    wall = time.perf_counter() - start
    print(f"numpy_model: {a.scenario}: {a.trials} trials in {wall:.2f} s: "
          f"{a.trials / wall:,.0f} trials/s, {hires / wall:,.0f} hires/s "
          f"({hires / a.trials:.1f} hires simulated a trial), NumPy {np.__version__}")
    for name, o in out.items():
        c = o["conversions"]
        print(f"  {name:<14} conversions {c.mean():9.3f} (se {c.std(ddof=1) / math.sqrt(c.size):.3f})"
              f"  spend {o['spend'].mean():10.1f}  hires {o['hires'].mean():8.2f}")
    if a.json:
        res = {"trials": a.trials, "seconds": wall, "hires_simulated": hires,
               "trials_per_s": a.trials / wall, "hires_per_s": hires / wall,
               "strategies": {name: {m: {"mean": float(v.mean()),
                                         "se": float(v.std(ddof=1) / math.sqrt(v.size))}
                                     for m, v in o.items()} for name, o in out.items()}}
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
