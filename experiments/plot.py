#!/usr/bin/python3
"""Draws the figures that fit an influsim results file, as PNGs.

    /usr/bin/python3 experiments/plot.py FILE.h5 [FILE.h5 ...] [-o DIR] [--pair A,B]
                                         [--sens-output OUTPUT] [--top N]

(Debian's python3-matplotlib and python3-h5py, hence /usr/bin/python3.)

  run or optimize file   NAME-conversions.png   the distribution of conversions per
                                                strategy (violins from the trials, or
                                                the summary's quantiles for --no-trials),
                                                median and 5-95 % band marked
  1-D sweep              NAME-sweep.png         fan chart: median conversions and the
                                                5-95 % band per strategy along the
                                                swept key, crossovers marked
  2-D sweep              NAME-heatmap.png       P(A converts more than B) over the grid
                                                (A, B: --pair, default the first two
                                                strategies), the 50 % contour marked
  optimize file          NAME-objective.png     the objective over the splits searched,
                                                with Monte Carlo errors, the optimum and
                                                the range the profile calls flat
  sensitivity file       NAME-tornado.png       (tornado) the compared pair's difference
                                                in mean conversions with each factor at
                                                the low and the high end of its range,
                                                bars around the base value, sorted by
                                                swing, where the ranking flips marked
                         NAME-sobol.png         (sobol) first-order S1 and total ST
                                                indices with their bootstrap intervals:
                                                a panel for the decision and one per
                                                strategy's OUTPUT (--sens-output, default
                                                conversions_mean)
                         NAME-morris.png        (morris) mu* against sigma with the mu*
                                                intervals, the top factors labelled: the
                                                same panels
  (--top N: the factors drawn, default 15, the largest by the method's index)

NAME is the file's name without .h5. Prints each PNG written; exit 1 if a file
cannot be read as an influsim file, 2 on a bad command line.
"""
import argparse
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
import numpy as np  # noqa: E402

COLOURS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def names(ds):
    return [text(x) for x in ds[()]]


def scenario_title(f):
    name = text(f.attrs.get("scenario_name", "?"))
    # A sweep file's trials_done is 0 (it holds no run of its own): use trials.
    trials = int(f.attrs.get("trials_done", 0)) or int(f.attrs.get("trials", 0))
    seed = int(f.attrs.get("seed", 0))
    return f"{name} ({trials:,} trials, seed {seed})"


def metric_row(f, strategy, metric):
    """The summary row of one metric of one strategy: {statistic: value}."""
    g = f[f"strategies/{strategy}/summary"]
    i = names(g["metric"]).index(metric)
    return {k: g[k][i] for k in g if isinstance(g[k], h5py.Dataset) and g[k].shape
            and g[k].shape[0] == g["metric"].shape[0] and k != "metric"}


def save(fig, path, rect=None):
    fig.tight_layout(rect=rect)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(path)
    return path


