#!/usr/bin/env bash
# Throughput of the default scenario at 1 thread and at all threads.
#   usage: experiments/bench/default-throughput.sh [TRIALS] [REPEATS]
# Prints trials per second and hires simulated per second (the funnels the
# engine draws: per trial and tier, the most hires any strategy makes), the
# best of REPEATS runs, with the machine named. Needs a built build/influsim
# and /usr/bin/python3 with h5py.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$root/build/influsim"
trials="${1:-50000}"
repeats="${2:-3}"
all="$(nproc)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $all cores"
echo "influsim: $("$bin" --version)"
printf '%-8s %8s %10s %12s %14s %10s\n' threads trials "wall s" "trials/s" "hires/s" "total s"
for threads in 1 "$all"; do
  best=""
  for ((r = 0; r < repeats; r++)); do
    start=$(date +%s.%N)
    "$bin" run --quiet --trials "$trials" --threads "$threads" -o "$tmp/out.h5"
    end=$(date +%s.%N)
    line=$(/usr/bin/python3 - "$tmp/out.h5" "$start" "$end" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
n, wall = int(f.attrs["trials"]), float(f.attrs["wall_time_s"])
tiers = [k[len("hires_"):] for k in f["strategies"][f["strategy"].asstr()[0]]["trials"]
         if k.startswith("hires_")]
funnels = 0
for k in tiers:
    per = np.vstack([f[f"strategies/{s}/trials/hires_{k}"][:] for s in f["strategy"].asstr()[:]])
    funnels += per.max(axis=0).sum()
total = float(sys.argv[3]) - float(sys.argv[2])
print(f"{wall:.3f} {n / wall:.0f} {funnels / wall:.0f} {total:.3f}")
PY
)
    if [[ -z "$best" ]] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best="$line"
    fi
  done
  read -r wall tps hps total <<<"$best"
  printf '%-8s %8s %10s %12s %14s %10s\n' "$threads" "$trials" "$wall" "$tps" "$hps" "$total"
done
