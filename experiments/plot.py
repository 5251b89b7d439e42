#!/usr/bin/python3
"""Draws the figures that fit an influsim results file, as PNGs fit for a slide.

    /usr/bin/python3 experiments/plot.py FILE.h5 [FILE.h5 ...] [-o DIR] [--pair A,B]
                                         [--sens-output OUTPUT] [--top N]

(Debian's python3-matplotlib and python3-h5py, hence /usr/bin/python3.)

  run or optimize file   NAME-conversions.png   conversions per campaign for each
                                                strategy: how often each number
                                                happened (from the trials; from the
                                                summary's quantiles for --no-trials),
                                                the typical campaign (median) and the
                                                middle 50 % and 90 % marked; a
                                                strategy far smaller than the others
                                                puts the axis on a log scale
                         NAME-profit.png        profit per campaign (first purchases,
                                                and with repeat orders when the
                                                scenario has them), the break-even
                                                line and the loss and profit sides
                                                shaded, the share of campaigns that
                                                pay back
  1-D sweep              NAME-sweep.png         fan chart: the typical campaign and
                                                the middle 90 % per strategy along the
                                                swept key (one panel per strategy
                                                beside the others' medians when there
                                                are more than three), where the best
                                                strategy changes marked
  2-D sweep              NAME-heatmap.png       how often A sells more than B over the
                                                grid (A, B: --pair, default the first
                                                two strategies), the even-odds line
  optimize file          NAME-objective.png     the objective over the splits searched,
                                                with their simulation noise, the best
                                                split and its value marked, the range
                                                as good within noise, break-even for
                                                a profit
  sensitivity file       NAME-tornado.png       (tornado) the compared pair's difference
                                                in mean conversions with each factor at
                                                the low and the high end of its range,
                                                bars around the base value, sorted by
                                                swing, where the ranking flips marked
                         NAME-sobol.png         (sobol) the share of the spread each
                                                assumption explains alone and with
                                                interactions (S1, ST), with intervals:
                                                a panel for the decision and one per
                                                strategy's OUTPUT (--sens-output, default
                                                conversions_mean)
                         NAME-morris.png        (morris) average effect against its
                                                spread, the top factors labelled: the
                                                same panels
  (--top N: the factors drawn, default 15, the largest by the method's index)

Titles and axes are in plain words (a key such as tiers.micro.price reads
"Micro price ($)"); what made the figure (the program, the scenario, seed,
trials and file) is written small under it and into the PNG's text fields
(Title, Description, Source), where tests and scripts can read it.

NAME is the file's name without .h5. Prints each PNG written; exit 1 if a file
cannot be read as an influsim file, 2 on a bad command line.
"""
import argparse
import os
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import (FuncFormatter, LogLocator, NullLocator,  # noqa: E402
                               PercentFormatter)
import numpy as np  # noqa: E402

# Money is written with "$": plain text, never TeX-like maths between two of them.
plt.rcParams["text.parse_math"] = False
COLOURS = plt.rcParams["axes.prop_cycle"].by_key()["color"]
LOSS, GAIN = "#d62728", "#2ca02c"
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "C$", "AUD": "A$"}


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def names(ds):
    return [text(x) for x in ds[()]]


def trials_of(f):
    # A sweep file's trials_done is 0 (it holds no run of its own): use trials.
    return int(f.attrs.get("trials_done", 0)) or int(f.attrs.get("trials", 0))


def symbol(f):
    code = text(f.attrs.get("currency", ""))
    return SYMBOLS.get(code, code + " " if code else "")


def money(v, sym, signed=False):
    """12,345 as '$12,345', -1,500 as '-$1,500'; large values in k and M."""
    sign = "-" if v < 0 else ("+" if signed and v > 0 else "")
    a = abs(v)
    if a >= 1e6:
        body = f"{a / 1e6:,.3g}M"
    elif a >= 1e3:
        body = f"{a / 1e3:,.3g}k"
    else:
        body = f"{a:,.0f}"
    return f"{sign}{sym}{body}"


def count(v):
    """A number of conversions, as a reader says it: 16, 4.5, 1,234."""
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2g}" if abs(v) < 10 else f"{v:.3g}"


# --- readable names of scenario keys ---------------------------------------

DISTRIBUTIONS = {"beta", "lognormal", "normal", "uniform", "loguniform", "gamma", "constant",
                 "triangular", "poisson", "exponential"}
FIELD_WORDS = {
    "price_per_1k_followers": "price per 1,000 followers",
    "engagement_per_follower": "engagements per follower",
    "engagement_rate": "engagement rate",
    "real_share": "share of real followers",
    "interest_share": "share interested",
    "gifted_share": "share posting for a product",
    "reach_rate": "reach rate",
    "post_probability": "chance a hired creator posts",
    "conversations_per_engagement": "conversations per engagement",
    "overhead_per_hire": "overhead per hire",
    "platform_fee": "platform fee",
    "purchase_rate": "purchase rate",
    "wom_purchase_factor": "word-of-mouth purchase factor",
    "addressable": "addressable market",
    "unit_cost": "unit cost",
    "repeat_orders": "repeat orders",
    "horizon_months": "months of repeat orders",
}
MONEY_FIELDS = ("budget", "price", "price_per_1k_followers", "unit_cost", "overhead_per_hire")
SHARE_WORDS = ("rate", "share", "probability", "engagement_per_follower", "platform_fee")


def key_kind(key):
    """'money', 'share' (a fraction shown in %) or 'number' for a scenario key."""
    parts = [p for p in key.split(".") if p not in DISTRIBUTIONS]
    field = parts[-1] if parts else key
    if field in ("median", "mean", "min", "max", "mode", "sd") and len(parts) > 1:
        field = parts[-2]
    if field in MONEY_FIELDS:
        return "money"
    if any(w in field for w in SHARE_WORDS):
        return "share"
    return "number"


def key_label(key, sym=""):
    """'tiers.micro.price.lognormal.median' -> 'Micro price, median ($)';
    'budget' -> 'Budget ($)'; 'market.purchase_rate.beta.mean' -> 'Purchase
    rate, mean (%)'."""
    parts = key.split(".")
    stat = None
    if len(parts) >= 3 and parts[-2] in DISTRIBUTIONS:
        stat = parts[-1]
        parts = parts[:-2]
    elif parts and parts[-1] in DISTRIBUTIONS:
        parts = parts[:-1]
    words = []
    if parts and parts[0] == "tiers" and len(parts) >= 3:
        words.append(parts[1].replace("_", " "))
        parts = parts[2:]
    elif parts and parts[0] in ("market", "hiring"):
        parts = parts[1:]
    elif parts and parts[0] == "product":
        parts = parts[1:]
        words.append("product")
    words += [FIELD_WORDS.get(p, p.replace("_", " ")) for p in parts]
    label = " ".join(words)
    label = label[:1].upper() + label[1:]
    if stat:
        label += f", {stat}"
    kind = key_kind(key)
    if kind == "money" and sym:
        label += f" ({sym.strip()})"
    elif kind == "share":
        label += " (%)"
    return label


def key_formatter(key, sym):
    """A tick formatter for an axis of key's values."""
    kind = key_kind(key)
    if kind == "money":
        return FuncFormatter(lambda v, _: money(v, sym))
    if kind == "share":
        return PercentFormatter(1.0, decimals=None)
    return FuncFormatter(lambda v, _: f"{v:,.4g}")


