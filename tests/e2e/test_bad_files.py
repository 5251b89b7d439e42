#!/usr/bin/python3
"""End-to-end test: broken files in, and files that cannot be written out.

- `influsim show` on an empty file, a text file, a file cut short (two ways),
  a file with a damaged header, an HDF5 file of another program, an influsim
  file missing a summary group, one with a summary column of the wrong length,
  one with a strategy list of the wrong type, and one from a future format
  version: exit 1, one clear message naming the file, within the time limit
  (no crash, no hang).
- `influsim run` past a file-size limit (`ulimit -f`, as a full disk would be),
  at two points of the writing: exit 1, a message with the system's reason, no
  file at the target, no temporary file, and a file that was there (with
  --force) byte-for-byte intact.
- `influsim run -o` into a folder that cannot hold files (/proc) or does not
  exist: exit 1, a message, nothing left behind.
- A temporary file left by a run killed while writing is removed by the next
  run into that folder (only if its process is gone).
- A run estimated to need more memory than --max-memory, or than an address
  space limit (ulimit -v) allows: refused before it starts (exit 1) with what
  it needs, suggesting --no-trials and the number of trials that would fit.

Usage: /usr/bin/python3 tests/e2e/test_bad_files.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

import checks
from checks import Checks, short

C = Checks()
ARGS = None


def influsim(*args, cwd=None, fsize=None, address_space=None):
    limit = None
    if fsize is not None or address_space is not None:
        def limit():
            if fsize is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
            if address_space is not None:
                resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    try:
        return subprocess.run([ARGS.influsim, *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=60, preexec_fn=limit)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(e.cmd, -999, "", "timed out")


def broken_files(tmp):
    good = os.path.join(tmp, "good.h5")
    r = influsim("run", "--trials", "300", "-q", "-o", good)
    if not C.check("a good file to break is written", r.returncode == 0, short(r.stderr)):
        return {}
    data = open(good, "rb").read()
    files = {}

    def put(name, content):
        path = os.path.join(tmp, name)
        with open(path, "wb") as fh:
            fh.write(content)
        files[name] = path
        return path

    put("empty.h5", b"")
    put("text.h5", b"strategy,conversions\nall-micro,31\n")
    put("cut-in-half.h5", data[: len(data) // 2])
    put("cut-short.h5", data[:-1000])
    header = bytearray(data)
    for off in range(0, 4096, 7):
        header[off] ^= 0xFF
    put("damaged-header.h5", bytes(header))

    other = os.path.join(tmp, "other-program.h5")
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    files["other-program.h5"] = other

    def edited(name, edit):
        path = os.path.join(tmp, name)
        shutil.copy(good, path)
        with h5py.File(path, "a") as f:
            edit(f)
        files[name] = path

    edited("no-summary.h5", lambda f: f.__delitem__("strategies/all-micro/summary"))

    def short_column(f):
        del f["strategies/all-micro/summary/mean"]
        f["strategies/all-micro/summary/mean"] = np.arange(3.0)

    edited("short-column.h5", short_column)

    def numeric_names(f):
        del f["strategy"]
        f["strategy"] = np.arange(3.0)

    edited("numeric-strategy-names.h5", numeric_names)
    edited("future-version.h5",
           lambda f: f.attrs.__setitem__("format_version", np.uint64(99)))
    return files


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-badfiles-") as tmp:
        files = broken_files(tmp)
        for name, path in sorted(files.items()):
            r = influsim("show", path)
            lines = [l for l in r.stderr.splitlines() if l.strip()]
            C.check(f"show {name}: exit 1 with one message naming the file",
                    r.returncode == 1 and lines and path in lines[0] and
                    "Traceback" not in r.stderr and len(lines) <= 3,
                    f"rc {r.returncode} {short(r.stderr)}")

        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)
        # Past a file-size limit early (per-trial data) and late (summaries:
        # a 100-trial file of the 1.10 format is about 195 KiB).
        for trials, limit in (("3000", 200 * 1024), ("100", 170 * 1024)):
            target = os.path.join(out_dir, "full.h5")
            r = influsim("run", "--trials", trials, "-q", "-o", target, fsize=limit)
            C.check(f"file-size limit {limit // 1024} KiB, {trials} trials: exit 1, the reason",
                    r.returncode == 1 and "File too large" in r.stderr and target in r.stderr,
                    f"rc {r.returncode} {short(r.stderr)}")
            C.check(f"file-size limit {limit // 1024} KiB: no file, no temporary file",
                    os.listdir(out_dir) == [], repr(os.listdir(out_dir)))
        kept = os.path.join(out_dir, "kept.h5")
        shutil.copy(os.path.join(tmp, "good.h5"), kept)
        before = open(kept, "rb").read()
        r = influsim("run", "--trials", "3000", "-q", "-o", kept, "--force", fsize=200 * 1024)
        C.check("file-size limit with --force: exit 1, the previous file intact, no temporary",
                r.returncode == 1 and open(kept, "rb").read() == before and
                os.listdir(out_dir) == ["kept.h5"], f"rc {r.returncode} {short(r.stderr)}")

        for label, target in (("a folder that holds no files (/proc)", "/proc/influsim-test.h5"),
                              ("a folder that does not exist",
                               os.path.join(tmp, "no-such-folder", "x.h5"))):
            r = influsim("run", "--trials", "20", "-q", "-o", target)
            C.check(f"-o into {label}: exit 1 and a message",
                    r.returncode == 1 and "cannot create a file in folder" in r.stderr,
                    f"rc {r.returncode} {short(r.stderr)}")
            C.check(f"-o into {label}: nothing created", not os.path.exists(target))
        # A run killed while writing leaves ".NAME.tmp.PID.N"; the next run
        # into that folder removes it when PID is gone, never a live one's.
        gone = subprocess.Popen(["true"])
        gone.wait()
        stale = os.path.join(out_dir, f".again.h5.tmp.{gone.pid}.0")
        live = os.path.join(out_dir, f".again.h5.tmp.{os.getpid()}.0")
        for path in (stale, live):
            open(path, "wb").close()
        r = influsim("run", "--trials", "20", "-q", "-o", os.path.join(out_dir, "again.h5"))
        C.check("a dead run's temporary file is removed, a live one's kept",
                r.returncode == 0 and not os.path.exists(stale) and os.path.exists(live),
                f"rc {r.returncode} {os.listdir(out_dir)}")
        os.remove(live)

        # Memory known before running: a run that cannot fit is refused with
        # what it needs and what would fit; nothing is written.
        target = os.path.join(out_dir, "big.h5")
        r = influsim("run", "--trials", "10000000", "-q", "-o", target, "--max-memory", "1G")
        C.check("--max-memory 1G, 10^7 trials: exit 1, the need, --no-trials and a trial count",
                r.returncode == 1 and "needs about " in r.stderr and " GiB" in r.stderr and "--no-trials" in r.stderr
                and "at most" in r.stderr and not os.path.exists(target),
                f"rc {r.returncode} {short(r.stderr)}")
        r = influsim("run", "--trials", "300", "-q", "-o", target, "--max-memory", "1G",
                     "--no-trials")
        C.check("--max-memory 1G, --no-trials: runs", r.returncode == 0, short(r.stderr))
        r = influsim("run", "--trials", "300", "-q", "-o", target, "--max-memory", "lots")
        C.check("--max-memory lots: exit 2", r.returncode == 2 and "--max-memory" in r.stderr,
                f"rc {r.returncode} {short(r.stderr)}")
        target = os.path.join(out_dir, "big2.h5")
        if checks.sanitized(ARGS.influsim):  # sanitizers reserve terabytes of address space
            print("SKIP ulimit -v: the binary is built with a sanitizer")
            return C.finish()
        r = influsim("run", "--trials", "10000000", "-q", "-o", target,
                     address_space=3 * 2**30)
        C.check("ulimit -v 3 GiB, 10^7 trials: refused before running (the limit is seen)",
                r.returncode == 1 and "available" in r.stderr and not os.path.exists(target),
                f"rc {r.returncode} {short(r.stderr)}")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
