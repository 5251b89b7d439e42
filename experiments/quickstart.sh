#!/usr/bin/env bash
# Installs what is missing, builds influsim, and runs the default experiment
# (the French designer brand), writing results.h5 in the current folder, its
# one-page report, report.html (`influsim report`, docs/report.md), and its
# figure, results-conversions.png (experiments/plot.py).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tests/deps.sh"
cmake -S "$root" -B "$root/build" >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null
# --force: running the quick start again replaces its own results.h5.
"$root/build/influsim" run --force "$@"
# The figure of the file just written (-o FILE among the arguments, or results.h5).
out=results.h5
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
  -o | --output) out="${args[i + 1]:-$out}" ;;
  --output=*) out="${args[i]#--output=}" ;;
  esac
done
# The page needs nothing but the program: written before the figure, whose
# script needs Debian's matplotlib.
"$root/build/influsim" report --force "$out" -o "$(dirname "$out")/report.html"
/usr/bin/python3 "$root/experiments/plot.py" "$out" -o "$(dirname "$out")"
