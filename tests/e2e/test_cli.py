#!/usr/bin/python3
"""End-to-end tests of the influsim command line and its results file.

Runs the program as a user would (the built-in default scenario and
tests/scenarios/small.yaml), then checks the HDF5 file against the contract
(root attributes, metric datasets, storage), recomputes the summary and the
pairwise comparisons with numpy from the per-trial data, checks the model's
accounting identities, and checks that the tables printed by `run` and
`show` agree with the file. Also covers --set/--seed, `check` (a fixed point),
--help/--version, and unreadable files given to `show`.

Usage: /usr/bin/python3 tests/e2e/test_cli.py --influsim BUILD/influsim --source-dir SRC

Prints one line per check and `N passed, M failed` at the end; exits 1 on
any failure. Everything is written in a temporary folder.
"""
import argparse
import math
import os
import stat
import re
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, short

TIMEOUT = 120

# Metrics every results file must hold per strategy (the output contract),
# besides hires_<tier> for each tier.
CONTRACT_METRICS = [
    "hires", "spend", "unspent", "reach", "engagements", "shippable_engagements",
    "interested", "conversations", "conversions_direct", "conversions_wom", "conversions",
    "lost_conversions", "revenue", "profit", "roi", "undelivered", "refunded_fees",
    "capped_engagement", "orders", "ltv_revenue", "ltv_profit", "ltv_roi",
]
# Ratios: NaN where the denominator is zero; (numerator, denominator).
RATIOS = {
    "roi": ("profit", "spend"),
    "cost_per_acquisition": ("spend", "conversions"),
    "cost_per_engagement": ("spend", "engagements"),
    "ltv_roi": ("ltv_profit", "spend"),
}
SUMMARY_COLUMNS = ["metric", "mean", "sd", "se", "min", "max", "q01", "q05", "q10", "q25",
                   "q50", "q75", "q90", "q95", "q99", "p_zero", "n", "n_missing",
                   "ratio_of_totals"]
QUANTILE_NAMES = ["q01", "q05", "q10", "q25", "q50", "q75", "q90", "q95", "q99"]
QUANTILE_LEVELS = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]


C = Checks()
ARGS = None


def influsim(*args, env=None, cwd=None):
    """Runs influsim; returns the CompletedProcess (text output)."""
    return checks.run(ARGS.influsim, *args, env=env, cwd=cwd, timeout=TIMEOUT)


def decode(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def strings(dset):
    return [decode(x) for x in dset[()]]


def resolved_info(text):
    """Tier names (in order), product price and unit cost, shippable regions,
    from resolved YAML as `influsim check` prints it (a fixed layout)."""
    tiers, price, unit_cost = [], None, None
    section = None
    for line in text.splitlines():
        if re.match(r"^\S", line):
            section = line.split(":")[0]
            continue
        if section == "tiers":
            m = re.match(r"^  ([^\s:#][^:]*):\s*$", line)
            if m:
                tiers.append(m.group(1))
        elif section == "product":
            m = re.match(r"^  price:\s*(\S+)", line)
            if m:
                price = float(m.group(1))
            m = re.match(r"^  unit_cost:\s*(\S+)", line)
            if m:
                unit_cost = float(m.group(1))
    return tiers, price, unit_cost


def close(a, b, rtol=1e-9, atol=0.0):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return bool(np.all(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)))


def worst(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore"):
        d = np.abs(a - b)
    d = np.where(np.isnan(a) & np.isnan(b), 0.0, d)
    d = np.where(np.isnan(a) ^ np.isnan(b), np.inf, d)
    i = int(np.argmax(d)) if d.size else 0
    return f"max |diff| {d.flat[i] if d.size else 0} at {i}: file {a.flat[i] if a.size else ''} " \
           f"vs numpy {b.flat[i] if b.size else ''}"


def all_datasets(f, roots=("strategies", "trials", "comparisons")):
    """Every dataset under the given groups: {path: array}."""
    out = {}
    for root in roots:
        if root not in f:
            continue

        def visit(name, obj, root=root):
            if isinstance(obj, h5py.Dataset):
                out[f"{root}/{name}"] = obj[()]
        f[root].visititems(visit)
    return out


def same_datasets(path_a, path_b):
    """Returns (equal, detail): every dataset under /strategies, /trials,
    /comparisons bit-identical (NaN equal to NaN)."""
    with h5py.File(path_a, "r") as fa, h5py.File(path_b, "r") as fb:
        da, db = all_datasets(fa), all_datasets(fb)
    if set(da) != set(db):
        return False, f"different datasets: {sorted(set(da) ^ set(db))[:5]}"
    for name in sorted(da):
        a, b = da[name], db[name]
        if a.dtype != b.dtype or a.shape != b.shape:
            return False, f"{name}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}"
        if a.dtype.kind == "f":
            if not np.array_equal(a, b, equal_nan=True):
                return False, f"{name} differs"
        elif not np.array_equal(a, b):
            return False, f"{name} differs"
    return True, ""


# ---------------------------------------------------------------------------
# Checks of one results file


def check_root_attrs(tag, f, trials, scenario_text=None):
    a = f.attrs
    C.check(f"{tag}: attr format == influsim-results", decode(a.get("format", "")) ==
            "influsim-results", repr(a.get("format")))
    C.check(f"{tag}: attr format_version == 1", a.get("format_version") == 1,
            repr(a.get("format_version")))
    complete = a.get("complete")
    C.check(f"{tag}: attr complete is True", isinstance(complete, (bool, np.bool_)) and
            bool(complete), repr(complete))
    C.check(f"{tag}: attr trials == {trials}", a.get("trials") == trials, repr(a.get("trials")))
    C.check(f"{tag}: attr seed present", "seed" in a and np.issubdtype(np.asarray(
        a["seed"]).dtype, np.integer), repr(a.get("seed")))
    th = a.get("threads")
    C.check(f"{tag}: attr threads >= 1", th is not None and int(th) >= 1, repr(th))
    wt = a.get("wall_time_s")
    C.check(f"{tag}: attr wall_time_s > 0", wt is not None and float(wt) > 0, repr(wt))
    created = decode(a.get("created", ""))
    C.check(f"{tag}: attr created is an ISO 8601 UTC time",
            re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created) is not None, repr(created))
    pv = decode(a.get("program_version", ""))
    C.check(f"{tag}: attr program_version is a version", re.fullmatch(r"\d+\.\d+\.\d+\S*", pv)
            is not None, repr(pv))
    text = decode(a.get("scenario_text", ""))
    C.check(f"{tag}: attr scenario_text non-empty", len(text.strip()) > 0)
    if scenario_text is not None:
        C.check(f"{tag}: attr scenario_text equals the scenario file's text",
                text == scenario_text, f"{len(text)} vs {len(scenario_text)} characters")
    resolved = decode(a.get("scenario_resolved", ""))
    C.check(f"{tag}: attr scenario_resolved non-empty", len(resolved.strip()) > 0)
    name = decode(a.get("scenario_name", ""))
    C.check(f"{tag}: attr scenario_name non-empty", len(name) > 0, repr(name))
    ql = a.get("quantile_levels")
    C.check(f"{tag}: attr quantile_levels", ql is not None and close(ql, QUANTILE_LEVELS, 0,
                                                                    1e-15), repr(ql))
    return resolved