def key_value(key, v, sym):
    kind = key_kind(key)
    if kind == "money":
        return money(v, sym)
    if kind == "share":
        return f"{100 * v:.3g} %"
    return f"{v:,.4g}"


# --- saving, with where the figure comes from --------------------------------

def provenance(f, path):
    """One line for under the figure (no seed: that is the file's business) and
    the full record for the PNG's Source field."""
    name = text(f.attrs.get("scenario_name", "?"))
    trials = trials_of(f)
    kind = text(f.attrs.get("kind", "run"))
    each = {"sweep": " per point", "sensitivity": " per run", "optimize": " per split"}
    line = (f"influsim {text(f.attrs.get('program_version', ''))} · scenario “{name}” · "
            f"{trials:,} simulated campaigns{each.get(kind, '')} · {os.path.basename(path)}")
    source = (f"influsim {text(f.attrs.get('program_version', ''))} "
              f"({text(f.attrs.get('git_revision', ''))}); scenario {name}; seed "
              f"{int(f.attrs.get('seed', 0))}; trials {trials}; file {os.path.abspath(path)}; "
              f"created {text(f.attrs.get('created', ''))}")
    return line, source


def save(fig, out, f, src, rect=None):
    """Writes the figure with its provenance under it and in the PNG's text."""
    line, source = provenance(f, src)
    fig.text(0.01, 0.005, line, fontsize=7, color="grey", ha="left", va="bottom")
    rect = list(rect) if rect else [0, 0, 1, 1]
    rect[1] = max(rect[1], 0.25 / fig.get_figheight())
    fig.tight_layout(rect=rect)
    titles = [t.get_text() for t in [fig._suptitle] if t is not None]
    labels = []
    for ax in fig.axes:
        if ax.get_visible():
            titles.append(ax.get_title())
            labels += [ax.get_xlabel(), ax.get_ylabel()]
    meta = {"Title": " | ".join(t for t in titles if t),
            "Description": " | ".join(x for x in labels if x),
            "Source": source, "Software": "influsim experiments/plot.py"}
    fig.savefig(out, dpi=120, metadata=meta)
    plt.close(fig)
    print(out)
    return out


def metric_row(f, strategy, metric):
    """The summary row of one metric of one strategy: {statistic: value}."""
    g = f[f"strategies/{strategy}/summary"]
    i = names(g["metric"]).index(metric)
    return {k: g[k][i] for k in g if isinstance(g[k], h5py.Dataset) and g[k].shape
            and g[k].shape[0] == g["metric"].shape[0] and k != "metric"}


def has_metric(f, strategy, metric):
    return metric in names(f[f"strategies/{strategy}/summary/metric"])


# --- distributions per strategy (run and optimize files) -------------------

class Log1p:
    """The axis transform log10(1 + x) for counts that may be 0, with ticks
    at round numbers, so that 3 conversions and 3,000 both read."""

    @staticmethod
    def fwd(x):
        return np.log10(1 + np.maximum(x, 0))

    @staticmethod
    def ticks(top):
        vals = [0]
        for e in range(0, 9):
            for m in (1, 2, 5):
                v = m * 10 ** e
                if v <= top * 1.05:
                    vals.append(v)
        if len(vals) > 9:  # keep 1, 10, 100 ... and 0
            vals = [0] + [v for v in vals[1:] if str(v)[0] == "1"]
        return vals


def distributions(f, strategies, metric):
    """Per strategy: (values or None, {q05, q25, q50, q75, q95}): the trials
    when the file keeps them, else the summary's quantiles."""
    kept = bool(f.attrs.get("trials_kept", True))
    out = []
    for s in strategies:
        if kept and f"strategies/{s}/trials/{metric}" in f:
            d = f[f"strategies/{s}/trials/{metric}"][()].astype(float)
            d = d[np.isfinite(d)]
            q = {k: float(np.quantile(d, p)) if d.size else np.nan
                 for k, p in (("q05", .05), ("q25", .25), ("q50", .5), ("q75", .75),
                              ("q95", .95))}
            q["mean"] = float(d.mean()) if d.size else np.nan
            out.append((d, q))
        else:
            row = metric_row(f, s, metric)
            out.append((None, {k: float(row[k]) for k in
                               ("q05", "q25", "q50", "q75", "q95", "mean")}))
    return out


def draw_ranges(ax, pos, dists, transform, colours, horizontal=False):
    """Each strategy's shape (from the trials) and its middle 90 % (thin), 50 %
    (thick) and median (white dot)."""
    for x, (d, q), c in zip(pos, dists, colours):
        if d is not None and d.size and d.max() > d.min():
            parts = ax.violinplot([transform(d)], positions=[x], showextrema=False,
                                  widths=0.8, vert=not horizontal)
            for body in parts["bodies"]:
                body.set_facecolor(c)
                body.set_edgecolor(c)
                body.set_alpha(0.35)
        lines = ((q["q05"], q["q95"], 1.6), (q["q25"], q["q75"], 6))
        for lo, hi, w in lines:
            a, b = transform(np.array([lo, hi]))
            if horizontal:
                ax.plot([a, b], [x, x], color="black", linewidth=w, solid_capstyle="butt")
            else:
                ax.plot([x, x], [a, b], color="black", linewidth=w, solid_capstyle="butt")
        m = transform(np.array([q["q50"]]))[0]
        xy = (m, x) if horizontal else (x, m)
        ax.scatter(*xy, color="white", edgecolor="black", zorder=4, s=42)


def range_key():
    return [Line2D([], [], color="black", linewidth=6, label="middle half of campaigns"),
            Line2D([], [], color="black", linewidth=1.6, label="9 campaigns in 10"),
            Line2D([], [], marker="o", color="black", markerfacecolor="white", linestyle="",
                   label="typical campaign (median)")]


