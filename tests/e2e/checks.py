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


def equal_values(a, b):
    """Bit-identical arrays or attribute values, NaN equal to NaN."""
    if isinstance(a, (bytes, str)) or isinstance(b, (bytes, str)):
        return type(a) is type(b) and a == b
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        # Bit-identical: same bytes (so -0.0 != 0.0), NaN compared by bytes too.
        return np.array_equal(a, b, equal_nan=True) and a.tobytes() == b.tobytes()
    if a.dtype.kind == "O":
        return all(equal_values(x, y) for x, y in zip(a.ravel(), b.ravel()))
    return np.array_equal(a, b)


def objects(f):
    """{path: (kind, value, attrs)} for everything under the three groups."""
    out = {}
    for root in ("strategies", "trials", "comparisons"):
        if root not in f:
            out[root] = ("missing", None, {})
            continue

        def visit(name, obj, root=root):
            attrs = {k: v for k, v in obj.attrs.items() if k not in ("DIMENSION_LIST",
                                                                     "REFERENCE_LIST")}
            if isinstance(obj, h5py.Dataset):
                out[f"{root}/{name}"] = ("dataset", obj[()], attrs)
            else:
                out[f"{root}/{name}"] = ("group", None, attrs)
        f[root].visititems(visit)
    for name in ("strategy", "trial"):
        if name in f:
            out[name] = ("dataset", f[name][()], {})
    return out


def compare_results(C, label, ref, other, may_differ):
    """Checks (in C) that results file `other` holds the same results as `ref`:
    every dataset under /strategies, /trials and /comparisons bit-identical,
    with the same attributes, and the root attributes but `may_differ`."""
    with h5py.File(ref, "r") as fa, h5py.File(other, "r") as fb:
        oa, ob = objects(fa), objects(fb)
        C.check(f"{label}: same objects", set(oa) == set(ob),
                f"only in one: {sorted(set(oa) ^ set(ob))[:5]}")
        n_data = 0
        bad_data, bad_attrs = [], []
        for name in sorted(set(oa) & set(ob)):
            ka, va, aa = oa[name]
            kb, vb, ab = ob[name]
            if ka != kb:
                bad_data.append(f"{name}: {ka} vs {kb}")
                continue
            if ka == "dataset":
                n_data += 1
                if not equal_values(va, vb):
                    detail = name
                    try:
                        if va.shape == vb.shape and va.dtype.kind in "fiu":
                            diff = np.nonzero(~((va == vb) | (np.isnan(va) & np.isnan(vb))
                                                if va.dtype.kind == "f" else va == vb))[0]
                            detail += (f" ({diff.size} values differ, first at "
                                       f"{diff[:3].tolist()}: {va[diff[:3]]} vs {vb[diff[:3]]})")
                    except Exception:  # noqa: BLE001 - the detail is a courtesy
                        pass
                    bad_data.append(detail)
            if set(aa) != set(ab) or any(not equal_values(aa[k], ab[k]) for k in aa if k in ab):
                bad_attrs.append(name)
        C.check(f"{label}: all {n_data} datasets bit-identical", not bad_data,
                "; ".join(bad_data[:5]) + (f" ... ({len(bad_data)} in all)"
                                           if len(bad_data) > 5 else ""))
        C.check(f"{label}: dataset and group attributes identical", not bad_attrs,
                ", ".join(bad_attrs[:5]))
        ra, rb = dict(fa.attrs), dict(fb.attrs)
        diff = sorted(k for k in set(ra) | set(rb)
                      if k not in may_differ and (k not in ra or k not in rb or
                                                  not equal_values(ra[k], rb[k])))
        C.check(f"{label}: root attributes identical except {'/'.join(sorted(may_differ))}",
                not diff, ", ".join(diff))


def compare_files(C, label, ref, other, may_differ):
    """Checks (in C) that every dataset of two files of any layout (a sweep,
    a sensitivity study, an optimisation) is bit-identical, with the same
    attributes, and the root attributes but `may_differ` too. The integrity
    record hashes the strings with the creation time, so it is left out."""
    def read(f):
        out = {}

        def visit(name, obj):
            if name.startswith("integrity"):
                return
            attrs = {k: v for k, v in obj.attrs.items() if k not in ("DIMENSION_LIST",
                                                                     "REFERENCE_LIST")}
            out[name] = (obj[()] if isinstance(obj, h5py.Dataset) else None, attrs)
        f.visititems(visit)
        return out
    with h5py.File(ref, "r") as fa, h5py.File(other, "r") as fb:
        oa, ob = read(fa), read(fb)
        C.check(f"{label}: same objects", set(oa) == set(ob),
                str(sorted(set(oa) ^ set(ob))[:5]))
        common = sorted(set(oa) & set(ob))
        n_data = sum(oa[n][0] is not None for n in common)
        bad = [n for n in common if (oa[n][0] is None) != (ob[n][0] is None) or
               (oa[n][0] is not None and not equal_values(oa[n][0], ob[n][0]))]
        C.check(f"{label}: all {n_data} datasets bit-identical", not bad and n_data > 3,
                ", ".join(bad[:5]))
        bad_attrs = [n for n in common if set(oa[n][1]) != set(ob[n][1]) or
                     any(not equal_values(v, ob[n][1][k]) for k, v in oa[n][1].items())]
        C.check(f"{label}: dataset and group attributes identical", not bad_attrs,
                ", ".join(bad_attrs[:5]))
        ra, rb = dict(fa.attrs), dict(fb.attrs)
        diff = sorted(k for k in set(ra) | set(rb)
                      if k not in may_differ and (k not in ra or k not in rb or
                                                  not equal_values(ra[k], rb[k])))
        C.check(f"{label}: root attributes identical except {'/'.join(sorted(may_differ))}",
                not diff, ", ".join(diff))


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
