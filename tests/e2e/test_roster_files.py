#!/usr/bin/python3
"""End-to-end test of rosters read from files (`roster_file:`, docs/roster-files.md)
through the `influsim` command line.

  a. A scenario with `roster_file: creators.csv` beside it runs from its own
     folder and from another working directory (the path is resolved against
     the scenario's folder); the results file's `scenario_resolved` holds the
     creators inline and no roster_file, and `influsim run` of that text (in a
     folder without the CSV) gives bit-identical per-trial datasets.
  b. A Modash-style JSON roster (tests/scenarios/roster/modash-reports.json)
     runs, its creators read as documented.
  c. Bad input: missing and duplicate handles, negative and non-numeric
     followers, an unknown column (with a suggestion), every fault of a file
     listed; accepted: a UTF-8 BOM, CRLF, quoted fields with commas, empty
     lines; refused: a 100 MB file (quickly, the limit named), a PNG's bytes, an
     unclosed quote (syntax), a missing file (naming the scenario's line and the
     path tried). Each refusal: the documented exit status (2 for faults in the
     file, non-zero and documented for a file that cannot be read or is too
     large), messages `FILE:LINE: column: what is wrong (got VALUE)`, nothing
     on stdout, nothing written (no results file, no temporary, an existing
     results file left as it was).
  d. Units: a declared percent of 0.021 and a declared fraction of 2.1 are
     errors naming the row; `units: {engagement_rate: percent}` reads 2.1 as a
     mean engagement_per_follower of 0.021 (mean = median exp(sigma^2 / 2) of the
     resolved lognormal); an audience over 100 % errors; credibility as a
     0-100 score with `units.credibility: score`.
  e. `--set roster.<handle>.price=...` reaches a creator read from the CSV;
     `--set roster_file=...` is refused with a clear message.
  f. `influsim check` prints the roster table (creator rows, shippable and
     unknown shares) and warns of a named hire that costs more than the budget.
  g. A strategy hiring by name from the CSV and a tier strategy are compared
     on the same trials (the summary lists both, the comparison table pairs them).
  h. The run is identical for --threads 1 and 2.

Usage: /usr/bin/python3 tests/e2e/test_roster_files.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import math
import os
import re
import sys
import tempfile
import time

import h5py
import yaml

import checks
from checks import Checks, short

C = Checks()
ARGS = None

SCENARIO = """\
name: files
seed: 5
trials: 300
budget: 5000
regions:
  - {name: France, shippable: true, countries: [FR, MC]}
  - {name: Belgium, shippable: true, countries: [BE]}
  - {name: elsewhere, shippable: false, countries: rest}
product: {price: 40, unit_cost: 12}
market: {purchase_rate: 0.02}
tiers:
  micro:
    followers: {loguniform: {min: 10000, max: 100000}}
    price: 300
    reach_rate: 0.3
    engagement_rate: 0.05
    audience: [0.6, 0.1, 0.3]
    interest_share: 0.2
ROSTER_FILE
strategies:
  - {name: all-micro, allocation: {micro: 1}}
  - {name: named, hire: [anna, bob]}
  - {name: mixed, hire: [cleo], allocation: {micro: 1}}
