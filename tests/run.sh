#!/usr/bin/env bash
# Builds influsim (warnings are errors) and runs the whole test suite; then
#  - influsim-mpi (-DINFLUSIM_MPI=ON) against influsim at np 1-4 (test_mpi.py),
#    and the Slurm recipes on a one-node Slurm the test starts (test_slurm.py);
#  - the suite again under AddressSanitizer + UndefinedBehaviorSanitizer (all
#    but the format check and valgrind, which a sanitized binary cannot run);
#  - the parallel engine's tests under ThreadSanitizer (clang + Archer), and the
#    golden checksums with this clang build (the same numbers from either compiler);
#  - libFuzzer over the scenario loader for INFLUSIM_FUZZ_SECONDS (120), and
#    over the roster file readers for INFLUSIM_FUZZ_ROSTER_SECONDS (60), and
#    over the results file readers for INFLUSIM_FUZZ_READER_SECONDS (60), and
#    over the checkpoint and partial-run loader for INFLUSIM_FUZZ_CHECKPOINT_SECONDS (45);
#  - the samplers' and elementary functions' digests on aarch64 (qemu-user).
# Installs missing Debian packages first. Idempotent; run from anywhere.
# Arguments go to the first two ctest runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc)"
bash "$root/tests/deps.sh"

cmake -S "$root" -B "$root/build" -DINFLUSIM_WERROR=ON >/dev/null
cmake --build "$root/build" -j"$jobs"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs" "$@"

echo "== influsim-mpi (OpenMPI) against influsim: np 1-4, outside the sanitizer stages =="
cmake -S "$root" -B "$root/build-mpi" -DINFLUSIM_WERROR=ON -DINFLUSIM_MPI=ON >/dev/null
cmake --build "$root/build-mpi" -j"$jobs" --target influsim_cli influsim_mpi
ctest --test-dir "$root/build-mpi" --output-on-failure -R '^(e2e_test_mpi|e2e_test_slurm)$'

echo "== the suite again under AddressSanitizer + UndefinedBehaviorSanitizer =="
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$root" -B "$root/build-sanitize" -DINFLUSIM_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS="$sanitize" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$root/build-sanitize" -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$root/build-sanitize" --output-on-failure -j"$jobs" \
  -E '^(format|valgrind_default_run|e2e_test_slurm|e2e_test_mpi)$' "$@"

echo "== the parallel engine's tests under ThreadSanitizer (clang, libomp, Archer) =="
# Archer is LLVM OpenMP's tool that tells ThreadSanitizer about OpenMP's own
# synchronisation (barriers, reductions), so only real races are reported.
archer="$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | sort -V | tail -n 1)"
CC=clang cmake -S "$root" -B "$root/build-tsan" -DINFLUSIM_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build "$root/build-tsan" -j"$jobs"
OMP_TOOL_LIBRARIES="$archer" \
  TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=1 exitcode=66" \
  ctest --test-dir "$root/build-tsan" --output-on-failure -j"$jobs" \
  -R '^(unit_engine_threads|unit_cluster|unit_study_cluster|unit_summary|unit_tally_stream|unit_chunk_set|unit_checkpoint|unit_shard|unit_round_hook|e2e_test_threads|e2e_test_no_trials|e2e_test_interrupt|e2e_test_target_se|e2e_test_same_numbers)$'

echo "== the same variates on aarch64 (cross-compiled, run under qemu-user) =="
bash "$root/tests/cross/aarch64.sh" "$root/build-aarch64"

seconds="${INFLUSIM_FUZZ_SECONDS:-120}"
echo "== fuzzing the scenario loader for ${seconds} s (libFuzzer, ASan + UBSan) =="
CC=clang cmake -S "$root" -B "$root/build-fuzz" -DINFLUSIM_WERROR=ON -DINFLUSIM_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$root/build-fuzz" -j"$jobs" --target fuzz_scenario
mkdir -p "$root/build-fuzz/corpus" "$root/build-fuzz/artifacts"
if ! "$root/build-fuzz/tests/fuzz_scenario" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$root/build-fuzz/artifacts/" \
  "$root/build-fuzz/corpus" "$root/tests/fuzz/corpus" "$root/tests/scenarios/bad" \
  "$root/experiments" 2>"$root/build-fuzz/fuzz.log"; then
  tail -n 60 "$root/build-fuzz/fuzz.log"
  echo "fuzzing found a failure: the input is in build-fuzz/artifacts/;" \
    "fix it and copy the input into tests/fuzz/regressions/" >&2
  exit 1
