#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Completeness half of the ABI check.  For l2tp.h and if_pppol2tp.h:
#  1. our header declares exactly the names the system's header declares
#     (macros, enumerators, enum and struct tags, struct members), so we
#     neither lack nor add anything;
#  2. our include guard is the system's with the _UAPI prefix that
#     headers_install strips, as in the kernel's own uapi sources;
#  3. every name the system header declares is in abi_list.h, so the
#     value check cannot skip it.
#
# usage: abi_names.sh <host cc> <abi_gen binary> <our include/uapi> <outdir>

set -eu

cc=$1
gen=$2
ours=$3
out=$4
here=$(dirname "$0")
fail=0

# the header the compiler finds without our -I: the reference
system_header() {
	printf '#include <%s>\n' "$1" | $cc -M -x c - |
		tr ' \\' '\n\n' | grep "/$1\$" | head -n 1
}

extract() {
	awk -f "$here/abi_extract.awk" "$1" | LC_ALL=C sort -u
}

"$gen" -n | LC_ALL=C sort -u > "$out/list.names"

for h in linux/l2tp.h linux/if_pppol2tp.h; do
	sys=$(system_header "$h")
	if [ -z "$sys" ] || [ ! -f "$ours/$h" ]; then
		echo "abi_names: cannot find both copies of $h" >&2
		exit 1
	fi
	base=$(basename "$h" .h)
	extract "$sys" > "$out/$base.sys"
	extract "$ours/$h" > "$out/$base.ours"

	if grep '^other ' "$out/$base.sys" "$out/$base.ours"; then
		echo "abi_names: $h has declarations the scanner cannot read" >&2
		fail=1
	fi

	sys_guard=$(sed -n 's/^guard //p' "$out/$base.sys")
	our_guard=$(sed -n 's/^guard //p' "$out/$base.ours")
	if [ "$our_guard" != "_UAPI$sys_guard" ]; then
		echo "ABI MISMATCH: $h guard is '$our_guard', want '_UAPI$sys_guard'"
		fail=1
	fi

	grep -v '^guard ' "$out/$base.sys" > "$out/$base.sys.names" || :
	grep -v '^guard ' "$out/$base.ours" > "$out/$base.ours.names" || :

	missing=$(LC_ALL=C comm -23 "$out/$base.sys.names" "$out/$base.ours.names")
	extra=$(LC_ALL=C comm -13 "$out/$base.sys.names" "$out/$base.ours.names")
	unlisted=$(LC_ALL=C comm -23 "$out/$base.sys.names" "$out/list.names")
	if [ -n "$missing" ]; then
		echo "ABI MISMATCH: declared by $sys but not by ours:"
		echo "$missing" | sed 's/^/	/'
		fail=1
	fi
	if [ -n "$extra" ]; then
		echo "ABI MISMATCH: declared by our $h but not by $sys:"
		echo "$extra" | sed 's/^/	/'
		fail=1
	fi
	if [ -n "$unlisted" ]; then
		echo "ABI LIST INCOMPLETE: add to selftests/abi/abi_list.h:"
		echo "$unlisted" | sed 's/^/	/'
		fail=1
	fi
	echo "abi_names: $h: $(wc -l < "$out/$base.sys.names") names, guard $our_guard"
done

exit $fail
