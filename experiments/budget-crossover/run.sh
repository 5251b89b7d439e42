#!/usr/bin/env bash
# Budget sweeps from $1k to $1M (25 points, log-spaced, 2,000 trials a point,
# the same trials at every budget): the French brand, then the worldwide
# variant of global-brand.yaml. Prints where the best strategy changes and
# draws each sweep's fan chart. Writes into OUT (default: the current folder).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
out="${1:-.}"
mkdir -p "$out"
grid="budget=1000:1000000:25:log"
"$influsim" sweep "$root/experiments/french-brand.yaml" --vary "$grid" -n 2000 \
  -o "$out/french-brand-budget.h5" --force
"$influsim" sweep "$here/global-brand.yaml" --vary "$grid" -n 2000 \
  -o "$out/global-brand-budget.h5" --force
/usr/bin/python3 "$root/experiments/plot.py" "$out/french-brand-budget.h5" \
  "$out/global-brand-budget.h5" -o "$out"
