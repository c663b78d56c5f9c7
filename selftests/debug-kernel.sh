#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug kernel that `make check KERNEL=debug`, `make
# fuzz` and `make stress` boot: Debian's linux-source-6.12 with KASAN,
# lockdep, PROVE_RCU, DEBUG_OBJECTS, kmemleak and UBSAN, on a config
# trimmed to what the test VM needs (selftests/debug-kernel.config).
#
#   selftests/debug-kernel.sh          build if needed; print the directory
#   selftests/debug-kernel.sh --dir    only print the directory (no build)
#
# The build lives outside the repository, in
# $L2TP_CACHE (default ~/.cache/l2tp)/debug-kernel-KEY, where KEY hashes
# the config fragment, the source package's version and this script, so
# a machine builds each variant once and a changed config builds anew.
# In that directory:
#   src/            the configured and built tree (KDIR for our modules)
#   root/lib/modules/RELEASE   the installed modules
#   release         the kernel release string
#   build-seconds   how long the build took
#   done            written last: the build is complete

set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
TESTDIR=$(dirname "$SELF")
FRAGMENT=$TESTDIR/debug-kernel.config
TARBALL=${LINUX_SOURCE:-/usr/src/linux-source-6.12.tar.xz}
CACHE=${L2TP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/l2tp}
LOCALVERSION=-l2tpdebug

die() { echo "debug-kernel.sh: $*" >&2; exit 1; }
log() { echo "debug-kernel.sh: $*" >&2; }

[ -r "$TARBALL" ] || die "no $TARBALL: run make deps"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || stat -c %s "$TARBALL")
# Bump when the way the kernel is built changes (not for comments).
RECIPE=1
key=$( { cat "$FRAGMENT"; echo "$srcver $RECIPE"; } | sha256sum | cut -c1-12)
DIR=$CACHE/debug-kernel-$key

if [ "${1:-}" = --dir ]; then
	echo "$DIR"
	exit 0
fi

mkdir -p "$CACHE"
exec {lock}>"$CACHE/debug-kernel-$key.lock"
if ! flock -n "$lock"; then
	log "another build of $DIR is running: waiting for it"
	flock "$lock"
fi
if [ -e "$DIR/done" ]; then
	echo "$DIR"
	exit 0
fi

t0=$(date +%s)
rm -rf "$DIR"
mkdir -p "$DIR"
log "unpacking $TARBALL into $DIR/src"
tar -xJf "$TARBALL" -C "$DIR"
mv "$DIR/linux-source-6.12" "$DIR/src"
cd "$DIR/src"

# allnoconfig, then the kernel's own guest fragment and ours on top.
log "configuring"
make -s ARCH=x86_64 allnoconfig >/dev/null
KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m -O . .config \
	kernel/configs/kvm_guest.config "$FRAGMENT" >/dev/null
make -s ARCH=x86_64 olddefconfig >/dev/null
./scripts/config --set-str LOCALVERSION "$LOCALVERSION" --disable LOCALVERSION_AUTO
make -s ARCH=x86_64 olddefconfig >/dev/null

# Every option of the fragment must have survived (a dependency the
# fragment lacks silently drops it).
bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	grep -qxF -- "$line" .config && continue
	log "config: wanted $line, got: $(grep -E "^(# )?${line%%=*}[= ]" .config || echo unset)"
	bad=1
done <"$FRAGMENT"
[ "$bad" = 0 ] || die "the fragment does not apply cleanly: fix selftests/debug-kernel.config"

log "building with $(nproc) jobs (10 to 30 minutes on 2 idle cores)"
make -s -j"$(nproc)" ARCH=x86_64 bzImage modules
make -s ARCH=x86_64 INSTALL_MOD_PATH="$DIR/root" modules_install >/dev/null
make -s kernelrelease >"$DIR/release"
echo $(($(date +%s) - t0)) >"$DIR/build-seconds"
: >"$DIR/done"
log "built $(cat "$DIR/release") in $(cat "$DIR/build-seconds") s"
echo "$DIR"
