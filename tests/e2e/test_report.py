#!/usr/bin/python3
"""End-to-end test of `influsim report`.

Writes the reports of a run (the default scenario), of a run with repeat
orders (glowlab), of a budget sweep, of an optimisation, of a creator
selection and of a sensitivity study, and checks each page against its
results file read with h5py:

- the answer sentence: for a run, the best and the weakest strategy by mean
  conversions, their ratio ("21×"), P(the best sells more) from
  /comparisons/p_greater, and the pay-back clause from the share of trials
  whose profit (and, with repeat orders, ltv_profit) is positive, counted
  here from the per-trial datasets; for a sweep, the leader at every point;
- the strategies' table: each row's mean exactly the file's (data-mean) and
  the shown number within one standard error of it; a sweep's every cell;
- provenance: the file's SHA-256 (hashlib), seed and trials;
- nothing external: no http:// or https://, no src= or href= to a file, no
  <script>, <link>, @import or url(;
- a damaged file (bytes overwritten) exits 1 with "FILE: damaged (...)"
  and leaves no page and no temporary; an existing page is not replaced
  without --force; --pdf without Chromium exits 1 saying so.

Usage: /usr/bin/python3 tests/e2e/test_report.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import hashlib
import html
import os
import re
import sys
import tempfile
from html.parser import HTMLParser

import h5py
import numpy as np

from checks import Checks, run, short

C = Checks()
ARGS = None


def influsim(*args, **kw):
    return run(ARGS.influsim, *args, **kw)


def percent(share):
    """The page's percentage (sim/report/number.c, infl__report_percent)."""
    if share != share:
        return "\u2013"
    if 0 < share < 0.005:
        return "fewer than 1\u00a0%"
    if 0.995 <= share < 1:
        return "more than 99\u00a0%"
    return f"{share * 100:.0f}\u00a0%"


def times(ratio):
    return f"{ratio:.0f}\u00d7" if ratio >= 9.95 else f"{ratio:.1f}\u00d7"


def number(text):
    """A number as the page writes it, as a float (thin spaces, U+2212)."""
    t = text.replace("\u2009", "").replace(",", "").replace("\u2212", "-").strip()
    return float(t)


class Page(HTMLParser):
    """The answer's text, and every <td> with data-mean, by row."""

    def __init__(self):
        super().__init__()
        self.answer = None
        self.in_answer = False
        self.cells = []  # (row strategy or point, mean, se, text)
        self.row = None
        self.cell = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "p" and a.get("id") == "answer":
            self.in_answer = True
            self.text = []
        if tag == "tr":
            self.row = a.get("data-strategy", a.get("data-point"))
        if tag == "td" and "data-mean" in a:
            self.cell = (self.row, float(a["data-mean"]), float(a["data-se"]))
            self.cell_text = []

    def handle_endtag(self, tag):
        if tag == "p" and self.in_answer:
            self.in_answer = False
            self.answer = "".join(self.text)
        if tag == "td" and self.cell is not None:
            self.cells.append(self.cell + ("".join(self.cell_text),))
            self.cell = None

    def handle_data(self, data):
        if self.in_answer:
            self.text.append(data)
        if self.cell is not None:
            self.cell_text.append(data)


