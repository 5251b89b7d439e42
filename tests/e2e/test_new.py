#!/usr/bin/python3
"""End-to-end tests of `influsim new`: the starting scenarios it writes for
several option sets load (`influsim check` accepts them) and run (`influsim
run -n 300`), with the regions, tiers, presets and strategies asked for; bad
options (an unknown platform, a tier with no preset on the platform, a bad
country code, a missing --budget) exit 2 with a clear message and write
nothing; -o refuses to replace a file without --force.

Usage: /usr/bin/python3 tests/e2e/test_new.py --influsim BUILD/influsim --source-dir SRC

Prints one line per check and `N passed, M failed` at the end; exits 1 on
any failure. Everything is written in a temporary folder.
"""
import argparse
import os
import sys
import tempfile

import checks
from checks import Checks, short

BASE = ["--budget", "15000", "--price", "38", "--unit-cost", "9"]

# (label, platform, tiers, ships, extra options)
GOOD = [
    ("instagram nano,micro,macro US,CA", "instagram", "nano,micro,macro", "US,CA", []),
    ("tiktok nano,micro,mid FR,BE,DE", "tiktok", "nano,micro,mid", "FR,BE,DE", ["--name", "Glow lab"]),
    ("youtube micro,mega GB", "youtube", "micro,mega", "gb", []),
    ("instagram one tier, mid", "instagram", "mid", "US", []),
    ("case and spaces", "Instagram", "Micro, Macro", "us, ca", []),
]

# (label, options, words the message must hold)
BAD = [
    ("unknown platform", ["--platform", "snapchat", "--tiers", "micro", "--ships", "US", *BASE],
     ["--platform", "snapchat", "instagram, tiktok, youtube"]),
    ("tier with no preset on the platform",
     ["--platform", "tiktok", "--tiers", "micro,macro", "--ships", "US", *BASE],
     ["--tiers", "tiktok/macro", "nano, micro, mid"]),
    ("bad country code", ["--platform", "instagram", "--tiers", "micro", "--ships", "US,UK",
                          *BASE], ["--ships", "'UK'", "GB (United Kingdom)"]),
    ("missing --budget", ["--platform", "instagram", "--tiers", "micro", "--ships", "US",
                          "--price", "38", "--unit-cost", "9"], ["--budget is required"]),
    ("zero price", ["--platform", "instagram", "--tiers", "micro", "--ships", "US", "--budget",
                    "100", "--price", "0", "--unit-cost", "9"], ["--price", "above 0"]),
    ("tier given twice", ["--platform", "youtube", "--tiers", "micro,micro", "--ships", "US",
                          *BASE], ["--tiers", "twice"]),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    args = ap.parse_args()
    exe = args.influsim
    c = Checks()

    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, platform, tiers, ships, extra) in enumerate(GOOD):
            try:
                path = os.path.join(tmp, f"good{i}.yaml")
                r = checks.run(exe, "new", "--platform", platform, "--tiers", tiers, "--ships",
                               ships, *BASE, *extra, "-o", path)
                if not c.check(f"new {label}: exit 0 and a file", r.returncode == 0
                               and os.path.isfile(path), short(r.stderr)):
                    continue
                text = open(path).read()
                names = [t.strip().lower() for t in tiers.split(",")]
                plat = platform.lower()
                c.check(f"new {label}: a preset per tier",
                        all(f"preset: {plat}/{t}\n" in text for t in names))
                c.check(f"new {label}: strategies all-<tier>"
                        + (" and even-split" if len(names) > 1 else ""),
                        all(f"name: all-{t}," in text for t in names)
                        and (("name: even-split" in text) == (len(names) > 1)))
                codes = ", ".join(s.strip().upper() for s in ships.split(","))
                c.check(f"new {label}: regions ships and elsewhere",
                        f"{{name: ships, shippable: true, countries: [{codes}]}}" in text
                        and "{name: elsewhere, shippable: false, countries: rest}" in text)
                c.check(f"new {label}: commented", text.count("# REPLACE") == 1 + 2 * len(names))
                r2 = checks.run(exe, "new", "--platform", platform, "--tiers", tiers, "--ships",
                                ships, *BASE, *extra)
                c.check(f"new {label}: stdout without -o is the same text",
                        r2.returncode == 0 and r2.stdout == text, short(r2.stderr))
                r = checks.run(exe, "check", path)
                c.check(f"new {label}: check accepts it", r.returncode == 0, short(r.stderr))
                out = os.path.join(tmp, f"good{i}.h5")
                r = checks.run(exe, "run", path, "-n", "300", "-o", out, timeout=300)
                c.check(f"new {label}: run -n 300", r.returncode == 0 and os.path.isfile(out),
                        short(r.stderr))
                if extra:
                    c.check(f"new {label}: --name", 'name: "Glow lab"' in text)
            except Exception as e:  # noqa: BLE001 - reported as a failed check
                c.crash(f"new {label}", e)

        for i, (label, opts, words) in enumerate(BAD):
            try:
                path = os.path.join(tmp, f"bad{i}.yaml")
                r = checks.run(exe, "new", *opts, "-o", path)
                c.check(f"new {label}: exit 2", r.returncode == 2, f"rc {r.returncode}")
                c.check(f"new {label}: message names it", all(w in r.stderr for w in words),
                        short(r.stderr))
                c.check(f"new {label}: writes nothing", not os.path.exists(path))
                r = checks.run(exe, "new", *opts)
                c.check(f"new {label}: nothing on stdout", r.returncode == 2 and r.stdout == "")
            except Exception as e:  # noqa: BLE001
                c.crash(f"new {label}", e)

        try:
            good = ["--platform", "instagram", "--tiers", "micro", "--ships", "US", *BASE]
            path = os.path.join(tmp, "exists.yaml")
            with open(path, "w") as fh:
                fh.write("keep me\n")
            r = checks.run(exe, "new", *good, "-o", path)
            c.check("new -o existing: exit 2 and says --force",
                    r.returncode == 2 and "--force" in r.stderr, short(r.stderr))
            c.check("new -o existing: the file is kept", open(path).read() == "keep me\n")
            r = checks.run(exe, "new", *good, "-o", path, "--force")
            c.check("new -o existing --force: replaced",
                    r.returncode == 0 and open(path).read().startswith("# A starting"),
                    short(r.stderr))
            r = checks.run(exe, "new", "--help")
            c.check("new --help", r.returncode == 0 and "--platform" in r.stdout)
            r = checks.run(exe, "--help")
            c.check("influsim --help lists new", r.returncode == 0 and "\n  new " in r.stdout)
        except Exception as e:  # noqa: BLE001
            c.crash("new -o", e)

    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