"""
ROSTER_LINE = 19  # the line of SCENARIO that says roster_file

CREATORS = """\
handle,tier,platform,followers,engagement_rate,posts_observed,credibility,price,gifted_ok,audience
@anna,micro,instagram,48.2k,0.021,30,0.87,500-900,yes,FR:55;BE:10;CH:8
bob,micro,tiktok,21000,0.035,,0.64,1.2k,no,FR:40;US:20;other:25
cleo,micro,instagram,15000,0.03,12,0.9,400,,FR:70;BE:20
"""

# A row fault: FILE:LINE: column: what is wrong (got VALUE).
ROW_FAULT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<column>[a-z_]+): (?P<what>.+) "
                       r"\(got (?P<value>.*)\)(?P<tail>.*)$")
# Exit statuses (README.md, "Exit status"; `influsim --help`).
EXIT_FAILURE = 1  # the run, or reading or writing a file, failed
EXIT_USAGE = 2    # bad command line or invalid scenario


def scenario(roster_file="roster_file: creators.csv", strategies=None):
    text = SCENARIO.replace("ROSTER_FILE", roster_file)
    if strategies is not None:
        text = text[:text.index("strategies:")] + strategies
    return text


def write(folder, name, content):
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(content.encode() if isinstance(content, str) else content)
    return path


def influsim(*args, cwd=None, timeout=120):
    return checks.run(ARGS.influsim, *args, cwd=cwd, timeout=timeout)


def listing(folder):
    return sorted(os.listdir(folder))


def resolved(stdout):
    """The scenario `influsim check` printed on stdout, parsed."""
    return yaml.safe_load(stdout)


def creator(doc, handle):
    for c in doc.get("roster") or []:
        if c.get("handle") == handle:
            return c
    return None


def trial_datasets(path):
    return {k: v for k, v in checks.datasets(path).items()
            if k.startswith("strategies/") and "/trials/" in k or k.startswith("trials/")}


def same_trials(a, b):
    """(ok, detail): the per-trial datasets of two results files are bit-identical."""
    da, db = trial_datasets(a), trial_datasets(b)
    if not da:
        return False, "no per-trial datasets"
    if sorted(da) != sorted(db):
        return False, f"different datasets: {sorted(set(da) ^ set(db))[:5]}"
    differ = [k for k in da if not checks.same(da[k], db[k])]
    return not differ, f"differ: {differ[:5]}"


# ---------------------------------------------------------------------------
# a. relative path, resolved scenario


def test_relative_and_resolved(tmp):
    home = os.path.join(tmp, "a-scenario")
    elsewhere = os.path.join(tmp, "a-elsewhere")
    os.makedirs(home)
    os.makedirs(elsewhere)
    write(home, "s.yaml", scenario())
    write(home, "creators.csv", CREATORS)
    p = influsim("run", "s.yaml", "-o", "here.h5", "-q", cwd=home)
    C.check("a: runs from the scenario's folder", p.returncode == 0, short(p.stderr))
    # From another folder: by a relative and by an absolute path.
    for label, path in (("relative", os.path.join("..", "a-scenario", "s.yaml")),
                        ("absolute", os.path.join(home, "s.yaml"))):
        out = f"{label}.h5"
        p = influsim("run", path, "-o", out, "-q", cwd=elsewhere)
        ok = C.check(f"a: runs from another folder ({label} scenario path)",
                     p.returncode == 0 and os.path.exists(os.path.join(elsewhere, out)),
                     short(p.stderr))
        if ok and os.path.exists(os.path.join(home, "here.h5")):
            same, why = same_trials(os.path.join(home, "here.h5"), os.path.join(elsewhere, out))
            C.check(f"a: the same trials from another folder ({label})", same, why)
    here = os.path.join(home, "here.h5")
    if not os.path.exists(here):
        return
    with h5py.File(here, "r") as f:
        text = f.attrs["scenario_resolved"]
        text = text.decode() if isinstance(text, bytes) else str(text)
    doc = yaml.safe_load(text)
    handles = [c.get("handle") for c in doc.get("roster") or []]
    C.check("a: scenario_resolved holds the creators inline", handles == ["anna", "bob", "cleo"],
            f"handles {handles}")
    C.check("a: scenario_resolved has no roster_file", "roster_file" not in doc,
            short(text[:200]))
    anna = creator(doc, "anna") or {}
    C.check("a: the CSV's values are in the resolved creator",
            anna.get("followers") == 48200 and anna.get("real_share") == 0.87
            and anna.get("price") == {"loguniform": {"min": 500, "max": 900}}
            and anna.get("gifted_share") == 1
            and anna.get("audience") == {"FR": 0.55, "BE": 0.1, "CH": 0.08}
            and anna.get("platform") == "instagram", f"anna {anna}")
    # The resolved text alone (no CSV beside it) runs to the same trials.
    alone = os.path.join(tmp, "a-resolved")
    os.makedirs(alone)
    write(alone, "resolved.yaml", text)
    p = influsim("run", "resolved.yaml", "-o", "back.h5", "-q", cwd=alone)
    if C.check("a: the resolved scenario runs without the CSV", p.returncode == 0,
               short(p.stderr)):
        same, why = same_trials(here, os.path.join(alone, "back.h5"))
        C.check("a: the resolved scenario gives identical per-trial datasets", same, why)


# ---------------------------------------------------------------------------
# b. JSON


def test_json(tmp):
    folder = os.path.join(tmp, "b-json")
    os.makedirs(folder)
    with open(os.path.join(ARGS.source_dir, "tests", "scenarios", "roster",
                           "modash-reports.json"), "rb") as fh:
        write(folder, "reports.json", fh.read())
    write(folder, "s.yaml", scenario(
        "roster_file: {path: reports.json, tier: micro}",
        "strategies:\n  - {name: all-micro, allocation: {micro: 1}}\n"
        "  - {name: named, hire: [anna.cooks, bob_runs, carl], allocation: {micro: 1}}\n"))
    p = influsim("check", "s.yaml", cwd=folder)
    if not C.check("b: a Modash-style JSON roster passes check", p.returncode == 0,
                   short(p.stderr)):
        return
    doc = resolved(p.stdout)
    anna = creator(doc, "anna.cooks") or {}
    bob = creator(doc, "bob_runs") or {}
    carl = creator(doc, "carl") or {}
    C.check("b: the JSON's creators", [c.get("handle") for c in doc.get("roster") or []]
            == ["anna.cooks", "bob_runs", "carl"], short(p.stdout[-600:]))
    C.check("b: followers, credibility, countries and platform from the report",
            anna.get("followers") == 48200 and anna.get("real_share") == 0.87
            and anna.get("audience") == {"FR": 0.55, "BE": 0.1, "CH": 0.08}
            and anna.get("platform") == "instagram" and bob.get("platform") == "tiktok"
            and bob.get("audience") == {"US": 0.4, "GB": 0.2}, f"anna {anna} bob {bob}")
    ln = (anna.get("engagement_per_follower") or {}).get("lognormal") or {}
    mean = ln.get("median", math.nan) * math.exp(ln.get("sigma", math.nan) ** 2 / 2)
    C.check("b: engagementRate 0.0027 is the mean engagement_per_follower",
            abs(mean - 0.0027) < 1e-12, f"lognormal {ln}")
    C.check("b: null fields are filled in by the tier",
            carl.get("engagement_rate") == 0.05 and carl.get("audience") == [0.6, 0.1, 0.3],
            f"carl {carl}")
    p = influsim("run", "s.yaml", "-o", "out.h5", "-q", cwd=folder)
    C.check("b: a JSON roster runs", p.returncode == 0
            and os.path.exists(os.path.join(folder, "out.h5")), short(p.stderr))


# ---------------------------------------------------------------------------
# c. bad input

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
       b"\x00\x00\x00\x1f\xf3\xffa\x00\x00\x00\x0bIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00"
       b"\x18\xdd\x8d\xb0\x00\x00\x00\x00IEND\xaeB`\x82")

# (name, file bytes, expected exit status, [expected stderr lines or parts],
#  whether every line quoted must be a row fault FILE:LINE: column: ... (got VALUE)).
BAD = [
    ("missing handle", "handle,followers\nanna,1000\n,2000\n", EXIT_USAGE,
     ["creators.csv:3: handle: missing: every creator needs a unique handle"], False),
    ("duplicate handle (case and @ ignored)", "handle,followers\nanna,1000\nbob,1\n@Anna,3000\n",
     EXIT_USAGE, ["creators.csv:4: handle: the same creator as line 2 (got @Anna)"], True),
    ("negative followers", "handle,followers\nanna,-5\n", EXIT_USAGE,
     ["creators.csv:2: followers: must not be negative (got -5)"], True),
    ("non-numeric followers", "handle,followers\nanna,many\n", EXIT_USAGE,
     ["creators.csv:2: followers: not a number (got many)"], True),
    ("unknown column with a suggestion", "handle,folowers\nanna,1000\n", EXIT_USAGE,
     ["creators.csv:1: folowers: unknown column; did you mean 'followers'?"], False),
    ("every fault listed",
     "handle,folowers,price\nanna,1,300\n,2,300\nANNA,3,300\n", EXIT_USAGE,
     ["creators.csv:1: folowers: unknown column; did you mean 'followers'?",
      "creators.csv:3: handle: missing: every creator needs a unique handle",
      "creators.csv:4: handle: the same creator as line 2 (got ANNA)",
      "influsim: 3 errors"], False),
    ("every row fault listed",
     "handle,followers,price\nanna,-1,300\nbob,x,300\ncleo,1,-300\ndan,1,abc\n", EXIT_USAGE,
     ["creators.csv:2: followers: must not be negative (got -1)",
      "creators.csv:3: followers: not a number (got x)",
      "creators.csv:4: price:", "creators.csv:5: price:", "influsim: 4 errors"], False),
    ("a PNG's bytes", PNG, EXIT_USAGE, ["creators.csv:1:1: not a CSV file"], False),
    ("NUL bytes", b"handle,followers\nanna,1\x00\x00\x00\n", EXIT_USAGE,
     ["creators.csv:", "not a CSV file"], False),
    ("an unclosed quote (syntax)", 'handle,followers\n"anna,1000\nbob,1\n', EXIT_USAGE,
     ["creators.csv:2:1: a quote opens a field here and is never closed"], False),
    ("an empty file", "", EXIT_USAGE, ["creators.csv: the file is empty"], False),
]

# (name, file bytes, {handle: {key: value}} to find in the resolved roster).
ACCEPTED = [
    ("a UTF-8 BOM", b"\xef\xbb\xbfhandle,followers\nanna,1000\nbob,2000\n",
     {"anna": {"followers": 1000}, "bob": {"followers": 2000}}),
    ("CRLF line ends", b"handle,followers\r\nanna,1000\r\nbob,2000\r\n",
     {"anna": {"followers": 1000}, "bob": {"followers": 2000}}),
    ("quoted fields with commas",
     'handle,followers,price,notes\nanna,"12,300","1,200","Lyon, France"\n'
     '"bob",2000,300,"said ""hi"", twice"\n',
     {"anna": {"followers": 12300, "price": 1200}, "bob": {"followers": 2000}}),
    ("empty lines", "handle,followers\n\nanna,1000\n\n\nbob,2000\n\n",
     {"anna": {"followers": 1000}, "bob": {"followers": 2000}}),
    ("BOM, CRLF, quotes and empty lines together",
     b'\xef\xbb\xbfhandle,followers,notes\r\n\r\n"anna","48.2k","a, b"\r\n\r\nbob,1.2M,x\r\n',
     {"anna": {"followers": 48200}, "bob": {"followers": 1200000}}),
]

BAD_SCENARIO = scenario("roster_file: {path: creators.csv, tier: micro}",
                        "strategies:\n  - {name: all-micro, allocation: {micro: 1}}\n"
                        "  - {name: named, hire: [anna], allocation: {micro: 1}}\n")


def refused(name, folder, expected_rc, expected, row_faults=False, args=()):
    """Runs `run` (into an empty output folder, and over an existing results
    file with --force) and `check`; checks the exit status, the messages,
    that stdout is empty and that nothing was written."""
    before = listing(folder)
    out_dir = tempfile.mkdtemp(prefix="out-", dir=os.path.dirname(folder))
    p = influsim("run", os.path.join(folder, "s.yaml"), "-o", os.path.join(out_dir, "out.h5"),
                 *args, cwd=folder)
    stderr = p.stderr
    C.check(f"c: {name}: exit status {expected_rc}", p.returncode == expected_rc,
            f"got {p.returncode}; {short(stderr)}")
    missing = [e for e in expected if e not in stderr]
    C.check(f"c: {name}: the messages", not missing,
            f"missing {missing}; stderr: {short(stderr, 800)}")
    if row_faults:
        lines = [ln for ln in stderr.splitlines() if not ln.startswith("influsim:")]
        bad = [ln for ln in lines if not ROW_FAULT.match(ln)]
        C.check(f"c: {name}: FILE:LINE: column: what (got VALUE)", lines and not bad,
                f"{bad or stderr}")
    C.check(f"c: {name}: nothing on stdout", p.stdout == "", short(p.stdout))
    C.check(f"c: {name}: nothing written", listing(out_dir) == [] and listing(folder) == before,
            f"output folder {listing(out_dir)}, scenario folder {listing(folder)} "
            f"(was {before})")
    # Over an existing results file, with --force: it is left as it was.
    keep = write(out_dir, "out.h5", b"not replaced")
    p = influsim("run", os.path.join(folder, "s.yaml"), "-o", keep, "--force", *args, cwd=folder)
    with open(keep, "rb") as fh:
        kept = fh.read()
    C.check(f"c: {name}: an existing results file is left alone (--force)",
            p.returncode == expected_rc and kept == b"not replaced"
            and listing(out_dir) == ["out.h5"], f"exit {p.returncode}, {listing(out_dir)}")
    p = influsim("check", os.path.join(folder, "s.yaml"), *args, cwd=folder)
    C.check(f"c: {name}: check refuses it too", p.returncode == expected_rc
            and all(e in p.stderr for e in expected), f"exit {p.returncode}; {short(p.stderr)}")
    return stderr


def test_bad_input(tmp):
    for i, (name, content, rc, expected, row_faults) in enumerate(BAD):
        folder = os.path.join(tmp, f"c-bad-{i}")
        os.makedirs(folder)
        write(folder, "s.yaml", BAD_SCENARIO)
        write(folder, "creators.csv", content)
        refused(name, folder, rc, expected, row_faults)

    for i, (name, content, want) in enumerate(ACCEPTED):
        folder = os.path.join(tmp, f"c-ok-{i}")
        os.makedirs(folder)
        write(folder, "s.yaml", BAD_SCENARIO)
        write(folder, "creators.csv", content)
        p = influsim("check", "s.yaml", cwd=folder)
        if not C.check(f"c: {name}: accepted", p.returncode == 0, short(p.stderr)):
            continue
        doc = resolved(p.stdout)
        got = {c.get("handle"): c for c in doc.get("roster") or []}
        wrong = [(h, k, v, (got.get(h) or {}).get(k)) for h, kv in want.items()
                 for k, v in kv.items() if (got.get(h) or {}).get(k) != v]
        C.check(f"c: {name}: the rows read as written", sorted(got) == sorted(want) and not wrong,
                f"handles {sorted(got)}, wrong {wrong}")
        p = influsim("run", "s.yaml", "-o", "out.h5", "-q", cwd=folder)
        C.check(f"c: {name}: runs", p.returncode == 0, short(p.stderr))

    # A 100 MB file (sparse): refused before it is read, the limit named.
    folder = os.path.join(tmp, "c-huge")
    os.makedirs(folder)
    write(folder, "s.yaml", BAD_SCENARIO)
    with open(os.path.join(folder, "creators.csv"), "wb") as fh:
        fh.write(b"handle,followers\n")
        fh.truncate(100 * 1024 * 1024)
    start = time.monotonic()
    p = influsim("check", "s.yaml", cwd=folder, timeout=60)
    took = time.monotonic() - start
    C.check("c: a 100 MB file: refused quickly", took < 5, f"{took:.1f} s")
    # ELIMIT: exit 1 ("reading ... a file failed") in README.md; the issue lists
    # it among the faults of exit 2. Either is documented and non-zero.
    C.check("c: a 100 MB file: a documented non-zero exit status",
            p.returncode in (EXIT_FAILURE, EXIT_USAGE), f"exit {p.returncode}")
    refused("a 100 MB file", folder, p.returncode,
            [f"s.yaml:{ROSTER_LINE}:", "roster_file: ", "creators.csv is larger than 32 MiB"])

    # More than 100,000 rows: refused, the limit named (ELIMIT, as above).
    folder = os.path.join(tmp, "c-rows")
    os.makedirs(folder)
    write(folder, "s.yaml", BAD_SCENARIO)
    write(folder, "creators.csv", "handle,followers\n" +
          "".join(f"h{i},1\n" for i in range(100001)))
    p = influsim("check", "s.yaml", cwd=folder, timeout=60)
    C.check("c: more than 100,000 rows: a documented non-zero exit status",
            p.returncode in (EXIT_FAILURE, EXIT_USAGE), f"exit {p.returncode}")
    refused("more than 100,000 rows", folder, p.returncode,
            ["creators.csv:100002: more than 100000 creators"])

    # A missing file: the scenario's line and the path tried; EIO is exit 1.
    folder = os.path.join(tmp, "c-missing")
    os.makedirs(folder)
    write(folder, "s.yaml", BAD_SCENARIO.replace("path: creators.csv", "path: data/nope.csv"))
    tried = os.path.join(folder, "data", "nope.csv")
    refused("a missing roster file", folder, EXIT_FAILURE,
            [f"s.yaml:{ROSTER_LINE}:", f"roster_file: cannot read {tried}",
             "No such file or directory"])
    # Given relatively from another folder: the path tried is relative to it too.
    p = influsim("check", os.path.join("..", "c-missing", "s.yaml"),
                 cwd=os.path.join(tmp, "c-huge"))
    want = os.path.join("..", "c-missing", "data", "nope.csv")
    C.check("c: a missing roster file: the path tried, from another folder",
            p.returncode == EXIT_FAILURE and f"cannot read {want}" in p.stderr
            and f":{ROSTER_LINE}:" in p.stderr, f"exit {p.returncode}; {short(p.stderr)}")

    # A JSON syntax error is a syntax fault (exit 2) with the line.
    folder = os.path.join(tmp, "c-json")
    os.makedirs(folder)
    write(folder, "s.yaml", BAD_SCENARIO.replace("path: creators.csv", "path: r.json"))
    write(folder, "r.json", '{"reports": [\n  {"profile": {"username": "a",\n  "followers": ]}}\n')
    refused("a JSON syntax error", folder, EXIT_USAGE, ["r.json:3:", "syntax error"])


# ---------------------------------------------------------------------------
# d. units


def unit_case(tmp, tag, settings, csv):
    folder = os.path.join(tmp, f"d-{tag}")
    os.makedirs(folder)
    write(folder, "s.yaml", BAD_SCENARIO.replace("{path: creators.csv, tier: micro}",
                                                 "{path: creators.csv, tier: micro" + settings
                                                 + "}"))
    write(folder, "creators.csv", csv)
    return folder


def lognormal_mean(c):
    ln = ((c or {}).get("engagement_per_follower") or {}).get("lognormal") or {}
    return ln.get("median", math.nan) * math.exp(ln.get("sigma", math.nan) ** 2 / 2)


def test_units(tmp):
    folder = unit_case(tmp, "percent-fraction", "",
                       "handle,engagement_rate_percent\nbob,2.1\nanna,0.021\n")
    refused("engagement_rate_percent 0.021", folder, EXIT_USAGE,
            ["creators.csv:3: engagement_rate_percent: looks like a fraction", "(got 0.021)"],
            row_faults=True)
    folder = unit_case(tmp, "fraction-percent", "",
                       "handle,engagement_rate_fraction\nanna,2.1\n")
    refused("engagement_rate_fraction 2.1", folder, EXIT_USAGE,
            ["creators.csv:2: engagement_rate_fraction: looks like a percent", "(got 2.1)"],
            row_faults=True)
    folder = unit_case(tmp, "default-fraction", "", "handle,engagement_rate\nanna,2.1\n")
    refused("engagement_rate 2.1 (fraction by default)", folder, EXIT_USAGE,
            ["creators.csv:2: engagement_rate: looks like a percent",
             "roster_file.units.engagement_rate is fraction", "(got 2.1)"], row_faults=True)
    folder = unit_case(tmp, "declared-percent-small", ", units: {engagement_rate: percent}",
                       "handle,engagement_rate\nanna,0.021\n")
    refused("units.engagement_rate percent, 0.021", folder, EXIT_USAGE,
            ["creators.csv:2: engagement_rate: looks like a fraction",
             "roster_file.units.engagement_rate is percent", "(got 0.021)"], row_faults=True)

    folder = unit_case(tmp, "declared-percent", ", units: {engagement_rate: percent}",
                       "handle,engagement_rate,posts_observed\nanna,2.1,\nbob,2.1,3\n")
    p = influsim("check", "s.yaml", cwd=folder)
    if C.check("d: units.engagement_rate percent reads 2.1", p.returncode == 0, short(p.stderr)):
        doc = resolved(p.stdout)
        for h in ("anna", "bob"):
            m = lognormal_mean(creator(doc, h))
            C.check(f"d: 2.1 % is a mean engagement_per_follower of 0.021 ({h})",
                    abs(m - 0.021) < 1e-12, f"mean {m}; {creator(doc, h)}")
        s_anna = creator(doc, "anna")["engagement_per_follower"]["lognormal"]["sigma"]
        s_bob = creator(doc, "bob")["engagement_per_follower"]["lognormal"]["sigma"]
        C.check("d: sigma = 0.5 sqrt(1 + 1/n), n = 12 by default",
                abs(s_anna - 0.5 * math.sqrt(1 + 1 / 12)) < 1e-12
                and abs(s_bob - 0.5 * math.sqrt(1 + 1 / 3)) < 1e-12, f"{s_anna}, {s_bob}")
    folder = unit_case(tmp, "percent-sign", "", "handle,engagement_rate\nanna,2.1%\n")
    p = influsim("check", "s.yaml", cwd=folder)
    C.check("d: a value with a % sign is a percent whatever the unit",
            p.returncode == 0 and abs(lognormal_mean(creator(resolved(p.stdout), "anna"))
                                      - 0.021) < 1e-12, short(p.stderr))

    folder = unit_case(tmp, "audience-over", "", "handle,audience\nanna,FR:80;BE:30\n")
    refused("audience over 100 %", folder, EXIT_USAGE,
            ["creators.csv:2: audience: the shares sum to 110 %, more than 100 % "
             "(got FR:80;BE:30)"], row_faults=True)
    folder = unit_case(tmp, "audience-fractions", "", "handle,audience\nanna,FR:0.5;BE:0.3\n")
    refused("audience declared percent, written as fractions", folder, EXIT_USAGE,
            ["creators.csv:2: audience:", "looks like fractions", "(got FR:0.5;BE:0.3)"],
            row_faults=True)
    folder = unit_case(tmp, "audience-fraction", ", units: {audience: fraction}",
                       "handle,audience\nanna,FR:0.5;BE:0.3\n")
    p = influsim("check", "s.yaml", cwd=folder)
    C.check("d: units.audience fraction", p.returncode == 0 and
            creator(resolved(p.stdout), "anna").get("audience") == {"FR": 0.5, "BE": 0.3},
            short(p.stderr))

    folder = unit_case(tmp, "credibility-score-undeclared", "",
                       "handle,credibility\nanna,87\n")
    refused("credibility 87 declared fraction", folder, EXIT_USAGE,
            ["creators.csv:2: credibility: looks like a score", "(got 87)"], row_faults=True)
    folder = unit_case(tmp, "credibility-score", ", units: {credibility: score}",
                       "handle,credibility\nanna,87\nbob,100\n")
    p = influsim("check", "s.yaml", cwd=folder)
    if C.check("d: units.credibility score reads 87", p.returncode == 0, short(p.stderr)):
        doc = resolved(p.stdout)
        C.check("d: a score of 87 is a real_share of 0.87",
                creator(doc, "anna").get("real_share") == 0.87
                and creator(doc, "bob").get("real_share") == 1, short(p.stdout[-400:]))
    folder = unit_case(tmp, "credibility-score-small", ", units: {credibility: score}",
                       "handle,credibility\nanna,0.87\n")
    refused("credibility 0.87 declared score", folder, EXIT_USAGE,
            ["creators.csv:2: credibility: looks like a fraction", "(got 0.87)"],
            row_faults=True)
    folder = unit_case(tmp, "credibility-score-column", "",
                       "handle,credibility_score\nanna,64\n")
    p = influsim("check", "s.yaml", cwd=folder)
    C.check("d: a credibility_score column", p.returncode == 0
            and creator(resolved(p.stdout), "anna").get("real_share") == 0.64, short(p.stderr))


# ---------------------------------------------------------------------------
# e-h. --set, check's tables, strategies compared, threads


def test_set_check_compare_threads(tmp):
    folder = os.path.join(tmp, "e-h")
    os.makedirs(folder)
    write(folder, "s.yaml", scenario())
    write(folder, "creators.csv", CREATORS)
    write(folder, "other.csv", CREATORS.replace("21000", "99"))

    p = influsim("check", "s.yaml", "--set", "roster.bob.price=777", "--set",
                 "roster.@anna.followers=1234", cwd=folder)
    if C.check("e: --set roster.<handle>.<key> on a CSV creator", p.returncode == 0,
               short(p.stderr)):
        doc = resolved(p.stdout)
        C.check("e: the override reaches the creators read from the CSV",
                creator(doc, "bob").get("price") == 777
                and creator(doc, "anna").get("followers") == 1234
                and creator(doc, "cleo").get("price") == 400, short(p.stdout[-800:]))
    write(folder, "m.yaml", scenario("roster_file: {path: creators.csv}"))
    for name, arg in (("s.yaml", "roster_file=other.csv"), ("m.yaml", "roster_file=other.csv"),
                      ("m.yaml", "roster_file.path=other.csv"),
                      ("m.yaml", "roster_file.units.engagement_rate=percent")):
        before = listing(folder)
        p = influsim("run", name, "--set", arg, "-o", "set.h5", cwd=folder)
        C.check(f"e: --set {arg} is refused ({name})", p.returncode == EXIT_USAGE
                and "--set cannot change roster_file" in p.stderr
                and "--set roster.<handle>.<key>=value" in p.stderr
                and listing(folder) == before, f"exit {p.returncode}; {short(p.stderr)}")
    p = influsim("check", "s.yaml", "--set", "roster.bobb.price=1", cwd=folder)
    C.check("e: --set of a misspelt handle suggests the CSV's",
            p.returncode == EXIT_USAGE and "no item named 'bobb' in roster" in p.stderr
            and "did you mean 'bob' (roster[1])?" in p.stderr, short(p.stderr))
    p = influsim("check", "s.yaml", "--set", "roster.zed.price=1", cwd=folder)
    C.check("e: --set of a handle not in the CSV names the CSV's handles",
            p.returncode == EXIT_USAGE and "no item named 'zed' in roster" in p.stderr
            and "bob (roster[1]), cleo (roster[2])" in p.stderr, short(p.stderr))

    # f. check's roster table and the misfit warning.
    p = influsim("check", "s.yaml", cwd=folder)
    table = re.search(r"^ *creator +followers +cost/hire +eng/follower +shippable +unknown.*$",
                      p.stderr, re.M)
    C.check("f: check prints the roster table", p.returncode == 0 and table,
            short(p.stderr, 1500))
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^ *(anna|bob|cleo) .*$", p.stderr, re.M)}
    C.check("f: one row per creator", sorted(rows) == ["anna", "bob", "cleo"], f"{rows}")
    # anna: FR 55 + BE 10 shippable, CH 8 elsewhere, 27 % unknown; bob: FR 40
    # shippable, US 20 and other 25 elsewhere, 15 % unknown; cleo: 90 and 10.
    for h, ship, unknown in (("anna", "65.0 %", "27.0 %"), ("bob", "40.0 %", "15.0 %"),
                             ("cleo", "90.0 %", "10.0 %")):
        row = rows.get(h, "")
        C.check(f"f: {h}'s shippable and unknown shares", ship in row and unknown in row
                and row.index(ship) < row.index(unknown), row)
    C.check("f: no misfit warning when every named hire fits",
            "did not fit" not in p.stderr, short(p.stderr, 1500))
    p = influsim("check", "s.yaml", "--set", "budget=1000", cwd=folder)
    C.check("f: the named-misfit warning names the creator",
            p.returncode == 0 and re.search(r"warning: named: bob \(costing 1200 USD on average\) "
                                            r"did not fit", p.stderr), short(p.stderr, 1500))
    C.check("f: the strategy table counts the misfit",
            re.search(r"^ *named +named 1 \(1 do not fit\)", p.stderr, re.M),
            short(p.stderr, 1500))

    # g. named from the CSV against the tier pool, on the same trials.
    p = influsim("run", "s.yaml", "-o", "g.h5", cwd=folder)
    if C.check("g: the run", p.returncode == 0, short(p.stderr)):
        names = [ln.split()[0] for ln in p.stdout.splitlines()
                 if ln.split() and ln.split()[0] in ("all-micro", "named", "mixed")]
        C.check("g: the summary lists the tier, named and mixed strategies",
                names[:3] == ["all-micro", "named", "mixed"], short(p.stdout, 1500))
        C.check("g: the comparison on the same trials", "same trials" in p.stdout,
                short(p.stdout, 1500))
        with h5py.File(os.path.join(folder, "g.h5"), "r") as f:
            a = [x.decode() for x in f["comparisons/pairs/strategy_a"][()]]
            b = [x.decode() for x in f["comparisons/pairs/strategy_b"][()]]
            named = f["strategies/named/trials/named_hires"][()]
            spend = f["strategies/named/trials/spend_named"][()]
            micro = f["strategies/all-micro/trials/named_hires"][()]
        pairs = set(zip(a, b))
        C.check("g: the results pair the named and the tier strategy",
                ("all-micro", "named") in pairs or ("named", "all-micro") in pairs, f"{pairs}")
        C.check("g: named hires from the CSV (anna gifted, bob 1200)",
                named.max() == 2 and micro.max() == 0 and spend.max() > 0,
                f"named {named[:5]}, spend {spend[:5]}")

    # h. threads.
    outs = []
    for t in ("1", "2"):
        p = influsim("run", "s.yaml", "-o", f"t{t}.h5", "-q", "--threads", t, cwd=folder)
        C.check(f"h: runs on {t} thread(s)", p.returncode == 0, short(p.stderr))
        outs.append(os.path.join(folder, f"t{t}.h5"))
    if all(os.path.exists(o) for o in outs):
        same, why = same_trials(*outs)
        C.check("h: identical per-trial datasets for --threads 1 and 2", same, why)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--influsim", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="influsim-roster-files-") as tmp:
        for test in (test_relative_and_resolved, test_json, test_bad_input, test_units,
                     test_set_check_compare_threads):
            try:
                test(tmp)
            except Exception as exc:  # a crash is a failure, the rest still runs
                C.crash(test.__name__, exc)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