def check_datasets(tag, f, trials, tiers):
    names = strings(f["strategy"]) if "strategy" in f else []
    C.check(f"{tag}: /strategy lists {len(names)} strategies", len(names) >= 1)
    groups = list(f["strategies"].keys()) if "strategies" in f else []
    C.check(f"{tag}: /strategies has one group per name in /strategy",
            sorted(groups) == sorted(names), f"{groups} vs {names}")
    order = sorted(groups, key=lambda g: int(f["strategies"][g].attrs.get("index", -1)))
    C.check(f"{tag}: /strategy in the order of the groups' index attributes", order == names,
            f"{order} vs {names}")
    expected = (CONTRACT_METRICS + [f"hires_{t}" for t in tiers]
                + [f"spend_{t}" for t in tiers])
    for s in names:
        gt = f[f"strategies/{s}/trials"]
        missing = [m for m in expected if m not in gt]
        C.check(f"{tag}: {s}: every contract metric present", not missing, f"missing {missing}")
        bad = []
        for m in gt:
            d = gt[m]
            problems = []
            if d.shape != (trials,):
                problems.append(f"shape {d.shape}")
            if d.chunks is None:
                problems.append("not chunked")
            if d.compression != "gzip":
                problems.append(f"compression {d.compression}")
            if not d.shuffle:
                problems.append("no shuffle")
            for attr in ("units", "long_name"):
                if not decode(d.attrs.get(attr, "")):
                    problems.append(f"no {attr}")
            if problems:
                bad.append(f"{m}: {', '.join(problems)}")
        C.check(f"{tag}: {s}: {len(gt)} per-trial datasets of length {trials}, chunked, "
                "shuffle+gzip, with units and long_name", not bad, "; ".join(bad[:5]))
    return names


def load_trials(f, s):
    gt = f[f"strategies/{s}/trials"]
    return {m: gt[m][()] for m in gt}


def check_summary(tag, f, s, tr):
    gs = f[f"strategies/{s}/summary"]
    missing = [c for c in SUMMARY_COLUMNS if c not in gs]
    if not C.check(f"{tag}: {s}: summary has every column", not missing, f"missing {missing}"):
        return
    metrics = strings(gs["metric"])
    C.check(f"{tag}: {s}: summary rows == per-trial datasets",
            sorted(metrics) == sorted(tr), f"{sorted(set(metrics) ^ set(tr))}")
    cols = {c: gs[c][()] for c in SUMMARY_COLUMNS if c != "metric"}
    units = strings(gs["units"]) if "units" in gs else None
    longs = strings(gs["long_name"]) if "long_name" in gs else None
    label_bad = []
    errors = {}
    for i, m in enumerate(metrics):
        if m not in tr:
            continue
        d = f[f"strategies/{s}/trials/{m}"]
        if units is not None and units[i] != decode(d.attrs.get("units", "")):
            label_bad.append(f"{m} units")
        if longs is not None and longs[i] != decode(d.attrs.get("long_name", "")):
            label_bad.append(f"{m} long_name")
        v = tr[m].astype(np.float64)
        nan = np.isnan(v)
        x = v[~nan]
        n = x.size
        exp = {"n": n, "n_missing": int(nan.sum())}
        if m not in RATIOS and nan.any():
            errors.setdefault("NaN in a non-ratio metric", []).append(m)
        if n > 0:
            exp["mean"] = x.mean()
            exp["min"] = x.min()
            exp["max"] = x.max()
            exp["p_zero"] = np.mean(x == 0)
            for qn, ql in zip(QUANTILE_NAMES, QUANTILE_LEVELS):
                exp[qn] = np.quantile(x, ql)
        if n > 1:
            exp["sd"] = x.std(ddof=1)
            exp["se"] = exp["sd"] / math.sqrt(n)
        if m in RATIOS:
            num, den = RATIOS[m]
            sden = tr[den].astype(np.float64).sum()
            exp["ratio_of_totals"] = (tr[num].astype(np.float64).sum() / sden
                                      if sden != 0 else float("nan"))
        else:
            exp["ratio_of_totals"] = float("nan")
        scale = max(1.0, float(np.max(np.abs(x)))) if n else 1.0
        for key, want in exp.items():
            got = float(cols[key][i])
            if key in ("n", "n_missing", "min", "max", "p_zero"):
                ok = got == want or (math.isnan(got) and math.isnan(float(want)))
            elif key in ("mean", "sd", "se", "ratio_of_totals"):
                ok = close(got, want, rtol=1e-9, atol=1e-12 * scale)
            else:  # quantiles: the same formula, rounding may differ in the last bits
                ok = close(got, want, rtol=1e-9, atol=1e-12 * scale)
            if not ok:
                errors.setdefault(key, []).append(f"{m}: file {got!r} numpy {float(want)!r}")
    C.check(f"{tag}: {s}: summary units/long_name match the datasets' attributes",
            not label_bad, ", ".join(label_bad[:5]))
    for key in ["n", "n_missing", "mean", "sd", "se", "min", "max"] + QUANTILE_NAMES + [
            "p_zero", "ratio_of_totals", "NaN in a non-ratio metric"]:
        what = {"ratio_of_totals": "ratio_of_totals (sum num / sum den; NaN for non-ratios)",
                "sd": "sd (ddof=1)", "se": "se = sd/sqrt(n)",
                "mean": "mean (rtol 1e-9)"}.get(key, key)
        if key == "NaN in a non-ratio metric":
            C.check(f"{tag}: {s}: no NaN in non-ratio metrics", key not in errors,
                    ", ".join(errors.get(key, [])))
            continue
        C.check(f"{tag}: {s}: summary {what} == numpy", key not in errors,
                "; ".join(map(str, errors.get(key, [])[:3])))


