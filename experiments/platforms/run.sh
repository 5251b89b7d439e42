#!/usr/bin/env bash
# The platforms case (issue 17): the French brand of french-brand.yaml on
# Instagram, TikTok and YouTube, every creator figure from the tier presets
# (docs/presets.md) and only the brand's own figures written in the scenario.
# Prints where each number comes from (check --sources), runs the comparison
# (4,000 trials), then the same with TikTok at Instagram's prices, to show how
# much of the answer rests on TikTok's price figures. Writes into OUT
# (default: the current folder).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
out="${1:-.}"
mkdir -p "$out"
scenario="$here/platforms.yaml"
echo "== where every number comes from"
"$influsim" check "$scenario" --sources > "$out/platforms-sources.yaml"
grep -E "^#   tiers\.(instagram|tiktok|youtube)-micro\." "$out/platforms-sources.yaml" || true
echo "== Instagram, TikTok and YouTube creators, same trials"
"$influsim" run "$scenario" -n 4000 -o "$out/platforms.h5" --force
echo "== the same, with TikTok at Instagram's prices"
"$influsim" run "$scenario" -n 4000 -o "$out/platforms-tiktok-at-instagram-prices.h5" --force \
  --set 'tiers.tiktok-micro.price={loguniform: {min: 100, max: 500}}' \
  --set 'tiers.tiktok-mid.price={loguniform: {min: 500, max: 5000}}'
echo "== the same, without TikTok's views from outside the followers (nonfollower_views 0)"
"$influsim" run "$scenario" -n 4000 -o "$out/platforms-tiktok-no-views.h5" --force \
  --set 'tiers.tiktok-micro.nonfollower_views=0' \
  --set 'tiers.tiktok-mid.nonfollower_views=0'
