#!/usr/bin/python3
"""End-to-end test: results do not depend on the number of threads.

Runs the same scenario and seed with --threads 1, 2 and 3 (the built-in
default with --trials 1500, tests/scenarios/small.yaml, and a run of only two
blocks of trials), and with OMP_NUM_THREADS=1 and 2 in the environment
instead of --threads. The file's `threads` attribute must say how many ran:
the number asked for, capped at the number of 128-trial blocks. Every dataset under /strategies, /trials
and /comparisons must be bit-identical (NaN equal to NaN), with the same
attributes; of the root attributes only threads, wall_time_s and created may
differ. The printed tables must match too, apart from the header line.

Usage: /usr/bin/python3 tests/e2e/test_threads.py --influsim BUILD/influsim --source-dir SRC

Prints one line per check and `N passed, M failed` at the end; exits 1 on
any failure. Everything is written in a temporary folder.
"""
import argparse
import os
import sys
import tempfile

import h5py

import checks
from checks import Checks, short

TIMEOUT = 120
MAY_DIFFER = {"threads", "wall_time_s", "created"}


C = Checks()
ARGS = None


def influsim(*args, env=None, cwd=None):
    """Runs influsim; returns the CompletedProcess (text output)."""
    return checks.run(ARGS.influsim, *args, env=env, cwd=cwd, timeout=TIMEOUT, drop=("OMP_NUM_THREADS",))


def compare_files(label, ref, other):
    """Checks that `other` holds the same results as `ref`."""
    checks.compare_results(C, label, ref, other, MAY_DIFFER)


def run(tag, tmp, scenario, extra, env=None, expect_threads=None):
    out = os.path.join(tmp, f"{tag}.h5")
    r = influsim("run", *scenario, *extra, "-o", out, env=env, cwd=tmp)
    ok = C.check(f"{tag}: run exits 0", r.returncode == 0 and os.path.isfile(out),
                 f"rc {r.returncode}: {short(r.stderr)}")
    if ok and expect_threads is not None:
        with h5py.File(out, "r") as f:
            th = f.attrs.get("threads")
            C.check(f"{tag}: attr threads == {expect_threads}",
                    th is not None and int(th) == expect_threads, repr(th))
    return (out, r.stdout) if ok else (None, r.stdout)


def table_lines(stdout):
    """The printed report without its header line (which has threads and time)
    and without the final 'results written to' line."""
    lines = stdout.rstrip("\n").split("\n")
    while lines and (lines[-1].startswith("results written to") or not lines[-1].strip()):
        lines.pop()
    return lines[1:]


def thread_suite(name, tmp, scenario, extra, blocks):
    """blocks: the run's number of blocks of 128 trials, which caps the
    number of threads the engine starts (and records in the file)."""
    results = {}
    for t in (1, 2, 3):
        out, stdout = run(f"{name} --threads {t}", tmp, scenario,
                          [*extra, "--threads", str(t)], expect_threads=min(t, blocks))
        if out:
            os.replace(out, os.path.join(tmp, f"{name}-t{t}.h5"))
            results[t] = (os.path.join(tmp, f"{name}-t{t}.h5"), stdout)
    if 1 not in results:
        return
    ref, ref_out = results[1]
    for t in (2, 3):
        if t in results:
            compare_files(f"{name}: --threads {t} vs --threads 1", ref, results[t][0])
            C.check(f"{name}: --threads {t} prints the same tables as --threads 1",
                    table_lines(results[t][1]) == table_lines(ref_out) and
                    len(table_lines(ref_out)) > 5)
    omp = {}
    for n in (1, 2):
        out, _ = run(f"{name} OMP_NUM_THREADS={n}", tmp, scenario, extra,
                     env={"OMP_NUM_THREADS": str(n)}, expect_threads=min(n, blocks))
        if out:
            os.replace(out, os.path.join(tmp, f"{name}-omp{n}.h5"))
            omp[n] = os.path.join(tmp, f"{name}-omp{n}.h5")
    if 1 in omp and 2 in omp:
        compare_files(f"{name}: OMP_NUM_THREADS=2 vs OMP_NUM_THREADS=1", omp[1], omp[2])
    if 2 in omp:
        compare_files(f"{name}: OMP_NUM_THREADS=2 vs --threads 1", ref, omp[2])


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--influsim", required=True, help="path to the influsim program")
    ap.add_argument("--source-dir", required=True, help="the source tree")
    ARGS = ap.parse_args()
    ARGS.influsim = os.path.abspath(ARGS.influsim)
    src = os.path.abspath(ARGS.source_dir)
    small = os.path.join(src, "tests", "scenarios", "small.yaml")
    suites = [
        ("default", [], ["--trials", "1500"], 12),
        ("small.yaml", [small], [], 24),
        # Two blocks (200 trials): three threads share two blocks, one idles.
        ("small.yaml 200 trials", [small], ["--trials", "200", "--seed", "99"], 2),
    ]
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-threads-") as tmp:
        for i, (name, scenario, extra, blocks) in enumerate(suites):
            sub = os.path.join(tmp, f"suite{i}")
            os.makedirs(sub)
            try:
                thread_suite(name, sub, scenario, extra, blocks)
            except Exception as e:  # noqa: BLE001 - a crash is one failed check
                C.crash(name, e)
    print(f"{C.passed} passed, {C.failed} failed")
    return 1 if C.failed else 0


if __name__ == "__main__":
    sys.exit(main())
