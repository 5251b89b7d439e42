#!/usr/bin/python3
"""The README's figure: all-micro's advantage decomposed by claim.

    figure.py OUT

Reads OUT/claims-table.csv (table.py) and draws OUT/advantage-by-claim.png:
one horizontal bar per run, the share of all-micro's advantage in sales per
dollar that is lost when the claim is switched off (or moved to the
article's number, or to the stated assumption), with its standard error.
Bars beyond the axis are cut at its edge and labelled with their value.
Needs matplotlib (run with /usr/bin/python3).
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"off": "#b2182b", "article": "#2166ac", "assumption": "#5aae61"}
LABELS = {"off": "claim switched off (micro given macro's value)",
          "article": "the article's own number instead of the scenario's",
          "assumption": "\"easier to work with\" at a stated assumption"}
XMIN, XMAX = -0.4, 1.2


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    out = argv[1]
    with open(os.path.join(out, "claims-table.csv"), encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] != "base"]
    base_ratio = None
    with open(os.path.join(out, "claims-table.csv"), encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["kind"] == "base":
                base_ratio, trials = float(r["ratio"]), int(r["trials"])
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(rows) + 2.4))
    y = list(range(len(rows)))[::-1]
    for yi, r in zip(y, rows):
        v, e = float(r["advantage_lost"]), float(r["advantage_lost_se"])
        shown = min(max(v, XMIN), XMAX)
        ax.barh(yi, shown, color=COLOURS[r["kind"]], height=0.7,
                xerr=e if shown == v else None, capsize=2)
        text = f"{100 * v:+.0f} %".replace("-", "−") if abs(v) >= 0.005 else "0 %"
        if shown != v:  # cut at the axis: the value inside the bar
            ax.text(shown / 2, yi, text + " (cut)", va="center", ha="center", fontsize=8,
                    color="white")
            continue
        x = shown + (0.02 if shown >= 0 else -0.02)
        ax.text(x, yi, text, va="center", ha="left" if shown >= 0 else "right", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r['claim']}  [{r['id']}]" for r in rows], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.axvline(1, color="grey", lw=0.8, ls="--")
    ax.text(1.0, len(rows) - 0.3, "all of it:\nmicro = macro per $", fontsize=7,
            ha="center", va="bottom", color="grey")
    ax.set_xlim(XMIN - 0.12, XMAX + 0.12)
    ax.set_ylim(-0.8, len(rows) + 0.6)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of all-micro's advantage in sales per dollar that is lost\n"
                  "(on the log scale of the advantage; negative: the advantage grows)")
    fig.suptitle(f"What all-micro's {base_ratio:.0f}× more sales per dollar rests on:\n"
                 "mostly where the followers live and whether they care; little on price or trust",
                 fontsize=12)
    handles = [matplotlib.patches.Patch(color=c, label=LABELS[k]) for k, c in COLOURS.items()]
    ax.legend(handles=handles, loc="lower right", fontsize=7, frameon=True)
    fig.text(0.01, 0.005, f"French brand, $30,000, {trials:,} trials a run, the same trials in "
             "every run; experiments/article-claims", fontsize=7, color="grey")
    fig.tight_layout(rect=(0, 0.02, 1, 0.98))
    path = os.path.join(out, "advantage-by-claim.png")
    fig.savefig(path, dpi=130)
    print(path)


if __name__ == "__main__":
    main(sys.argv)