def plot_conversions(f, out):
    """Violins of conversions per strategy, median and 5-95 % band marked."""
    strategies = names(f["strategy"])
    kept = bool(f.attrs.get("trials_kept", True))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(strategies) + 2), 4.8))
    pos = np.arange(1, len(strategies) + 1)
    if kept:
        data = [f[f"strategies/{s}/trials/conversions"][()].astype(float) for s in strategies]
        # A violin needs spread; a constant column is drawn as its line alone.
        spread = [i for i, d in enumerate(data) if d.size and d.max() > d.min()]
        if spread:
            parts = ax.violinplot([data[i] for i in spread], positions=pos[spread],
                                  showextrema=False, widths=0.8)
            for j, body in enumerate(parts["bodies"]):
                body.set_facecolor(COLOURS[spread[j] % len(COLOURS)])
                body.set_alpha(0.45)
        q05 = [np.quantile(d, 0.05) for d in data]
        q50 = [np.quantile(d, 0.50) for d in data]
        q95 = [np.quantile(d, 0.95) for d in data]
        source = "violins: the trials' distribution"
    else:
        rows = [metric_row(f, s, "conversions") for s in strategies]
        q05 = [r["q05"] for r in rows]
        q50 = [r["q50"] for r in rows]
        q95 = [r["q95"] for r in rows]
        source = "from the summary (a --no-trials file keeps no trials)"
    ax.vlines(pos, q05, q95, colors="black", linewidth=3, label="5-95 % of campaigns")
    ax.scatter(pos, q50, color="white", edgecolor="black", zorder=3, s=40, label="median")
    for x, lo, mid, hi in zip(pos, q05, q50, q95):
        ax.annotate(f"{mid:,.0f}", (x, mid), textcoords="offset points", xytext=(8, -3),
                    fontsize=8)
    ax.set_xticks(pos)
    ax.set_xticklabels(strategies, rotation=20 if len(strategies) > 4 else 0, ha="right"
                       if len(strategies) > 4 else "center")
    ax.set_xlabel("strategy")
    ax.set_ylabel("conversions per campaign (purchases)")
    ax.set_title(f"Conversions per campaign: {scenario_title(f)}\n{source}", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    ax.set_ylim(bottom=0)
    return save(fig, out)


def axis_label(scale):
    key = text(scale.attrs.get("key", scale.name.rsplit("/", 1)[-1]))
    return key


def plot_fan(f, out):
    """Median conversions and the 5-95 % band per strategy along a 1-D sweep."""
    g = f["sweep"]
    strategies = names(g["strategy"])
    metric = names(g["metric"]).index("conversions")
    axis = g["mean"].dims[0][0]
    x = axis[()]
    fig, ax = plt.subplots(figsize=(8, 5))
    for s, name in enumerate(strategies):
        c = COLOURS[s % len(COLOURS)]
        ax.fill_between(x, g["q05"][:, s, metric], g["q95"][:, s, metric], color=c, alpha=0.2,
                        linewidth=0)
        ax.plot(x, g["q50"][:, s, metric], color=c, marker="o", markersize=3,
                label=f"{name}: median, 5-95 % band")
    if text(axis.attrs.get("spacing", "linear")) == "log":
        ax.set_xscale("log")
        # Over decades of budget the conversions span decades too; symlog
        # keeps zero (a tier that cannot yet afford a post) on the chart.
        ax.set_yscale("symlog", linthresh=1)
    if "crossovers" in g:
        cr = g["crossovers"]
        for i in range(cr["lower"].shape[0]):
            by = text(cr["by"][i])
            lo, hi = cr["lower"][i], cr["upper"][i]
            mid = np.sqrt(lo * hi) if ax.get_xscale() == "log" else 0.5 * (lo + hi)
            ax.axvspan(lo, hi, color="grey", alpha=0.15 if by == "mean" else 0.08)
            ax.axvline(mid, color="black", linestyle="--" if by == "mean" else ":",
                       linewidth=1)
            ax.annotate(f"best by {by}: {text(cr['from_strategy'][i])} → "
                        f"{text(cr['to_strategy'][i])}\nbetween {lo:,.4g} and {hi:,.4g}",
                        (mid, 0.97 - 0.1 * i), xycoords=("data", "axes fraction"), fontsize=8,
                        ha="left", va="top", xytext=(4, 0), textcoords="offset points")
    key = axis_label(axis)
    unit = f" ({text(f.attrs.get('currency', ''))})" if key == "budget" else ""
    ax.set_xlabel(f"{key}{unit}")
    ax.set_ylabel("conversions per campaign (purchases)")
    ax.set_title(f"Conversions along the sweep of {key}: {scenario_title(f)}", fontsize=10)
    ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * (3 if ax.get_yscale() == "symlog" else 1.15))
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return save(fig, out)


