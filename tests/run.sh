#!/usr/bin/env bash
# Builds influsim (warnings are errors) and runs the whole test suite.
# Installs missing Debian packages first. Idempotent; run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tests/deps.sh"
cmake -S "$root" -B "$root/build" -DINFLUSIM_WERROR=ON >/dev/null
cmake --build "$root/build" -j"$(nproc)"
ctest --test-dir "$root/build" --output-on-failure -j"$(nproc)" "$@"
