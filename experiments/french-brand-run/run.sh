#!/usr/bin/env bash
# The default experiment: the French designer brand of the article. Runs the
# scenario, finds the best micro/macro split for a bad month (the 10 %
# quantile of conversions), and draws the figures. Writes into OUT (default:
# the current folder). Needs build/influsim (bash experiments/quickstart.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
out="${1:-.}"
mkdir -p "$out"
"$influsim" run "$root/experiments/french-brand.yaml" -o "$out/french-brand.h5" --force
"$influsim" optimize "$root/experiments/french-brand.yaml" --tiers micro,macro --objective q10 \
  -o "$out/french-brand-q10.h5" --force
/usr/bin/python3 "$root/experiments/plot.py" "$out/french-brand.h5" "$out/french-brand-q10.h5" \
  -o "$out"
