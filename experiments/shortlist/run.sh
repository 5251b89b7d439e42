#!/usr/bin/env bash
# The shortlist case (issue 11): which of the 40 creators in creators.csv should
# the French designer brand hire with $30,000? Checks the roster, asks `select`
# for the best plan by mean conversions and by a bad month (q10), then runs the
# plan it wrote next to the tier pools and the naive buyer's eight, on the same
# trials. 4,000 trials for each search, 10,000 for the run. Writes into OUT
# (default: the current folder).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
influsim="${INFLUSIM:-$root/build/influsim}"
out="${1:-.}"
mkdir -p "$out"
scenario="$here/shortlist.yaml"
echo "== the roster, by the rules of a roster file"
python3 "$here/check_roster.py"
for objective in mean q10; do
  echo "== select --objective $objective, \$30,000"
  "$influsim" select "$scenario" --budget 30000 --objective "$objective" -n 4000 \
    -o "$out/select-$objective.h5" --plan "$out/plan-$objective.yaml" --force
done
echo "== run: the plan for mean conversions against the tier pools and the hand-picked eight"
"$influsim" run "$out/plan-mean.yaml" -o "$out/plan-mean.h5" --force
