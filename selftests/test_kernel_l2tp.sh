#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own L2TP selftest, tools/testing/selftests/net/l2tp.sh,
# unmodified: two unmanaged L2TPv3 IP-encapsulated tunnels (IPv4 and
# IPv6 underlay) with Ethernet sessions, pinged plain, under IPsec
# (ESP transport, rfc4106(gcm(aes))) and after the IPsec teardown.
#
#  host_1                         router                        host_2
#  lo 172.16.101.1/fc00:101::1                        lo 172.16.101.2/fc00:101::2
#  eth0 10.1.1.1 ------------- eth1 | eth2 ------------- eth0 10.1.2.1
#       2001:db8:1::1                                     2001:db8:2::1
#  l2tp4 172.16.1.1 ====== tunnel 1041 <-> 1042, encap ip ====== l2tp4 172.16.1.2
#  l2tp6 fc00:1::1  ====== tunnel 1061 <-> 1062, encap ip ====== l2tp6 fc00:1::2
#
# The script and its lib.sh are taken from the Debian kernel source
# package at run time, into a temporary directory; they are not part of
# this repository. xz_tar_member.py reads only the tarball's last xz
# blocks (a full decompression takes well over ten minutes under TCG).
# The script always exits 0, so its "TEST: ... [ OK ]" and "[FAIL]"
# lines are what counts: each becomes one KTAP line, and all 16 must
# pass.

. "$(dirname "$0")/lib.sh"

TARBALL=${L2TP_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
NETDIR=linux-source-6.12/tools/testing/selftests/net
EXPECTED=16

require_cmd ip ping python3 xz sysctl
if [ ! -r "$TARBALL" ]; then
	ktap_skip "$TEST_NAME" "no $TARBALL (make deps installs linux-source-6.12)"
	ktap_finish
fi

work=$(mktemp -d /tmp/kernel-l2tp.XXXXXX) || exit "$KSFT_FAIL"
on_exit "rm -rf '$work'"

echo "# extracting l2tp.sh and lib.sh from $TARBALL"
if ! python3 "$(dirname "$0")/xz_tar_member.py" "$TARBALL" "$work" \
	"$NETDIR/l2tp.sh" "$NETDIR/lib.sh"; then
	ktap_fail "extract l2tp.sh and lib.sh from the kernel source"
	ktap_finish
fi

log=$work/l2tp.log
(cd "$work/$NETDIR" && bash ./l2tp.sh) >"$log" 2>&1
rc=$?
sed 's/^/# /' "$log"

passed=0
total=0
while IFS= read -r line; do
	desc=${line#TEST: }
	desc=${desc%\[*}
	desc=$(echo "$desc" | sed 's/[[:space:]]*$//')
	total=$((total + 1))
	case $line in
	*"[ OK ]"*)
		passed=$((passed + 1))
		ktap_ok "l2tp.sh: $desc"
		;;
	*)
		ktap_fail "l2tp.sh: $desc"
		;;
	esac
done < <(grep '^TEST: ' "$log")

ktap_check "l2tp.sh exits 0 (setup under set -e succeeded)" test "$rc" = 0
ktap_check "l2tp.sh: $passed of $total TEST lines passed, $EXPECTED expected" \
	test "$passed" = "$EXPECTED" -a "$total" = "$EXPECTED"
ktap_finish
