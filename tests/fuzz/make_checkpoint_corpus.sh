#!/usr/bin/env bash
# Writes tests/fuzz/checkpoint-corpus/: the payloads (files without their
# 32-byte frame, which fuzz_checkpoint.c adds back) of small partial runs
# of tests/scenarios/small.yaml: kept and --no-trials, a shard with trials
# and an empty one (not --no-trials with trials: its histograms take 2 MB,
# too big for the fuzzer to mutate usefully). Usage: bash tests/fuzz/make_checkpoint_corpus.sh BUILD/influsim
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
    tail -c +33 "$tmp/part.h5" >"$out/$mode-shard-$i-of-2"
  done
done
ls -l "$out"
