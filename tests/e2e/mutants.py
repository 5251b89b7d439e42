#!/usr/bin/python3
"""Seeded byte mutants of results files given to `influsim show` (issue 18),
or to `influsim report` (issue 16; command="report", --command report).

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
  edited      (report only) exit status 0, a page that says the file changed
              since influsim wrote it and reads back with valid checksums
              (text changed into other text is an edit, docs/output.md)
  different   exit status 0 but other output (damage that went unnoticed)
  other       any other exit status, or 1 without a message naming the file

As a script it runs the full count and prints the table (used for the before
and after counts of issue 18):

    /usr/bin/python3 tests/e2e/mutants.py --influsim build/influsim [--count 1000]
        [--seed 18] [--keep DIR] [--budget SECONDS]

With --command report each mutant goes to `influsim report FILE -o PAGE`
instead, and "identical" means the page is the original's but for the
file's path and SHA-256 (which name the mutant).

--keep DIR copies every mutant classed signal, hang, memory, different or
other into DIR (for tests/fuzz/regressions/). test_damaged_files.py uses it
as a module with fewer mutants.
"""
import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
KINDS = ("flip", "overwrite", "truncate", "zero_page")
CLASSES = ("signal", "hang", "memory", "refused", "identical", "edited", "different", "other")
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


def page_of(html, path):
    """A report's page without what names the file itself: its path and its
    SHA-256."""
    html = re.sub(r'id="sha256">[0-9a-f]{64}<', 'id="sha256"><', html)
    return html.replace(path, "FILE")


def show(influsim, path, command="show"):
    """Runs `influsim show path` (or `influsim report path -o path.html`):
    (exit status or -signal, stdout (the page without its file's path and
    digest), stderr, seconds)."""
    start = time.monotonic()
    page = path + ".html"
    args = [influsim, "show", path] if command == "show" else \
        [influsim, "report", path, "-o", page, "--force"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ, COLUMNS="100"))
    try:
        out, err = proc.communicate(timeout=KILL_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    seconds = time.monotonic() - start
    out = out.decode("utf-8", "replace")
    if command == "report":
        out = ""
        if os.path.exists(page):
            with open(page, encoding="utf-8", errors="replace") as fh:
                out = page_of(fh.read(), path)
            os.remove(page)
    # Popen has reaped it; its children's peak is in RUSAGE_CHILDREN, which
    # only grows: the caller compares before and after.
    return (proc.returncode, out, err.decode("utf-8", "replace"), seconds)


def classify(result, reference, path):
    rc, out, err, seconds = result
    if rc is not None and rc < 0 and seconds < KILL_S:
        return "signal"
    if seconds > HANG_S:
        return "hang"
    if rc == 1:
        return "refused" if path in err else "other"
    if rc == 0:
        if out == reference:
            return "identical"
        return "edited" if 'id="integrity"' in out else "different"
    return "other"


def run_mutants(influsim, count, seed=18, keep=None, budget=None, log=None, command="show"):
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
            # The original under the mutant's name, so that the pages compare.
            target = os.path.join(tmp, f"mutant-{label}.h5")
            shutil.copy(path, target)
            reference = show(influsim, target, command)
            if reference[0] != 0:
                raise RuntimeError(f"{command} {label}: exit {reference[0]}: {reference[2].strip()}")
            counts[label] = {c: 0 for c in CLASSES}
            done[label] = 0
            for i in range(count):
                if budget is not None and time.monotonic() - start > budget * (
                        list(files).index(label) + 1) / len(files):
                    break
                rng = random.Random(f"{seed}/{label}/{i}")
                mutant, kind = mutate(data, rng)
                with open(target, "wb") as fh:
                    fh.write(mutant)
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                result = show(influsim, target, command)
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                cls = classify(result, reference[1], target)
                if cls in ("refused", "identical", "edited", "different", "other") and \
                        peak > before and peak > MEMORY_KIB:
                    cls = "memory"
                counts[label][cls] += 1
                done[label] += 1
                if cls not in ("refused", "identical", "edited"):
                    line = (result[2].strip().splitlines() or [""])[0][:200]
                    odd.append((label, i, kind, cls, line))
                    if log:
                        print(f"{label} #{i} ({kind}): {cls}: {line}", file=log, flush=True)
                    if keep and cls != "different":
                        os.makedirs(keep, exist_ok=True)
                        shutil.copy(target,
                                    os.path.join(keep, f"{command}-{label}-{seed}-{i}.h5"))
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
    ap.add_argument("--command", choices=("show", "report"), default="show")
    a = ap.parse_args()
    counts, done, _ = run_mutants(os.path.abspath(a.influsim), a.count, a.seed, a.keep, a.budget,
                                  log=sys.stderr, command=a.command)
    print(table(counts, done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
