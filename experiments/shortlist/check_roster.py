#!/usr/bin/env python3
"""Check experiments/shortlist/creators.csv against the roster rules, before
influsim can read it.

What it checks (the CSV rules of the roster design, /work/wt/COMMON.md, and the
plausibility ranges of SOURCES.md):
  - the file is UTF-8 without NUL bytes; a header row of known, unique columns;
    every row has exactly as many fields as the header (a field holding a comma
    must be quoted, or the row has too many fields);
  - 40 handles, unique once lower-cased with one leading '@' dropped;
  - followers a positive count inside the follower band of the row's tier, and
    each tier named in shortlist.yaml;
  - engagement_rate, credibility, reach_rate, interest_share, platform_fee
    fractions in [0, 1]; posts_observed a positive count; price a positive
    number or a range 'min-max' with min < max; gifted_ok yes/no or empty;
  - audience 'CC:percent;...' with ISO 3166-1 alpha-2 codes or 'other', no code
    twice, summing to at most 100 (and above 1, so not fractions);
  - each value inside the published range for its tier and platform (the table
    of SOURCES.md, repeated below), engagement falling and price rising with
    the tier (medians), and no account whose engagement per follower comes near
    the share of followers who see a post (the model's cap);
  - the hand-picked strategy of shortlist.yaml names roster handles, fits the
    budget at the top of every price range plus overhead, and is the naive
    buyer's pick that its comment describes.
Plain python3 (no third-party modules): the YAML is read by the few patterns
that shortlist.yaml uses. Prints every fault and a per-creator table of
shippable audience; exits 1 if any fault was found, else 0.

Usage: python3 experiments/shortlist/check_roster.py [creators.csv [shortlist.yaml]]
"""

import csv
import io
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# The columns of the roster design (COMMON.md, "CSV columns").
COLUMNS = {
    "handle", "tier", "platform", "name", "url", "notes", "followers",
    "engagement_rate", "engagement_rate_percent", "engagement_rate_fraction",
    "posts_observed", "real_share", "credibility", "credibility_score", "price",
    "price_min", "price_max", "gifted_ok", "audience", "audience_percent",
    "audience_fraction", "reach_rate", "interest_share", "overhead_per_hire",
    "post_probability", "platform_fee", "conversations_per_engagement",
    "gifted_share", "engagement_per_follower",
}
FRACTION_COLUMNS = ("engagement_rate", "credibility", "reach_rate",
                    "interest_share", "platform_fee")
PLATFORMS = ("instagram", "tiktok", "youtube")
TIER_ORDER = ("nano", "micro", "mid", "macro", "mega")
EXPECTED_ROWS = 40

# ISO 3166-1 alpha-2, officially assigned codes.
ISO = set("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV
CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD
GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM
IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK
LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW
MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR
PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS
ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY
UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())

# Published ranges by tier and platform (SOURCES.md, "Ranges by tier").
# Engagement per follower, as a fraction.
ER_RANGE = {
    "instagram": {"nano": (0.015, 0.08), "micro": (0.005, 0.05),
                  "mid": (0.005, 0.03), "macro": (0.004, 0.02),
                  "mega": (0.002, 0.02)},
    "tiktok": {"nano": (0.06, 0.18), "micro": (0.04, 0.12),
               "mid": (0.025, 0.08), "macro": (0.015, 0.06),
               "mega": (0.01, 0.05)},
    "youtube": {"nano": (0.01, 0.05), "micro": (0.01, 0.05),
                "mid": (0.01, 0.04), "macro": (0.005, 0.025),
                "mega": (0.003, 0.02)},
}
# Price per post, USD.
PRICE_RANGE = {
    "instagram": {"nano": (10, 100), "micro": (50, 500), "mid": (300, 5000),
                  "macro": (5000, 10000), "mega": (10000, 50000)},
    "tiktok": {"nano": (5, 25), "micro": (25, 125), "mid": (125, 1250),
               "macro": (1250, 5000), "mega": (2500, 10000)},
    "youtube": {"nano": (20, 200), "micro": (200, 1000), "mid": (1000, 10000),
                "macro": (10000, 20000), "mega": (20000, 50000)},
}
# Audience credibility (real share), 0-1.
CRED_RANGE = {"nano": (0.75, 0.95), "micro": (0.55, 0.95),
              "mid": (0.65, 0.92), "macro": (0.60, 0.90),
              "mega": (0.60, 0.85)}
