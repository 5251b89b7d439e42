#!/usr/bin/python3
"""End-to-end test of bad input: every invalid scenario and command line is
refused with exit status 2, a precise message on stderr, and no file written.

Cases:
  * tests/scenarios/bad/NAME.yaml: one fault each in an otherwise valid
    scenario (tests/scenarios/bad/_base.yaml; files whose names start with '_'
    are not cases). The first lines of each file are `# expect: TEXT`: every
    TEXT must appear in stderr. Each file is given to `influsim run FILE -o
    out.h5` and to `influsim check FILE`.
  * SET_CASES below: the valid base with `--set key.path=value` overrides.
  * CLI_CASES below: bad options of `influsim run` (--trials, --threads, ...).

Each command runs in a fresh empty temporary folder, which must still be empty
afterwards (no results file, no temporary file). A refused scenario must print
nothing on stdout, and each line of its stderr must be a message
`ORIGIN:LINE:COLUMN: ...` (ORIGIN the path as given, or `--set`) or the
closing count `influsim: N errors`. Positive controls: the base passes `check`
and `run --trials 50 -q` writes the results file.

Usage: /usr/bin/python3 tests/e2e/test_bad_scenarios.py --influsim BUILD/influsim --source-dir SRC

Standard library only. Prints one line per case and `N passed, M failed` at
the end; exits 1 if anything failed.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile

TIMEOUT = 60
BAD_DIR = os.path.join("tests", "scenarios", "bad")
BASE_NAME = "_base.yaml"
MIN_BAD_FILES = 15
OUTPUT = "out.h5"
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

MESSAGE = re.compile(r"^(?P<origin>.+?):(?P<line>\d+):(?P<column>\d+): (?P<text>.+)$")
ERROR_COUNT = re.compile(r"^influsim: \d+ errors$")
EXPECT = re.compile(r"^# expect: (?P<text>.*\S)\s*$")

# Overrides of the valid base: (name, [--set arguments], [expected stderr substrings]).
# A --set value's position is `--set:N:COLUMN`: the N-th override, the column
# where its value starts. Faults found in the file itself name the file.
SET_CASES = [
    ("set-negative-budget", ["budget=-5"],
     ["--set:1:8: budget: must be in (0, 1e15] (got -5)"]),
    ("set-rate-above-one", ["tiers.micro.reach_rate=2"],
     ["--set:1:24: tiers.micro.reach_rate: must be in [0, 1] (got 2)"]),
    ("set-unknown-key", ["nosuchkey=1"],
     ["--set:1:11: nosuchkey: unknown key (known here: name, description, seed, trials, "
      "currency, budget, regions, product, market, hiring, tiers, strategies, roster, roster_file)"]),
    ("set-unknown-key-typo", ["budjet=1"],
     ["--set:1:8: budjet: unknown key; did you mean 'budget'?"]),
    ("set-unknown-tier-key", ["tiers.micro.engagment_rate=0.1"],
     ["--set:1:28: tiers.micro.engagment_rate: unknown key; did you mean 'engagement_rate'?"]),
    ("set-no-such-item", ["regions[9].shippable=true"],
     ["--set:1:22: regions[9].shippable: no item [9] in a list that short (",
      "_base.yaml:11:3)"]),
    ("set-no-equals", ["budget"],
     ["--set:1:1: budget: expected key.path=value (no '=' found)"]),
    ("set-empty-path", ["=5"],
     ["--set:1:2: empty key path"]),
    ("set-malformed-path", ["tiers..micro=1"],
     ["--set:1:14: tiers..micro: malformed key path"]),
    ("set-malformed-index", ["regions[x].name=a"],
     ["--set:1:17: regions[x].name: malformed list index (write it as [N])"]),
    ("set-inside-scalar", ["budget.x=1"],
     ["--set:1:10: budget.x: cannot set 'x' inside \"10000\" (", "_base.yaml:8:9)"]),
    ("set-wrong-type", ["regions=foo"],
     ["--set:1:9: regions: expected a list (got \"foo\")"]),
    ("set-trials-zero", ["trials=0"],
     ["--set:1:8: trials: must be between 1 and 281474976710656 (got 0)"]),
    ("set-seed-text", ["seed=abc"],
     ["--set:1:6: seed: expected a whole number >= 0 (got \"abc\")"]),
    ("set-empty-value", ["budget="],
     ["--set:1:8: budget: expected a number (got \"\")"]),
    ("set-nan", ["budget=.nan"],
     ["--set:1:8: budget: must be a finite number (got .nan)"]),
    ("set-price-and-per1k", ["tiers.micro.price_per_1k_followers=10"],
     ["--set:1:36: tiers.micro.price_per_1k_followers: give either price or "
      "price_per_1k_followers, not both"]),
    ("set-shares-sum", ["tiers.micro.audience.dirichlet.mean[1]=0.5"],
     ["_base.yaml:29:34: tiers.micro.audience.dirichlet.mean: shares must sum to 1 "
      "(got a sum of 1.3)"]),
    ("set-unknown-tier", ["strategies[0].allocation.makro=0.5"],
     ["--set:1:32: strategies[0].allocation.makro: no tier of that name; "
      "did you mean 'macro'?"]),
    ("set-new-tier-incomplete", ["tiers.nano.followers=5"],
     ["--set:1:22: tiers.nano.reach_rate: required key is missing",
      "--set:1:22: tiers.nano.audience: required key is missing"]),
    # A --set that would create a key in the middle of its path, close to a key
    # beside it, is a typo: suggested, not created. A misspelt last key is
    # left to validation, which suggests the known key.
    ("set-tier-typo", ["tiers.micor.real_share=0.7"],
     ["--set:1:24: tiers.micor.real_share: no key 'micor' in tiers (",
      "_base.yaml:23:3); did you mean 'micro'? (to add 'micor', set it whole: "
      "tiers.micor={...})"]),
    ("set-distribution-key-typo", ["tiers.micro.reach_rat.beta.mean=0.3"],
     ["--set:1:33: tiers.micro.reach_rat.beta.mean: no key 'reach_rat' in tiers.micro (",
      "did you mean 'reach_rate'?"]),
    ("set-leaf-key-typo", ["tiers.micro.reach_rat=0.3"],
     ["--set:1:23: tiers.micro.reach_rat: unknown key; did you mean 'reach_rate'?"]),
    # List items with a `name` may be addressed by it; a name not there is
    # answered with the close one and its index, or with every name.
    ("set-region-name-typo", ["regions.abrod.shippable=true"],
     ["--set:1:25: regions.abrod.shippable: no item named 'abrod' in regions (",
      "_base.yaml:11:3); did you mean 'abroad' (regions[1])?"]),
    ("set-region-no-such-name", ["regions.Canada.shippable=true"],
     ["--set:1:26: regions.Canada.shippable: no item named 'Canada' in regions (",
      "its items are named: home (regions[0]), abroad (regions[1])"]),
    ("set-strategy-by-name", ["strategies.mix.allocation.macro=0.4"],
     ["_base.yaml:41:29: strategies[1].allocation: shares must sum to 1 (to within 0.005; "
      "got a sum of 0.9); make macro 0.5"]),
    ("set-shares-form", ["strategies[1].shares=percent"],
     ["_base.yaml:41:29: strategies[1].allocation: shares must sum to 100 (to within 0.5; "
      "got a sum of 1); make macro 99.5"]),
    ("set-two-faults", ["budget=-5", "trials=0"],
     ["--set:1:8: budget: must be in (0, 1e15] (got -5)",
      "--set:2:8: trials: must be between 1 and 281474976710656 (got 0)",
      "influsim: 2 errors"]),
]

# Bad options of `influsim run BASE -o out.h5 ...`: (name, [arguments], [expected]).
CLI_CASES = [
    ("run-trials-zero", ["--trials", "0"],
     ["influsim: error: --trials: expected a whole number from 1 to 281474976710656 (got '0')"]),
    ("run-trials-text", ["--trials", "abc"],
     ["influsim: error: --trials: expected a whole number (got 'abc')"]),
    ("run-trials-negative", ["--trials", "-5"],
     ["influsim: error: --trials: expected a whole number (got '-5')"]),
    ("run-threads-zero", ["--threads", "0"],
     ["influsim: error: --threads: expected a whole number from 1 to 4096 (got '0')"]),
    ("run-threads-text", ["--threads", "abc"],
     ["influsim: error: --threads: expected a whole number (got 'abc')"]),
    ("run-seed-negative", ["--seed", "-1"],
     ["influsim: error: --seed: expected a whole number (got '-1')"]),
    ("run-empty-output", ["-o", ""],
     ["influsim: error: --output: empty file name"]),
    ("run-unknown-option", ["--bogus"],
     ["unrecognized option '--bogus'", "usage: influsim run"]),
    ("run-two-scenarios", ["extra.yaml"],
     ["influsim: error: run takes one scenario (got 2 arguments:"]),
]


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print(f"ok   {name}")
        sys.stdout.flush()

    def fail(self, name, why, expected=None, proc=None):
        self.failed += 1
        print(f"FAIL {name}: {why}")
        if expected is not None:
            for e in expected:
                print(f"       expected: {e}")
        if proc is not None:
            print(f"       exit status: {describe_status(proc.returncode)}")
            for label, text in (("stderr", proc.stderr), ("stdout", proc.stdout)):
                lines = text.splitlines() or ["(empty)"]
                for i, line in enumerate(lines[:30]):
                    print(f"       {label if i == 0 else ' ' * len(label)}: {line}")
                if len(lines) > 30:
                    print(f"       {' ' * len(label)}  ... {len(lines) - 30} more lines")
        sys.stdout.flush()


def describe_status(rc):
    if rc is None:
        return "none (timed out)"
    if rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return str(rc)


def run_in_empty_folder(influsim, args):
    """Runs influsim in a fresh temporary folder. Returns (proc, files left
    there) or (None, why) if it could not run or timed out."""
    with tempfile.TemporaryDirectory(prefix="influsim-bad-") as tmp:
        try:
            proc = subprocess.run([influsim, *args], cwd=tmp, capture_output=True,
                                  timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None, f"no answer within {TIMEOUT} s"
        except OSError as exc:
            return None, f"cannot run {influsim}: {exc}"
        proc.stdout = proc.stdout.decode("utf-8", "replace")
        proc.stderr = proc.stderr.decode("utf-8", "replace")
        left = sorted(os.listdir(tmp))
        signatures = {}
        for name in left:
            try:
                # HDF5's signature is at 0, or at 512 after the user block
                # that holds influsim's integrity record (docs/output.md).
                with open(os.path.join(tmp, name), "rb") as f:
                    head = f.read(512 + len(HDF5_SIGNATURE))
                signatures[name] = (head[512:] if head[512:] == HDF5_SIGNATURE
                                    else head[:len(HDF5_SIGNATURE)])
            except OSError:
                signatures[name] = b""
        return proc, (left, signatures)


def check_refused(res, name, influsim, args, expected, origins, messages_only=True):
    """One refused command: exit 2, every expected substring in stderr,
    nothing on stdout, no file left, and (messages_only) every stderr line a
    positioned message from one of `origins` or the error count."""
    proc, left = run_in_empty_folder(influsim, args)
    if proc is None:
        res.fail(name, left, expected)
        return
    files, _ = left
    problems = []
    if proc.returncode != 2:
        problems.append(f"exit status {describe_status(proc.returncode)}, expected 2")
    missing = [e for e in expected if e not in proc.stderr]
    if missing:
        problems.append("stderr lacks " + "; ".join(repr(m) for m in missing))
    if proc.stdout.strip():
        problems.append("printed on stdout (a refused scenario must print nothing there)")
    if files:
        problems.append("left files in the working folder: " + ", ".join(files))
    if messages_only:
        for line in proc.stderr.splitlines():
            m = MESSAGE.match(line)
            if ERROR_COUNT.match(line):
                continue
            if m is None:
                problems.append(f"stderr line not in the form ORIGIN:LINE:COLUMN: ...: {line!r}")
            elif m.group("origin") not in origins:
                problems.append(f"message names {m.group('origin')!r}, expected one of "
                                f"{sorted(origins)}: {line!r}")
        if not proc.stderr.strip():
            problems.append("nothing on stderr")
    if problems:
        res.fail(name, " | ".join(problems), expected, proc)
    else:
        res.ok(name)


def read_expectations(path):
    """The `# expect:` lines at the top of a bad file (comments may follow)."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    expects = []
    for line in text.splitlines():
        m = EXPECT.match(line)
        if m is None:
            break
        expects.append(m.group("text"))
    return expects


