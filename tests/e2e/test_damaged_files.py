#!/usr/bin/python3
"""End-to-end test: damaged results files into `influsim show` (issue 18)
and `influsim report` (issue 16).

Seeded byte mutants (tests/e2e/mutants.py: bits flipped, bytes overwritten,
truncations, zeroed pages) of a run's file, a --no-trials file and a sweep's
file, 300 of each within a time budget (INFLUSIM_MUTANTS, default 300;
INFLUSIM_MUTANTS_SECONDS, default 120, split between the three): none may
crash the program (a signal), take over 5 s or 1 GiB (not checked for a
sanitized build), or end with a status
other than 0 or 1; a refusal is exit status 1 with a message naming the file;
a mutant shown is shown exactly as the original was (the damage hit bytes
nothing reads, and the integrity record and the checksums say so). Every input that ever failed here is kept in
tests/fuzz/regressions/ (show-*.h5) and must be refused or shown, never crash.
Then up to 100 mutants of each into `influsim report` in half the time: each
refused, or a page that says the file changed since influsim wrote it (text
changed into other text reads back as an edit); never a crash, a hang or a
page without that note that differs from the original's.

Usage: /usr/bin/python3 tests/e2e/test_damaged_files.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import glob
import os
import sys
import time

import checks
import mutants
from checks import Checks

C = Checks()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    a = ap.parse_args()
    count = int(os.environ.get("INFLUSIM_MUTANTS", "300"))
    budget = float(os.environ.get("INFLUSIM_MUTANTS_SECONDS", "120"))

    for path in sorted(glob.glob(os.path.join(a.source_dir, "tests", "fuzz", "regressions",
                                              "show-*.h5"))):
        r = mutants.show(a.influsim, path)
        name = os.path.basename(path)
        C.check(f"regression {name}: refused or shown, in time",
                r[0] in (0, 1) and r[3] < mutants.HANG_S and (r[0] == 0 or path in r[2]),
                f"exit {r[0]} after {r[3]:.1f} s: {r[2].strip()[:300]}")

    start = time.monotonic()
    counts, done, odd = mutants.run_mutants(a.influsim, count, budget=budget)
    print(mutants.table(counts, done))
    print(f"({time.monotonic() - start:.0f} s)")
    for label, row in counts.items():
        C.check(f"{label}: {done[label]} mutants shown (at least 50 in the time)",
                done[label] >= min(50, count))
        # A sanitized build has no address space limit in the guarded child
        # and uses more memory anyway: its peak says nothing.
        memory = () if checks.sanitized(a.influsim) else ("memory",)
        for cls in ("signal", "hang", *memory, "other", "different"):
            bad = [o for o in odd if o[0] == label and o[3] == cls]
            C.check(f"{label}: no mutant gives {cls}", row[cls] == 0,
                    "; ".join(f"#{i} ({kind}): {line}" for _, i, kind, _, line in bad[:5]))
        C.check(f"{label}: some mutants refused", row["refused"] > 0)

    # The same mutants into `influsim report` (issue 16), fewer of them: the
    # page is the original's (but for the file's path and digest) or refused,
    # never a crash, a hang or a page from damage that went unnoticed.
    start = time.monotonic()
    counts, done, odd = mutants.run_mutants(a.influsim, min(count, 100), budget=budget / 2,
                                            command="report")
    print(mutants.table(counts, done))
    print(f"(report: {time.monotonic() - start:.0f} s)")
    for label, row in counts.items():
        C.check(f"report {label}: {done[label]} mutants (at least 25 in the time)",
                done[label] >= min(25, count))
        memory = () if checks.sanitized(a.influsim) else ("memory",)
        for cls in ("signal", "hang", *memory, "other", "different"):
            bad = [o for o in odd if o[0] == label and o[3] == cls]
            C.check(f"report {label}: no mutant gives {cls}", row[cls] == 0,
                    "; ".join(f"#{i} ({kind}): {line}" for _, i, kind, _, line in bad[:5]))
        C.check(f"report {label}: some mutants refused", row["refused"] > 0)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
