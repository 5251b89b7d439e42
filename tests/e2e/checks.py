"""Shared by the end-to-end tests: a tally of named checks that prints one line
each and the closing `N passed, M failed` line ctest logs show, and helpers to
run the program and quote its output."""
import os
import subprocess
import sys

import h5py
import numpy as np


def run(program, *args, env=None, cwd=None, timeout=120, drop=()):
    """Runs program with args; env adds to (and `drop` removes from) the
    current environment. Returns the CompletedProcess, output as text."""
    full_env = {k: v for k, v in os.environ.items() if k not in drop}
    if env:
        full_env.update(env)
    return subprocess.run([program, *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def short(text, n=400):
    """text stripped and cut to n characters, for a failure message."""
    text = text.strip()
    return text if len(text) <= n else text[:n] + " ..."


def datasets(path):
    """Every dataset of an HDF5 file, {path inside the file: its values}."""
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()])
                     if isinstance(obj, h5py.Dataset) else None)
    return out


def same(a, b):
    """Bit-identical arrays: same type, same shape, same values (NaN equal to NaN)."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def sanitized(binary):
    """Whether a binary is built with AddressSanitizer or ThreadSanitizer (whose
    memory use and address-space needs make memory checks meaningless)."""
    with open(binary, "rb") as fh:
        image = fh.read()
    return b"__asan_init" in image or b"__tsan_init" in image


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return bool(ok)

    def crash(self, name, exc):
        self.failed += 1
        print(f"FAIL {name}: exception {type(exc).__name__}: {exc}")
        sys.stdout.flush()

    def finish(self):
        """Prints the closing line; returns the exit status."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