# Modash: credibility under 0.75 suggests fraud.
FRAUD_BELOW = 0.75


def norm_handle(h):
    """A handle as the roster design compares it."""
    h = h.strip()
    if h.startswith("@"):
        h = h[1:]
    return h.lower()


def parse_count(s):
    """12300, 12.3k, 1.2M -> int, or None."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", s.strip())
    if not m:
        return None
    v = float(m.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[m.group(2).lower()]
    return int(round(v))


def parse_number(s):
    try:
        return float(s)
    except ValueError:
        return None


def parse_price(s):
    """'500' -> (500, 500); '500-900' -> (500, 900); else None."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?", s)
    if not m:
        return None
    lo = float(m.group(1))
    hi = float(m.group(2)) if m.group(2) else lo
    return lo, hi


# --- shortlist.yaml, by the few patterns it uses ---------------------------

def strip_comments(text):
    out = []
    for line in text.splitlines():
        i = line.find("#")
        out.append(line if i < 0 else line[:i])
    return out


def top_block(lines, key):
    """The lines under a top-level `key:` up to the next top-level key."""
    start = None
    for i, line in enumerate(lines):
        if line.startswith(key + ":"):
            start = i + 1
            continue
        if start is not None and re.match(r"[A-Za-z_]", line):
            return lines[start:i]
    return lines[start:] if start is not None else []


def read_scenario(path):
    lines = strip_comments(open(path, encoding="utf-8").read())
    sc = {"budget": None, "tiers": {}, "regions": [], "hire": None}
    for line in lines:
        m = re.match(r"budget:\s*([0-9.]+)\s*$", line)
        if m:
            sc["budget"] = float(m.group(1))
    # tiers: name -> {overhead, fmin, fmax}
    cur = None
    for line in top_block(lines, "tiers"):
        m = re.match(r"  ([A-Za-z_][\w-]*):\s*$", line)
        if m:
            cur = sc["tiers"].setdefault(m.group(1), {})
            continue
        if cur is None:
            continue
        m = re.match(r"\s+overhead_per_hire:\s*([0-9.]+)", line)
        if m:
            cur["overhead"] = float(m.group(1))
        m = re.match(r"\s+followers:\s*\{loguniform:\s*\{min:\s*([0-9.]+),"
                     r"\s*max:\s*([0-9.]+)\}\}", line)
        if m:
            cur["fmin"], cur["fmax"] = float(m.group(1)), float(m.group(2))
    # regions: items start with '  - '
    items, buf = [], None
    for line in top_block(lines, "regions"):
        if line.startswith("  - "):
            if buf is not None:
                items.append(buf)
            buf = line[4:]
        elif buf is not None:
            buf += " " + line.strip()
    if buf is not None:
        items.append(buf)
    for it in items:
        name = re.search(r"name:\s*([^,}]+)", it)
        ship = re.search(r"shippable:\s*(true|false)", it)
        clist = re.search(r"countries:\s*\[([^\]]*)\]", it)
        crest = re.search(r"countries:\s*rest\b", it)
        sc["regions"].append({
            "name": name.group(1).strip() if name else "?",
            "shippable": bool(ship and ship.group(1) == "true"),
            "countries": "rest" if crest else
            [c.strip() for c in clist.group(1).split(",") if c.strip()]
            if clist else [],
        })
    body = " ".join(top_block(lines, "strategies"))
    m = re.search(r"name:\s*hand-picked\s+hire:\s*\[([^\]]*)\]", body)
    if m:
        sc["hire"] = [h.strip() for h in m.group(1).split(",") if h.strip()]
    return sc