def plot_heatmap(f, out, pair):
    """P(A converts more than B) over a 2-D sweep."""
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
    p = g["p_greater"][:, :, ia, ib]
    ax0, ax1 = g["p_greater"].dims[0][0], g["p_greater"].dims[1][0]
    x, y = ax0[()], ax1[()]
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    mesh = ax.pcolormesh(y, x, p, cmap="RdBu", vmin=0, vmax=1, shading="nearest")
    if p.min() < 0.5 < p.max():
        ax.contour(y, x, p, levels=[0.5], colors="black", linewidths=1.2)
    for axis, setter in ((ax0, ax.set_yscale), (ax1, ax.set_xscale)):
        if text(axis.attrs.get("spacing", "linear")) == "log":
            setter("log")
    cb = fig.colorbar(mesh, ax=ax)
    cb.set_label(f"P({strategies[ia]} converts more than {strategies[ib]})")
    ax.set_xlabel(axis_label(ax1))
    ax.set_ylabel(axis_label(ax0))
    ax.set_title(f"P({strategies[ia]} beats {strategies[ib]}), same trials; "
                 f"black: 50 %\n{scenario_title(f)}", fontsize=10)
    return save(fig, out)


def plot_objective(f, out):
    """The optimiser's objective over the splits it searched."""
    g = f["optimize"]
    tiers = names(g["tier"])
    shares, value, se, stage = g["shares"][()], g["value"][()], g["se"][()], g["stage"][()]
    label = text(g.attrs["objective_long_name"])
    units = text(g.attrs["objective_units"])
    opt = g["optimum"][()]
    best = float(g.attrs["value"])
    fig, ax = plt.subplots(figsize=(8, 5))
    if len(tiers) == 2:
        styles = ((0, "first grid", "o"), (1, "minimiser", "s"), (2, "profile", "^"))
        order = np.argsort(shares[:, 0])
        ax.plot(shares[order, 0], value[order], color="grey", linewidth=0.8, zorder=1)
        for st, name, marker in styles:
            m = stage == st
            if m.any():
                ax.errorbar(shares[m, 0], value[m], yerr=se[m], fmt=marker, markersize=4,
                            capsize=2, label=name, zorder=2)
        lo, hi = g["flat_low"][0], g["flat_high"][0]
        ax.axvspan(lo, hi, color="green", alpha=0.15,
                   label=f"within 2 s.e. of the optimum ({lo:.2f}-{hi:.2f})")
        ax.axvline(opt[0], color="green", linewidth=1)
        ax.set_xlabel(f"share of the budget on {tiers[0]} (the rest on {tiers[1]})")
        ax.set_xlim(-0.02, 1.02)
    else:
        # More tiers: the profile, one line per tier.
        steps = g["step"][()]
        diff, dse = g["difference"][()], g["difference_se"][()]
        for t, name in enumerate(names(g["profile_tier"])):
            ok = ~np.isnan(diff[t])
            ax.errorbar(steps[ok], best + diff[t][ok], yerr=dse[t][ok], marker="o", markersize=4,
                        capsize=2, label=f"{name} ({opt[t]:.2f} at the optimum)")
        ax.axvline(0, color="green", linewidth=1)
        ax.set_xlabel("change of one tier's share from the optimum (the others rescaled)")
    ax.set_ylabel(f"{label} ({units})")
    where = ", ".join(f"{n} {s:.3f}" for n, s in zip(tiers, opt))
    ax.set_title(f"Best split by {label}: {scenario_title(f)}\n"
                 f"optimum ({text(g.attrs['method'])}): {where}; "
                 f"{best:,.4g} ± {float(g.attrs['se']):.2g}", fontsize=9)
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return save(fig, out)


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
        return (f"{self.name}: {self.method} of {k} factor{'s' if k != 1 else ''}, "
                f"{self.runs:,} runs of {self.trials:,} trials (seed {self.seed})")

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
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8,
               frameon=False)
    return (0, 0.35 / fig.get_figheight(), 1, 1)


