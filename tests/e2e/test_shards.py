#!/usr/bin/python3
"""End-to-end test: a run split into shards and merged equals one run.

`influsim run SCENARIO --shard I/N -o PART` runs the I-th of N shares of the
trials (whole units of 8,192 trials) and saves a partial run; `influsim merge
PART... -o FILE` writes the results file. Checked, against `influsim run -t 1`
of the same scenario:

- the default scenario (17,000 trials: three units, the last one short; kept
  and --no-trials) in 1, 3 and 5 shards (two of them empty), shards run with
  1 or 2 threads and merged in a shuffled order:
  every dataset bit-identical, every attribute but threads/wall time/created
  identical, the same printed tables;
- tests/scenarios/small.yaml with 200 trials in 4 shards (three of them
  empty: a run smaller than a unit);
- a --no-trials run of 40,000 trials (five units, so the fold over units is
  exercised) in 3 shards, and the same run resumed from a checkpoint;
- a 1-D sweep of 5 points in 3 shards and a 2-D --no-trials sweep of 3 x 2
  points in 4 shards (`influsim sweep --shard I/N`), merged: every dataset and
  the table `show` prints identical to one process's sweep;
- 150 seeded byte mutants (bits flipped, runs overwritten, cut, a page
  zeroed) of a run's part and of a sweep's part, each given to merge with the
  other parts: every one refused with the mutant named and nothing written
  (the CRC covers every byte), none a signal or a hang;
- every refusal, with exit 2 and a message naming the file: a shard missing,
  a shard given twice, parts of another seed, of another shard count, of
  --no-trials mixed with kept, a part resumed as a checkpoint, a damaged or
  cut part (exit 1), --shard with --checkpoint or --target-se, malformed
  --shard values; and nothing written at -o then.

Usage: /usr/bin/python3 tests/e2e/test_shards.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import random
import shutil
import sys
import tempfile


import checks
from checks import Checks, short

TIMEOUT = 300
MAY_DIFFER = {"threads", "wall_time_s", "created"}
C = Checks()
ARGS = None


def influsim(*args, cwd=None):
    return checks.run(ARGS.influsim, *args, cwd=cwd, timeout=TIMEOUT, drop=("OMP_NUM_THREADS",))


def tables(stdout):
    """The printed tables without the header line and the closing line."""
    lines = [l for l in stdout.rstrip("\n").split("\n")
             if not l.startswith("results written to") and "partial runs merged" not in l]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines[1:]


def shards(tmp, tag, scenario, extra, n, threads=1):
    """Runs the n shards; returns their paths (or None on a failure)."""
    parts = []
    for i in range(1, n + 1):
        part = os.path.join(tmp, f"{tag}-part-{i}-of-{n}.h5")
        r = influsim("run", *scenario, *extra, "-t", str(threads), "--shard", f"{i}/{n}",
                     "-o", part, cwd=tmp)
        if not C.check(f"{tag}: shard {i}/{n} exits 0", r.returncode == 0 and os.path.isfile(part),
                       f"rc {r.returncode}: {short(r.stderr)}"):
            return None
        parts.append(part)
    return parts


def merge_equals(tmp, tag, scenario, extra, n, ref, ref_out, threads=1, seed=0):
    """Runs n shards, merges them (shuffled), compares; returns the parts."""
    parts = shards(tmp, tag, scenario, extra, n, threads)
    if parts is None:
        return None
    ordered = list(parts)
    random.Random(seed).shuffle(parts)
    out = os.path.join(tmp, f"{tag}-merged.h5")
    r = influsim("merge", *parts, "-o", out, cwd=tmp)
    if C.check(f"{tag}: merge of {n} shards exits 0", r.returncode == 0 and os.path.isfile(out),
               f"rc {r.returncode}: {short(r.stderr)}"):
        checks.compare_results(C, f"{tag}: {n} shards merged vs one run", ref, out, MAY_DIFFER)
        C.check(f"{tag}: merge prints the same tables as the run",
                tables(r.stdout) == tables(ref_out) and len(tables(ref_out)) > 5,
                f"{tables(r.stdout)[:3]} vs {tables(ref_out)[:3]}")
    return ordered


def one_run(tmp, tag, scenario, extra):
    out = os.path.join(tmp, f"{tag}-one.h5")
    r = influsim("run", *scenario, *extra, "-t", "1", "-o", out, cwd=tmp)
    C.check(f"{tag}: one run exits 0", r.returncode == 0, f"rc {r.returncode}: {short(r.stderr)}")
    return out, r.stdout


def refused(tmp, label, args, code, words):
    out = os.path.join(tmp, "refused.h5")
    if os.path.exists(out):
        os.remove(out)
    r = influsim(*args, "-o", out, cwd=tmp)
    text = r.stderr.lower()
    C.check(f"refused: {label} (exit {code}, says {words})",
            r.returncode == code and all(w.lower() in text for w in words) and
            not os.path.exists(out),
            f"rc {r.returncode}, exists {os.path.exists(out)}: {short(r.stderr)}")


def refusals(tmp, parts3, parts3_no_trials):
    p1, p2, p3 = parts3
    refused(tmp, "a shard missing", ["merge", p1, p3], 2, ["shard 2/3 is missing"])
    refused(tmp, "a shard given twice", ["merge", p1, p2, p2], 2, ["both shard 2/3"])
    other_seed = os.path.join(tmp, "seed-part.h5")
    influsim("run", "-n", "17000", "--seed", "7", "--shard", "2/3", "-o", other_seed, cwd=tmp)
    refused(tmp, "another seed", ["merge", p1, other_seed, p3], 2, [other_seed, "seed differs"])
    other_count = os.path.join(tmp, "count-part.h5")
    influsim("run", "-n", "17000", "--shard", "2/4", "-o", other_count, cwd=tmp)
    refused(tmp, "another shard count", ["merge", p1, other_count, p3], 2,
            [other_count, "number of shards"])
    refused(tmp, "kept and --no-trials mixed", ["merge", p1, parts3_no_trials[1], p3], 2,
            ["--no-trials differs"])
    # A shard's partial run where --resume expects a checkpoint.
    target = os.path.join(tmp, "as-checkpoint.h5")
    shutil.copy(p1, target + ".checkpoint")
    r = influsim("run", "--resume", "-o", target, cwd=tmp)
    C.check("refused: a shard resumed as a checkpoint (exit 2, says merge the shards)",
            r.returncode == 2 and "merge the shards" in r.stderr and not os.path.exists(target),
            f"rc {r.returncode}: {short(r.stderr)}")
    damaged = os.path.join(tmp, "damaged-part.h5")
    with open(p2, "rb") as fh:
        data = bytearray(fh.read())
    data[len(data) // 2] ^= 0x40
    with open(damaged, "wb") as fh:
        fh.write(data)
    refused(tmp, "a damaged part", ["merge", p1, damaged, p3], 1, [damaged, "damaged"])
    truncated = os.path.join(tmp, "truncated-part.h5")
    with open(truncated, "wb") as fh:
        fh.write(data[: len(data) // 3])
    refused(tmp, "a part cut short", ["merge", p1, truncated, p3], 1, [truncated, "cut short"])
    refused(tmp, "no parts", ["merge"], 2, ["partial runs to merge"])
    for cmd in ("show", "report"):
        r = influsim(cmd, p1, cwd=tmp)
        C.check(f"{cmd} of a part: exit 1, says to merge the shards",
                r.returncode == 1 and "merge the shards" in r.stderr, short(r.stderr))
    refused(tmp, "--set given to merge", ["merge", p1, p2, p3, "--set", "budget=1"], 2,
            ["--set"])
    for bad in ("0/3", "4/3", "3", "a/b", "1/0", "/3", "2/"):
        refused(tmp, f"--shard {bad}", ["run", "-n", "1000", "--shard", bad], 2, ["--shard"])
    refused(tmp, "--shard with --target-se", ["run", "--shard", "1/2", "--target-se", "0.1"], 2,
            ["--shard cannot be combined"])
    refused(tmp, "--shard with --checkpoint", ["run", "--shard", "1/2", "--checkpoint", "5"], 2,
            ["--shard cannot be combined"])


def sweep_shards(tmp, tag, vary, n, extra=()):
    """A sweep in n shards, merged, against the sweep in one process."""
    ref = os.path.join(tmp, f"{tag}-one.h5")
    r = influsim("sweep", *vary, *extra, "-q", "-t", "1", "-o", ref, cwd=tmp)
    if not C.check(f"{tag}: one sweep exits 0", r.returncode == 0, short(r.stderr)):
        return None
    parts = []
    for i in range(1, n + 1):
        part = os.path.join(tmp, f"{tag}-part-{i}.h5")
        r = influsim("sweep", *vary, *extra, "-q", "-t", "2", "--shard", f"{i}/{n}", "-o", part,
                     cwd=tmp)
        if not C.check(f"{tag}: shard {i}/{n} exits 0", r.returncode == 0, short(r.stderr)):
            return None
        parts.append(part)
    out = os.path.join(tmp, f"{tag}-merged.h5")
    r = influsim("merge", *reversed(parts), "-o", out, cwd=tmp)
    if C.check(f"{tag}: merge exits 0", r.returncode == 0, short(r.stderr)):
        checks.compare_files(C, f"{tag}: {n} shards merged vs one sweep", ref, out, MAY_DIFFER)
        a = influsim("show", ref).stdout.split("\n")[1:]
        b = influsim("show", out).stdout.split("\n")[1:]
        C.check(f"{tag}: show prints the same table", a == b and len(a) > 5)
    return parts


def mutate(data, rnd):
    """One seeded byte mutant, of the kinds tests/e2e/mutants.py makes: bits
    flipped, a run overwritten, the file cut, a 4 KiB page zeroed."""
    data = bytearray(data)
    kind = rnd.randrange(4)
    if kind == 0:
        for _ in range(rnd.randint(1, 8)):
            data[rnd.randrange(len(data))] ^= 1 << rnd.randrange(8)
    elif kind == 1:
        at = rnd.randrange(len(data))
        for k in range(rnd.randint(1, 64)):
            if at + k < len(data):
                data[at + k] = rnd.randrange(256)
    elif kind == 2:
        del data[rnd.randrange(len(data)):]
    else:
        at = rnd.randrange(0, len(data), 4096)
        data[at:at + 4096] = bytes(len(data[at:at + 4096]))
    return bytes(data)


def merge_mutants(tmp, label, parts, count):
    """count seeded mutants of one part given to merge with the others: each
    refused (exit 1 or 2, the mutant named, nothing written), or, if the
    mutation changed nothing, merged; never a signal or a hang."""
    with open(parts[1], "rb") as fh:
        original = fh.read()
    out = os.path.join(tmp, "mutant-merged.h5")
    classes = {"refused": 0, "unchanged": 0, "bad": 0}
    bad = []
    for i in range(count):
        data = mutate(original, random.Random(f"{label}-{i}"))
        mutant = os.path.join(tmp, "mutant-part.h5")
        with open(mutant, "wb") as fh:
            fh.write(data)
        if os.path.exists(out):
            os.remove(out)
        try:
            r = influsim("merge", parts[0], mutant, *parts[2:], "-q", "-o", out, cwd=tmp)
        except Exception as e:  # noqa: BLE001 - a hang is a failure like any
            classes["bad"] += 1
            bad.append(f"{i}: {type(e).__name__}")
            continue
        if data == original and r.returncode == 0:
            classes["unchanged"] += 1
        elif r.returncode in (1, 2) and mutant in r.stderr and not os.path.exists(out):
            classes["refused"] += 1
        else:
            classes["bad"] += 1
            bad.append(f"{i}: rc {r.returncode} {short(r.stderr, 120)}")
    C.check(f"{label}: {count} mutants of a part into merge: {classes}", classes["bad"] == 0,
            "; ".join(bad[:3]))


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    ARGS.influsim = os.path.abspath(ARGS.influsim)
    small = os.path.join(os.path.abspath(ARGS.source_dir), "tests", "scenarios", "small.yaml")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-shards-") as tmp:
        try:
            # 17,000 trials: three units, the last one short.
            kept = ["-n", "17000"]
            ref, ref_out = one_run(tmp, "default", [], kept)
            parts3 = None
            for n, threads in ((1, 1), (3, 2), (5, 1)):
                parts = merge_equals(tmp, f"default kept n={n}", [], kept, n, ref, ref_out,
                                     threads, n)
                parts3 = parts if n == 3 else parts3
            stream = ["-n", "17000", "--no-trials"]
            sref, sref_out = one_run(tmp, "default --no-trials", [], stream)
            parts3s = merge_equals(tmp, "default --no-trials n=3", [], stream, 3, sref, sref_out,
                                   2, 3)
            tiny = ["-n", "200", "--seed", "99"]
            tref, tref_out = one_run(tmp, "small 200 trials", [small], tiny)
            merge_equals(tmp, "small 200 trials", [small], tiny, 4, tref, tref_out, 1, 4)
            units = ["-n", "40000", "--no-trials"]  # five units
            uref, uref_out = one_run(tmp, "small 40000 --no-trials", [small], units)
            merge_equals(tmp, "small 40000 --no-trials", [small], units, 3, uref, uref_out, 2, 9)
            if parts3 and parts3s:
                refusals(tmp, parts3, parts3s)
            vary1 = ["--vary", "budget=5000:40000:5", "-n", "2000"]
            sw = sweep_shards(tmp, "1-D sweep", vary1, 3)
            sweep_shards(tmp, "2-D sweep --no-trials",
                         ["--vary", "budget=5000:20000:3", "--vary",
                          "tiers.micro.price=120:240:2", "-n", "2000"], 4,
                         ["--no-trials"])
            if parts3:
                merge_mutants(tmp, "run parts", parts3, 150)
            if sw:
                merge_mutants(tmp, "sweep parts", sw, 150)
            if sw:
                refused(tmp, "a sweep's shard missing", ["merge", sw[0], sw[2]], 2,
                        ["shard 2/3 is missing"])
                other = os.path.join(tmp, "other-vary.h5")
                influsim("sweep", "--vary", "budget=5000:40000:6", "-n", "2000", "-q",
                         "--shard", "2/3", "-o", other, cwd=tmp)
                refused(tmp, "a sweep's shard of another --vary", ["merge", sw[0], other, sw[2]],
                        2, [other, "--vary differs"])
        except Exception as e:  # noqa: BLE001 - a crash is one failed check
            C.crash("shards", e)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