def normalize(expect):
    """An expected message without its file name and position, so that two
    files cannot claim the same fault by differing only in where it is."""
    text = re.sub(r"^[\w./-]*\.yaml(?=:)", "", expect)
    text = re.sub(r"^:\d+:\d+: ", "", text)
    return text


def bad_files(bad_dir):
    return sorted(n for n in os.listdir(bad_dir)
                  if n.endswith(".yaml") and not n.startswith("_"))


def test_positive_controls(res, influsim, base):
    name = "control: check base"
    proc, left = run_in_empty_folder(influsim, ["check", base])
    if proc is None:
        res.fail(name, left)
    elif proc.returncode != 0 or "name:" not in proc.stdout or left[0]:
        res.fail(name, f"expected exit 0, the resolved scenario on stdout and no file "
                       f"(files: {left[0]})", None, proc)
    else:
        res.ok(name)

    for name, extra in (("control: run base", []),
                        ("control: run base with a valid --set", ["--set", "budget=5000",
                                                                  "--set", "tiers.micro.reach_rate=0.3"]),
                        ("control: run base with --set by name and other share forms",
                         ["--set", "regions.abroad.shippable=true",
                          "--set", "strategies.mix.shares=relative",
                          "--set", "strategies.mix.allocation.micro=3",
                          "--set", "strategies.all-micro.allocation={micro: 100%}"])):
        proc, left = run_in_empty_folder(
            influsim, ["run", base, "--trials", "50", "-q", "-o", OUTPUT, *extra])
        if proc is None:
            res.fail(name, left)
            continue
        files, signatures = left
        if proc.returncode != 0:
            res.fail(name, "expected exit 0", None, proc)
        elif files != [OUTPUT]:
            res.fail(name, f"expected exactly {OUTPUT} in the working folder (got {files})",
                     None, proc)
        elif signatures[OUTPUT] != HDF5_SIGNATURE:
            res.fail(name, f"{OUTPUT} is not an HDF5 file", None, proc)
        elif proc.stdout.strip():
            res.fail(name, "printed on stdout despite -q", None, proc)
        else:
            res.ok(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--influsim", required=True, help="the influsim program")
    parser.add_argument("--source-dir", required=True, help="the source tree")
    args = parser.parse_args()
    influsim = os.path.abspath(args.influsim)
    if not os.access(influsim, os.X_OK):
        print(f"error: {influsim} is not an executable program")
        return 1
    bad_dir = os.path.abspath(os.path.join(args.source_dir, BAD_DIR))
    base = os.path.join(bad_dir, BASE_NAME)
    res = Results()

    test_positive_controls(res, influsim, base)

    # The bad files: their number, their expectations, then each one.
    names = bad_files(bad_dir)
    if len(names) >= MIN_BAD_FILES:
        res.ok(f"at least {MIN_BAD_FILES} bad scenarios ({len(names)})")
    else:
        res.fail(f"at least {MIN_BAD_FILES} bad scenarios", f"found {len(names)} in {bad_dir}")

    expectations = {n: read_expectations(os.path.join(bad_dir, n)) for n in names}
    owners = {}
    for n in names:
        for e in expectations[n]:
            owners.setdefault(normalize(e), set()).add(n)
    shared = {msg: files for msg, files in owners.items() if len(files) > 1}
    if shared:
        res.fail("expected messages differ between files",
                 "; ".join(f"{msg!r} in {', '.join(sorted(files))}"
                           for msg, files in sorted(shared.items())))
    else:
        res.ok("expected messages differ between files")

    for n in names:
        path = os.path.join(bad_dir, n)
        expected = expectations[n]
        if not expected:
            res.fail(f"bad/{n}", "no `# expect: TEXT` line at the top of the file")
            continue
        for command, extra in (("run", ["-o", OUTPUT]), ("check", [])):
            check_refused(res, f"bad/{n} [{command}]", influsim, [command, path, *extra],
                          expected, {path})

    for name, sets, expected in SET_CASES:
        set_args = [a for s in sets for a in ("--set", s)]
        for command, extra in (("run", ["-o", OUTPUT]), ("check", [])):
            check_refused(res, f"{name} [{command}]", influsim,
                          [command, base, *set_args, *extra], expected, {base, "--set"})

    for name, cli_args, expected in CLI_CASES:
        check_refused(res, name, influsim, ["run", base, "-o", OUTPUT, *cli_args], expected,
                      set(), messages_only=False)

    print(f"{res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
