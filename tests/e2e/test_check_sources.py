#!/usr/bin/python3
"""End-to-end test: `influsim check FILE --sources` prints, after the resolved
scenario on stdout, one comment line a resolved key saying where its value
came from (FILE:LINE, --set:N, a roster file's CSV:LINE, the preset with its
sources, or default), and stdout still loads back as a scenario.

- A tier with `preset: instagram/micro`: its keys the scenario does not give
  name the preset and its sources; the keys it gives name their lines.
- `--set budget=...` is --set:1; a key no one gives (platform_fee) is default.
- A creator under `roster:` names its own line; a creator from a roster file
  names the file and its row's line; keys they take from the tier say so.
- Without --sources, stdout has no sources table (byte for byte as before).

Usage: /usr/bin/python3 tests/e2e/test_check_sources.py --influsim BUILD/influsim --source-dir SRC
"""
import argparse
import os
import re
import sys
import tempfile

import checks
from checks import Checks, short

C = Checks()
ARGS = None

SCENARIO = """\
name: sources
trials: 400
budget: 20000
regions: [{name: home, shippable: true}]
product: {price: 40, unit_cost: 10}
market: {purchase_rate: 0.02}
tiers:
  micro:
    preset: instagram/micro
    audience: [1]
    interest_share: 0.2
roster_file: creators.csv
roster:
  - handle: anna
    tier: micro
    followers: 12000
strategies: [{name: all, allocation: {micro: 1}}]
"""

CSV = "handle,tier,followers,price\nbea,micro,20000,250\ncara,micro,30000,400\n"

LINE = re.compile(r"^#   (?P<path>\S+)\s+(?P<value>.+?)\s{2,}(?P<where>\S.*)$")


def influsim(*args, cwd=None):
    return checks.run(ARGS.influsim, *args, cwd=cwd)


def table(stdout):
    """{key path: (value, where)} from the sources table of check's stdout."""
    lines = stdout.splitlines()
    start = lines.index("# sources: where each value came from") if (
        "# sources: where each value came from" in lines) else None
    out = {}
    if start is None:
        return out
    for line in lines[start + 1:]:
        m = LINE.match(line)
        if m:
            out[m.group("path")] = (m.group("value"), m.group("where"))
    return out


def test(tmp):
    path = os.path.join(tmp, "s.yaml")
    with open(path, "w") as f:
        f.write(SCENARIO)
    with open(os.path.join(tmp, "creators.csv"), "w") as f:
        f.write(CSV)
    r = influsim("check", path, "--set", "budget=15000", "--sources")
    C.check("check --sources exits 0", r.returncode == 0, short(r.stderr))
    t = table(r.stdout)
    C.check("a table follows the resolved scenario", len(t) > 30, short(r.stdout))

    def where(key, expect, exact=True):
        got = t.get(key, (None, None))[1]
        ok = got == expect if exact else got is not None and got.startswith(expect)
        C.check(f"{key}: {expect}", ok, f"got {got!r}")

    where("budget", "--set:1")
    where("trials", f"{path}:2")
    where("product.unit_cost", f"{path}:5")
    where("tiers.micro.interest_share", f"{path}:11")
    where("tiers.micro.audience", f"{path}:10")
    where("tiers.micro.reach_rate", "preset instagram/micro (", exact=False)
    where("tiers.micro.followers", "preset instagram/micro (", exact=False)
    where("tiers.micro.platform_fee", "default")
    where("hiring.max_skips", "default")
    where("roster.anna.followers", f"{path}:16")
    where("roster.anna.interest_share", f"{path}:11 (from tiers.micro)")
    csv = os.path.join(tmp, "creators.csv")
    where("roster.bea.followers", f"{csv}:2")
    where("roster.cara.price", f"{csv}:3")
    where("roster.cara.platform_fee", "default")
    C.check("the preset's sources are named",
            "Minter.io" in t.get("tiers.micro.reach_rate", ("", ""))[1],
            t.get("tiers.micro.reach_rate"))
    C.check("values as written", t.get("budget", ("",))[0] == "15000" and
            t.get("tiers.micro.audience", ("",))[0] == "[1]", short(str(t.get("budget"))))
    # Aligned: every value starts in the same column.
    cols = {line.index(v[0], 4 + len(k)) for line in r.stdout.splitlines()
            for k, v in t.items() if line.startswith(f"#   {k} ")}
    C.check("the values are aligned", len(cols) == 1, str(sorted(cols)))

    # stdout still loads back as a scenario.
    back = os.path.join(tmp, "back.yaml")
    with open(back, "w") as f:
        f.write(r.stdout)
    b = influsim("check", back)
    C.check("stdout with the table loads back", b.returncode == 0, short(b.stderr))

    plain = influsim("check", path, "--set", "budget=15000")
    C.check("without --sources no table",
            plain.returncode == 0 and "# sources:" not in plain.stdout and
            r.stdout.startswith(plain.stdout), short(plain.stdout))
    h = influsim("check", "--help")
    C.check("--help names --sources", "--sources" in h.stdout + h.stderr, short(h.stdout))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            test(tmp)
        except Exception as exc:  # noqa: BLE001 - report and go on
            C.crash("test", exc)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