def plot_conversions(f, out, src):
    """Conversions per campaign for each strategy; a log scale when one
    strategy's are far smaller than another's."""
    strategies = names(f["strategy"])
    dists = distributions(f, strategies, "conversions")
    q95 = np.array([q["q95"] for _, q in dists])
    top = float(np.nanmax(q95)) if np.isfinite(q95).any() else 1.0
    small = float(np.nanmin(q95)) if np.isfinite(q95).any() else top
    # A strategy whose 9-in-10 range ends below a tenth of the largest one's
    # would be a flat line at 0 on a linear axis: log(1 + x) keeps it readable.
    logged = top >= 10 and small < 0.1 * top
    tf = Log1p.fwd if logged else (lambda x: np.asarray(x, dtype=float))
    n = len(strategies)
    fig, ax = plt.subplots(figsize=(max(7.0, 1.5 * n + 3), 5.0))
    pos = np.arange(1, n + 1)
    colours = [COLOURS[i % len(COLOURS)] for i in range(n)]
    draw_ranges(ax, pos, dists, tf, colours)
    ax.set_xticks(pos)
    rot = n > 4
    ax.set_xticklabels(strategies, rotation=20 if rot else 0, ha="right" if rot else "center")
    # The top at the largest 99.5 % quantile: a rare far tail would squash
    # every distribution's bulk into the floor (it runs off the top instead).
    hi = max(np.nanmax([tf(np.array([np.quantile(d, 0.995)]))[0] if d is not None and d.size
                        else tf(np.array([q["q95"]]))[0] for d, q in dists]),
             tf(np.array([1.0]))[0])
    if logged:
        ticks = Log1p.ticks(10 ** hi)
        ax.set_yticks(Log1p.fwd(np.array(ticks, dtype=float)))
        ax.set_yticklabels([f"{t:,}" for t in ticks])
        ax.set_ylabel("conversions per campaign (log scale)")
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylabel("conversions per campaign")
    bottom, top_y = (0 if not logged else -0.02), hi * 1.18
    ax.set_ylim(bottom, top_y)
    ax.set_xlim(0.4, n + 0.6)
    # The typical campaign's number beside its dot, the average under it (over
    # it where the dot sits on the floor).
    for x, (_, q) in zip(pos, dists):
        y = tf(np.array([q["q50"]]))[0]
        low = (y - bottom) < 0.08 * (top_y - bottom)
        ax.annotate(f"{count(q['q50'])}", (x, y), textcoords="offset points",
                    xytext=(9, 14 if low else 1), fontsize=9, fontweight="bold", va="bottom")
        ax.annotate(f"average {count(q['mean'])}", (x, y), textcoords="offset points",
                    xytext=(9, 3 if low else -3), fontsize=7, color="dimgray",
                    va="bottom" if low else "top")
    budget = float(f.attrs.get("budget", 0))
    title = f"Conversions per campaign, {trials_of(f):,} simulated campaigns"
    sub = (f"budget {money(budget, symbol(f))} per strategy; the number beside each is the "
           f"typical campaign" + ("" if all(d is not None for d, _ in dists) else
                                  " (from the file's summary)"))
    ax.set_title(f"{title}\n{sub}", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(handles=range_key(), loc="upper right", fontsize=8)
    return save(fig, out, f, src)


LEVELS = (0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99)


def pays_back_summary(row):
    """The same from a --no-trials summary: exact at the ends (min, max),
    else the range between the two quantiles around 0."""
    if row["max"] <= 0:
        return "never pays back"
    if row["min"] > 0:
        return "always pays back"
    q = [row[f"q{round(100 * lv):02d}"] for lv in LEVELS]
    if q[-1] <= 0:
        return "pays back in under 1 % of campaigns"
    if q[0] > 0:
        return "pays back in over 99 % of campaigns"
    for (l0, v0), (l1, v1) in zip(zip(LEVELS, q), zip(LEVELS[1:], q[1:])):
        if v0 <= 0 < v1:
            return f"pays back in {100 * (1 - l1):.0f}–{100 * (1 - l0):.0f} % of campaigns"
    return ""


def pays_back(d):
    """'pays back in 62 % of campaigns', from the trials."""
    share = float(np.mean(d > 0))
    if share == 0:
        return "never pays back"
    if share < 0.01:
        return "pays back in under 1 % of campaigns"
    if share == 1:
        return "always pays back"
    return f"pays back in {100 * share:.0f} % of campaigns"


def plot_profit(f, out, src):
    """Profit per campaign per strategy: break-even marked, the loss and profit
    sides shaded; first purchases, and with repeat orders when there are any."""
    strategies = names(f["strategy"])
    sym = symbol(f)
    panels = [("profit", "first purchases only")]
    repeat = "trials/repeat_orders" in f or any(
        has_metric(f, s, "ltv_profit") and metric_row(f, s, "ltv_profit")["mean"]
        != metric_row(f, s, "profit")["mean"] for s in strategies)
    if repeat:
        months = re.search(r"horizon_months:\s*([0-9.]+)", text(f.attrs.get("scenario_resolved",
                                                                            "")))
        panels.append(("ltv_profit", "with repeat orders" +
                       (f" over {months.group(1)} months" if months else "")))
    n = len(strategies)
    fig, axes = plt.subplots(1, len(panels), figsize=(6.8 * len(panels) + 1.2, 1.6 + 0.75 * n),
                             squeeze=False, sharey=True)
    colours = [COLOURS[i % len(COLOURS)] for i in range(n)]
    pos = np.arange(n, 0, -1)  # the first strategy at the top
    lo_all, hi_all, notes = [], [], []
    for ax, (metric, what) in zip(axes[0], panels):
        dists = distributions(f, strategies, metric)
        draw_ranges(ax, pos, dists, lambda x: np.asarray(x, dtype=float), colours,
                    horizontal=True)
        notes.append([f"typical {money(q['q50'], sym)} · " +
                      (pays_back(d) if d is not None and d.size
                       else pays_back_summary(metric_row(f, st, metric)))
                      for st, (d, q) in zip(strategies, dists)])
        for d, q in dists:
            if d is not None and d.size:
                lo_all.append(np.quantile(d, 0.002))
                hi_all.append(np.quantile(d, 0.998))
            lo_all.append(q["q05"])
            hi_all.append(q["q95"])
        ax.set_title(f"Profit per campaign, {what}", fontsize=10)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v, sym)))
        ax.set_xlabel(f"profit per campaign ({sym.strip()}; left of 0: a loss)")
        ax.grid(axis="x", alpha=0.3)
    lo, hi = min(lo_all + [0.0]), max(hi_all + [0.0])
    span = hi - lo or 1.0
    lo, hi = lo - 0.05 * span, hi + 0.05 * span
    for ax, texts in zip(axes[0], notes):
        ax.set_xlim(lo, hi)
        ax.set_ylim(0.35, n + 0.75)
        ax.axvspan(lo, 0, color=LOSS, alpha=0.07, zorder=0)
        ax.axvspan(0, hi, color=GAIN, alpha=0.07, zorder=0)
        ax.axvline(0, color="black", linewidth=1.4, zorder=1)
        right = (0 - lo) / (hi - lo) > 0.85  # the label on the side with room
        ax.annotate("break-even", (0, n + 0.72), xytext=(-3 if right else 3, 0),
                    textcoords="offset points", fontsize=8, fontweight="bold", va="top",
                    ha="right" if right else "left")
        # Each strategy's verdict above its row, where no violin is.
        for y, t in zip(pos, texts):
            ax.annotate(t, (lo, y + 0.42), xytext=(4, 0), textcoords="offset points",
                        fontsize=8, va="center", ha="left", color="dimgray")
    axes[0][0].set_yticks(pos)
    axes[0][0].set_yticklabels(strategies)
    handles = range_key() + [Patch(color=GAIN, alpha=0.25, label="profit"),
                             Patch(color=LOSS, alpha=0.25, label="loss")]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, 0.035))
    budget = float(f.attrs.get("budget", 0))
    fig.suptitle(f"Does it pay back? Profit per campaign, {trials_of(f):,} simulated campaigns "
                 f"of {money(budget, sym)}", fontsize=11)
    return save(fig, out, f, src, rect=(0, 0.6 / fig.get_figheight(), 1, 1))


# --- sweeps ---------------------------------------------------------------------

def axis_key(scale):
    return text(scale.attrs.get("key", scale.name.rsplit("/", 1)[-1]))


