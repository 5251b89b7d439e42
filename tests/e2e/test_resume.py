#!/usr/bin/python3
"""End-to-end test: --checkpoint, SIGKILL at several moments, --resume.

A run with --checkpoint 1 is killed with SIGKILL at several points (and once
it is stopped by Ctrl-C instead); `run --resume` then finishes it, with a
different thread count. Every dataset of the result (per-trial values,
summaries, comparisons) must be bit-identical to an uninterrupted run with
the same seed, the file complete, and the checkpoint removed. The same for a
--no-trials run (streaming tallies). Also: --resume without a checkpoint, with
a scenario argument, and with a checkpoint cut short, damaged, or of another
kind: a clear error, never a crash.

Usage: /usr/bin/python3 tests/e2e/test_resume.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

import checks
from checks import Checks, datasets, same, short

C = Checks()
ARGS = None
TRIALS = "100000"


def influsim(*args):
    return checks.run(ARGS.influsim, *args, timeout=600, drop=("OMP_NUM_THREADS",))


def killed_then_resumed(tmp, label, delay, extra, ref, how=signal.SIGKILL):
    out = os.path.join(tmp, f"{label}.h5")
    ck = out + ".checkpoint"
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    p = subprocess.Popen([ARGS.influsim, "run", "--trials", TRIALS, "-t", "2", "-q",
                          "--checkpoint", "1", "-o", out, *extra],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    # Wait for the first checkpoint, then let the run go on for `delay`.
    deadline = time.time() + 120
    while not os.path.exists(ck) and p.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    if p.poll() is not None:
        C.check(f"{label}: still running when the signal was due", False,
                "finished first; lower the delay")
        return
    p.send_signal(how)
    p.wait(timeout=300)
    C.check(f"{label}: a checkpoint is there", os.path.exists(ck))
    r = influsim("run", "--resume", "-o", out, "-t", "1")
    if not C.check(f"{label}: --resume exits 0", r.returncode == 0, short(r.stderr)):
        return
    a, b = datasets(out), datasets(ref)
    differ = [k for k in b if k not in a or not same(a[k], b[k])]
    C.check(f"{label}: every dataset bit-identical to the uninterrupted run",
            not differ and set(a) == set(b), ", ".join(differ[:5]))
    with h5py.File(out, "r") as f:
        C.check(f"{label}: complete, all trials",
                bool(f.attrs["complete"]) and int(f.attrs["trials_done"]) == int(TRIALS))
    C.check(f"{label}: the checkpoint is removed", not os.path.exists(ck))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-resume-") as tmp:
        ref = os.path.join(tmp, "ref.h5")
        r = influsim("run", "--trials", TRIALS, "-t", "2", "-q", "-o", ref)
        C.check("uninterrupted run exits 0", r.returncode == 0, short(r.stderr))
        for i, delay in enumerate((0.0, 0.4, 0.9)):
            killed_then_resumed(tmp, f"sigkill-{i}", delay, [], ref)
        killed_then_resumed(tmp, "ctrl-c", 0.2, [], ref, how=signal.SIGINT)

        ref_nt = os.path.join(tmp, "ref-no-trials.h5")
        r = influsim("run", "--trials", TRIALS, "-t", "2", "-q", "-o", ref_nt, "--no-trials")
        C.check("uninterrupted --no-trials run exits 0", r.returncode == 0, short(r.stderr))
        killed_then_resumed(tmp, "no-trials-sigkill", 0.3, ["--no-trials"], ref_nt)

        # Refusals.
        none = os.path.join(tmp, "none.h5")
        r = influsim("run", "--resume", "-o", none)
        C.check("--resume with no checkpoint: exit 1, names the file",
                r.returncode == 1 and none + ".checkpoint" in r.stderr, short(r.stderr))
        r = influsim("run", os.path.join(ARGS.source_dir, "tests/scenarios/small.yaml"),
                     "--resume", "-o", none)
        C.check("--resume with a scenario: exit 2", r.returncode == 2, short(r.stderr))

        # A real checkpoint to damage.
        src = os.path.join(tmp, "src.h5")
        p = subprocess.Popen([ARGS.influsim, "run", "--trials", TRIALS, "-t", "2", "-q",
                              "--checkpoint", "1", "-o", src], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while not os.path.exists(src + ".checkpoint") and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        p.kill()
        p.wait()
        data = open(src + ".checkpoint", "rb").read()
        flipped = bytearray(data)
        flipped[len(data) // 2] ^= 0x55
        cases = {"cut short": data[: len(data) // 3], "one byte changed": bytes(flipped),
                 "empty": b"", "not a checkpoint": b"name: x\nbudget: 1\n",
                 "an HDF5 file": open(ref, "rb").read()[:4096]}
        for label, content in cases.items():
            out = os.path.join(tmp, f"bad-{label.replace(' ', '-')}.h5")
            with open(out + ".checkpoint", "wb") as fh:
                fh.write(content)
            r = influsim("run", "--resume", "-o", out)
            C.check(f"--resume of a checkpoint {label}: exit 1 with a message, nothing written",
                    r.returncode == 1 and "checkpoint" in r.stderr and not os.path.exists(out),
                    f"rc {r.returncode} {short(r.stderr)}")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