def check_identities(tag, f, s, tr, tiers, price, unit_cost, budget, has_addressable):
    conv = tr["conversions"].astype(np.int64)
    C.check(f"{tag}: {s}: conversions == conversions_direct + conversions_wom",
            np.array_equal(conv, tr["conversions_direct"].astype(np.int64) +
                           tr["conversions_wom"].astype(np.int64)))
    if price is not None:
        C.check(f"{tag}: {s}: revenue == conversions * price ({price:g})",
                close(tr["revenue"], conv * price, 1e-12), worst(tr["revenue"], conv * price))
    spend = tr["spend"].astype(np.float64)
    C.check(f"{tag}: {s}: unspent == budget - spend",
            close(tr["unspent"], budget - spend, 1e-12, 1e-9 * budget),
            worst(tr["unspent"], budget - spend))
    C.check(f"{tag}: {s}: 0 <= spend <= budget",
            bool(np.all(spend >= 0) and np.all(spend <= budget * (1 + 1e-12))),
            f"min {spend.min()} max {spend.max()} budget {budget}")
    hsum = sum(tr[f"hires_{t}"].astype(np.int64) for t in tiers if f"hires_{t}" in tr)
    C.check(f"{tag}: {s}: hires == sum of hires_<tier>",
            np.array_equal(tr["hires"].astype(np.int64), hsum))
    ssum = sum(tr[f"spend_{t}"].astype(np.float64) for t in tiers if f"spend_{t}" in tr)
    C.check(f"{tag}: {s}: spend == sum of spend_<tier>",
            close(spend, ssum, 1e-12, 1e-9 * budget), worst(spend, ssum))
    if "orders" in tr:
        orders = tr["orders"].astype(np.int64)
        C.check(f"{tag}: {s}: orders >= conversions", bool(np.all(orders >= conv)))
        C.check(f"{tag}: {s}: undelivered <= hires",
                bool(np.all(tr["undelivered"][()] <= tr["hires"][()])))
        C.check(f"{tag}: {s}: 0 <= refunded_fees <= unspent",
                bool(np.all(tr["refunded_fees"][()] >= 0)
                     and np.all(tr["refunded_fees"][()] <= tr["unspent"][()] + 1e-9 * budget)))
    if unit_cost is not None and price is not None and "orders" in tr:
        want = orders * (price - unit_cost) - spend
        C.check(f"{tag}: {s}: ltv_profit == orders*(price-unit_cost) - spend",
                close(tr["ltv_profit"], want, 1e-9, 1e-9 * budget), worst(tr["ltv_profit"], want))
        want = orders * price
        C.check(f"{tag}: {s}: ltv_revenue == orders*price",
                close(tr["ltv_revenue"], want, 1e-9, 1e-9 * budget),
                worst(tr["ltv_revenue"], want))
    if unit_cost is not None and price is not None:
        want = conv * price - conv * unit_cost - spend
        C.check(f"{tag}: {s}: profit == revenue - conversions*unit_cost - spend",
                close(tr["profit"], want, 1e-9, 1e-9 * budget), worst(tr["profit"], want))
    pos = spend > 0
    roi = tr["roi"]
    C.check(f"{tag}: {s}: roi == profit/spend where spend > 0",
            close(roi[pos], tr["profit"][pos] / spend[pos], 1e-12),
            worst(roi[pos], tr["profit"][pos] / spend[pos]))
    C.check(f"{tag}: {s}: roi is NaN exactly where spend == 0",
            np.array_equal(np.isnan(roi), ~pos), f"{int(np.isnan(roi).sum())} NaN, "
            f"{int((~pos).sum())} zero spend")
    for m in ("cost_per_acquisition", "cost_per_engagement"):
        if m not in tr:
            continue
        den = tr[RATIOS[m][1]].astype(np.float64)
        d = den > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            want = np.where(d, spend / np.where(d, den, 1), np.nan)
        C.check(f"{tag}: {s}: {m} == spend/{RATIOS[m][1]}, NaN where it is 0",
                close(tr[m], want, 1e-12), worst(tr[m], want))
    regions = [m for m in tr if m.startswith("engagements_")]
    if regions:
        C.check(f"{tag}: {s}: engagements == sum of engagements_<region>",
                np.array_equal(tr["engagements"].astype(np.int64),
                               sum(tr[r].astype(np.int64) for r in regions)))
    C.check(f"{tag}: {s}: shippable_engagements <= engagements",
            bool(np.all(tr["shippable_engagements"] <= tr["engagements"])))
    if "distinct_interested" in tr:
        di = tr["distinct_interested"].astype(np.int64)
        C.check(f"{tag}: {s}: distinct_interested <= interested",
                bool(np.all(di <= tr["interested"].astype(np.int64))))
        C.check(f"{tag}: {s}: conversions_direct <= distinct_interested",
                bool(np.all(tr["conversions_direct"].astype(np.int64) <= di)))
        if has_addressable:
            M = f["trials/addressable"][()].astype(np.int64)
            bad = np.nonzero(di > M)[0]
            C.check(f"{tag}: {s}: distinct_interested <= addressable in every trial",
                    bad.size == 0, f"{bad.size} trials, first {bad[:3]}: "
                    f"{di[bad[:3]]} > {M[bad[:3]]}")
        else:
            C.check(f"{tag}: {s}: without addressable, distinct_interested == interested",
                    np.array_equal(di, tr["interested"].astype(np.int64)))
    # A tier that the allocation leaves out (share 0) hires nobody.
    alloc = decode(f[f"strategies/{s}"].attrs.get("allocation", ""))
    funded = {p.split(":")[0].strip() for p in alloc.split(",") if p.strip()}
    for t in tiers:
        if t not in funded:
            C.check(f"{tag}: {s}: tier {t} has share 0, hires_{t} == 0 in every trial",
                    not np.any(tr[f"hires_{t}"]))


