#!/usr/bin/python3
"""Checks that the library's dependencies point one way, and that it never
prints or exits.

The folders of sim/ are stages ranked from the bottom up (RANKS). A file may
include internal headers of its own folder or a lower one, by their path
relative to sim/ ("stats/tally_stream.h"), and public headers ("influsim/engine.h")
of modules at or below its rank (PUBLIC maps each public header to the folder
its module lives in). Public headers include only public headers. The CLI may
name its own header by its bare name ("cli.h"). The umbrella header
influsim/influsim.h must include every other public header.

Library code (sim/ but sim/cli/) returns errors as values: it calls none of
printf, puts, perror, exit, abort and the like, and never names stdout or
stderr; only the program's main prints and picks the exit code. It calls none
of libm's transcendental functions either (log, exp, pow, ...: glibc picks
them by CPU), but base/fmath.h's.

Prints each violation as FILE:LINE: rule, then a one-line summary; exits 1
when there is any not listed in KNOWN (those are printed as "known:"). usage: layering.py [SOURCE_DIR]  (default: this file's
repository)
"""

import re
import sys
from pathlib import Path

# The stages, lowest first. A folder missing from the tree simply leaves its
# rank unused; a folder of sim/ missing from this list is a violation.
RANKS = ["base", "random", "scenario", "model", "stats", "engine", "study", "h5", "pipeline", "report",
         "cli"]
RANK = {folder: i for i, folder in enumerate(RANKS)}
TOP = "top"  # the umbrella header: above everything, for programs outside
RANK[TOP] = len(RANKS)

# Public header -> the folder its module lives in. A new public header must
# be added here (else "unmapped public header").
PUBLIC = {
    "error.h": "base",
    "version.h": "base",
    "scenario.h": "scenario",
    "starter.h": "scenario",
    "metric.h": "model",
    "outlook.h": "model",
    "results.h": "stats",
    "engine.h": "engine",
    "checkpoint.h": "engine",
    "cluster.h": "engine",
    "sweep.h": "study",
    "optimize.h": "study",
    "objective.h": "study",
    "plan.h": "study",
    "study.h": "study",
    "unspent.h": "study",
    "named.h": "study",
    "select.h": "study",
    "factor.h": "study",
    "sensitivity.h": "study",
    "h5.h": "h5",
    "pipeline.h": "pipeline",
    "report.h": "report",
    "influsim.h": TOP,
}
UMBRELLA = "influsim.h"

# Violations present when this check was written, reported (as "known") but
# not failing, each with what it is; remove an entry once it is fixed (the
# check says when one no longer occurs). Keyed by file and included header.
KNOWN = {}

# Folders whose own headers may be included by bare name.
BARE_OWN_HEADERS = {"cli"}

INCLUDE = re.compile(r'^\s*#\s*include\s*(?:"([^"]+)"|<(influsim/[^>]+)>)')
SOURCE_SUFFIXES = (".c", ".h", ".c.in", ".h.in")

# Calls that print or end the process, and the standard streams by name.
FORBIDDEN_CALL = re.compile(
    r"\b(printf|vprintf|puts|putchar|perror|exit|_Exit|quick_exit|abort)\s*\(")
FORBIDDEN_NAME = re.compile(r"\b(stdout|stderr)\b")

# libm's transcendental functions, which glibc picks by CPU: a run's numbers
# would depend on the machine. Library code calls base/fmath.h's instead
# (docs/performance.md, "The same numbers on every machine"); sqrt, floor,
# fabs and the like are exact in IEEE 754 and allowed. Folders that only
# present numbers already computed (REPORTING) may use libm.
LIBM_CALL = re.compile(
    r"(?<![\w.>])(log|log1p|log2|log10|exp|expm1|exp2|pow|cbrt|lgamma|tgamma|erf|erfc|sin|cos|tan|"
    r"asin|acos|atan|atan2|sinh|cosh|tanh|hypot)\s*\(")
LIBM_OWN = "base/fmath.c"
REPORTING = {"cli", "report"}