def plot_fan(f, out, src):
    """The typical campaign and the middle 90 % per strategy along a 1-D
    sweep: one panel for one or two strategies, else one panel
    per strategy with the others' medians in grey."""
    g = f["sweep"]
    strategies = names(g["strategy"])
    metric = names(g["metric"]).index("conversions")
    axis = g["mean"].dims[0][0]
    key = axis_key(axis)
    sym = symbol(f)
    x = axis[()]
    log_x = text(axis.attrs.get("spacing", "linear")) == "log"
    q05, q50, q95 = (g[k][:, :, metric] for k in ("q05", "q50", "q95"))
    n = len(strategies)
    multiples = n > 2
    cols = min(n, 3) if multiples else 1
    rows = (n + cols - 1) // cols if multiples else 1
    fig, axes = plt.subplots(rows, cols, figsize=(4.3 * cols + 1 if multiples else 9,
                                                  3.4 * rows + 1.2 if multiples else 5.6),
                             squeeze=False, sharex=True, sharey=True)
    axes = list(axes.flat)
    for ax in axes[n:]:
        ax.set_visible(False)
    top = float(np.nanmax(q95)) if np.isfinite(q95).any() else 1.0
    log_y = log_x and top > 50
    for s, name in enumerate(strategies):
        c = COLOURS[s % len(COLOURS)]
        ax = axes[s] if multiples else axes[0]
        if multiples:
            for o in range(n):
                if o != s:
                    ax.plot(x, q50[:, o], color="lightgrey", linewidth=1, zorder=1)
        ax.fill_between(x, q05[:, s], q95[:, s], color=c, alpha=0.25 if multiples else 0.13,
                        linewidth=0, zorder=2)
        if not multiples:  # the band's edges, so that overlapping bands stay apart
            for q in (q05, q95):
                ax.plot(x, q[:, s], color=c, linewidth=0.7, alpha=0.7, zorder=2)
        ax.plot(x, q50[:, s], color=c, marker="o", markersize=3.5, linewidth=2.2, zorder=3,
                label=name)
        if multiples:
            ax.set_title(name, fontsize=10, color=c, fontweight="bold")
    xlabel = key_label(key, sym)
    for ax in axes[:n]:
        if log_x:
            ax.set_xscale("log")
        if log_y:
            # Over decades of budget the conversions span decades too; symlog
            # keeps 0 (a tier that cannot yet afford a post) on the chart.
            ax.set_yscale("symlog", linthresh=1)
        if len(x) <= 7:  # few points: a tick at each, so that every value reads
            ax.set_xticks(x)
            ax.xaxis.set_minor_locator(NullLocator())
        elif log_x and x[-1] < 300 * x[0]:  # under 2.5 decades: 1, 2, 5 of each
            ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
            ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(key_formatter(key, sym))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylim(bottom=0, top=top * (3 if log_y else 1.12))
        ax.grid(alpha=0.3)
    for i, ax in enumerate(axes[:n]):
        if not multiples or i >= n - cols:
            ax.set_xlabel(xlabel)
            ax.xaxis.set_tick_params(labelbottom=True)
        if i % cols == 0:
            ax.set_ylabel("conversions per campaign" + (" (log scale)" if log_y else ""))
    if "crossovers" in g and g["crossovers"]["lower"].shape[0]:
        cr = g["crossovers"]
        changes = {}  # (lower, upper, from, to): by mean, by median or both
        for i in range(cr["lower"].shape[0]):
            k = (float(cr["lower"][i]), float(cr["upper"][i]), text(cr["from_strategy"][i]),
                 text(cr["to_strategy"][i]))
            changes.setdefault(k, []).append(text(cr["by"][i]))
        for j, ((lo, hi, a, b), by) in enumerate(changes.items()):
            mid = np.sqrt(lo * hi) if log_x and lo > 0 else 0.5 * (lo + hi)
            for ax in axes[:n]:
                ax.axvspan(lo, hi, color="grey", alpha=0.12, zorder=0)
                ax.axvline(mid, color="black", linestyle="--", linewidth=1, zorder=1)
            how = ("" if len(by) > 1 else " on average" if by[0] == "mean"
                   else " in the typical campaign")
            axes[0].annotate(f"{b} overtakes {a}{how}\nbetween {key_value(key, lo, sym)} and "
                             f"{key_value(key, hi, sym)}", (mid, 0.97 - 0.13 * j),
                             xycoords=("data", "axes fraction"), fontsize=8, ha="left",
                             va="top", xytext=(4, 0), textcoords="offset points",
                             bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                                   "alpha": 0.8})
    band = Patch(color="grey", alpha=0.3, label="9 campaigns in 10")
    line = Line2D([], [], color="grey", linewidth=2.2, label="typical campaign (median)")
    if multiples:
        handles = [line, band, Line2D([], [], color="lightgrey", label="the other strategies")]
    else:
        handles = [Line2D([], [], color=COLOURS[s % len(COLOURS)], linewidth=2.2,
                          marker="o", markersize=3.5, label=nm)
                   for s, nm in enumerate(strategies)] + [line, band]
    what = ("as the budget grows" if key == "budget" else
            f"as {key_label(key).split(' (')[0].lower()} changes")
    title = (f"Conversions per campaign {what}, {trials_of(f):,} simulated campaigns "
             f"at each of {len(x)} points")
    if multiples:
        fig.legend(handles=handles, loc="upper right", fontsize=8, ncol=3, frameon=False,
                   bbox_to_anchor=(1, 0.965))
        fig.suptitle(title, fontsize=11, x=0.01, ha="left")
        return save(fig, out, f, src, rect=(0, 0, 1, 0.96))
    axes[0].legend(handles=handles, fontsize=8, loc="upper left", ncol=2)
    axes[0].set_title(title, fontsize=10)
    return save(fig, out, f, src)


