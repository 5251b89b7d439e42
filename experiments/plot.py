#!/usr/bin/python3
"""Draws the figures that fit an influsim results file, as PNGs.

    /usr/bin/python3 experiments/plot.py FILE.h5 [FILE.h5 ...] [-o DIR] [--pair A,B]

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


def save(fig, path):
    fig.tight_layout()
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


def plot_file(path, outdir, pair):
    base = os.path.join(outdir, os.path.splitext(os.path.basename(path))[0])
    written = []
    with h5py.File(path, "r") as f:
        if text(f.attrs.get("format", "")) != "influsim-results":
            raise ValueError("not an influsim results file")
        kind = text(f.attrs.get("kind", "run"))
        if kind == "sweep":
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
            plot_file(path, args.output_dir, pair)
        except (OSError, KeyError, ValueError, IndexError) as e:
            print(f"plot.py: {path}: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