# --- the checks ------------------------------------------------------------

def main(argv):
    csv_path = argv[1] if len(argv) > 1 else os.path.join(HERE, "creators.csv")
    yaml_path = argv[2] if len(argv) > 2 else os.path.join(HERE, "shortlist.yaml")
    faults, warnings = [], []

    def fault(line, col, what, got):
        faults.append(f"{os.path.basename(csv_path)}:{line}: {col}: {what} (got {got!r})")

    sc = read_scenario(yaml_path)
    tiers = sc["tiers"]
    if not tiers:
        faults.append(f"{yaml_path}: no tiers found")

    raw = open(csv_path, "rb").read()
    if b"\0" in raw:
        print(f"{csv_path}: not a CSV file (NUL bytes)")
        return 1
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"{csv_path}: not a CSV file (invalid UTF-8 at byte {e.start})")
        return 1
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        table = [(reader.line_num, row) for row in reader]
    except csv.Error as e:
        print(f"{csv_path}:{reader.line_num}: CSV syntax: {e}")
        return 1
    # csv.reader yields rows and the line each ends on; empty lines are skipped.
    table = [(ln, row) for ln, row in table if row and any(f.strip() for f in row)]
    if not table:
        print(f"{csv_path}: no header row")
        return 1
    header = [h.strip().lower() for h in table[0][1]]
    for h in header:
        if h not in COLUMNS:
            fault(table[0][0], h, "unknown column", h)
    if len(set(header)) != len(header):
        fault(table[0][0], "header", "duplicate column", header)
    if "handle" not in header:
        fault(table[0][0], "handle", "required column missing", header)

    rows = []
    seen = {}
    for ln, fields in table[1:]:
        if len(fields) != len(header):
            fault(ln, "row", f"{len(fields)} fields, the header has {len(header)}"
                  " (an unquoted comma?)", len(fields))
            continue
        r = {h: f.strip() for h, f in zip(header, fields)}
        r["_line"] = ln
        rows.append(r)
        h = r.get("handle", "")
        if not h:
            fault(ln, "handle", "missing", h)
        else:
            key = norm_handle(h)
            if key in seen:
                fault(ln, "handle", f"duplicate of line {seen[key]}", h)
            seen[key] = ln
    if len(rows) != EXPECTED_ROWS:
        faults.append(f"{csv_path}: {len(rows)} creators, expected {EXPECTED_ROWS}")

    for r in rows:
        ln, plat, tier = r["_line"], r.get("platform", "").lower(), r.get("tier", "")
        if plat not in PLATFORMS:
            fault(ln, "platform", f"not one of {', '.join(PLATFORMS)}", plat)
        if tier not in tiers:
            fault(ln, "tier", f"not a tier of {os.path.basename(yaml_path)}", tier)
        f = parse_count(r.get("followers", ""))
        r["_f"] = f
        if f is None or f <= 0:
            fault(ln, "followers", "not a positive count", r.get("followers"))
        elif tier in tiers and "fmin" in tiers[tier]:
            lo, hi = tiers[tier]["fmin"], tiers[tier]["fmax"]
            if not (lo <= f < hi or (tier == TIER_ORDER[-1] and f >= lo)):
                fault(ln, "followers", f"outside tier {tier}'s band {lo:.0f}-{hi:.0f}", f)
        for col in FRACTION_COLUMNS:
            s = r.get(col, "")
            if s == "":
                if col in ("engagement_rate", "credibility"):
                    fault(ln, col, "missing", s)
                continue
            v = parse_number(s)
            if v is None or not (0 <= v <= 1):
                fault(ln, col, "not a fraction in [0, 1]"
                      + (" (looks like a percent)" if v is not None and v > 1 else ""), s)
            r["_" + col] = v
        n = parse_count(r.get("posts_observed", ""))
        if n is None or n <= 0:
            fault(ln, "posts_observed", "not a positive count", r.get("posts_observed"))
        p = parse_price(r.get("price", ""))
        if p is None or p[0] <= 0 or p[0] > p[1] or ("-" in r["price"] and p[0] == p[1]):
            fault(ln, "price", "not a positive number or a range min-max, min < max",
                  r.get("price"))
            p = None
        r["_p"] = p
        g = r.get("gifted_ok", "").lower()
        if g not in ("", "yes", "no", "true", "false", "1", "0"):
            fault(ln, "gifted_ok", "not yes/no", g)
        if g in ("yes", "true", "1") and tier not in ("nano", "micro"):
            warnings.append(f"line {ln}: gifted_ok for a {tier} creator")
        # audience
        a = r.get("audience", "")
        shares = {}
        for part in a.split(";") if a else []:
            m = re.fullmatch(r"\s*([A-Za-z]+)\s*:\s*(\d+(?:\.\d+)?)\s*", part)
            if not m:
                fault(ln, "audience", "not CODE:percent", part)
                continue
            code, v = m.group(1), float(m.group(2))
            if code.lower() == "other":
                code = "other"
            elif code not in ISO:
                fault(ln, "audience", "not an ISO 3166-1 alpha-2 code", code)
            if code in shares:
                fault(ln, "audience", "code given twice", code)
            if not (0 <= v <= 100):
                fault(ln, "audience", "share outside 0-100", v)
            shares[code] = v
        total = sum(shares.values())
        if not shares:
            fault(ln, "audience", "missing", a)
        elif total > 100.5:
            fault(ln, "audience", "shares sum above 100", total)
        elif total <= 1:
            fault(ln, "audience", "shares sum to 1 or less: fractions, not percent", total)
        r["_a"], r["_asum"] = shares, total

        # plausibility against the published ranges
        if plat in PLATFORMS and tier in TIER_ORDER:
            er = r.get("_engagement_rate")
            lo, hi = ER_RANGE[plat][tier]
            if er is not None and not (lo <= er <= hi):
                fault(ln, "engagement_rate", f"outside {plat} {tier} range {lo}-{hi}", er)
            if p is not None:
                lo, hi = PRICE_RANGE[plat][tier]
                if p[0] < lo or p[1] > hi:
                    fault(ln, "price", f"outside {plat} {tier} range {lo}-{hi}", r["price"])
            c = r.get("_credibility")
            lo, hi = CRED_RANGE[tier]
            if c is not None and not (lo <= c <= hi):
                fault(ln, "credibility", f"outside {tier} range {lo}-{hi}", c)
        # the model's cap: engagements per follower against real share x reach
        reach = r.get("_reach_rate")
        if reach is None:
            reach = {"nano": 0.377, "micro": 0.35, "mid": 0.229, "macro": 0.23,
                     "mega": 0.191}.get(tier)
        er, c = r.get("_engagement_rate"), r.get("_credibility")
        if None not in (er, c, reach) and er > 0.5 * c * reach:
            warnings.append(f"line {ln}: {r['handle']}: engagement {er} is over half of "
                            f"credibility x reach = {c * reach:.3f}; some posts capped")

    # engagement falls and price rises with the tier (medians per platform)
    def median(xs):
        xs = sorted(xs)
        return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2
    for plat in PLATFORMS:
        med_er, med_p = [], []
        for t in TIER_ORDER:
            sel = [r for r in rows if r.get("platform") == plat and r.get("tier") == t]
            if sel:
                med_er.append((t, median([r["_engagement_rate"] for r in sel])))
                med_p.append((t, median([(r["_p"][0] * r["_p"][1]) ** 0.5 for r in sel])))
        for (t1, e1), (t2, e2) in zip(med_er, med_er[1:]):
            if e2 > e1:
                faults.append(f"{plat}: median engagement rises from {t1} ({e1}) to {t2} ({e2})")
        for (t1, p1), (t2, p2) in zip(med_p, med_p[1:]):
            if p2 < p1:
                faults.append(f"{plat}: median price falls from {t1} ({p1:.0f}) to {t2} ({p2:.0f})")

    # shippable audience by the regions of shortlist.yaml
    listed = {c for reg in sc["regions"] if reg["countries"] != "rest" for c in reg["countries"]}
    ship = {c for reg in sc["regions"] if reg["shippable"] and reg["countries"] != "rest"
            for c in reg["countries"]}
    rest_ship = any(reg["shippable"] for reg in sc["regions"] if reg["countries"] == "rest")
    for c in listed:
        if c not in ISO:
            faults.append(f"{yaml_path}: region code {c} is not ISO 3166-1 alpha-2")
    for r in rows:
        s = sum(v for c, v in r["_a"].items()
                if c in ship or (rest_ship and c not in listed and c != "other"))
        r["_ship"] = s

    # the hand-picked strategy
    by_handle = {norm_handle(r["handle"]): r for r in rows}
    budget = sc["budget"]

    def top_cost(r):
        oh = tiers.get(r["tier"], {}).get("overhead", 0)
        fee = r.get("_platform_fee") or 0
        return r["_p"][1] * (1 + fee) + oh if r["_p"] else float("inf")
    hire = sc["hire"]
    if hire is None:
        faults.append(f"{yaml_path}: no strategy 'hand-picked' with a hire list")
    else:
        missing = [h for h in hire if norm_handle(h) not in by_handle]
        for h in missing:
            faults.append(f"{yaml_path}: hand-picked hires {h!r}, not on the roster")
        if not missing:
            cost = sum(top_cost(by_handle[norm_handle(h)]) for h in hire)
            if budget is not None and cost > budget:
                faults.append(f"hand-picked costs up to {cost:.0f} at the top of its ranges"
                              f" with overhead, over the budget {budget:.0f}")
            # the naive buyer's rule: lower the follower bar until the cheapest
            # k accounts above it fit; take those k.
            k = len(hire)
            ranked = sorted(rows, key=lambda r: -r["_f"])
            pick = None
            for n in range(k, len(ranked) + 1):
                cheapest = sorted(ranked[:n], key=top_cost)[:k]
                if sum(top_cost(r) for r in cheapest) <= budget:
                    pick = cheapest
                    break
            if pick is None or {norm_handle(r["handle"]) for r in pick} != \
                    {norm_handle(h) for h in hire}:
                faults.append("hand-picked is not the naive buyer's pick: "
                              + ", ".join(r["handle"] for r in pick or []))
            print(f"hand-picked: {k} creators, {sum(by_handle[norm_handle(h)]['_f'] for h in hire):,}"
                  f" followers, up to {cost:,.0f} USD with overhead (budget {budget:,.0f})")

    # a summary table
    print(f"{'handle':28} {'tier':5} {'platform':9} {'followers':>9} {'ER':>6} "
          f"{'cred':>4} {'price':>11} {'ship%':>5} {'unk%':>4}")
    for r in rows:
        print(f"{r['handle'][:28]:28} {r['tier']:5} {r['platform']:9} {r['_f'] or 0:>9,} "
              f"{r.get('_engagement_rate') or 0:>6.3f} {r.get('_credibility') or 0:>4.2f} "
              f"{r['price']:>11} {r['_ship']:>5.0f} {100 - r['_asum']:>4.0f}")
    counts = {t: sum(1 for r in rows if r["tier"] == t) for t in TIER_ORDER}
    plats = {p: sum(1 for r in rows if r["platform"] == p) for p in PLATFORMS}
    low = sum(1 for r in rows if (r.get("_credibility") or 1) < FRAUD_BELOW)
    mostly_out = sum(1 for r in rows if r["_ship"] < 50)
    print("tiers:", counts, " platforms:", plats)
    print(f"credibility under {FRAUD_BELOW} (Modash: suggests fraud): {low};"
          f" under half the audience shippable: {mostly_out};"
          f" gifted_ok yes: {sum(1 for r in rows if r.get('gifted_ok') == 'yes')}")
    for w in warnings:
        print("warning:", w)
    for f in faults:
        print("FAULT:", f)
    print(f"{len(rows)} creators, {len(faults)} faults, {len(warnings)} warnings")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
