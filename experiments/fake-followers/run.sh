#!/usr/bin/env bash
# How much do fake followers matter? The scenarios give engagement per follower,
# as dashboards quote it, so a creator's bots are already counted there as
# followers who do not engage. (1) The French brand with the share of real
# followers of micro-influencers swept from 40 % to 95 %, the engagement per
# follower held: sales do not move. (2) The same shares of real followers read
# as a lower engagement per follower (the real people engage as before, the
# bots not at all): the tier's 2.3 % is for ~88 % real followers, so x % real
# gives 2.3 % × x / 88, from 1.05 % (40 %) to 2.48 % (95 %). (3) The worldwide
# variant (budget-crossover/global-brand.yaml), where micro and macro are close,
# over a grid of both tiers' real shares read the same way (macro: 1.55 % for
# ~80 % real): the heat map of P(all-micro sells more than all-macro).
# Writes into OUT (default: .).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
out="${1:-.}"
mkdir -p "$out"
# Real share x (0.40, 0.45, ..., 0.95) as engagement per follower:
# micro 0.023 x / 0.88, macro 0.0155 x / 0.80.
micro="tiers.micro.engagement_per_follower.beta.mean=0.010454545:0.024829545:12"
macro="tiers.macro.engagement_per_follower.beta.mean=0.00775:0.01840625:12"
"$influsim" sweep "$root/experiments/french-brand.yaml" \
  --vary tiers.micro.real_share.beta.mean=0.4:0.95:12 -n 2000 -o "$out/micro-real-share.h5" --force
"$influsim" sweep "$root/experiments/french-brand.yaml" \
  --vary "$micro" -n 4000 -o "$out/micro-fakes.h5" --force
"$influsim" sweep "$root/experiments/budget-crossover/global-brand.yaml" \
  --vary "$micro" --vary "$macro" -n 2000 -q -o "$out/both-fakes.h5" --force
/usr/bin/python3 "$root/experiments/plot.py" "$out/micro-real-share.h5" "$out/micro-fakes.h5" \
  -o "$out"
/usr/bin/python3 "$root/experiments/plot.py" "$out/both-fakes.h5" --pair all-micro,all-macro \
  -o "$out"
