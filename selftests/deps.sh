#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build, the static checks, the test VM
# and the tests need (`make deps`; `make check` and `make demo` call it
# first).  Idempotent, and a quick no-op when everything is there.
#
#   selftests/deps.sh            install what is missing
#   selftests/deps.sh --check    only say what is missing (exit 1 if any)

set -euo pipefail

PACKAGES=(
	# build: headers for the target kernel, its compiler, make
	linux-headers-6.12-amd64 gcc make kmod
	# static checks: sparse, and checkpatch taken from the source package
	sparse linux-source-6.12 xz-utils perl
	# the test VM boots this kernel with QEMU and a busybox initramfs
	linux-image-6.12-amd64 qemu-system-x86 busybox-static cpio gzip file
	# tests and their userspace
	iproute2 iputils-ping libmnl-dev pkg-config tcpdump iperf3 xl2tpd ppp
	procps python3 ethtool jq
	# make bench PROFILE=1
	linux-perf
	# make bench: its plots
	gnuplot-nox
	# make debug-kernel (KERNEL=debug, fuzz, stress): the kernel build
	flex bison bc libelf-dev libssl-dev
)

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: missing packages: ${missing[*]}"
[ "${1:-}" = --check ] && exit 1

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: run as root (or install sudo)"; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive

# Refresh the package lists only when apt does not know a package yet.
for p in "${missing[@]}"; do
	if ! apt-cache show "$p" >/dev/null 2>&1; then
		$SUDO apt-get update
		break
	fi
done
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