def check_comparisons(tag, f, names, conv):
    n = len(names)
    g = f.get("comparisons")
    if not C.check(f"{tag}: /comparisons exists", g is not None):
        return
    ntr = len(conv[names[0]])
    expect = {k: np.zeros((n, n)) for k in ("p_greater", "p_tie", "mean_difference",
                                             "se_difference")}
    for a in range(n):
        for b in range(n):
            ca = conv[names[a]].astype(np.int64)
            cb = conv[names[b]].astype(np.int64)
            diff = (ca - cb).astype(np.float64)
            expect["p_greater"][a, b] = np.mean(ca > cb)
            expect["p_tie"][a, b] = np.mean(ca == cb)
            expect["mean_difference"][a, b] = diff.mean()
            expect["se_difference"][a, b] = diff.std(ddof=1) / math.sqrt(ntr)
    got = {}
    for k, want in expect.items():
        if not C.check(f"{tag}: /comparisons/{k} exists, {n}x{n}", k in g and
                       g[k].shape == (n, n), repr(g[k].shape if k in g else None)):
            continue
        got[k] = g[k][()]
        tol = {"p_greater": (1e-12, 0), "p_tie": (1e-12, 0), "mean_difference": (1e-9, 1e-12),
               "se_difference": (1e-9, 1e-12)}[k]
        C.check(f"{tag}: /comparisons/{k} == numpy from per-trial conversions",
                close(got[k], want, *tol), worst(got[k], want))
    if len(got) == 4:
        pl = got["p_greater"].T  # P(a < b) == P(b > a)
        C.check(f"{tag}: P(>) + P(=) + P(<) == 1 for every pair",
                close(got["p_greater"] + got["p_tie"] + pl, np.ones((n, n)), 0, 1e-12))
        C.check(f"{tag}: comparison matrices are (anti)symmetric",
                close(got["p_tie"], got["p_tie"].T, 0, 0) and
                close(got["mean_difference"], -got["mean_difference"].T, 0, 1e-12) and
                close(got["se_difference"], got["se_difference"].T, 0, 1e-12))
    gp = g.get("pairs")
    if not C.check(f"{tag}: /comparisons/pairs exists", gp is not None) or len(got) < 4:
        return
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    try:
        sa, sb = strings(gp["strategy_a"]), strings(gp["strategy_b"])
        C.check(f"{tag}: pairs list every ordered pair (a != b) in order",
                sa == [names[a] for a, _ in pairs] and sb == [names[b] for _, b in pairs],
                f"{list(zip(sa, sb))[:4]}")
        ia = [a for a, _ in pairs]
        ib = [b for _, b in pairs]
        for col, want in (("p_a_greater", got["p_greater"][ia, ib]),
                          ("p_tie", got["p_tie"][ia, ib]),
                          ("p_b_greater", got["p_greater"][ib, ia]),
                          ("mean_difference", got["mean_difference"][ia, ib]),
                          ("se_difference", got["se_difference"][ia, ib])):
            C.check(f"{tag}: pairs/{col} consistent with the matrices",
                    col in gp and np.array_equal(gp[col][()], want),
                    worst(gp[col][()], want) if col in gp else "missing")
    except Exception as e:  # noqa: BLE001 - report and carry on
        C.crash(f"{tag}: pairs table", e)


# ---------------------------------------------------------------------------
# The printed report


def fmt(v, prec):
    v = float(v)
    return "-" if math.isnan(v) else f"{v:.{prec}f}"


def se_decimals(se):
    """Decimals that keep two significant digits of a standard error (the
    report's rule, sim/cli/number.c: one fewer where the se rounds up into
    the next decade)."""
    d = min(1 - math.floor(math.log10(se)), 12)
    if round_half_away(se * 10.0 ** d) >= 100:
        d -= 1
    return d


def round_half_away(x):
    """C's round(): halves away from zero."""
    return math.copysign(math.floor(abs(x) + 0.5), x)


def round_to(x, d):
    r = (round_half_away(x * 10.0 ** d) / 10.0 ** d if d >= 0
         else round_half_away(x / 10.0 ** -d) * 10.0 ** -d)
    return 0.0 if r == 0 else r


def fmt_estimate(v, se):
    """v rounded to two significant digits of se, as the report prints it."""
    v, se = float(v), float(se)
    if math.isnan(v):
        return "-"
    if not (se > 0) or math.isinf(se):
        return f"{v:.0f}" if 1e6 <= abs(v) < 1e15 else f"{v:.6g}"
    d = se_decimals(se)
    return f"{round_to(v, d):.{max(d, 0)}f}"


def fmt_se(se):
    se = float(se)
    if not (se > 0) or math.isinf(se):
        return "0" if se == 0 else "-"
    return fmt_estimate(se, se)


def report_block(stdout):
    """The report's lines from the scenario header to the end of the matrix
    (drops the trailing 'results written to' line and blank lines)."""
    lines = stdout.rstrip("\n").split("\n")
    while lines and (lines[-1].startswith("results written to") or not lines[-1].strip()):
        lines.pop()
    return lines


def check_report(tag, stdout, f, names):
    lines = report_block(stdout)
    a = f.attrs
    if not C.check(f"{tag}: report printed", len(lines) > 5, short(stdout)):
        return
    head = re.fullmatch(r"(.*): (\d+) trials, seed (\d+), (\d+) threads?, (\S+) s(.*)", lines[0])
    if C.check(f"{tag}: report header line parses", head is not None, repr(lines[0])):
        C.check(f"{tag}: report header agrees with the file (name, trials, seed, threads, "
                "wall time)",
                head.group(1) == decode(a["scenario_name"]) and int(head.group(2)) ==
                a["trials"] and int(head.group(3)) == a["seed"] and int(head.group(4)) ==
                a["threads"] and head.group(5) == f"{float(a['wall_time_s']):.2f}" and
                head.group(6) == "", repr(lines[0]))
    try:
        hdr = next(i for i, l in enumerate(lines) if l.split()[:1] == ["strategy"])
    except StopIteration:
        C.check(f"{tag}: report table header found", False, short(stdout))
        return
    rows = lines[hdr + 1: hdr + 1 + len(names)]
    cols = ["mean", "se", "q05", "q50", "q95", "p_zero", "spend", "unspent", "hires", "roi",
            "cpa", "lost"]
    precs = [None, None, 0, 0, 0, 3, 0, 0, 1, 2, 2, 2]
    for s, row in zip(names, rows):
        ok = row.startswith(s)
        tokens = row[len(s):].replace("(", " ").replace(")", " ").split() if ok else []
        if not C.check(f"{tag}: report row of {s} parses", ok and len(tokens) == len(cols),
                       repr(row)):
            continue
        gs = f[f"strategies/{s}/summary"]
        metrics = strings(gs["metric"])

        def stat(metric, col):
            return gs[col][metrics.index(metric)]
        want = [stat("conversions", "mean"), stat("conversions", "se"),
                stat("conversions", "q05"), stat("conversions", "q50"),
                stat("conversions", "q95"), stat("conversions", "p_zero"),
                stat("spend", "mean"), stat("unspent", "mean"), stat("hires", "mean"),
                stat("roi", "ratio_of_totals"),
                stat("cost_per_acquisition", "ratio_of_totals"),
                stat("lost_conversions", "mean")]
        se = stat("conversions", "se")
        expect = [fmt_estimate(want[0], se), fmt_se(se)] + [
            fmt(w, p) for w, p in zip(want[2:], precs[2:])]
        bad = [f"{c}: printed {t} file {e}" for c, t, e in zip(cols, tokens, expect) if t != e]
        C.check(f"{tag}: report row of {s} == file (mean and se rounded to the se, 5/50/95 %, "
                "P(0), spend, unspent, hires, ROI, CPA, lost)", not bad, "; ".join(bad))
        # Notes about undefined ratios.
        for metric, what in (("cost_per_acquisition", "cost per acquisition"),
                             ("roi", "ROI")):
            miss = int(stat(metric, "n_missing"))
            note = [l for l in lines if l.startswith(f"{s}: {what} undefined in ")]
            if miss:
                C.check(f"{tag}: report notes {s}'s {what} undefined in {miss} trials",
                        len(note) == 1 and f" in {miss} trials" in note[0], repr(note))
            else:
                C.check(f"{tag}: report has no undefined-{what} note for {s}", not note,
                        repr(note))
    if len(names) < 2:
        return
    try:
        mi = next(i for i, l in enumerate(lines) if l.startswith("P(row converts more than"))
    except StopIteration:
        C.check(f"{tag}: report P(row > column) matrix found", False)
        return
    pg = f["comparisons/p_greater"][()]
    mrows = lines[mi + 2: mi + 2 + len(names)]
    C.check(f"{tag}: matrix header lists the strategies",
            lines[mi + 1].split() == [s[:12] for s in names], repr(lines[mi + 1]))
    bad = []
    for ia, (s, row) in enumerate(zip(names, mrows)):
        if not row.startswith(s):
            bad.append(f"row {ia} {row!r}")
            continue
        tokens = row[len(s):].split()
        want = ["-" if ia == ib else fmt(pg[ia, ib], 3) for ib in range(len(names))]
        if tokens != want:
            bad.append(f"{s}: printed {tokens} file {want}")
    C.check(f"{tag}: printed P(row > column) matrix == /comparisons/p_greater",
            not bad and len(mrows) == len(names), "; ".join(bad))
    C.check(f"{tag}: the matrix ends the report", len(lines) == mi + 2 + len(names),
            repr(lines[mi + 2 + len(names):]))