fi
grep -E '^stat::(number_of_executed_units|new_units_added)' "$root/build-fuzz/fuzz.log"
echo "fuzzing: no crash, leak, hang or failed check"

roster_seconds="${INFLUSIM_FUZZ_ROSTER_SECONDS:-60}"
echo "== fuzzing the roster file readers for ${roster_seconds} s (libFuzzer, ASan + UBSan) =="
cmake --build "$root/build-fuzz" -j"$jobs" --target fuzz_roster
mkdir -p "$root/build-fuzz/roster-corpus"
if ! "$root/build-fuzz/tests/fuzz_roster" -max_total_time="$roster_seconds" -timeout=10 \
  -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$root/build-fuzz/artifacts/roster-" \
  "$root/build-fuzz/roster-corpus" "$root/tests/fuzz/roster-corpus" \
  2>"$root/build-fuzz/fuzz-roster.log"; then
  tail -n 60 "$root/build-fuzz/fuzz-roster.log"
  echo "fuzzing found a failure: the input is in build-fuzz/artifacts/roster-*;" \
    "fix it and copy the input into tests/fuzz/regressions/ (named roster-*)" >&2
  exit 1
fi
grep -E '^stat::(number_of_executed_units|new_units_added)' "$root/build-fuzz/fuzz-roster.log"
echo "fuzzing the roster readers: no crash, leak, hang or failed check"

reader_seconds="${INFLUSIM_FUZZ_READER_SECONDS:-60}"
echo "== fuzzing the results file readers for ${reader_seconds} s (libFuzzer, ASan + UBSan) =="
# Each input is read in child processes (sim/h5/guard.c) that may take up to
# 4 s each on a hostile file, hence the longer -timeout. AddressSanitizer
# reports printed by those children are HDF5's faults on damaged input (the
# guard reports the file as damaged); only a failure of this process fails.
cmake --build "$root/build-fuzz" -j"$jobs" --target fuzz_reader
mkdir -p "$root/build-fuzz/reader-corpus"
if ! "$root/build-fuzz/tests/fuzz_reader" -max_total_time="$reader_seconds" -timeout=30 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$root/build-fuzz/artifacts/reader-" \
  "$root/build-fuzz/reader-corpus" "$root/tests/fuzz/reader-corpus" \
  2>"$root/build-fuzz/fuzz-reader.log"; then
  tail -n 60 "$root/build-fuzz/fuzz-reader.log"
  echo "fuzzing found a failure: the input is in build-fuzz/artifacts/reader-*;" \
    "fix it and copy the input into tests/fuzz/regressions/ (named show-*.h5)" >&2
  exit 1
fi
grep -E '^stat::(number_of_executed_units|new_units_added)' "$root/build-fuzz/fuzz-reader.log"
echo "fuzzing the results file readers: no crash, leak, hang or failed check"

checkpoint_seconds="${INFLUSIM_FUZZ_CHECKPOINT_SECONDS:-45}"
echo "== fuzzing the checkpoint and partial-run loader for ${checkpoint_seconds} s (libFuzzer, ASan + UBSan) =="
cmake --build "$root/build-fuzz" -j"$jobs" --target fuzz_checkpoint
mkdir -p "$root/build-fuzz/checkpoint-corpus"
if ! "$root/build-fuzz/tests/fuzz_checkpoint" -max_total_time="$checkpoint_seconds" -timeout=10 \
  -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$root/build-fuzz/artifacts/checkpoint-" \
  "$root/build-fuzz/checkpoint-corpus" "$root/tests/fuzz/checkpoint-corpus" \
  2>"$root/build-fuzz/fuzz-checkpoint.log"; then
  tail -n 60 "$root/build-fuzz/fuzz-checkpoint.log"
  echo "fuzzing found a failure: the input is in build-fuzz/artifacts/checkpoint-*;" \
    "fix it and copy the input into tests/fuzz/regressions/ (named checkpoint-*)" >&2
  exit 1
fi
grep -E '^stat::(number_of_executed_units|new_units_added)' "$root/build-fuzz/fuzz-checkpoint.log"
echo "fuzzing the checkpoint loader: no crash, leak, hang or failed check"
