#!/usr/bin/env bash
# Builds influsim (warnings are errors) and runs the whole test suite; then
# builds it again with AddressSanitizer and UndefinedBehaviorSanitizer and
# runs the suite there too (all but the format check and valgrind, which a
# sanitized binary cannot run under). Installs missing Debian packages first.
# Idempotent; run from anywhere. Arguments go to both ctest runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc)"
bash "$root/tests/deps.sh"

cmake -S "$root" -B "$root/build" -DINFLUSIM_WERROR=ON >/dev/null
cmake --build "$root/build" -j"$jobs"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs" "$@"

echo "== the suite again under AddressSanitizer + UndefinedBehaviorSanitizer =="
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$root" -B "$root/build-sanitize" -DINFLUSIM_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS="$sanitize" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$root/build-sanitize" -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$root/build-sanitize" --output-on-failure -j"$jobs" \
  -E '^(format|valgrind_default_run)$' "$@"