# ---------------------------------------------------------------------------
# Whole scenarios


def full_run_checks(tag, tmp, run_args, trials, scenario_text, has_addressable):
    out = os.path.join(tmp, f"{tag}.h5")
    r = influsim("run", *run_args, "-o", out, cwd=tmp)
    C.check(f"{tag}: run exits 0", r.returncode == 0, f"rc {r.returncode}: {short(r.stderr)}")
    if not C.check(f"{tag}: results file exists", os.path.isfile(out)):
        return None
    left = [x for x in os.listdir(tmp) if ".tmp." in x]
    C.check(f"{tag}: no temporary file left beside the results", not left, repr(left))
    with h5py.File(out, "r") as f:
        resolved = check_root_attrs(tag, f, trials, scenario_text)
        tiers, price, unit_cost = resolved_info(resolved)
        C.check(f"{tag}: tiers found in scenario_resolved", len(tiers) >= 1, repr(tiers))
        budget = float(f.attrs["budget"])
        names = check_datasets(tag, f, trials, tiers)
        conv = {}
        for s in names:
            try:
                tr = load_trials(f, s)
                conv[s] = tr["conversions"]
                check_summary(tag, f, s, tr)
                check_identities(tag, f, s, tr, tiers, price, unit_cost, budget,
                                 has_addressable)
            except Exception as e:  # noqa: BLE001 - report and carry on
                C.crash(f"{tag}: {s}: per-strategy checks", e)
        if has_addressable is not None:
            C.check(f"{tag}: /trials/addressable present iff market.addressable is set",
                    ("addressable" in f["trials"]) == has_addressable)
        try:
            check_comparisons(tag, f, names, conv)
        except Exception as e:  # noqa: BLE001
            C.crash(f"{tag}: comparisons", e)
        try:
            check_report(tag + " run stdout", r.stdout, f, names)
        except Exception as e:  # noqa: BLE001
            C.crash(f"{tag}: report", e)
    # `show` prints the same tables.
    sh = influsim("show", out, cwd=tmp)
    C.check(f"{tag}: show exits 0", sh.returncode == 0, f"rc {sh.returncode}: "
            f"{short(sh.stderr)}")
    run_lines, show_lines = report_block(r.stdout), report_block(sh.stdout)
    if run_lines == show_lines:
        C.check(f"{tag}: show prints the same tables as run", True)
    else:
        diff = [f"run {a!r} / show {b!r}" for a, b in zip(run_lines, show_lines) if a != b]
        C.check(f"{tag}: show prints the same tables as run", False,
                f"{len(run_lines)} vs {len(show_lines)} lines; " + "; ".join(diff[:3]))
    return out


def test_default(tmp, src):
    with open(os.path.join(src, "experiments", "french-brand.yaml"), encoding="utf-8") as fh:
        text = fh.read()
    return full_run_checks("default", tmp, ["--trials", "2000"], 2000, text, True)


