#!/usr/bin/env bash
# The glowlab case (issue 12): a skincare brand, $15,000, nano / micro / macro,
# repeat orders 2. Runs glowlab.yaml before (the reference hiring rule, stop,
# no overhead, every creator posts) and after (the scenario as written, with
# the defaults: skip, overhead per hire, 80-95 % of creators posting); compares
# unspent money, sales and profit per strategy (compare.py); then asks the
# optimiser for the best split by first-purchase profit and by lifetime
# (LTV) profit, before and after. 4,000 trials a run, 2,000 a split searched.
# Writes into OUT (default: the current folder).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
out="${1:-.}"
mkdir -p "$out"
scenario="$here/glowlab.yaml"
before=(--set hiring.rule=stop)
for t in nano micro macro; do
  before+=(--set "tiers.$t.overhead_per_hire=0" --set "tiers.$t.post_probability=1")
done
echo "== before: hiring.rule stop, no overhead, every creator posts"
"$influsim" run "$scenario" -n 4000 "${before[@]}" -o "$out/before.h5" --force
echo "== after: the scenario's defaults"
"$influsim" run "$scenario" -n 4000 -o "$out/after.h5" --force
echo "== before -> after"
/usr/bin/python3 "$here/compare.py" "$out/before.h5" "$out/after.h5"
/usr/bin/python3 "$root/experiments/plot.py" "$out/before.h5" "$out/after.h5" -o "$out"
for objective in profit ltv-profit; do
  echo "== optimize --objective $objective, before"
  "$influsim" optimize "$scenario" --tiers nano,micro,macro --objective "$objective" -n 2000 \
    "${before[@]}" -o "$out/before-$objective.h5" --force
  echo "== optimize --objective $objective, after"
  "$influsim" optimize "$scenario" --tiers nano,micro,macro --objective "$objective" -n 2000 \
    -o "$out/after-$objective.h5" --force
done
