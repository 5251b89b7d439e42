#!/usr/bin/env bash
# What drives the answer (issue 13): which assumptions of the default French
# brand decide all-micro against all-macro, and at what values the ranking
# would flip. Four studies, each a results file and its figure in OUT
# (default: the current folder):
#   1. tornado.h5  every assumption at -/+ 30 %, one at a time (83 runs)
#   2. wide.h5     the six assumptions that could plausibly be far off, over
#                  wide ranges, one at a time, with where the ranking flips
#   3. morris.h5   every assumption, Morris screening (841 runs)
#   4. sobol.h5    the eight that Morris ranks first, Sobol indices (2,561 runs)
# TRIALS (default 2000) is each run's trials. About 15 minutes on 2 cores
# (Release build); INFLUSIM names the program (default: build/influsim).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
python=/usr/bin/python3
out="${1:-.}"
trials="${2:-2000}"
mkdir -p "$out"
pair=(--compare all-micro,all-macro -n "$trials" --force)

echo "== 1. every assumption at -/+ 30 %, one at a time"
"$influsim" sensitivity --factors assumptions "${pair[@]}" -o "$out/tornado.h5" --top 12

echo "== 2. six assumptions over wide ranges, one at a time"
"$influsim" sensitivity "${pair[@]}" -o "$out/wide.h5" \
  --factor tiers.micro.interest_share.beta.mean=0.005:0.12:log \
  --factor tiers.micro.engagement_per_follower.beta.mean=0.001:0.023:log \
  --factor tiers.micro.price.lognormal.median=180:3000:log \
  --factor tiers.macro.interest_share.beta.mean=0.03:0.5:log \
  --factor tiers.macro.price_per_1k_followers.lognormal.median=0.5:10:log \
  --factor tiers.macro.engagement_per_follower.beta.mean=0.0155:0.1:log

echo "== 3. every assumption, Morris screening"
"$influsim" sensitivity --factors assumptions --method morris --samples 20 "${pair[@]}" \
  -o "$out/morris.h5" --top 12

echo "== 4. the eight Morris ranks first, Sobol indices"
mapfile -t top < <("$python" "$here/top_factors.py" "$out/morris.h5" 8 | tr ' ' '\n')
"$influsim" sensitivity "${top[@]}" --method sobol --samples 256 "${pair[@]}" \
  -o "$out/sobol.h5"

echo "== figures"
for f in tornado wide morris sobol; do
  "$python" "$root/experiments/plot.py" "$out/$f.h5"
done