def plot_heatmap(f, out, src, pair):
    """How often A sells more than B over a 2-D sweep."""
    g = f["sweep"]
    strategies = names(g["strategy"])
    if pair:
        a, b = pair
        missing = [s for s in (a, b) if s not in strategies]
        if missing:
            raise ValueError(f"--pair: no strategy {missing[0]!r} in the file "
                             f"(it has {', '.join(strategies)})")
        ia, ib = strategies.index(a), strategies.index(b)
    else:
        if len(strategies) < 2:
            raise ValueError("a heat map needs two strategies")
        ia, ib = 0, 1
    sym = symbol(f)
    p = g["p_greater"][:, :, ia, ib]
    ax0, ax1 = g["p_greater"].dims[0][0], g["p_greater"].dims[1][0]
    k0, k1 = axis_key(ax0), axis_key(ax1)
    x, y = ax0[()], ax1[()]
    fig, ax = plt.subplots(figsize=(8.5, 6.0))
    mesh = ax.pcolormesh(y, x, p, cmap="RdBu", vmin=0, vmax=1, shading="nearest")
    if p.min() < 0.5 < p.max():
        ax.contour(y, x, p, levels=[0.5], colors="black", linewidths=1.5)
    for axis, setter in ((ax0, ax.set_yscale), (ax1, ax.set_xscale)):
        if text(axis.attrs.get("spacing", "linear")) == "log":
            setter("log")
    if p.size <= 120:  # the share in each cell, where it can be read
        for i in range(len(x)):
            for j in range(len(y)):
                v = p[i, j]
                ax.text(y[j], x[i], f"{100 * v:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if abs(v - 0.5) > 0.3 else "black")
    ax.xaxis.set_major_formatter(key_formatter(k1, sym))
    ax.yaxis.set_major_formatter(key_formatter(k0, sym))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xticks(y)
    ax.set_yticks(x)
    ax.minorticks_off()
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    cb = fig.colorbar(mesh, ax=ax, format=PercentFormatter(1.0))
    cb.set_label(f"campaigns in which {strategies[ia]} sells more than {strategies[ib]}")
    ax.set_xlabel(key_label(k1, sym))
    ax.set_ylabel(key_label(k0, sym))
    ax.set_title(f"How often {strategies[ia]} sells more than {strategies[ib]}\n"
                 f"share of {trials_of(f):,} simulated campaigns per cell (%); black line: "
                 f"even odds, 50 %", fontsize=10)
    return save(fig, out, f, src)


# --- the optimiser --------------------------------------------------------------

STAGES = ((0, "first pass over the splits", "o"), (1, "refining the best", "s"),
          (2, "around the best", "^"))


def money_objective(g):
    units = text(g.attrs.get("objective_units", ""))
    obj = text(g.attrs.get("objective", ""))
    return "profit" in obj and units not in ("1", "conversions")


def break_even(ax, lo, hi, best, sym):
    """Break-even (0) and the profit and loss sides; when 0 is far from every
    value drawn, the sentence that says how far (for the figure's note)
    instead of squashing the curve; else ""."""
    span = hi - lo or abs(best) or 1.0
    if lo - 3 * span <= 0 <= hi + 3 * span:
        lo2, hi2 = min(lo, 0) - 0.08 * span, max(hi, 0) + 0.45 * (max(hi, 0) - min(lo, 0))
        ax.set_ylim(lo2, hi2)
        ax.axhspan(lo2, 0, color=LOSS, alpha=0.07, zorder=0)
        ax.axhspan(0, hi2, color=GAIN, alpha=0.07, zorder=0)
        ax.axhline(0, color="black", linewidth=1.4)
        ax.annotate("break-even", (0.01, 0), xycoords=("axes fraction", "data"),
                    xytext=(0, 3), textcoords="offset points", fontsize=8, fontweight="bold")
        return ""
    lo2, hi2 = lo - 0.1 * span, hi + 0.45 * span
    ax.set_ylim(lo2, hi2)
    ax.axhspan(lo2, hi2, color=LOSS if hi < 0 else GAIN, alpha=0.07, zorder=0)
    if hi < 0:
        return (f"break-even ({sym.strip()}0) is {money(abs(best), sym)} above it: "
                f"every split tried loses money")
    return f"every split tried makes money: break-even is {money(abs(lo), sym)} below"


def plot_objective(f, out, src):
    """The optimiser's objective over the splits it searched, the optimum and
    its value marked."""
    g = f["optimize"]
    tiers = names(g["tier"])
    shares, value, se, stage = g["shares"][()], g["value"][()], g["se"][()], g["stage"][()]
    label = text(g.attrs["objective_long_name"])
    units = text(g.attrs["objective_units"])
    objective = text(g.attrs.get("objective", ""))
    share = objective in ("p-roi", "p-ltv-roi")
    if share:  # a probability, said as a share of campaigns
        label = ("share of campaigns that pay back" +
                 (" with repeat orders" if "ltv" in objective else ""))
    outcome = text(g.attrs.get("outcome", "optimum"))
    clear = outcome in ("optimum", "spend-less")
    star = "the best split" if clear else "the highest (no clear best)"
    opt = g["optimum"][()]
    best, best_se = float(g.attrs["value"]), float(g.attrs["se"])
    sym = symbol(f)
    is_money = money_objective(g)
    show = ((lambda v: money(v, sym)) if is_money else (lambda v: f"{100 * v:.3g} %") if share
            else (lambda v: f"{v:,.3g}"))
    fig, ax = plt.subplots(figsize=(9, 5.6))
    split = ", ".join(f"{n} {100 * s:.0f} %" for n, s in zip(tiers, opt))
    verdict = {"optimum": "Best split", "spend-less": "Best split (it spends least)",
               "flat": "No split is clearly better; the highest",
               "constant": "Every split gives the same; shown"}.get(outcome, "Best split")
    note = f"{verdict}: {split}\n{label}: {show(best)} (± {show(best_se)} simulation noise)"
    if len(tiers) == 2:
        order = np.argsort(shares[:, 0])
        ax.plot(shares[order, 0], value[order], color="grey", linewidth=0.8, zorder=1)
        for st, name, marker in STAGES:
            m = stage == st
            if m.any():
                ax.errorbar(shares[m, 0], value[m], yerr=se[m], fmt=marker, markersize=4,
                            capsize=2, label=name, zorder=2)
        lo, hi = float(g["flat_low"][0]), float(g["flat_high"][0])
        if outcome in ("optimum", "spend-less") and hi - lo >= 0.005:
            ax.axvspan(lo, hi, color="gold", alpha=0.25,
                       label=f"as good within noise ({100 * lo:.0f}–{100 * hi:.0f} %)")
        ax.plot([opt[0]], [best], marker="*", markersize=18, color="gold", markeredgecolor="black",
                zorder=5, linestyle="", label=star)
        ax.set_xlabel(f"share of the budget on {tiers[0]} (the rest on {tiers[1]})")
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlim(-0.03, 1.03)
        at = (opt[0], best)
        xs, vals = shares[:, 0], value
    else:
        # More tiers: the profile around the optimum, one line per tier.
        steps = g["step"][()]
        diff, dse = g["difference"][()], g["difference_se"][()]
        for t, name in enumerate(names(g["profile_tier"])):
            ok = ~np.isnan(diff[t])
            ax.errorbar(steps[ok], best + diff[t][ok], yerr=dse[t][ok], marker="o", markersize=4,
                        capsize=2, label=f"moving {name}'s share ({100 * opt[t]:.0f} % at best)")
        ax.plot([0], [best], marker="*", markersize=18, color="gold", markeredgecolor="black",
                zorder=5, linestyle="", label=star)
        ax.set_xlabel("change of one tier's share of the budget from the best split "
                      "(the others rescaled)")
        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda v, _: f"{100 * v:+.0f} pts" if round(100 * v) else "0"))
        at = (0, best)
        ok = np.isfinite(diff)
        xs, vals = np.broadcast_to(steps, diff.shape)[ok], best + diff[ok]
    lo_v = float(np.nanmin(np.concatenate([vals, [best]])))
    hi_v = float(np.nanmax(np.concatenate([vals, [best]])))
    if is_money:
        far = break_even(ax, lo_v, hi_v, best, sym)
        if far:
            note += "\n" + far
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v, sym)))
        ax.set_ylabel(f"{label} ({sym.strip()})")
    else:
        ax.set_ylabel(label + (f" ({units})" if units not in ("1", "") and units not in label
                               else ""))
        span = hi_v - lo_v or abs(best) or 1.0
        bottom = lo_v - 0.45 * span
        ax.set_ylim(0 if lo_v >= 0 and bottom < 0 else bottom, hi_v + 0.45 * span)
        if share:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            if hi_v - lo_v < 1e-12:  # every split the same: the whole range of a share
                ax.set_ylim(-0.02, 1.02)
    # The note on the best split in the headroom left above the points, in
    # the top corner farther from them (and from the star).
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    px = (np.append(np.asarray(xs, dtype=float), at[0]) - x0) / (x1 - x0)
    py = (np.append(np.asarray(vals, dtype=float), at[1]) - y0) / (y1 - y0)
    corners = [((0.02, 0.97), "left", "top", (0.25, 0.88)),
               ((0.98, 0.97), "right", "top", (0.75, 0.88))]
    (cx, cy), ha, va, _ = max(corners, key=lambda c: float(np.min(
        np.hypot(px - c[3][0], (py - c[3][1]) * 1.6))))
    ax.annotate(note, at, xytext=(cx, cy), textcoords="axes fraction", ha=ha, va=va,
                fontsize=9, arrowprops={"arrowstyle": "->", "color": "black", "lw": 0.8},
                bbox={"boxstyle": "round,pad=0.35", "fc": "lightyellow", "ec": "goldenrod"},
                zorder=6)
    what = " and ".join([", ".join(tiers[:-1]), tiers[-1]]) if len(tiers) > 1 else tiers[0]
    head = (f"The best split of the budget between {what}" if clear else
            f"No split of the budget between {what} is clearly best" if outcome == "flat" else
            f"Every split of the budget between {what} gives the same")
    ax.set_title(f"{head}: {label}\n"
                 f"each point a split tried, {trials_of(f):,} simulated campaigns each; "
                 f"bars: simulation noise", fontsize=10)
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 3), fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, 0.03))
    rows = (len(labels) + 2) // 3
    return save(fig, out, f, src, rect=(0, (0.3 + 0.22 * rows) / fig.get_figheight(), 1, 1))


