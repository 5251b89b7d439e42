#!/usr/bin/env bash
# Installs the Debian packages influsim needs to build and test, if any are
# missing. Idempotent: does nothing (and needs no network) when all are there.
set -euo pipefail

packages=(
  gcc make cmake git pkg-config valgrind clang-format clang libomp-dev libclang-rt-14-dev
  libgsl-dev libhdf5-dev librandom123-dev libyaml-dev zlib1g-dev
  python3 python3-numpy python3-h5py python3-matplotlib python3-xarray python3-h5netcdf python3-yaml
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  chromium chromium-driver python3-selenium
  libopenmpi-dev openmpi-bin slurm-wlm munge
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "influsim: installing ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    SUDO=sudo
  else
    SUDO=
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
