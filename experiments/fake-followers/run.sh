#!/usr/bin/env bash
# How much do fake followers matter? (1) The French brand with the share of
# real followers of micro-influencers swept from 40 % to 95 %; (2) the
# worldwide variant (budget-crossover/global-brand.yaml), where micro and
# macro are close, over a grid of both tiers' real shares: the heat map of
# P(all-micro sells more than all-macro). Writes into OUT (default: .).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
out="${1:-.}"
mkdir -p "$out"
"$influsim" sweep "$root/experiments/french-brand.yaml" \
  --vary tiers.micro.real_share.beta.mean=0.4:0.95:12 -n 4000 -o "$out/micro-fakes.h5" --force
"$influsim" sweep "$root/experiments/budget-crossover/global-brand.yaml" \
  --vary tiers.micro.real_share.beta.mean=0.4:0.95:12 \
  --vary tiers.macro.real_share.beta.mean=0.4:0.95:12 -n 2000 -q \
  -o "$out/both-fakes.h5" --force
/usr/bin/python3 "$root/experiments/plot.py" "$out/micro-fakes.h5" -o "$out"
/usr/bin/python3 "$root/experiments/plot.py" "$out/both-fakes.h5" --pair all-micro,all-macro \
  -o "$out"