def strip_comments_and_strings(text):
    """Returns text with comments and string/char literals blanked out (line
    breaks kept, so line numbers stay), for the no-print check."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    sim = root / "sim"
    public_dir = root / "include" / "influsim"
    problems = []
    known_seen = []
    n_files = n_includes = 0
    current = None  # (file, included header) being checked, for KNOWN

    def fail(path, line, rule):
        where = f"{path.relative_to(root)}:{line}: {rule}"
        key = (str(path.relative_to(root)), current)
        if key in KNOWN:
            known_seen.append(key)
            print(f"known: {where} [{KNOWN[key]}]")
        else:
            problems.append(where)

    # The folder (or TOP) a file belongs to, or None after reporting why not.
    def owner(path):
        if path.parent == public_dir:
            folder = PUBLIC.get(path.name)
            if folder is None:
                fail(path, 1, f"unmapped public header influsim/{path.name} "
                     "(add it to PUBLIC in tests/layering.py)")
            return folder
        rel = path.relative_to(sim)
        if len(rel.parts) < 2 or rel.parts[0] not in RANK:
            fail(path, 1, "not in a ranked folder of sim/ (" + " < ".join(RANKS) + ")")
            return None
        return rel.parts[0]

    files = sorted(p for p in sim.rglob("*") if p.is_file() and p.name.endswith(SOURCE_SUFFIXES))
    publics = sorted(public_dir.glob("*.h"))
    umbrella_includes = set()

    for path in files + publics:
        n_files += 1
        folder = owner(path)
        is_public = path.parent == public_dir
        for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            n_includes += 1
            target = m.group(1) or m.group(2)
            current = target
            if folder is None:
                continue
            rank = RANK[folder]
            if target.startswith("influsim/"):
                name = target[len("influsim/"):]
                if path.name == UMBRELLA and is_public:
                    umbrella_includes.add(name)
                if not (public_dir / name).is_file():
                    fail(path, lineno, f"includes {target}, which does not exist")
                elif name not in PUBLIC:
                    fail(path, lineno, f"unmapped public header {target} "
                         "(add it to PUBLIC in tests/layering.py)")
                elif PUBLIC[name] == TOP and not is_public:
                    fail(path, lineno, f"{folder} includes the umbrella header {target} "
                         "(it is for programs outside the library)")
                elif RANK[PUBLIC[name]] > rank:
                    fail(path, lineno, f"{folder} includes {target}, the public header of "
                         f"{PUBLIC[name]}, a higher folder")
                continue
            if is_public:
                fail(path, lineno, f"public header includes internal header \"{target}\"")
                continue
            parts = target.split("/")
            if len(parts) == 1:
                if folder in BARE_OWN_HEADERS and (path.parent / target).is_file() \
                        and path.parent == sim / folder:
                    continue
                fail(path, lineno, f"internal include \"{target}\" is not folder-qualified "
                     f"(write \"{folder}/{target}\" if it is {folder}'s)")
                continue
            if parts[0] not in RANK or ".." in parts or parts[0] == TOP:
                fail(path, lineno, f"internal include \"{target}\" does not name a ranked "
                     "folder of sim/")
                continue
            if not (sim / target).is_file():
                fail(path, lineno, f"includes \"{target}\", which does not exist under sim/")
            elif RANK[parts[0]] > rank:
                fail(path, lineno, f"{folder} includes \"{target}\" of {parts[0]}, a higher "
                     f"folder ({' < '.join(RANKS)})")

    umbrella = public_dir / UMBRELLA
    if umbrella.is_file():
        for header in publics:
            if header.name != UMBRELLA and header.name not in umbrella_includes:
                fail(umbrella, 1, f"the umbrella header does not include influsim/{header.name}")
    else:
        problems.append(f"include/influsim/{UMBRELLA}:1: the umbrella header is missing")

    current = None
    # The library never prints or exits.
    n_library = 0
    for path in files:
        if path.relative_to(sim).parts[0] == "cli":
            continue
        n_library += 1
        code = strip_comments_and_strings(path.read_text(errors="replace"))
        for lineno, line in enumerate(code.splitlines(), 1):
            for m in FORBIDDEN_CALL.finditer(line):
                fail(path, lineno, f"library code calls {m.group(1)}() (errors are values; "
                     "only the CLI prints or exits)")
            for m in FORBIDDEN_NAME.finditer(line):
                fail(path, lineno, f"library code uses {m.group(1)} (only the CLI prints)")
            if path.relative_to(sim).as_posix() != LIBM_OWN and \
                    path.relative_to(sim).parts[0] not in REPORTING:
                for m in LIBM_CALL.finditer(line):
                    fail(path, lineno, f"library code calls libm's {m.group(1)}() (its result "
                         "depends on the CPU; call infl__fmath_* of base/fmath.h)")

    for key in KNOWN:
        if key not in known_seen:
            print(f"note: known violation {key[0]} -> {key[1]} no longer occurs; "
                  "remove it from KNOWN in tests/layering.py")
    for p in problems:
        print(p)
    status = f"{len(problems)} violation(s)" if problems else "OK"
    if known_seen:
        status += f", {len(known_seen)} known"
    print(f"layering: {status} ({n_files} files, {n_includes} includes, "
          f"{n_library} library files checked for printing/exiting)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