# --- sensitivity files (influsim sensitivity; docs/output.md) -------------

OUTPUT_WORDS = {"conversions_mean": ("mean conversions", "purchases"),
                "conversions_q10": ("10 % quantile of conversions", "purchases"),
                "profit_mean": ("mean profit", None),
                "ltv_profit_mean": ("mean lifetime profit", None)}


class Sensitivity:
    """/sensitivity read into arrays: scales as lists of strings."""

    def __init__(self, f):
        g = f["sensitivity"]
        self.method = text(g.attrs["method"])
        self.a, self.b = text(g.attrs["compare_a"]), text(g.attrs["compare_b"])
        self.keys = names(g["factor"])
        self.labels = names(g["factor_label"])
        self.scales = names(g["factor_scale"])
        self.lo, self.hi, self.base = g["factor_lo"][()], g["factor_hi"][()], g["factor_base"][()]
        self.strategies = names(g["strategy"])
        self.outputs = names(g["output"])
        self.decisions = names(g["decision"])
        self.statistics = names(g["statistic"])
        self.indices = g["indices"][()]
        self.decision_indices = g["decision_indices"][()]
        self.outputs_base = g["base"][()]
        self.decision_base = g["decision_base"][()]
        self.runs = int(g.attrs["runs"])
        self.trials = int(g.attrs["trials_per_run"])
        self.samples = int(g.attrs.get("samples", 0))
        self.bootstrap = int(g.attrs.get("bootstrap", 0))
        self.confidence = float(g.attrs.get("confidence", 0.95))
        self.flips = []
        if "flips" in g and "factor" in g["flips"]:
            fl = g["flips"]
            for i, key in enumerate(names(fl["factor"])):
                self.flips.append({"factor": self.keys.index(key), "at": float(fl["at"][i]),
                                   "from": text(fl["from_strategy"][i]),
                                   "to": text(fl["to_strategy"][i])})
        self.name = text(f.attrs.get("scenario_name", "?"))
        self.seed = int(f.attrs.get("seed", 0))
        self.currency = text(f.attrs.get("currency", ""))

    def stat(self, name):
        return self.statistics.index(name)

    def subtitle(self):
        k = len(self.keys)
        return (f"{k} assumption{'s' if k != 1 else ''} varied, {self.runs:,} runs of "
                f"{self.trials:,} simulated campaigns")

    def targets(self, output):
        """(title, unit, indices [factor, statistic]) for the decision, then each
        strategy's output."""
        if output not in self.outputs:
            raise ValueError(f"--sens-output: no output {output!r} in the file "
                             f"(it has {', '.join(self.outputs)})")
        words, unit = OUTPUT_WORDS.get(output, (output, None))
        unit = unit or self.currency
        o = self.outputs.index(output)
        out = [(f"the decision: mean conversions of {self.a} − {self.b}", "purchases",
                self.decision_indices[:, self.decisions.index("conversions_difference"), :])]
        for s, name in enumerate(self.strategies):
            out.append((f"{name}: {words}", unit, self.indices[:, s, o, :]))
        return out

    def factor_text(self, f):
        """'micro reach rate (mean)  0.21–0.39' (log: 'log')."""
        rng = f"{value_text(self.lo[f])}–{value_text(self.hi[f])}"
        return f"{self.labels[f]}  [{rng}{', log' if self.scales[f] == 'log' else ''}]"


def value_text(v):
    """A factor's value, short: 0.0056, 0.35, 126, 21,000, 2.5e+06."""
    if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-3):
        return f"{v:.3g}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def ranked(values, top):
    """Indices of values in decreasing order (NaN last), the first top of them."""
    v = np.where(np.isfinite(values), values, -np.inf)
    order = np.argsort(-v, kind="stable")
    return order[:top] if top else order


def legend_below(fig, ax, extra=()):
    """The legend of ax's handles (after the extra ones, artists with labels)
    under every panel; returns the rect that tight_layout leaves for the
    panels above it."""
    handles, labels = ax.get_legend_handles_labels()
    handles = list(extra) + handles
    labels = [h.get_label() for h in extra] + labels
    h = fig.get_figheight()
    # Above the line that says where the figure comes from (save).
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, 0.2 / h))
    return (0, 0.55 / h, 1, 1)


def panel_grid(n, width, height):
    cols = 1 if n == 1 else 2
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def plot_tornado(f, out, src, top):
    """The pair's difference in mean conversions at each factor's two ends."""
    r = Sensitivity(f)
    d = r.decisions.index("conversions_difference")
    ix = r.decision_indices[:, d, :]
    at_lo, at_hi, swing = ix[:, r.stat("at_lo")], ix[:, r.stat("at_hi")], ix[:, r.stat("swing")]
    base = float(r.decision_base[d])
    order = ranked(swing, top)[::-1]  # the largest at the top
    n = len(order)
    fig, ax = plt.subplots(figsize=(11, max(4.5, 2.4 + 0.45 * n)))
    y = np.arange(n)
    lo_c, hi_c = COLOURS[0], COLOURS[1]
    # Both ends on the same side of base: the shorter bar drawn thinner on
    # top of the longer, so that neither hides the other.
    same = (at_lo[order] - base) * (at_hi[order] - base) > 0
    lo_short = np.abs(at_lo[order] - base) < np.abs(at_hi[order] - base)
    h_lo = np.where(same & lo_short, 0.32, 0.6)
    h_hi = np.where(same & ~lo_short, 0.32, 0.6)
    z_lo = same & lo_short
    for mask, z in ((~z_lo, 2), (z_lo, 3)):
        ax.barh(y[mask], (at_lo[order] - base)[mask], left=base, height=h_lo[mask], color=lo_c,
                zorder=z)
    for mask, z in ((z_lo, 2), (~z_lo, 3)):
        ax.barh(y[mask], (at_hi[order] - base)[mask], left=base, height=h_hi[mask], color=hi_c,
                zorder=z)
    ends_key = [Patch(color=lo_c, label="assumption at the low end of its range"),
                Patch(color=hi_c, label="assumption at the high end of its range")]
    ax.axvline(base, color="black", linewidth=1)
    values = np.concatenate([at_lo[order], at_hi[order], [base]])
    span = float(np.nanmax(values) - np.nanmin(values)) or abs(base) or 1.0
    xmin, xmax = float(np.nanmin(values)), float(np.nanmax(values))
    # Zero is where the pair's ranking changes: drawn when it is near the data.
    show_zero = xmin - 0.3 * span <= 0 <= xmax + 0.3 * span
    if show_zero:
        ax.axvline(0, color="red", linestyle="--", linewidth=1,
                   label=f"0: {r.a} and {r.b} convert as much")
        xmin, xmax = min(xmin, 0.0), max(xmax, 0.0)
    pad = 0.18 * (xmax - xmin or 1.0)
    ax.set_xlim(xmin - pad, xmax + pad)
    # The factor's value at each bar's end, in its bar's colour; where both
    # ends lie on one side, only the farther one's (the range is in the
    # factor's name), and none on a bar too short to read.
    for yi, fi in zip(y, order):
        ends = ((at_lo[fi], r.lo[fi], lo_c), (at_hi[fi], r.hi[fi], hi_c))
        if (at_lo[fi] - base) * (at_hi[fi] - base) > 0:
            ends = (max(ends, key=lambda e: abs(e[0] - base)),)
        for v, val, c in ends:
            if abs(v - base) < 0.02 * span:
                continue
            right = v >= base
            ax.annotate(value_text(val), (v, yi), xytext=(4 if right else -4, 0),
                        textcoords="offset points", ha="left" if right else "right",
                        va="center", fontsize=7, color=c)
    flipped = {fl["factor"]: fl for fl in r.flips}
    labels = []
    for yi, fi in zip(y, order):
        labels.append(r.factor_text(fi))
        if fi in flipped:
            fl = flipped[fi]
            ax.plot([0], [yi], marker="D", color="red", markersize=6, zorder=3)
            ax.annotate(f"flips at {value_text(fl['at'])}: {fl['from']} leads below, "
                        f"{fl['to']} above", (0, yi + 0.31), ha="center", va="bottom",
                        fontsize=8, color="red",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.85})
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_ylim(-0.7, n - 0.3 + (0.3 if flipped else 0))
    ax.set_xlabel(f"average conversions per campaign, {r.a} minus {r.b}; "
                  f"black line: the scenario as written, {base:,.4g}")
    more = len(r.keys) - n
    note = (f"; {more} with smaller effects not drawn" if more > 0 else "")
    flips = (f"{len(r.flips)} assumption{'s' if len(r.flips) != 1 else ''} alone can reverse "
             f"the ranking (red)" if r.flips else "no assumption alone reverses the ranking")
    if not show_zero:
        leader = r.a if base > 0 else r.b
        flips += f" ({leader} leads throughout; 0 is off the chart)"
    ax.set_title(f"What could change the answer: how many more conversions {r.a} gets "
                 f"than {r.b}\n"
                 f"each assumption at the low and the high end of its range, the others as "
                 f"in the scenario\n{flips}{note}", fontsize=9)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.4g}" if abs(v) < 1000
                                               else f"{v:,.0f}"))
    ax.grid(axis="x", alpha=0.3)
    # Below the axes, where it hides no bar.
    rect = legend_below(fig, ax, ends_key)
    return save(fig, out, f, src, rect)