def parse(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    p = Page()
    p.feed(text)
    return text, p


def check_self_contained(name, text):
    bad = [pat for pat in (r"http://", r"https://", r"\bsrc\s*=", r"<script", r"<link",
                           r"@import", r"url\(", r"<iframe", r"<img")
           if re.search(pat, text, re.I)]
    hrefs = re.findall(r'href\s*=\s*"([^"]*)"', text)
    bad += [h for h in hrefs if not h.startswith("#")]
    C.check(f"{name}: nothing external on the page", not bad, str(bad))


def check_provenance(name, text, h5):
    with open(h5, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    C.check(f"{name}: the file's SHA-256", f'id="sha256">{digest}<' in text)
    with h5py.File(h5, "r") as f:
        seed = int(f.attrs["seed"])
        # A sweep's, select's or study's file records trials_done 0: trials
        # is then a point's (an evaluation's) trials.
        trials = int(f.attrs["trials_done"]) or int(f.attrs["trials"])
    C.check(f"{name}: seed and trials", f'id="seed">{seed}<' in text
            and f'id="trials">{trials}' in text)


def summary(h5):
    """{strategy: {metric: (mean, se)}}, the strategies' order, p_greater,
    and the trials' shares of positive profit and ltv_profit."""
    out, share, share_ltv = {}, {}, {}
    with h5py.File(h5, "r") as f:
        names = [s.decode() for s in f["strategy"][()]]
        for s in names:
            g = f[f"strategies/{s}/summary"]
            metrics = [m.decode() for m in g["metric"][()]]
            out[s] = {m: (g["mean"][i], g["se"][i]) for i, m in enumerate(metrics)}
            t = f[f"strategies/{s}/trials"]
            share[s] = float(np.mean(t["profit"][()] > 0))
            share_ltv[s] = float(np.mean(t["ltv_profit"][()] > 0))
        pg = f["comparisons/p_greater"][()]
    return out, names, pg, share, share_ltv


def check_run(tmp, name, h5, repeat):
    page = os.path.join(tmp, name + ".html")
    r = influsim("report", h5, "-o", page)
    if not C.check(f"{name}: report exits 0", r.returncode == 0, short(r.stderr)):
        return
    text, p = parse(page)
    sm, names, pg, share, share_ltv = summary(h5)
    conv = [sm[s]["conversions"][0] for s in names]
    best = int(np.argmax(conv))
    others = [i for i in range(len(names)) if i != best]
    worst = min(others, key=lambda i: conv[i])
    a = p.answer or ""
    want = (f"{names[best]} sells about {times(conv[best] / conv[worst])} as much as "
            f"{names[worst]} for this budget and beats it in {percent(pg[best, worst])} of "
            "simulated campaigns")
    C.check(f"{name}: answer: best, ratio and P(beats) from the file", a.startswith(want),
            f"\n  got:    {a}\n  wanted: {want}")
    for i in others:
        if i != worst:
            C.check(f"{name}: answer: P(beats) against {names[i]}",
                    f"{percent(pg[best, i])} against {names[i]}" in a, a)
    top = max(names, key=lambda s: share[s])
    if share[top] == 0:
        pay = "none pays back on first purchases" if len(names) > 2 else "neither pays back"
    else:
        pay = f"{top} breaks even on first purchases in {percent(share[top])} of campaigns"
    C.check(f"{name}: answer: pay back on first purchases from the trials", pay in a,
            f"\n  got:    {a}\n  wanted: {pay}")
    if repeat:
        top = max(names, key=lambda s: share_ltv[s])
        if share_ltv[top] == 0:
            pay = "even with repeat orders none pays back"
        else:
            pay = (f"with repeat orders {top} breaks even in {percent(share_ltv[top])} "
                   "of campaigns")
        C.check(f"{name}: answer: pay back with repeat orders from the trials", pay in a,
                f"\n  got:    {a}\n  wanted: {pay}")
        C.check(f"{name}: the table shows lifetime profit", "lifetime profit" in text)
    else:
        C.check(f"{name}: no repeat-order clause without repeat orders",
                "repeat orders" not in a, a)
    rows = {c[0]: c for c in p.cells}
    C.check(f"{name}: a table row per strategy", sorted(rows) == sorted(names), str(rows))
    for s in names:
        if s not in rows:
            continue
        _, mean, se, shown = rows[s]
        fm, fse = sm[s]["conversions"]
        C.check(f"{name}: {s}: the table's mean is the file's", mean == fm and se == fse,
                f"{mean} vs {fm}")
        C.check(f"{name}: {s}: the shown mean within its standard error",
                abs(number(shown) - fm) <= fse, f"{shown} vs {fm} (se {fse})")
    check_self_contained(name, text)
    check_provenance(name, text, h5)
    return page


def check_sweep(tmp, h5):
    page = os.path.join(tmp, "sweep.html")
    r = influsim("report", h5, "-o", page)
    if not C.check("sweep: report exits 0", r.returncode == 0, short(r.stderr)):
        return
    text, p = parse(page)
    with h5py.File(h5, "r") as f:
        metrics = [m.decode() for m in f["sweep/metric"][()]]
        k = metrics.index("conversions")
        mean = f["sweep/mean"][:, :, k]
        se = f["sweep/se"][:, :, k]
        names = [s.decode() for s in f["sweep/strategy"][()]]
    leaders = [int(np.argmax(mean[i])) for i in range(mean.shape[0])]
    a = p.answer or ""
    if len(set(leaders)) == 1:
        want = f"{names[leaders[0]]} sells the most at every point"
    else:
        want = f"{names[leaders[0]]} sells the most at first"
    C.check("sweep: answer: the leader from the file", want in a,
            f"\n  got:    {a}\n  wanted: {want}")
    C.check("sweep: a cell per point and strategy", len(p.cells) == mean.size,
            f"{len(p.cells)} vs {mean.size}")
    ok = True
    for j, (row, m, s, shown) in enumerate(p.cells):
        i, st = int(row), j % len(names)
        shown_mean = number(shown.split("(")[0])
        if m != mean[i, st] or s != se[i, st] or abs(shown_mean - m) > s:
            ok = False
            print(f"  point {i} {names[st]}: {m} {shown} vs {mean[i, st]} (se {se[i, st]})")
    C.check("sweep: every cell's mean is the file's, shown within its se", ok)
    check_self_contained("sweep", text)
    check_provenance("sweep", text, h5)


def check_other(tmp, name, h5, wanted):
    page = os.path.join(tmp, name + ".html")
    r = influsim("report", h5, "-o", page)
    if not C.check(f"{name}: report exits 0", r.returncode == 0, short(r.stderr)):
        return
    text, p = parse(page)
    C.check(f"{name}: the answer says {wanted!r}", wanted in (p.answer or ""), p.answer or "")
    check_self_contained(name, text)
    check_provenance(name, text, h5)


def check_failures(tmp, h5, page):
    bad = os.path.join(tmp, "bad.h5")
    with open(h5, "rb") as fh:
        data = bytearray(fh.read())
    # Overwrite bytes well inside the file (the integrity record then fails).
    for i in range(len(data) // 2, len(data) // 2 + 64):
        data[i] ^= 0x5A
    with open(bad, "wb") as fh:
        fh.write(data)
    out = os.path.join(tmp, "bad.html")
    r = influsim("report", bad, "-o", out)
    C.check("damaged: exit 1, 'FILE: damaged (...)'", r.returncode == 1
            and f"{bad}: damaged (" in r.stderr, short(r.stderr))
    C.check("damaged: no page written", not os.path.exists(out))
    C.check("damaged: no temporary left", not [n for n in os.listdir(tmp) if ".tmp." in n],
            str(os.listdir(tmp)))
    r = influsim("report", os.path.join(tmp, "missing.h5"), "-o", out)
    C.check("missing file: exit 1", r.returncode == 1 and "missing.h5" in r.stderr,
            short(r.stderr))
    before = open(page, "rb").read()
    r = influsim("report", h5, "-o", page)
    C.check("existing page: refused without --force", r.returncode == 1
            and "--force" in r.stderr and open(page, "rb").read() == before, short(r.stderr))
    r = influsim("report", h5, "-o", page, "--force", "--pdf",
                 env={"INFLUSIM_CHROMIUM": os.path.join(tmp, "no-chromium")})
    C.check("--pdf without Chromium: exit 1 saying so", r.returncode == 1
            and "Chromium" in r.stderr, short(r.stderr))
    r = influsim("report")
    C.check("no file: usage, exit 2", r.returncode == 2)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--influsim", required=True)
    p.add_argument("--source-dir", required=True)
    ARGS = p.parse_args()
    ex = os.path.join(ARGS.source_dir, "experiments")
    with tempfile.TemporaryDirectory() as tmp:
        j = lambda n: os.path.join(tmp, n)  # noqa: E731
        steps = [
            ("run", ["run", "-n", "2000", "-o", j("run.h5")]),
            ("glowlab", ["run", os.path.join(ex, "glowlab", "glowlab.yaml"), "-n", "1000",
                         "-o", j("glowlab.h5")]),
            ("sweep", ["sweep", os.path.join(ex, "french-brand.yaml"), "--vary",
                       "budget=5000:40000:4", "-n", "400", "-o", j("sweep.h5")]),
            ("optimize", ["optimize", os.path.join(ex, "french-brand.yaml"), "--tiers",
                          "micro,macro", "-n", "300", "-o", j("optimize.h5")]),
            ("select", ["select", os.path.join(ex, "shortlist", "shortlist.yaml"), "--budget",
                        "30000", "-n", "300", "--resamples", "10", "--plan", j("plan.yaml"),
                        "-o", j("select.h5")]),
            ("sensitivity", ["sensitivity", "--factors", "assumptions", "-n", "200", "--top",
                             "4", "-o", j("sensitivity.h5")]),
        ]
        made = {}
        for name, args in steps:
            r = influsim(*args, timeout=300)
            if C.check(f"{name}: the results file is written", r.returncode == 0,
                       short(r.stderr)):
                made[name] = j(name + ".h5")
        page = None
        if "run" in made:
            page = check_run(tmp, "run", made["run"], repeat=False)
        if "glowlab" in made:
            check_run(tmp, "glowlab", made["glowlab"], repeat=True)
        if "sweep" in made:
            check_sweep(tmp, made["sweep"])
        if "optimize" in made:
            check_other(tmp, "optimize", made["optimize"], "The best split of the budget gives")
        if "select" in made:
            check_other(tmp, "select", made["select"], "creators")
        if "sensitivity" in made:
            check_other(tmp, "sensitivity", made["sensitivity"], "assumptions varied")
        if page is not None:
            check_failures(tmp, made["run"], page)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
