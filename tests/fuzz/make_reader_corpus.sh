#!/usr/bin/env bash
# Writes the seed corpus of fuzz_reader.c: one small results file of each
# kind (a run's, a --no-trials run's, a sweep's, a select's, a sensitivity study's), written by the
# influsim program given, into DIR (default tests/fuzz/reader-corpus). Run it
# again whenever the file format changes.
#     bash tests/fuzz/make_reader_corpus.sh BUILD/influsim [DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
influsim="$1"
out="${2:-$root/tests/fuzz/reader-corpus}"
small="$root/tests/scenarios/small.yaml"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
export OMP_NUM_THREADS=2
"$influsim" run "$small" --trials 20 -q -o "$out/run.h5" --force
"$influsim" run "$small" --trials 20 --no-trials -q -o "$out/no-trials.h5" --force
"$influsim" sweep "$small" --vary budget=2000:8000:2 --vary nano.followers=1000:3000:2 -n 20 -q \
  -o "$out/sweep.h5" --force 2>/dev/null ||
  "$influsim" sweep "$small" --vary budget=2000:8000:3 -n 20 -q -o "$out/sweep.h5" --force
"$influsim" sensitivity "$small" --factor budget=4000:9000 --factor tiers.nano.interest_share=0.1:0.2 \
  --compare all-nano,macro-heavy -n 20 -q -o "$out/sensitivity.h5" --force
cat >"$tmp/tiny.yaml" <<'YAML'
name: tiny
trials: 50
seed: 5
budget: 5000
product: {price: 400, unit_cost: 100}
market: {purchase_rate: {beta: {mean: 0.1, kappa: 100}}}
regions: [{name: home, shippable: true}, {name: away, shippable: false}]
tiers:
  micro: {followers: 8000, price: 150, platform_fee: 0.1,
          reach_rate: {beta: {mean: 0.3, kappa: 40}}, engagement_rate: 0.05,
          audience: {dirichlet: {mean: [0.8, 0.2], kappa: 30}},
          interest_share: {beta: {mean: 0.2, kappa: 30}},
          conversations_per_engagement: 0.05}
roster:
  - {handle: alice, tier: micro, followers: 10000, price: 300}
  - {handle: bob, tier: micro, followers: 30000, price: 500}
  - {handle: carol, tier: micro, followers: 5000, price: 100}
strategies:
  - {name: all-micro, allocation: {micro: 1}}
YAML
"$influsim" select "$tmp/tiny.yaml" -q -o "$out/select.h5" --plan "$tmp/plan.yaml" --force >/dev/null
ls -l "$out"