def plot_sobol(f, out, src, output, top):
    """S1 and ST with their intervals, a panel per target, factors in the
    decision's order of ST."""
    r = Sensitivity(f)
    targets = r.targets(output)
    i_s1, i_st = r.stat("S1"), r.stat("ST")
    order = ranked(targets[0][2][:, i_st], top)
    n = len(order)
    fig, axes = panel_grid(len(targets), 6.2, max(2.8, 1.3 + 0.34 * n))
    y = np.arange(n)[::-1]
    clip_lo, clip_hi = -0.25, 1.25
    clipped = False
    for p, (ax, (title, _, ix)) in enumerate(zip(axes, targets)):
        for off, (name, i, c) in enumerate((("alone", i_s1, COLOURS[0]),
                                            ("with the others (total)", i_st, COLOURS[1]))):
            v, lo, hi = ix[order, i], ix[order, i + 1], ix[order, i + 2]
            ok = np.isfinite(v)
            yy = y + (0.2 if off == 0 else -0.2)
            ax.barh(yy[ok], np.clip(v[ok], clip_lo, clip_hi), height=0.38, color=c, label=name)
            has = ok & np.isfinite(lo) & np.isfinite(hi)
            if has.any():
                l, h = np.clip(lo[has], clip_lo, clip_hi), np.clip(hi[has], clip_lo, clip_hi)
                clipped |= bool(np.any(lo[has] < clip_lo) or np.any(hi[has] > clip_hi))
                vv = np.clip(v[has], clip_lo, clip_hi)
                ax.errorbar(vv, yy[has], xerr=[np.maximum(vv - l, 0), np.maximum(h - vv, 0)],
                            fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
        if not np.isfinite(ix[order, i_st]).any():
            ax.text(0.5, 0.5, "does not vary over the design", transform=ax.transAxes,
                    ha="center", va="center", fontsize=9, color="dimgray")
        ax.axvline(0, color="black", linewidth=0.8)
        # Each panel as wide as its indices and intervals need (0 to 0.5 at least).
        seen = ix[order][:, [i_s1, i_s1 + 1, i_s1 + 2, i_st, i_st + 1, i_st + 2]]
        seen = seen[np.isfinite(seen)]
        hi_x = float(np.clip(seen.max() + 0.05, 0.5, clip_hi)) if seen.size else 1.0
        lo_x = float(np.clip(seen.min() - 0.03, clip_lo, -0.05)) if seen.size else -0.05
        ax.set_xlim(lo_x, hi_x)
        ax.set_yticks(y)
        ax.set_yticklabels([r.factor_text(fi) for fi in order] if p % 2 == 0 else [],
                           fontsize=8)
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("share of the variation", fontsize=8)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    axes[0].errorbar([], [], xerr=[], fmt="none", ecolor="black", elinewidth=0.8, capsize=2,
                     label=f"{100 * r.confidence:.0f} % interval")
    rect = legend_below(fig, axes[0])
    pct = f"{100 * r.confidence:.0f} %"
    note = (f", cut at {100 * clip_lo:.0f} % and {100 * clip_hi:.0f} %" if clipped
            else "")
    fig.suptitle(f"Which assumptions explain the spread of the results\n"
                 f"the share of the variation each assumption explains, alone and with the "
                 f"others ({pct} intervals{note})\n{r.subtitle()}", fontsize=10)
    return save(fig, out, f, src, rect)


def place_labels(ax, points, labels):
    """Labels beside their points, overlapping neither each other nor the
    frame: the first free place of a few around the point, else one a little
    further off with a line back to it; a point with no free place gets a
    number, and the numbers are keyed in the upper left corner."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    near = [(6, 2, "left", "bottom"), (6, -2, "left", "top"), (-6, 2, "right", "bottom"),
            (-6, -2, "right", "top")]
    far = [(dx, dy, "left" if dx > 0 else "right", "center") for step in (1, 2, 3)
           for dy in (-12 * step, 12 * step) for dx in (16, -16, 40, -40)]
    placed, keyed = [], []
    for (x, y), label in zip(points, labels):
        box = None
        for n, (dx, dy, ha, va) in enumerate(near + far):
            arrow = {"arrowstyle": "-", "color": "grey", "lw": 0.6} if n >= len(near) else None
            t = ax.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points",
                            fontsize=7, ha=ha, va=va, arrowprops=arrow)
            b = t.get_window_extent(renderer).expanded(1.04, 1.15)
            if (frame.contains(b.x0, b.y0) and frame.contains(b.x1, b.y1)
                    and not any(b.overlaps(o) for o in placed)):
                box = b
                break
            t.remove()
        if box is not None:
            placed.append(box)
            continue
        keyed.append(label)
        ax.annotate(str(len(keyed)), (x, y), xytext=(3, 3), textcoords="offset points",
                    fontsize=7, fontweight="bold")
    if keyed:
        ax.text(0.02, 0.97, "\n".join(f"{i}: {k}" for i, k in enumerate(keyed, 1)),
                transform=ax.transAxes, ha="left", va="top", fontsize=7,
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "lightgrey"})


def plot_morris(f, out, src, output, top):
    """mu* against sigma per target, the mu* intervals, the top factors named."""
    r = Sensitivity(f)
    targets = r.targets(output)
    i_ms, i_sd = r.stat("mu_star"), r.stat("sigma")
    i_lo, i_hi = r.stat("mu_star_lo"), r.stat("mu_star_hi")
    fig, axes = panel_grid(len(targets), 6.4, 4.8)
    to_name = []
    for ax, (title, unit, ix) in zip(axes, targets):
        ms, sd = ix[:, i_ms], ix[:, i_sd]
        lo, hi = ix[:, i_lo], ix[:, i_hi]
        ok = np.isfinite(ms) & np.isfinite(sd)
        if not ok.any():
            ax.text(0.5, 0.5, "does not vary over the design", transform=ax.transAxes,
                    ha="center", va="center", fontsize=9, color="dimgray")
            ax.set_title(title, fontsize=9)
            continue
        err = np.isfinite(lo) & np.isfinite(hi) & ok
        ax.errorbar(ms[err], sd[err], xerr=[np.maximum(ms[err] - lo[err], 0),
                                            np.maximum(hi[err] - ms[err], 0)],
                    fmt="none", ecolor="grey", elinewidth=0.8, capsize=2)
        ax.scatter(ms[ok], sd[ok], s=18, color=COLOURS[0], zorder=3)
        top_ms = max(float(np.nanmax(ms[ok])), float(np.nanmax(hi[err])) if err.any() else 0)
        top_sd = float(np.nanmax(sd[ok]))
        lim = max(top_ms, top_sd) * 1.08 or 1.0
        ax.plot([0, lim], [0, lim], color="grey", linestyle="--", linewidth=0.8,
                label="above this line the effect depends on the other assumptions")
        ax.set_xlim(0, max(top_ms * 1.35, 1e-9))
        ax.set_ylim(0, max(top_sd * 1.15, top_ms * 0.1, 1e-9))
        named = [fi for fi in ranked(np.where(ok, ms, np.nan), min(top or 8, 8)) if ms[fi] > 0]
        named = sorted(named, key=lambda fi: -sd[fi])
        to_name.append((ax, [(ms[fi], sd[fi]) for fi in named], [r.labels[fi] for fi in named]))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(f"average effect over the assumption's range ({unit})", fontsize=8)
        ax.set_ylabel(f"how much the effect varies ({unit})", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    rect = legend_below(fig, axes[0])
    pct = f"{100 * r.confidence:.0f} %"
    fig.suptitle(f"Which assumptions matter most\n"
                 f"the average effect of each over its range (further right: larger) and how "
                 f"much it depends on the others (higher: more; {pct} intervals)\n"
                 f"{r.subtitle()}", fontsize=10)
    # The labels last, in the panels' final places, so that the frame they
    # must stay inside is the one drawn.
    fig.tight_layout(rect=rect)
    for ax, points, labels in to_name:
        place_labels(ax, points, labels)
    return save(fig, out, f, src, rect)


def plot_select(f, out, src):
    """The roster: each creator's mean cost against the conversions it brings
    hired alone, the plan's members marked."""
    g = f["select"]
    t = g["roster"]
    cost, conv, se = t["mean_cost"][()], t["mean_conversions"][()], t["conversions_se"][()]
    chosen = t["chosen"][()].astype(bool)
    handles = [text(h) for h in t["handle"][()]]
    sym = symbol(f)
    fig, ax = plt.subplots(figsize=(9, 5.8))
    ax.errorbar(cost[~chosen], conv[~chosen], yerr=se[~chosen], fmt="o", color="lightgrey",
                markersize=5, capsize=0, label="not in the plan", zorder=2)
    ax.errorbar(cost[chosen], conv[chosen], yerr=se[chosen], fmt="o", color=COLOURS[0],
                markersize=6, capsize=0, label="in the plan", zorder=3)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v, sym)))
    ax.set_xlabel(f"what hiring the creator costs on average ({sym.strip()}, log scale)")
    ax.set_ylabel("conversions the creator brings, hired alone")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    value, vse = float(g.attrs["value"]), float(g.attrs["se"])
    label = text(g.attrs.get("objective_long_name", "objective"))
    ax.set_title(f"Whom to hire for {money(float(g.attrs['budget']), sym)}: "
                 f"{int(chosen.sum())} of {len(chosen)} creators\n"
                 f"the plan's {label}: {value:,.3g} (± {vse:.2g} simulation noise); "
                 f"the plan's six largest named", fontsize=10)
    # The labels last, in the axes' final place (as the Morris figure's).
    fig.tight_layout(rect=(0, 0.25 / fig.get_figheight(), 1, 1))
    top = [i for i in np.argsort(-conv, kind="stable") if chosen[i]][:6]
    place_labels(ax, [(cost[i], conv[i]) for i in top], [handles[i] for i in top])
    return save(fig, out, f, src)


