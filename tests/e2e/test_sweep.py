#!/usr/bin/python3
"""End-to-end test of `influsim sweep`.

- A 1-D budget sweep of tests/scenarios/small.yaml: /sweep holds the grid as
  the `budget` dimension scale, and at every point every statistic (and every
  comparison) equals, number for number, a plain `influsim run` with
  --set budget=VALUE and the same seed; the same with --no-trials.
- A 2-D sweep: arrays over (key 1, key 2, strategy, metric), each dimension
  with its scale, the grid values as asked (log spacing included); the same
  numbers with 1 and 2 threads.
- Crossovers: on tests/scenarios/crossover.yaml, whose best strategy changes at
  a budget of exactly 10,000, one change by mean and one by median, in the grid
  bracket around 10,000, in /sweep/crossovers and on screen; none when there is
  none.
- The table: a column per strategy named in its head, each cell the mean
  conversions ± its standard error as in the file (rounded to two significant
  digits of the se), budgets as money in the scenario's currency, the best
  strategy last; with COLUMNS=60 the strategies split into blocks no wider
  than 60 characters, with the same cells; crossovers with money.
- `show` of a sweep's file prints the same table as the sweep did (1-D and
  2-D, unlimited and 60 columns wide); `show --metrics` of one exits 2.
- Bad --vary specifications and a grid point the scenario rejects: exit 2, a
  message, no file.

Usage: /usr/bin/python3 tests/e2e/test_sweep.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import fcntl
import math
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, short

C = Checks()
ARGS = None
STATS = ("mean", "sd", "se", "min", "max", "q01", "q05", "q10", "q25", "q50", "q75", "q90",
         "q95", "q99", "p_zero", "ratio_of_totals", "n")
COMPARISONS = ("p_greater", "p_tie", "mean_difference", "se_difference")


def influsim(*args, columns=None):
    """Runs influsim; COLUMNS set when columns is given, unset otherwise (so
    the table has no width limit: stdout is a pipe)."""
    env = {"COLUMNS": str(columns)} if columns else None
    drop = ("OMP_NUM_THREADS",) + (() if columns else ("COLUMNS",))
    return checks.run(ARGS.influsim, *args, timeout=600, env=env, drop=drop)


CELL = re.compile(r"(-?[0-9.]+|-|inf) ± ([0-9.]+|-)")


def table_part(stdout):
    """The table as `show` would print it: the sweep's output without the
    closing 'sweep written to' line (and the blank line before it)."""
    text = stdout.split("\nsweep written to ")[0]
    return text.rstrip("\n") + "\n"


def blocks(stdout):
    """The blocks of the table: for each, (head lines, row lines). A head
    starts after a blank line (or the title) and ends at the first row."""
    lines = table_part(stdout).split("\n")
    out, cur = [], None
    for line in lines[3:]:
        if line.startswith("where the best") or line.startswith("the best strategy"):
            break
        if not line.strip():
            cur = None
            continue
        if cur is None:
            cur = ([], [])
            out.append(cur)
        (cur[1] if CELL.search(line) else cur[0]).append(line)
    return out


def on_terminal(cols, *args):
    """Runs influsim with stdout on a pseudo-terminal `cols` wide (no
    COLUMNS): (exit status, what it printed there, newlines as \\n)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "OMP_NUM_THREADS")}
    proc = subprocess.Popen([ARGS.influsim, *args], stdout=slave, stderr=subprocess.DEVNULL,
                            env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    rc = proc.wait(timeout=600)
    return rc, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def money(v, currency):
    """infl_cli_format_money for whole amounts of 1,000 and more."""
    return f"{int(math.floor(v + 0.5)):,} {currency}"


def rounded_ok(text_mean, text_se, mean, se):
    """The printed mean and se are mean and se rounded to two significant
    digits of se."""
    if se <= 0:
        return float(text_se) == 0 and abs(float(text_mean) - mean) <= 1e-5 * max(1, abs(mean))
    digits = 1 - math.floor(math.log10(se))
    if round(se * 10**digits) >= 100:
        digits -= 1
    unit = 10.0 ** -digits
    decimals = len(text_se.split(".")[1]) if "." in text_se else 0
    return (decimals == max(digits, 0) and abs(float(text_se) - se) <= unit / 2 + 1e-12
            and abs(float(text_mean) - mean) <= unit / 2 + 1e-9 * max(1, abs(mean)))


def check_table(label, stdout, path, width=None):
    """The printed table against the file: heads, cells, money, widths."""
    with h5py.File(path, "r") as f:
        g = f["sweep"]
        strategies = list(g["strategy"].asstr()[:])
        metrics = list(g["metric"].asstr()[:])
        conv = metrics.index("conversions")
        mean, se = g["mean"][..., conv], g["se"][..., conv]
        budgets = g["budget"][:]
        currency = f.attrs["currency"]
    bl = blocks(stdout)
    heads = [" ".join(h) for h, _ in bl]
    named = all(any(name in h.split() for h in heads) for name in strategies)
    C.check(f"{label}: every strategy names a column", named, short(stdout))
    C.check(f"{label}: the columns come after the axis, best last",
            bl and bl[0][0] and bl[0][0][-1].split()[0] == "budget"
            and bl[0][0][-1].split()[-1] == "best", short(stdout))
    # Cells: block by block, row r, column c -> strategy.
    order, cells_ok, rows_ok = [], True, True
    for head, rows in bl:
        names = [w for w in head[-1].split() if w in strategies]
        order += names
        rows_ok = rows_ok and len(rows) == mean.size // len(strategies)
        for r, row in enumerate(rows):
            found = CELL.findall(row)
            if len(found) != len(names):
                cells_ok = False
                continue
            for (m, e), name in zip(found, names):
                s = strategies.index(name)
                idx = np.unravel_index(r, mean.shape[:-1]) + (s,)
                cells_ok = cells_ok and rounded_ok(m, e, float(mean[idx]), float(se[idx]))
    C.check(f"{label}: a row per point in every block", rows_ok, short(stdout))
    C.check(f"{label}: each strategy once, in the file's order", order == strategies,
            f"{order} vs {strategies}")
    C.check(f"{label}: each cell is the mean ± its se, rounded to two digits of the se",
            cells_ok, short(stdout))
    if mean.ndim == 2:
        want = [money(b, currency) for b in budgets]
        got = [re.match(r"\s*(\S+ \S+)", row).group(1) for row in bl[0][1]]
        C.check(f"{label}: budgets as money ({want[0]}, ...)", got == want, f"{got} vs {want}")
    if width:
        lines = table_part(stdout).split("\n")
        wide = [l for h, rows in bl for l in h + rows if len(l) > width]
        C.check(f"{label}: split into {len(bl)} blocks, none wider than {width}",
                len(bl) > 1 and not wide, "; ".join(wide[:2]) or str(len(bl)))


def same(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def point_equals_run(tmp, sweep_file, small, extra, label):
    with h5py.File(sweep_file, "r") as f:
        g = f["sweep"]
        budgets = g["budget"][:]
        metrics = list(g["metric"].asstr()[:])
        strategies = list(g["strategy"].asstr()[:])
        bad = []
        for i, b in enumerate(budgets):
            out = os.path.join(tmp, f"{label}-{i}.h5")
            r = influsim("run", small, "-q", "--trials", "400", "--set", f"budget={b!r}",
                         "-o", out, *extra)
            if r.returncode != 0:
                bad.append(f"run at {b}: {short(r.stderr)}")
                continue
            with h5py.File(out, "r") as run:
                for s_i, s in enumerate(strategies):
                    summ = run[f"strategies/{s}/summary"]
                    order = [list(summ["metric"].asstr()[:]).index(m) for m in metrics]
                    for stat in STATS:
                        if not same(g[stat][i, s_i, :], summ[stat][:][order]):
                            bad.append(f"{stat} of {s} at budget {b}")
                for cmp in COMPARISONS:
                    if not same(g[cmp][i], run[f"comparisons/{cmp}"][:]):
                        bad.append(f"{cmp} at budget {b}")
        C.check(f"{label}: every point equals a plain run with that budget, number for number",
                not bad and len(budgets) == 3, "; ".join(bad[:5]))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    small = os.path.join(ARGS.source_dir, "tests", "scenarios", "small.yaml")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-sweep-") as tmp:
        for label, extra in (("kept", []), ("no-trials", ["--no-trials"])):
            out = os.path.join(tmp, f"sweep-{label}.h5")
            r = influsim("sweep", small, "--vary", "budget=2000:20000:3:log", "--trials", "400",
                         "-o", out, *extra)
            if C.check(f"{label}: sweep exits 0 and prints a row per point",
                       r.returncode == 0 and r.stdout.count("\n") >= 5, short(r.stderr)):
                with h5py.File(out, "r") as f:
                    g = f["sweep"]
                    C.check(f"{label}: log grid 2000, 6324.6, 20000",
                            np.allclose(g["budget"][:], [2000, 2000 * 10**0.5, 20000],
                                        rtol=1e-12) and g["budget"].attrs["spacing"] == "log")
                    C.check(f"{label}: mean has dims (budget, strategy, metric)",
                            [d[0].name for d in g["mean"].dims] ==
                            ["/sweep/budget", "/sweep/strategy", "/sweep/metric"],
                            str([d[0].name for d in g["mean"].dims]))
                    C.check(f"{label}: file complete, kind sweep",
                            bool(f.attrs["complete"]) and f.attrs["kind"] == "sweep")
                point_equals_run(tmp, out, small, extra, label)
                if r.returncode == 0:
                    check_table(f"{label}: the table", r.stdout, out)
                    s = influsim("show", out)
                    C.check(f"{label}: show prints the table the sweep printed",
                            s.returncode == 0 and s.stdout == table_part(r.stdout),
                            short(s.stdout + s.stderr))
        # A terminal of 60 columns: the four strategies in blocks, the same
        # cells; show at the same width prints the same.
        out = os.path.join(tmp, "sweep-narrow.h5")
        r = influsim("sweep", small, "--vary", "budget=2000:20000:3:log", "--trials", "400",
                     "-o", out, columns=60)
        if C.check("COLUMNS=60: sweep exits 0", r.returncode == 0, short(r.stderr)):
            check_table("COLUMNS=60", r.stdout, out, width=60)
            C.check("COLUMNS=60: each block says which strategies it holds",
                    "of 4 (the others below)" in r.stdout, short(r.stdout))
            s = influsim("show", out, columns=60)
            C.check("COLUMNS=60: show prints the same blocks",
                    s.returncode == 0 and s.stdout == table_part(r.stdout),
                    short(s.stdout + s.stderr))
            wide = influsim("show", out)
            C.check("no COLUMNS and not a terminal: one block",
                    wide.returncode == 0 and len(blocks(wide.stdout)) == 1, short(wide.stdout))
            rc, text = on_terminal(60, "show", out)
            C.check("a terminal 60 wide (its size, no COLUMNS): the same blocks as COLUMNS=60",
                    rc == 0 and text == table_part(r.stdout), short(text))

        outs = []
        for t in ("1", "2"):
            out = os.path.join(tmp, f"grid-{t}.h5")
            r = influsim("sweep", small, "--vary", "budget=3000:9000:3",
                         "--vary", "tiers.macro.price_per_1k_followers=6:18:2",
                         "--trials", "300", "-t", t, "-q", "-o", out)
            C.check(f"2-D sweep, {t} thread(s): exit 0", r.returncode == 0, short(r.stderr))
            outs.append(out)
        if all(os.path.exists(o) for o in outs):
            with h5py.File(outs[0], "r") as a, h5py.File(outs[1], "r") as b:
                g = a["sweep"]
                dims = [d[0].name for d in g["mean"].dims]
                C.check("2-D: dims (budget, tiers_macro_price_per_1k_followers, strategy, metric)",
                        dims == ["/sweep/budget", "/sweep/tiers_macro_price_per_1k_followers",
                                 "/sweep/strategy", "/sweep/metric"], str(dims))
                C.check("2-D: shape 3 x 2 x strategies x metrics",
                        g["mean"].shape[:2] == (3, 2), str(g["mean"].shape))
                C.check("2-D: the key is recorded on its scale",
                        g["tiers_macro_price_per_1k_followers"].attrs["key"] ==
                        "tiers.macro.price_per_1k_followers")
                C.check("2-D: linear grid values", np.array_equal(g["budget"][:], [3000, 6000, 9000]))
                diff = [k for k in g if isinstance(g[k], h5py.Dataset) and g[k].dtype.kind == "f"
                        and not same(g[k][()], b["sweep"][k][()])]
                C.check("2-D: the same numbers with 1 and 2 threads", not diff, str(diff))
            r = influsim("show", outs[0])
            C.check("show of a 2-D sweep: exit 0, a row per point",
                    r.returncode == 0 and len(blocks(r.stdout)) == 1
                    and len(blocks(r.stdout)[0][1]) == 6, short(r.stdout + r.stderr))
            if r.returncode == 0:
                check_table("show of a 2-D sweep", r.stdout, outs[0])
                C.check("show of a 2-D sweep: the second axis as money",
                        "tiers.macro." in r.stdout and " 6 EUR " in r.stdout
                        and " 18 EUR " in r.stdout, short(r.stdout))
            r = influsim("show", outs[0], "--metrics")
            C.check("show --metrics of a sweep: exit 2, says where the metrics are",
                    r.returncode == 2 and "/sweep" in r.stderr, short(r.stderr))
            # The same 2-D table printed by the sweep and by show.
            out2 = os.path.join(tmp, "grid-shown.h5")
            r = influsim("sweep", small, "--vary", "budget=3000:9000:3",
                         "--vary", "tiers.macro.price_per_1k_followers=6:18:2",
                         "--trials", "300", "-o", out2, columns=60)
            s = influsim("show", out2, columns=60)
            C.check("2-D, 60 columns: show prints the table the sweep printed",
                    r.returncode == 0 and s.returncode == 0
                    and s.stdout == table_part(r.stdout), short(s.stdout) + " / " + short(r.stdout))

        # A key that is not money: plain numbers.
        out = os.path.join(tmp, "reach.h5")
        r = influsim("sweep", small, "--vary", "tiers.micro.reach_rate=0.2:0.4:3", "-n", "100",
                     "-o", out)
        rows = blocks(r.stdout)[0][1] if r.returncode == 0 and blocks(r.stdout) else []
        C.check("a key that is not money (a rate): its values as plain numbers",
                [row.split()[0] for row in rows] == ["0.2", "0.3", "0.4"]
                and "EUR" not in "".join(rows), short(r.stdout + r.stderr))

        # The crossover scenario: the best strategy changes at a budget of
        # exactly 10,000 (see tests/scenarios/crossover.yaml).
        cross = os.path.join(ARGS.source_dir, "tests", "scenarios", "crossover.yaml")
        for grid, bracket in (("5000:15000:6", (9000, 11000)), ("9000:11000:3", (9000, 10000))):
            out = os.path.join(tmp, f"cross-{grid.replace(':', '-')}.h5")
            r = influsim("sweep", cross, "--vary", f"budget={grid}", "-o", out)
            ok = r.returncode == 0
            if ok:
                with h5py.File(out, "r") as f:
                    g = f["sweep/crossovers"]
                    rows = list(zip(g["by"].asstr()[:], g["lower"][:], g["upper"][:],
                                    g["from_strategy"].asstr()[:], g["to_strategy"].asstr()[:]))
                want = [(by, *bracket, "small-only", "big-only") for by in ("mean", "median")]
                lo, hi = (money(b, "USD") for b in bracket)
                ok = (rows == want and f"between budget {lo} and {hi}: small-only -> big-only"
                      in r.stdout and f"at {hi}; P(small-only > big-only)" in r.stdout)
                s = influsim("show", out)
                ok = ok and s.returncode == 0 and s.stdout == table_part(r.stdout)
            C.check(f"crossover over {grid}: once by mean and once by median, in "
                    f"[{bracket[0]}, {bracket[1]}], small-only -> big-only, budgets as money, "
                    f"the same from show",
                    ok, f"{short(r.stdout + r.stderr)}")
        out = os.path.join(tmp, "cross-none.h5")
        r = influsim("sweep", cross, "--vary", "budget=12000:30000:3", "-o", out)
        with h5py.File(out, "r") as f:
            empty = f["sweep/crossovers/lower"].shape == (0,)
        C.check("no change along the grid: 'nowhere', an empty crossovers table",
                r.returncode == 0 and "nowhere" in r.stdout and empty, short(r.stdout))

        nofile = os.path.join(tmp, "none.h5")
        for spec, words in (("budget", "KEY=FROM:TO:POINTS"), ("budget=1:2", "KEY=FROM:TO"),
                            ("budget=1:2:0", "POINTS"), ("budget=0:10:3:log", "log"),
                            ("budget=1:2:3:lin", "log"), ("=1:2:3", "KEY")):
            r = influsim("sweep", small, "--vary", spec, "-o", nofile)
            C.check(f"--vary {spec}: exit 2 with a message",
                    r.returncode == 2 and words in r.stderr and not os.path.exists(nofile),
                    f"rc {r.returncode} {short(r.stderr)}")
        r = influsim("sweep", small, "--vary", "budget=-100:100:3", "-n", "100", "-o", nofile)
        C.check("a grid point the scenario rejects: exit 2, names the point, no file",
                r.returncode == 2 and "budget=-100" in r.stderr and not os.path.exists(nofile),
                f"rc {r.returncode} {short(r.stderr)}")
        r = influsim("sweep", small, "-o", nofile)
        C.check("no --vary: exit 2", r.returncode == 2 and "--vary" in r.stderr, short(r.stderr))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
