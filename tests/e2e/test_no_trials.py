#!/usr/bin/python3
"""End-to-end test of `run --no-trials` (streaming summaries).

The same scenario and seed are run with and without --no-trials:
- the --no-trials file holds no per-trial datasets, says trials_kept = false
  and names its quantile method;
- its summaries agree with the exact ones from the kept trials: counts,
  missing, min, max, P(0) and the comparisons' P(A > B) and P(A = B) exactly;
  mean, sd, se, ratio of totals and mean differences to 1e-9 relative;
  quantiles exactly for integer metrics below 2048, otherwise within half a
  histogram bucket (2^-11 relative) of the order statistics they interpolate;
- it is bit-identical for 1, 2 and 3 threads;
- its peak memory does not grow with the number of trials (20x the trials
  costs less than 4 MiB more), while a run that keeps the trials grows by
  at least what the trials take.

Usage: /usr/bin/python3 tests/e2e/test_no_trials.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import re
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, datasets, same, short

C = Checks()
ARGS = None
TIMINGS = re.compile(r"peak memory ([\d.]+) MiB")


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=300, drop=("OMP_NUM_THREADS",))


def close(a, b, rel):
    a, b = np.asarray(a, float), np.asarray(b, float)
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore"):
        ok = np.abs(a - b) <= rel * np.maximum(np.abs(a), np.abs(b)) + 1e-300
    return bool(np.all(both_nan | ok))


def compare_summaries(kept, streamed):
    fk, fs = h5py.File(kept, "r"), h5py.File(streamed, "r")
    C.check("no-trials: no /trials group", "trials" not in fs and "trial" not in fs)
    C.check("no-trials: trials_kept is false", not bool(fs.attrs["trials_kept"]))
    C.check("kept: trials_kept is true", bool(fk.attrs["trials_kept"]))
    C.check("no-trials: quantile method named",
            "histogram" in str(fs.attrs["quantile_method"]) and
            "exact" in str(fk.attrs["quantile_method"]))
    levels = fk.attrs["quantile_levels"]
    for s in fk["strategy"].asstr()[:]:
        C.check(f"{s}: no per-trial datasets", "trials" not in fs[f"strategies/{s}"])
        sk, ss = fk[f"strategies/{s}/summary"], fs[f"strategies/{s}/summary"]
        names = sk["metric"].asstr()[:]
        C.check(f"{s}: same metrics", list(names) == list(ss["metric"].asstr()[:]))
        for col in ("n", "n_missing", "min", "max", "p_zero"):
            C.check(f"{s}: {col} exact", same(sk[col][:], ss[col][:]),
                    f"{sk[col][:]} vs {ss[col][:]}")
        for col in ("mean", "sd", "se", "ratio_of_totals"):
            C.check(f"{s}: {col} to 1e-9", close(sk[col][:], ss[col][:], 1e-9),
                    f"{sk[col][:]} vs {ss[col][:]}")
        for i, name in enumerate(names):
            data = fk[f"strategies/{s}/trials/{name}"][:].astype(float)
            data = np.sort(data[~np.isnan(data)])
            n = len(data)
            if n == 0:
                continue
            integer = fk[f"strategies/{s}/trials/{name}"].dtype.kind in "iu"
            bad = []
            for j, f in enumerate(levels):
                col = f"q{round(100 * f):02d}"
                exact, got = sk[col][i], ss[col][i]
                index = f * (n - 1)
                lo, hi = data[int(index)], data[min(int(index) + 1, n - 1)]
                if integer and data[-1] < 2048:
                    ok = exact == got
                else:
                    ok = abs(exact - got) <= 2.0 ** -11 * (abs(lo) + abs(hi))
                if not ok:
                    bad.append(f"{col}: exact {exact!r}, histogram {got!r}")
            kind = "exact" if integer and data[-1] < 2048 else "within 2^-11"
            C.check(f"{s}: {name} quantiles {kind}", not bad, "; ".join(bad))
    ck, cs = fk["comparisons"], fs["comparisons"]
    for col in ("p_greater", "p_tie"):
        C.check(f"comparisons {col} exact", same(ck[col][:], cs[col][:]))
    for col in ("mean_difference", "se_difference"):
        C.check(f"comparisons {col} to 1e-9", close(ck[col][:], cs[col][:], 1e-9))


def peak(args):
    p = influsim("run", *args, "--quiet", "--timings", "--force")
    if not C.check(f"run {' '.join(args[-4:])} exits 0", p.returncode == 0, short(p.stderr)):
        return float("nan")
    m = TIMINGS.search(p.stderr)
    return float(m.group(1)) if m else float("nan")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    small = os.path.join(ARGS.source_dir, "tests", "scenarios", "small.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        kept, streamed = os.path.join(tmp, "kept.h5"), os.path.join(tmp, "streamed.h5")
        for scenario, extra in ((small, []), (None, ["--trials", "3000"])):
            label = "small" if scenario else "default"
            args = ([scenario] if scenario else []) + extra
            p1 = influsim("run", *args, "-o", kept, "--quiet")
            p2 = influsim("run", *args, "-o", streamed, "--quiet", "--no-trials")
            if C.check(f"{label}: both runs exit 0", p1.returncode == 0 and p2.returncode == 0,
                       short(p1.stderr + p2.stderr)):
                compare_summaries(kept, streamed)
            os.remove(kept)
            os.remove(streamed)

        files = []
        for t in (1, 2, 3):
            out = os.path.join(tmp, f"t{t}.h5")
            p = influsim("run", small, "--no-trials", "--threads", str(t), "-o", out, "--quiet")
            C.check(f"--no-trials --threads {t} exits 0", p.returncode == 0, short(p.stderr))
            files.append(datasets(out))
        diff = [k for k in files[0] if any(not same(files[0][k], f[k]) for f in files[1:])]
        C.check("--no-trials: datasets bit-identical for 1, 2 and 3 threads",
                not diff and len(files[0]) > 10, ", ".join(diff))

        out = os.path.join(tmp, "m.h5")
        if checks.sanitized(ARGS.influsim):
            # A sanitizer's quarantine keeps freed memory: peaks say nothing.
            print("SKIP memory checks: the binary is built with a sanitizer")
            return C.finish()
        few = peak([small, "-o", out, "--no-trials", "--trials", "3000"])
        many = peak([small, "-o", out, "--no-trials", "--trials", "60000"])
        C.check("--no-trials: peak memory does not grow with trials",
                many - few < 4.0, f"{few} MiB at 3,000 trials, {many} MiB at 60,000")
        kept_few = peak([small, "-o", out, "--trials", "3000"])
        kept_many = peak([small, "-o", out, "--trials", "60000"])
        per_trial = sum(d.size * 8 for d in datasets(out).values() if d.size == 60000)
        C.check("kept trials: peak memory grows by at least the samples",
                kept_many - kept_few >= 0.9 * per_trial / 2**20,
                f"{kept_few} -> {kept_many} MiB; samples {per_trial / 2**20:.1f} MiB")
        # Beyond the samples: no copy of them for the summary (sorted in
        # place), compressed chunks in batches of at most 32 MiB raw.
        C.check("kept trials: peak memory grows by little more than the samples",
                kept_many - kept_few <= 1.1 * per_trial / 2**20 + 12.0,
                f"{kept_few} -> {kept_many} MiB; samples {per_trial / 2**20:.1f} MiB")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
