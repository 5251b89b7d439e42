#!/usr/bin/env bash
# What would shipping to North America add? Runs the French brand as it is and
# with North America opened, with the same seed, so each trial is the same
# campaign in both runs; compares them trial by trial (compare.py) and draws
# both. Writes into OUT (default: the current folder).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
out="${1:-.}"
mkdir -p "$out"
scenario="$root/experiments/french-brand.yaml"
"$influsim" run "$scenario" -q -o "$out/ships-eu.h5" --force
"$influsim" run "$scenario" -q -o "$out/ships-eu-and-na.h5" --force \
  --set 'regions[2].shippable=true'
/usr/bin/python3 "$here/compare.py" "$out/ships-eu.h5" "$out/ships-eu-and-na.h5"
/usr/bin/python3 "$root/experiments/plot.py" "$out/ships-eu.h5" "$out/ships-eu-and-na.h5" -o "$out"
