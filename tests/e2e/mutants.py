#!/usr/bin/python3
"""Seeded byte mutants of results files given to `influsim show` (issue 18).

Four originals are written by the binary under test: a run's file (300
trials of tests/scenarios/small.yaml), the same run with --no-trials, and a
sweep's file (3 budgets), and a sensitivity study's (a tornado of 2 factors). Each
mutant is one of: bits flipped (1 to 8), a run
of bytes overwritten (1 to 64 random bytes), the file truncated, a 4 KiB page
zeroed. Mutant i of a file is the same for every binary and every machine
(random.Random(seed, file, i)). Each is shown, and classed:

  signal      the program died of a signal (a crash)
  hang        it ran over 5 s (killed at 10 s)
  memory      its peak resident memory, or its reader's, was over 1 GiB
  refused     exit status 1 with a message naming the file
  identical   exit status 0 and exactly the original's output
  different   exit status 0 but other output (damage that went unnoticed)
  other       any other exit status, or 1 without a message naming the file

As a script it runs the full count and prints the table (used for the before
and after counts of issue 18):

    /usr/bin/python3 tests/e2e/mutants.py --influsim build/influsim [--count 1000]
        [--seed 18] [--keep DIR] [--budget SECONDS]

--keep DIR copies every mutant classed signal, hang, memory, different or
other into DIR (for tests/fuzz/regressions/). test_damaged_files.py uses it
as a module with fewer mutants.
"""
import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
KINDS = ("flip", "overwrite", "truncate", "zero_page")
CLASSES = ("signal", "hang", "memory", "refused", "identical", "different", "other")
HANG_S = 5.0
KILL_S = 10.0
MEMORY_KIB = 1024 * 1024


def originals(influsim, tmp):
    """Writes the four originals into tmp; {label: path}."""
    small = os.path.join(SOURCE, "tests", "scenarios", "small.yaml")
    runs = {
        "run": ["run", small, "--trials", "300", "-q"],
        "no_trials": ["run", small, "--trials", "300", "--no-trials", "-q"],
        "sweep": ["sweep", small, "--vary", "budget=2000:8000:3", "-n", "100", "-q"],
        "sensitivity": ["sensitivity", small, "--factor", "budget=4000:9000", "--factor",
                        "tiers.nano.interest_share=0.1:0.2", "--compare", "all-nano,macro-heavy",
                        "-n", "50", "-q"],
    }
    out = {}
    env = dict(os.environ, OMP_NUM_THREADS="2")
    for label, args in runs.items():
        path = os.path.join(tmp, label + ".h5")
        r = subprocess.run([influsim, *args, "-o", path, "--force"], capture_output=True,
                           text=True, timeout=300, env=env)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
        out[label] = path
    return out


def mutate(data, rng):
    """One mutant of data (bytes) and its kind."""
    kind = rng.choice(KINDS)
    b = bytearray(data)
    n = len(b)
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(n)
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "overwrite":
        k = rng.randint(1, 64)
        i = rng.randrange(n)
        b[i:i + k] = bytes(rng.randrange(256) for _ in range(min(k, n - i)))
    elif kind == "truncate":
        del b[rng.randrange(n):]
    else:
        page = rng.randrange((n + 4095) // 4096) * 4096
        b[page:page + 4096] = bytes(len(b[page:page + 4096]))
    return bytes(b), kind


def show(influsim, path):
    """Runs `influsim show path`: (exit status or -signal, stdout, stderr,
    seconds, peak resident KiB of it and its children)."""
    start = time.monotonic()
    proc = subprocess.Popen([influsim, "show", path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ, COLUMNS="100"))
    try:
        out, err = proc.communicate(timeout=KILL_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    seconds = time.monotonic() - start
    # Popen has reaped it; its children's peak is in RUSAGE_CHILDREN, which
    # only grows: the caller compares before and after.
    return (proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
            seconds)


def classify(result, reference, path):
    rc, out, err, seconds = result
    if rc is not None and rc < 0 and seconds < KILL_S:
        return "signal"
    if seconds > HANG_S:
        return "hang"
    if rc == 1:
        return "refused" if path in err else "other"
    if rc == 0:
        return "identical" if out == reference else "different"
    return "other"


def run_mutants(influsim, count, seed=18, keep=None, budget=None, log=None):
    """Shows count mutants of each original. Returns {label: {class: n}},
    {label: mutants done} and [(label, i, kind, class, first line of stderr)]
    for every mutant not refused or identical."""
    counts, done, odd = {}, {}, []
    with tempfile.TemporaryDirectory(prefix="influsim-mutants-") as tmp:
        files = originals(influsim, tmp)
        start = time.monotonic()
        for label, path in files.items():
            with open(path, "rb") as fh:
                data = fh.read()
            reference = show(influsim, path)
            if reference[0] != 0:
                raise RuntimeError(f"show {label}: exit {reference[0]}: {reference[2].strip()}")
            counts[label] = {c: 0 for c in CLASSES}
            done[label] = 0
            target = os.path.join(tmp, f"mutant-{label}.h5")
            for i in range(count):
                if budget is not None and time.monotonic() - start > budget * (
                        list(files).index(label) + 1) / len(files):
                    break
                rng = random.Random(f"{seed}/{label}/{i}")
                mutant, kind = mutate(data, rng)
                with open(target, "wb") as fh:
                    fh.write(mutant)
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                result = show(influsim, target)
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                cls = classify(result, reference[1], target)
                if cls in ("refused", "identical", "different", "other") and \
                        peak > before and peak > MEMORY_KIB:
                    cls = "memory"
                counts[label][cls] += 1
                done[label] += 1
                if cls not in ("refused", "identical"):
                    line = (result[2].strip().splitlines() or [""])[0][:200]
                    odd.append((label, i, kind, cls, line))
                    if log:
                        print(f"{label} #{i} ({kind}): {cls}: {line}", file=log, flush=True)
                    if keep and cls != "different":
                        os.makedirs(keep, exist_ok=True)
                        shutil.copy(target, os.path.join(keep, f"show-{label}-{seed}-{i}.h5"))
    return counts, done, odd


def table(counts, done):
    lines = ["file        mutants " + " ".join(f"{c:>9}" for c in CLASSES)]
    total = {c: 0 for c in CLASSES}
    for label, row in counts.items():
        lines.append(f"{label:<11} {done[label]:>7} " + " ".join(f"{row[c]:>9}" for c in CLASSES))
        for c in CLASSES:
            total[c] += row[c]
    lines.append(f"{'all':<11} {sum(done.values()):>7} " +
                 " ".join(f"{total[c]:>9}" for c in CLASSES))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--keep")
    ap.add_argument("--budget", type=float)
    a = ap.parse_args()
    counts, done, _ = run_mutants(os.path.abspath(a.influsim), a.count, a.seed, a.keep, a.budget,
                                  log=sys.stderr)
    print(table(counts, done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
