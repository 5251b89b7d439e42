#!/usr/bin/python3
"""End-to-end test: Ctrl-C and SIGTERM during `influsim run`.

- SIGINT while trials run: exit 130, a message on stderr, and a file whose root
  attributes say complete = false, trials = what was asked and trials_done =
  how many ran; its per-trial datasets hold trials_done values, and every
  dataset (per-trial values, summaries, comparisons) is bit-identical to that
  of an uninterrupted run of trials_done trials with the same seed.
- SIGTERM with --no-trials: the same, comparing the streaming summaries.
- `influsim show` of the partial file says "D of N trials" and INCOMPLETE.
- Two SIGINTs: exit 130 at once, the file that was at the target (run with
  --force) is byte-for-byte as it was, and no temporary file is left.

Usage: /usr/bin/python3 tests/e2e/test_interrupt.py --influsim BUILD/influsim --source-dir SRC
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
MANY = "2000000"  # far more trials than run before the signal


def start(*args):
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    p = subprocess.Popen([ARGS.influsim, "run", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    # Wait until the engine runs: its OpenMP threads exist (every option was
    # parsed and the handlers installed before that).
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        try:
            if len(os.listdir(f"/proc/{p.pid}/task")) >= 2:
                break
        except FileNotFoundError:
            break
        time.sleep(0.02)
    time.sleep(0.3)
    return p


def finish(p):
    try:
        out, err = p.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return p.returncode, out, err


def interrupted_run(tmp, label, sig, extra):
    out = os.path.join(tmp, f"{label}.h5")
    p = start("--trials", MANY, "--threads", "2", "-q", "-o", out, *extra)
    p.send_signal(sig)
    rc, _, err = finish(p)
    C.check(f"{label}: exit 130", rc == 130, f"rc {rc} {short(err)}")
    C.check(f"{label}: says it was interrupted and where it wrote",
            "interrupted" in err and out in err, short(err))
    if not C.check(f"{label}: a file is written", os.path.exists(out)):
        return None, 0
    with h5py.File(out, "r") as f:
        done = int(f.attrs["trials_done"])
        C.check(f"{label}: complete = false", not bool(f.attrs["complete"]))
        C.check(f"{label}: trials = what was asked", int(f.attrs["trials"]) == int(MANY))
        C.check(f"{label}: 0 < trials_done < trials", 0 < done < int(MANY), str(done))
        C.check(f"{label}: trials_done is whole blocks of 128", done % 128 == 0, str(done))
        if "--no-trials" not in extra:
            n = f["strategies/all-micro/trials/conversions"].shape[0]
            C.check(f"{label}: per-trial datasets hold trials_done values", n == done,
                    f"{n} vs {done}")
    C.check(f"{label}: no temporary file left", not [n for n in os.listdir(tmp) if ".tmp." in n])
    return out, done


def compare_with_uninterrupted(tmp, label, partial, done, extra):
    ref = os.path.join(tmp, f"{label}-ref.h5")
    r = checks.run(ARGS.influsim, "run", "--trials", str(done), "--threads", "1", "-q", "-o", ref,
                   *extra, timeout=600, drop=("OMP_NUM_THREADS",))
    if not C.check(f"{label}: reference run of {done} trials exits 0", r.returncode == 0,
                   short(r.stderr)):
        return
    a, b = datasets(partial), datasets(ref)
    differ = [k for k in b if k not in a or not same(a[k], b[k])]
    C.check(f"{label}: every dataset bit-identical to a run of trials_done trials",
            not differ and set(a) == set(b) and len(b) > 10, ", ".join(differ[:5]))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-interrupt-") as tmp:
        partial, done = interrupted_run(tmp, "sigint", signal.SIGINT, [])
        if partial:
            compare_with_uninterrupted(tmp, "sigint", partial, done, [])
            r = checks.run(ARGS.influsim, "show", partial)
            C.check("show of a partial file: 'D of N trials' and INCOMPLETE",
                    r.returncode == 0 and f"{done} of {MANY} trials" in r.stdout and
                    "INCOMPLETE" in r.stdout, short(r.stdout + r.stderr))

        partial, done = interrupted_run(tmp, "sigterm-no-trials", signal.SIGTERM,
                                        ["--no-trials"])
        if partial:
            compare_with_uninterrupted(tmp, "sigterm-no-trials", partial, done, ["--no-trials"])

        # Two Ctrl-Cs: abort at once, the target as it was.
        target = os.path.join(tmp, "kept.h5")
        r = checks.run(ARGS.influsim, "run", "--trials", "200", "-q", "-o", target)
        C.check("a file to protect is written", r.returncode == 0, short(r.stderr))
        with open(target, "rb") as fh:
            before = fh.read()
        # The second signal must arrive while the first one's round is still
        # running; on a loaded machine this process may sleep past the whole
        # stop-and-write, in which case the run has (correctly) written its
        # partial file and says so. Such attempts test nothing: try again.
        for attempt in range(5):
            p = start("--trials", MANY, "--threads", "2", "-q", "-o", target, "--force")
            p.send_signal(signal.SIGINT)
            time.sleep(0.01)
            p.send_signal(signal.SIGINT)
            rc, _, err = finish(p)
            if "written to" not in err:
                break
            with open(target, "wb") as fh:
                fh.write(before)
        with open(target, "rb") as fh:
            after = fh.read()
        C.check("two SIGINTs: exit 130", rc == 130, f"rc {rc} {short(err)}")
        C.check("two SIGINTs: the target is byte-for-byte as it was", before == after)
        C.check("two SIGINTs: no temporary file left",
                not [n for n in os.listdir(tmp) if ".tmp." in n], repr(os.listdir(tmp)))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
