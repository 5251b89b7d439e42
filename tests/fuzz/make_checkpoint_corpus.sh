#!/usr/bin/env bash
# Writes tests/fuzz/checkpoint-corpus/: a selector byte and the payloads
# (files without their frame, which fuzz_checkpoint.c adds back) of small partial runs
# of tests/scenarios/small.yaml: kept and --no-trials, a shard with trials
# and an empty one (not --no-trials with trials: its histograms take 2 MB,
# too big for the fuzzer to mutate usefully), and a sweep's part. Usage: bash tests/fuzz/make_checkpoint_corpus.sh BUILD/influsim
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
influsim="$1"
out="$root/tests/fuzz/checkpoint-corpus"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
for mode in kept no-trials; do
  extra=()
  [[ $mode == no-trials ]] && extra=(--no-trials)
  # 3 trials, 2 shards: shard 1 empty, shard 2 with the 3 trials.
  for i in 1 2; do
    [[ $mode == no-trials && $i == 2 ]] && continue
    "$influsim" run -q "$root/tests/scenarios/small.yaml" -n 3 "${extra[@]}" --shard "$i/2" \
      -o "$tmp/part.h5" --force 2>/dev/null
    # The selector byte (see fuzz_checkpoint.c): 0, a checkpoint's payload.
    { printf '\000'; tail -c +33 "$tmp/part.h5"; } >"$out/$mode-shard-$i-of-2"
  done
done
# A sweep's part of two points of a few trials: selector 2, a sweep's payload.
"$influsim" sweep -q "$root/tests/scenarios/small.yaml" -n 3 --vary budget=1000:2000:2 \
  --shard 1/1 -o "$tmp/sweep.h5" --force 2>/dev/null
{ printf '\002'; tail -c +25 "$tmp/sweep.h5"; } >"$out/sweep-shard-1-of-1"
ls -l "$out"
