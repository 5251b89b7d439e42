#!/usr/bin/python3
"""End-to-end test of the reproducibility contract (docs/performance.md):
a scenario and its seed give the same numbers, bit for bit, on any machine.

Three frozen scenarios (tests/scenarios/golden/: the French brand with the
current defaults; the small test scenario with every distribution form and
every extension; the shortlist of 40 named creators from a roster file) are
run and the SHA-256 of every numeric dataset of each file (per-trial columns,
summaries, comparisons) is compared with the checksums committed in
golden/datasets-sha256.json:

  - as built;
  - with glibc told to use its code for CPUs without AVX2 and FMA
    (GLIBC_TUNABLES), which changed 16 of the French brand's datasets while
    the samplers used libm's exp and log;
  - on 1 and 2 threads.

The CI runs this test for the -O2 build, the sanitized -O2 build and a clang
-O3 build (tests/run.sh), so a difference between compilers or optimisation
levels shows as well.

A deliberate change of numbers (a new sampler, a model change) re-records the
checksums with --record, and says so in its commit message and in
docs/performance.md.

Usage: /usr/bin/python3 tests/e2e/test_same_numbers.py --influsim BUILD/influsim
           --source-dir SRC [--record]
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile

import h5py

import checks
from checks import Checks, short

CASES = {
    "french": ["french-brand.yaml", "-n", "2000"],
    "small": ["small.yaml", "-n", "1500"],
    "shortlist": ["shortlist.yaml", "-n", "800"],
}

# What a CPU without AVX2 and FMA gets from glibc's elementary functions.
NO_FMA = {"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4,-AVX512F"}


def digests(path):
    """{dataset path: first 16 hex digits of the SHA-256 of its little-endian
    bytes} for every numeric dataset of the file."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiub":
                data = obj[()]
                if hasattr(data, "astype"):
                    data = data.astype(data.dtype.newbyteorder("<"))
                    raw = data.tobytes()
                else:
                    raw = repr(data).encode()
                out[name] = hashlib.sha256(raw).hexdigest()[:16]
        f.visititems(visit)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--record", action="store_true",
                    help="write golden/datasets-sha256.json from this build instead of checking")
    args = ap.parse_args()
    golden_dir = os.path.join(args.source_dir, "tests", "scenarios", "golden")
    golden_path = os.path.join(golden_dir, "datasets-sha256.json")
    C = Checks()
    recorded = {}
    golden = {}
    if not args.record:
        with open(golden_path) as fh:
            golden = json.load(fh)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (scenario, *rest) in CASES.items():
            path = os.path.join(golden_dir, scenario)
            variants = [("as built", {}, "2"), ("glibc without AVX2/FMA", NO_FMA, "2"),
                        ("1 thread", {}, "1")]
            if args.record:
                variants = variants[:1]
            for label, env, threads in variants:
                out = os.path.join(tmp, f"{name}-{threads}-{len(env)}.h5")
                r = checks.run(args.influsim, "run", path, *rest, "-q", "-t", threads, "-o", out,
                               env=env, timeout=600)
                if not C.check(f"{name} [{label}]: runs", r.returncode == 0, short(r.stderr)):
                    continue
                got = digests(out)
                if args.record:
                    recorded[name] = got
                    continue
                want = golden.get(name, {})
                differ = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
                C.check(f"{name} [{label}]: all {len(want)} datasets equal the committed "
                        "checksums bit for bit", want and not differ,
                        f"{len(differ)} differ: {differ[:6]}")
    if args.record:
        with open(golden_path, "w") as fh:
            json.dump(recorded, fh, indent=0, sort_keys=True)
            fh.write("\n")
        print(f"recorded {sum(len(v) for v in recorded.values())} checksums in {golden_path}")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