def test_small(tmp, src):
    path = os.path.join(src, "tests", "scenarios", "small.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    out = full_run_checks("small", tmp, [path], 3000, text, True)
    if out is None:
        return
    with h5py.File(out, "r") as f:
        M = f["trials/addressable"][()]
        C.check("small: /trials/addressable within its loguniform(4000, 20000) support",
                bool(np.all(M >= 4000) and np.all(M <= 20000)), f"{M.min()}..{M.max()}")
        C.check("small: attr scenario_name == small-test",
                decode(f.attrs["scenario_name"]) == "small-test")
        C.check("small: attr seed == 424242 and currency EUR",
                f.attrs["seed"] == 424242 and decode(f.attrs["currency"]) == "EUR")
        # Provenance: compiler, flags (the floating-point ones) and library versions.
        flags = decode(f.attrs["build_flags"])
        C.check("small: build_flags name the floating-point flags",
                "-ffp-contract=off" in flags and "-fno-math-errno" in flags, flags)
        C.check("small: compiler and library versions recorded",
                all(re.search(r"\d+\.\d+", decode(f.attrs[k]))
                    for k in ("compiler", "hdf5_version", "gsl_version", "zlib_version",
                              "libyaml_version")) and int(f.attrs["openmp_version"]) >= 200805,
                str({k: f.attrs[k] for k in ("compiler", "zlib_version", "openmp_version")}))
        # Overlap must bite in this small market: some trials lose interested people.
        ok = False
        for s in strings(f["strategy"]):
            t = f[f"strategies/{s}/trials"]
            if np.any(t["distinct_interested"][()] < t["interested"][()]):
                ok = True
        C.check("small: overlap removes some interested people (distinct < interested)", ok)


def test_overrides(tmp):
    a = os.path.join(tmp, "budget.h5")
    r = influsim("run", "--trials", "500", "--set", "budget=12345", "-q", "-o", a, cwd=tmp)
    C.check("--set budget: run exits 0", r.returncode == 0, short(r.stderr))
    C.check("--quiet prints nothing on stdout", r.stdout == "", repr(short(r.stdout)))
    if os.path.isfile(a):
        with h5py.File(a, "r") as f:
            C.check("--set budget=12345: attr budget == 12345", f.attrs["budget"] == 12345.0,
                    repr(f.attrs["budget"]))
            ov = decode(f.attrs.get("scenario_overrides", ""))
            C.check("--set budget=12345: scenario_overrides lists it", "budget=12345" in ov,
                    repr(ov))
            C.check("--trials 500: scenario_overrides lists trials=500", "trials=500" in ov,
                    repr(ov))
            C.check("--set budget=12345: scenario_resolved has budget: 12345",
                    re.search(r"^budget: 12345\s*$", decode(f.attrs["scenario_resolved"]),
                              re.M) is not None)
            s = strings(f["strategy"])[0]
            sp = f[f"strategies/{s}/trials/spend"][()]
            un = f[f"strategies/{s}/trials/unspent"][()]
            C.check("--set budget=12345: unspent == 12345 - spend and spend <= 12345",
                    close(un, 12345 - sp, 1e-12, 1e-8) and bool(np.all(sp <= 12345)))

    outs = {}
    for name, seed in (("s7a", 7), ("s7b", 7), ("s8", 8)):
        p = os.path.join(tmp, f"{name}.h5")
        r = influsim("run", "--trials", "1000", "--seed", str(seed), "-q", "-o", p, cwd=tmp)
        C.check(f"--seed {seed} ({name}): run exits 0", r.returncode == 0, short(r.stderr))
        outs[name] = p
    if all(os.path.isfile(p) for p in outs.values()):
        with h5py.File(outs["s7a"], "r") as f7:
            C.check("--seed 7: attr seed == 7", f7.attrs["seed"] == 7)
        ok, detail = same_datasets(outs["s7a"], outs["s7b"])
        C.check("--seed 7 twice: identical datasets", ok, detail)
        with h5py.File(outs["s7a"], "r") as f7, h5py.File(outs["s8"], "r") as f8:
            diff = [s for s in strings(f7["strategy"]) if not np.array_equal(
                f7[f"strategies/{s}/trials/conversions"][()],
                f8[f"strategies/{s}/trials/conversions"][()])]
            C.check("--seed 7 vs --seed 8: different conversions for every strategy",
                    len(diff) == len(strings(f7["strategy"])), repr(diff))
            C.check("--seed 7 vs --seed 8: different purchase rates",
                    not np.array_equal(f7["trials/purchase_rate"][()],
                                       f8["trials/purchase_rate"][()]))


def test_check(tmp, src):
    small = os.path.join(src, "tests", "scenarios", "small.yaml")
    french = os.path.join(src, "experiments", "french-brand.yaml")
    for tag, scen in (("default", []), ("small", [small])):
        r = influsim("check", *scen, cwd=tmp)
        C.check(f"check {tag}: exits 0", r.returncode == 0, short(r.stderr))
        C.check(f"check {tag}: prints resolved YAML",
                r.stdout.startswith("# resolved scenario") and re.search(
                    r"^strategies:", r.stdout, re.M) is not None and re.search(
                    r"^tiers:", r.stdout, re.M) is not None, short(r.stdout))
        res = os.path.join(tmp, f"resolved-{tag}.yaml")
        with open(res, "w", encoding="utf-8") as fh:
            fh.write(r.stdout)
        r2 = influsim("check", res, cwd=tmp)
        C.check(f"check {tag}: resolved YAML checks (exit 0)", r2.returncode == 0,
                short(r2.stderr))
        C.check(f"check {tag}: resolved YAML is a fixed point of check",
                r2.stdout == r.stdout, next((f"{a!r} -> {b!r}" for a, b in zip(
                    r.stdout.splitlines(), r2.stdout.splitlines()) if a != b),
                    "different length"))
        # Running the resolved file gives the same numbers as the original.
        o1 = os.path.join(tmp, f"orig-{tag}.h5")
        o2 = os.path.join(tmp, f"res-{tag}.h5")
        ra = influsim("run", *scen, "--trials", "800", "-q", "-o", o1, cwd=tmp)
        rb = influsim("run", res, "--trials", "800", "-q", "-o", o2, cwd=tmp)
        if C.check(f"check {tag}: runs of original and resolved exit 0",
                   ra.returncode == 0 and rb.returncode == 0, short(ra.stderr + rb.stderr)):
            ok, detail = same_datasets(o1, o2)
            C.check(f"check {tag}: run from resolved YAML == run from original", ok, detail)
            with h5py.File(o1, "r") as f:
                r3 = influsim("check", *scen, "--set", "trials=800", cwd=tmp)
                C.check(f"check {tag}: `check --set trials=800` == the run's scenario_resolved",
                        r3.stdout == decode(f.attrs["scenario_resolved"]))
    # The built-in default is experiments/french-brand.yaml.
    o1 = os.path.join(tmp, "orig-default.h5")
    o3 = os.path.join(tmp, "file-default.h5")
    r = influsim("run", french, "--trials", "800", "-q", "-o", o3, cwd=tmp)
    if C.check("run experiments/french-brand.yaml: exits 0", r.returncode == 0,
               short(r.stderr)) and os.path.isfile(o1):
        ok, detail = same_datasets(o1, o3)
        C.check("built-in default == experiments/french-brand.yaml (same datasets)", ok, detail)
    rd = influsim("check", cwd=tmp)
    rf = influsim("check", french, cwd=tmp)
    C.check("check: built-in default resolves like experiments/french-brand.yaml",
            rd.stdout == rf.stdout)


def test_usage(tmp):
    r = influsim("--help", cwd=tmp)
    C.check("influsim --help: exit 0 and usage", r.returncode == 0 and "usage:" in r.stdout,
            short(r.stdout + r.stderr))
    for cmd in ("run", "check", "show"):
        r = influsim(cmd, "--help", cwd=tmp)
        C.check(f"influsim {cmd} --help: exit 0 and usage",
                r.returncode == 0 and f"usage: influsim {cmd}" in r.stdout,
                f"rc {r.returncode} {short(r.stdout + r.stderr)}")
    r = influsim("--version", cwd=tmp)
    C.check("influsim --version: exit 0 and a version",
            r.returncode == 0 and re.match(r"influsim \d+\.\d+\.\d+", r.stdout) is not None,
            repr(r.stdout))
    r = influsim("frobnicate", cwd=tmp)
    C.check("unknown command: exit 2 with a message",
            r.returncode == 2 and "frobnicate" in r.stderr, f"rc {r.returncode} {r.stderr!r}")
    r = influsim(cwd=tmp)
    C.check("no command: exit 2 and usage on stderr",
            r.returncode == 2 and "usage:" in r.stderr, f"rc {r.returncode}")
    r = influsim("run", "--bogus-option", cwd=tmp)
    C.check("run --bogus-option: exit 2", r.returncode == 2, f"rc {r.returncode}")
    for bad in (["--trials", "0"], ["--trials", "abc"], ["--threads", "0"], ["--seed", "-1"]):
        out = os.path.join(tmp, "bad-args.h5")
        r = influsim("run", *bad, "-o", out, cwd=tmp)
        C.check(f"run {' '.join(bad)}: exit 2, no file written",
                r.returncode == 2 and not os.path.exists(out) and r.stderr.strip() != "",
                f"rc {r.returncode} {short(r.stderr)}")
    out = os.path.join(tmp, "bad-set.h5")
    r = influsim("run", "--set", "budget=-5", "-o", out, cwd=tmp)
    C.check("run --set budget=-5: exit 2 (invalid scenario), no file written",
            r.returncode == 2 and not os.path.exists(out), f"rc {r.returncode}")
    r = influsim("run", os.path.join(tmp, "no-such-scenario.yaml"), "-o", out, cwd=tmp)
    C.check("run of a missing scenario file: exit 1 or 2 with a message, no file",
            r.returncode in (1, 2) and "no-such-scenario.yaml" in r.stderr and
            not os.path.exists(out), f"rc {r.returncode} {short(r.stderr)}")
    r = influsim("show", cwd=tmp)
    C.check("show without a file: exit 2", r.returncode == 2, f"rc {r.returncode}")


def test_show_metrics(tmp, good):
    """`show --metrics` lists every metric of every strategy, means as in the file."""
    if good is None or not os.path.isfile(good):
        C.check("show --metrics: a results file to show", False, "no file from the default run")
        return
    r = influsim("show", good, "--metrics", cwd=tmp)
    C.check("show --metrics: exit 0", r.returncode == 0, f"rc {r.returncode} {short(r.stderr)}")
    lines = r.stdout.splitlines()
    with h5py.File(good, "r") as f:
        for s in strings(f["strategy"]):
            g = f[f"strategies/{s}/summary"]
            names, means = strings(g["metric"]), g["mean"][:]
            try:
                start = lines.index(f"{s}: every metric over {f.attrs['trials']} trials")
            except ValueError:
                C.check(f"show --metrics: {s}: a table", False, short(r.stdout))
                continue
            rows = {ln.split()[0]: ln.split() for ln in lines[start + 2:start + 2 + len(names)]}
            ok = set(rows) == set(names)
            for name, mean in zip(names, means):
                printed = rows.get(name, [None, "x"])[1]
                try:
                    value = float(printed)
                except ValueError:
                    ok = ok and printed == "-" and np.isnan(mean)
                    continue
                # Equal at the printed precision (or 4 significant digits for %g).
                if "e" in printed:
                    tol = 5e-4 * abs(mean)
                else:
                    decimals = len(printed.split(".")[1]) if "." in printed else 0
                    tol = 0.5 * 10.0 ** -decimals
                ok = ok and abs(value - mean) <= tol * (1 + 1e-9)
            C.check(f"show --metrics: {s}: every metric listed, means as in the file", ok)


def test_show_bad_files(tmp, good):
    def expect_fail(label, path):
        r = influsim("show", path, cwd=tmp)
        ok = (r.returncode == 1 and r.stderr.strip() != "" and "Traceback" not in r.stderr and
              "HDF5-DIAG" not in r.stderr and r.stdout == "")
        C.check(f"show {label}: exit 1 with a clear message", ok,
                f"rc {r.returncode} stderr {short(r.stderr, 300)!r} stdout "
                f"{short(r.stdout, 100)!r}")
        C.check(f"show {label}: message names the file", os.path.basename(path) in r.stderr,
                repr(short(r.stderr, 300)))

    expect_fail("a missing file", os.path.join(tmp, "missing.h5"))
    empty = os.path.join(tmp, "empty.h5")
    open(empty, "wb").close()
    expect_fail("an empty file", empty)
    text = os.path.join(tmp, "text.h5")
    with open(text, "w", encoding="utf-8") as fh:
        fh.write("this is not an HDF5 file\n" * 100)
    expect_fail("a text file", text)
    other = os.path.join(tmp, "other.h5")
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(10)
        f.attrs["format"] = "something-else"
    expect_fail("an HDF5 file that is not an influsim file", other)
    bare = os.path.join(tmp, "bare.h5")
    with h5py.File(bare, "w") as f:
        f.create_group("strategies")
    expect_fail("an HDF5 file with no attributes", bare)
    if good is None or not os.path.isfile(good):
        return
    # A results file missing part of the layout.
    with open(good, "rb") as fh:
        data = fh.read()
    broken = os.path.join(tmp, "broken.h5")
    with open(broken, "wb") as fh:
        fh.write(data)
    with h5py.File(broken, "r+") as f:
        s = strings(f["strategy"])[0]
        del f[f"strategies/{s}/summary/mean"]
    expect_fail("a results file missing a summary column", broken)
    # Columns of disagreeing lengths (an empty metric list once led to an
    # out-of-bounds write), and a count column holding NaN.
    for label, edit in (
        ("an empty metric column beside full ones", "metric"),
        ("a count column holding NaN", "n"),
    ):
        odd = os.path.join(tmp, f"odd-{edit}.h5")
        with open(odd, "wb") as fh:
            fh.write(data)
        with h5py.File(odd, "r+") as f:
            for s in strings(f["strategy"]):
                g = f[f"strategies/{s}/summary"]
                for name in list(g):
                    for a in list(g[name].attrs):  # dimension-scale links block deletion
                        if a in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME"):
                            del g[name].attrs[a]
                if edit == "metric":
                    del g["metric"]
                    g.create_dataset("metric", shape=(0,), dtype=h5py.string_dtype())
                else:
                    n = g["n"].shape[0]
                    del g["n"]
                    g["n"] = np.full(n, np.nan)
        expect_fail(label, odd)
    trunc = os.path.join(tmp, "truncated.h5")
    with open(trunc, "wb") as fh:
        fh.write(data[: len(data) // 2])
    expect_fail("a truncated results file", trunc)
    # A file marked incomplete is shown, flagged.
    inc = os.path.join(tmp, "incomplete.h5")
    with open(inc, "wb") as fh:
        fh.write(data)
    with h5py.File(inc, "r+") as f:
        f.attrs.modify("complete", False)
    r = influsim("show", inc, cwd=tmp)
    C.check("show of a file marked incomplete: exit 0, header says INCOMPLETE",
            r.returncode == 0 and "(INCOMPLETE)" in r.stdout.split("\n")[0],
            f"rc {r.returncode} {short(r.stdout + r.stderr, 200)!r}")


def test_output_paths(tmp, src):
    """-o never replaces anything but a regular file, follows symlinks, and a
    file with thousands of datasets (each attached to /trial) is written."""
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    folder = os.path.join(tmp, "folder")
    os.mkdir(folder)
    dangling = os.path.join(tmp, "dangling")
    os.symlink(os.path.join(tmp, "nowhere"), dangling)
    for label, path, words in (("a named pipe", fifo, "named pipe"),
                               ("a folder", folder, "folder"),
                               ("a dangling symlink", dangling, "symbolic link")):
        r = influsim("run", "-q", "--trials", "20", "-o", path, cwd=tmp)
        C.check(f"-o {label}: exit 1, message, nothing replaced",
                r.returncode == 1 and words in r.stderr and
                (os.path.isdir(path) if label == "a folder" else True) and
                (not os.path.isfile(path)),
                f"rc {r.returncode} {short(r.stderr)}")
    C.check("-o of a named pipe leaves the pipe", stat.S_ISFIFO(os.lstat(fifo).st_mode))
    C.check("no temporary file left after refused outputs",
            not [n for n in os.listdir(tmp) if ".tmp." in n], repr(os.listdir(tmp)))
    real = os.path.join(tmp, "real.h5")
    open(real, "wb").close()
    link = os.path.join(tmp, "link.h5")
    os.symlink(real, link)
    r = influsim("run", "-q", "--trials", "20", "-o", link, "--force", cwd=tmp)
    C.check("-o a symlink --force: writes the file it points to and keeps the link",
            r.returncode == 0 and os.path.islink(link) and h5py.is_hdf5(real),
            f"rc {r.returncode} {short(r.stderr)}")

    # An existing file is replaced only with --force; without it nothing runs.
    kept = os.path.join(tmp, "kept.h5")
    r = influsim("run", "-q", "--trials", "20", "-o", kept, cwd=tmp)
    C.check("-o a new file: written", r.returncode == 0 and h5py.is_hdf5(kept), short(r.stderr))
    with open(kept, "rb") as fh:
        before = fh.read()
    r = influsim("run", "-q", "--trials", "30", "-o", kept, cwd=tmp)
    with open(kept, "rb") as fh:
        after = fh.read()
    C.check("-o an existing file without --force: exit 2, says --force, file untouched",
            r.returncode == 2 and "already exists" in r.stderr and "--force" in r.stderr and
            before == after and not [n for n in os.listdir(tmp) if ".tmp." in n],
            f"rc {r.returncode} {short(r.stderr)}")
    r = influsim("run", "-q", "--trials", "30", "-o", kept, "--force", cwd=tmp)
    with h5py.File(kept, "r") as f:
        replaced = int(f.attrs["trials"]) == 30
    C.check("-o an existing file with --force: replaced", r.returncode == 0 and replaced,
            f"rc {r.returncode} {short(r.stderr)}")
    r = influsim("run", "-q", "--trials", "20", "-o", link, cwd=tmp)
    C.check("-o a symlink to an existing file without --force: exit 2",
            r.returncode == 2 and "--force" in r.stderr, f"rc {r.returncode} {short(r.stderr)}")
    # 160 strategies x 26 metrics: more per-trial datasets than the oldest
    # HDF5 object header can list as attached to the /trial scale.
    with open(os.path.join(src, "tests/scenarios/small.yaml"), encoding="utf-8") as fh:
        base = fh.read()
    head = base[: base.index("strategies:")]
    many = head + "strategies:\n" + "".join(
        f"  - {{name: s{i:03d}, allocation: {{micro: {i / 160:.6f}, macro: {1 - i / 160:.6f}}}}}\n"
        for i in range(160))
    many_path = os.path.join(tmp, "many.yaml")
    with open(many_path, "w", encoding="utf-8") as fh:
        fh.write(many)
    out = os.path.join(tmp, "many.h5")
    r = influsim("run", "-q", many_path, "--trials", "5", "-o", out, cwd=tmp)
    ok = r.returncode == 0
    if ok:
        with h5py.File(out, "r") as f:
            n = sum(len(f[f"strategies/{s}/trials"]) for s in strings(f["strategy"]))
            ok = bool(f.attrs["complete"]) and n > 4100
    C.check("160 strategies (over 4,100 per-trial datasets) are written and read back", ok,
            f"rc {r.returncode} {short(r.stderr)}")


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--influsim", required=True, help="path to the influsim program")
    ap.add_argument("--source-dir", required=True, help="the source tree")
    ARGS = ap.parse_args()
    ARGS.influsim = os.path.abspath(ARGS.influsim)
    src = os.path.abspath(ARGS.source_dir)
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-cli-") as tmp:
        good = None
        steps = [
            ("default scenario", lambda: test_default(os.path.join(tmp, "default"), src)),
            ("small.yaml", lambda: test_small(os.path.join(tmp, "small"), src)),
            ("--set/--seed", lambda: test_overrides(os.path.join(tmp, "overrides"))),
            ("check", lambda: test_check(os.path.join(tmp, "check"), src)),
            ("usage", lambda: test_usage(os.path.join(tmp, "usage"))),
            ("output paths", lambda: test_output_paths(os.path.join(tmp, "paths"), src)),
        ]
        for sub in ("default", "small", "overrides", "check", "usage", "show", "paths"):
            os.makedirs(os.path.join(tmp, sub))
        for label, fn in steps:
            try:
                res = fn()
                if label == "default scenario":
                    good = res
            except Exception as e:  # noqa: BLE001 - a crash is one failed check
                C.crash(label, e)
        try:
            test_show_metrics(os.path.join(tmp, "show"), good)
        except Exception as e:  # noqa: BLE001
            C.crash("show --metrics", e)
        try:
            test_show_bad_files(os.path.join(tmp, "show"), good)
        except Exception as e:  # noqa: BLE001
            C.crash("show of bad files", e)
    print(f"{C.passed} passed, {C.failed} failed")
    return 1 if C.failed else 0


if __name__ == "__main__":
    sys.exit(main())
