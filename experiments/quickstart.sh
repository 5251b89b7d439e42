#!/usr/bin/env bash
# Installs what is missing, builds influsim, and runs the default experiment
# (the French designer brand), writing results.h5 in the current folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tests/deps.sh"
cmake -S "$root" -B "$root/build" >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null
# --force: running the quick start again replaces its own results.h5.
"$root/build/influsim" run --force "$@"
