#!/usr/bin/env bash
# Installs a build into a temporary prefix and links examples/minimal.c
# against it twice, as another program would: (a) a CMake project with
# find_package(influsim), (b) one cc line with `pkg-config --static`. Each
# must print the first strategy's mean conversions exactly as the installed
# `influsim run` writes them in its results file.
#
# usage: test_install.sh SOURCE_DIR BUILD_DIR PYTHON   (PYTHON: with h5py)
# CMAKE and CC name the cmake and C compiler to use (default: from PATH).
set -euo pipefail

src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
python=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/influsim-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake=${CMAKE:-cmake}
cc=${CC:-cc}
# The library's own build flags (a sanitizer build's -fsanitize=...): a program
# linking an instrumented library must be built and linked with them too.
read -ra extra_cflags <<<"${INFLUSIM_CFLAGS:-}"
read -ra extra_ldflags <<<"${INFLUSIM_LDFLAGS:-}"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
run() {
    echo "+ $*" >&2
    "$@"
}

run "$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" || {
    cat "$tmp/install.log" >&2
    fail "cmake --install"
}

# The small test scenario with few trials, so each run takes a moment.
sed 's/^trials: .*/trials: 200/' "$src/tests/scenarios/small.yaml" >"$tmp/small.yaml"
grep -q '^trials: 200$' "$tmp/small.yaml" || fail "could not set trials in the scenario copy"

# The reference: the installed program's results file.
run "$prefix/bin/influsim" run "$tmp/small.yaml" --quiet -o "$tmp/run.h5"
expected=$("$python" - "$tmp/run.h5" <<'PY'
import sys
import h5py

with h5py.File(sys.argv[1], "r") as f:
    for name, group in f["strategies"].items():
        if group.attrs["index"] == 0:
            summary = group["summary"]
            metrics = [m.decode() if isinstance(m, bytes) else m for m in summary["metric"][()]]
            mean = summary["mean"][metrics.index("conversions")]
            print(name, repr(float(mean)))
            break
    else:
        sys.exit("no strategy with index 0 in " + sys.argv[1])
PY
)
echo "influsim run: $expected"

# Compares "NAME NUMBER" lines as name and double (the example prints %.17g).
same() {
    "$python" -c 'import sys; a, b = sys.argv[1].split(), sys.argv[2].split(); \
sys.exit(0 if a[0] == b[0] and float(a[1]) == float(b[1]) else 1)' "$1" "$2"
}

# (a) CMake: find_package(influsim REQUIRED) from the prefix.
run "$cmake" -S "$src/examples" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="${INFLUSIM_CFLAGS:-}" \
    -DCMAKE_EXE_LINKER_FLAGS="${INFLUSIM_LDFLAGS:-}" >"$tmp/configure.log" || {
    cat "$tmp/configure.log" >&2
    fail "configuring examples/ against the installed package"
}
run "$cmake" --build "$tmp/cmake-build" >"$tmp/build.log" || {
    cat "$tmp/build.log" >&2
    fail "building examples/ against the installed package"
}
got=$(run "$tmp/cmake-build/minimal" "$tmp/small.yaml")
echo "cmake build:  $got"
same "$got" "$expected" || fail "find_package build printed '$got', influsim run wrote '$expected'"

# (b) pkg-config: one compiler line from influsim.pc alone.
command -v pkg-config >/dev/null || fail "pkg-config not found (tests/deps.sh installs it)"
pc=$(find "$prefix" -name influsim.pc -print -quit)
[[ -n $pc ]] || fail "influsim.pc not installed"
export PKG_CONFIG_PATH=${pc%/*}
flags=$(pkg-config --static --cflags --libs influsim)
echo "pkg-config --static --cflags --libs influsim: $flags"
read -ra flags <<<"$flags"
read -ra cflags <<<"$(pkg-config --cflags influsim)"
run "$cc" -std=c17 "${extra_cflags[@]}" -o "$tmp/minimal-pc" "$src/examples/minimal.c" \
    "${flags[@]}" "${extra_ldflags[@]}"
# A shared libinflusim in a prefix off the loader's path is found this way
# (the static one needs nothing at run time).
libdir=$(pkg-config --variable=libdir influsim)
export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
got=$(run "$tmp/minimal-pc" "$tmp/small.yaml")
echo "pkg-config build: $got"
same "$got" "$expected" || fail "pkg-config build printed '$got', influsim run wrote '$expected'"

# Every installed header compiles on its own, warning-free.
headers=("$prefix"/include/influsim/*.h)
for header in "${headers[@]}"; do
    name=influsim/${header##*/}
    printf '#include <%s>\n' "$name" |
        "$cc" -std=c17 -Wall -Wextra -Werror -fsyntax-only -x c - "${cflags[@]}" ||
        fail "$name does not compile on its own"
done
echo "headers: each of ${#headers[@]} compiles alone"

# Errors reach the caller's main as a message and a non-zero exit.
if "$tmp/minimal-pc" "$tmp/missing.yaml" 2>"$tmp/err.txt"; then
    fail "minimal succeeded on a missing scenario"
fi
grep -q 'missing.yaml' "$tmp/err.txt" || fail "no message naming the missing file: $(cat "$tmp/err.txt")"

echo "install: OK"
