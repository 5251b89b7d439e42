#!/usr/bin/env bash
# The same variates on aarch64: cross-compiles tests/cross/sampler_digest.c
# with the samplers and elementary functions (sim/random, sim/base/fmath*) for
# aarch64 with Debian's gcc-aarch64-linux-gnu, runs it under qemu-user, and
# compares its digests with tests/cross/sampler-digests.txt, the same file the
# native build is compared with (ctest's sampler_digest). aarch64 is where a
# difference would show first: GCC fuses multiply-adds there unless told not
# to, and its libm is not x86's.
# Usage: bash tests/cross/aarch64.sh [BUILD_DIR]   (exit 0 same, 1 differs,
# 77 when the cross compiler or qemu is missing). Installs nothing itself:
# tests/run.sh installs the packages first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/build-aarch64}"
cc=aarch64-linux-gnu-gcc
qemu="$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)"
if ! command -v "$cc" >/dev/null || [[ -z "$qemu" ]]; then
  echo "aarch64: $cc or qemu-aarch64 missing; skipped" >&2
  exit 77
fi
mkdir -p "$out/include"
# Random123 is header-only and the same for every architecture; only its
# folder is put on the cross compiler's path, not the host's whole /usr/include.
ln -sfn /usr/include/Random123 "$out/include/Random123"
"$cc" -std=c17 -O2 -ffp-contract=off -fno-math-errno -Wall -Wextra -Werror \
  -I"$root/sim" -I"$out/include" -o "$out/sampler_digest" \
  "$root/tests/cross/sampler_digest.c" "$root/sim/random/sample.c" \
  "$root/sim/random/ziggurat_table.c" "$root/sim/random/log_factorial_table.c" \
  "$root/sim/base/fmath.c" "$root/sim/base/fmath_table.c" -lm
"$qemu" -L /usr/aarch64-linux-gnu "$out/sampler_digest" >"$out/sampler-digests.txt"
if diff -u "$root/tests/cross/sampler-digests.txt" "$out/sampler-digests.txt"; then
  echo "aarch64: the same $(wc -l <"$out/sampler-digests.txt") digests as x86-64"
else
  echo "aarch64: digests differ from x86-64 (above)" >&2
  exit 1
fi