def plot_file(path, outdir, pair, sens_output="conversions_mean", top=15):
    base = os.path.join(outdir, os.path.splitext(os.path.basename(path))[0])
    written = []
    with h5py.File(path, "r") as f:
        if text(f.attrs.get("format", "")) != "influsim-results":
            raise ValueError("not an influsim results file")
        kind = text(f.attrs.get("kind", "run"))
        if kind == "sensitivity":
            method = text(f["sensitivity"].attrs["method"])
            if method == "tornado":
                written.append(plot_tornado(f, base + "-tornado.png", path, top))
            elif method == "sobol":
                written.append(plot_sobol(f, base + "-sobol.png", path, sens_output, top))
            elif method == "morris":
                written.append(plot_morris(f, base + "-morris.png", path, sens_output, top))
            else:
                raise ValueError(f"a sensitivity file of an unknown method {method!r}")
        elif kind == "sweep":
            axes = f["sweep"]["mean"].ndim - 2
            if axes == 1:
                written.append(plot_fan(f, base + "-sweep.png", path))
            else:
                written.append(plot_heatmap(f, base + "-heatmap.png", path, pair))
        elif kind == "select":
            written.append(plot_select(f, base + "-select.png", path))
        else:
            written.append(plot_conversions(f, base + "-conversions.png", path))
            strategies = names(f["strategy"])
            if all(has_metric(f, s, "profit") for s in strategies):
                written.append(plot_profit(f, base + "-profit.png", path))
            if kind == "optimize" and "optimize" in f:
                written.append(plot_objective(f, base + "-objective.png", path))
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", metavar="FILE.h5")
    ap.add_argument("-o", "--output-dir", default=".", help="folder for the PNGs (default .)")
    ap.add_argument("--pair", help="A,B: the strategies of a 2-D sweep's heat map")
    ap.add_argument("--sens-output", default="conversions_mean",
                    help="a sensitivity file's per-strategy output drawn beside the decision "
                         "(conversions_mean, conversions_q10, profit_mean, ltv_profit_mean)")
    ap.add_argument("--top", type=int, default=15,
                    help="a sensitivity file's factors drawn (default 15; 0: all)")
    args = ap.parse_args()
    pair = None
    if args.pair:
        pair = args.pair.split(",")
        if len(pair) != 2 or not all(pair):
            ap.error("--pair: write two strategy names, A,B")
    os.makedirs(args.output_dir, exist_ok=True)
    status = 0
    for path in args.files:
        try:
            plot_file(path, args.output_dir, pair, args.sens_output, args.top)
        except (OSError, KeyError, ValueError, IndexError) as e:
            print(f"plot.py: {path}: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