def panel_grid(n, width, height):
    cols = 1 if n == 1 else 2
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def plot_tornado(f, out, top):
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
    ends_key = [Patch(color=lo_c, label="factor at the low end of its range"),
                Patch(color=hi_c, label="factor at the high end of its range")]
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
    ax.set_xlabel(f"mean conversions of {r.a} minus {r.b} per campaign (purchases); "
                  f"black: at base, {base:,.4g}")
    more = len(r.keys) - n
    note = f"; {more} smaller factor{'s' if more != 1 else ''} not drawn" if more > 0 else ""
    flips = (f"{len(r.flips)} flip{'s' if len(r.flips) != 1 else ''} of the ranking (red)"
             if r.flips else "no factor alone flips the ranking")
    if not show_zero:
        leader = r.a if base > 0 else r.b
        flips += f" ({leader} leads throughout; 0 is off the chart)"
    ax.set_title(f"What moves the decision: mean conversions of {r.a} minus {r.b}\n"
                 f"each factor at the low and the high end of its range, the others at base\n"
                 f"{flips}{note}\n{r.subtitle()}", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    # Below the axes, where it hides no bar.
    rect = legend_below(fig, ax, ends_key)
    return save(fig, out, rect)


def plot_sobol(f, out, output, top):
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
        for off, (name, i, c) in enumerate((("first-order S1 (alone)", i_s1, COLOURS[0]),
                                            ("total ST (with interactions)", i_st, COLOURS[1]))):
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
        ax.set_xlabel("share of the output's variance", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    axes[0].errorbar([], [], xerr=[], fmt="none", ecolor="black", elinewidth=0.8, capsize=2,
                     label=f"{100 * r.confidence:.0f} % bootstrap interval")
    rect = legend_below(fig, axes[0])
    pct = f"{100 * r.confidence:.0f} %"
    note = f", intervals cut at {clip_lo} and {clip_hi}" if clipped else ""
    fig.suptitle(f"Sobol indices with {pct} bootstrap intervals ({r.bootstrap:,} replicates, "
                 f"N = {r.samples:,}{note}); factors by the decision's ST\n{r.subtitle()}",
                 fontsize=10)
    return save(fig, out, rect)


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


def plot_morris(f, out, output, top):
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
                label="σ = μ*: the effect changes with the other factors")
        ax.set_xlim(0, max(top_ms * 1.35, 1e-9))
        ax.set_ylim(0, max(top_sd * 1.15, top_ms * 0.1, 1e-9))
        named = [fi for fi in ranked(np.where(ok, ms, np.nan), min(top or 8, 8)) if ms[fi] > 0]
        named = sorted(named, key=lambda fi: -sd[fi])
        to_name.append((ax, [(ms[fi], sd[fi]) for fi in named], [r.labels[fi] for fi in named]))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(f"μ*: mean |effect| per full range of the factor ({unit})", fontsize=8)
        ax.set_ylabel(f"σ: spread of the effect ({unit})", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    rect = legend_below(fig, axes[0])
    pct = f"{100 * r.confidence:.0f} %"
    fig.suptitle(f"Morris screening: elementary effects on {r.samples} trajectories, μ* with "
                 f"{pct} bootstrap intervals; the largest μ* named\n{r.subtitle()}", fontsize=10)
    # The labels last, in the panels' final places, so that the frame they
    # must stay inside is the one drawn.
    fig.tight_layout(rect=rect)
    for ax, points, labels in to_name:
        place_labels(ax, points, labels)
    return save(fig, out, rect)


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
                written.append(plot_tornado(f, base + "-tornado.png", top))
            elif method == "sobol":
                written.append(plot_sobol(f, base + "-sobol.png", sens_output, top))
            elif method == "morris":
                written.append(plot_morris(f, base + "-morris.png", sens_output, top))
            else:
                raise ValueError(f"a sensitivity file of an unknown method {method!r}")
        elif kind == "sweep":
            axes = f["sweep"]["mean"].ndim - 2
            if axes == 1:
                written.append(plot_fan(f, base + "-sweep.png"))
            else:
                written.append(plot_heatmap(f, base + "-heatmap.png", pair))
        else:
            written.append(plot_conversions(f, base + "-conversions.png"))
            if kind == "optimize" and "optimize" in f:
                written.append(plot_objective(f, base + "-objective.png"))
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
