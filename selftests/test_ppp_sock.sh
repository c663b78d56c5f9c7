#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The PPPoL2TP socket API (l2tp_ppp): runs pppol2tp_sock in a fresh
# namespace whose loopback device (127.0.0.1, ::1) carries every tunnel.
# What the program checks is listed in its header: socket(), connect()
# with the four address formats over UDP and L2TPIP tunnels and all its
# errors, getsockname, SOL_PPPOL2TP options, the PPP and statistics
# ioctls, data frames decoded on the wire, /dev/ppp channels,
# /proc/net/pppol2tp, netlink-made PPP sessions, and deletion on close.

. "$(dirname "$0")/lib.sh"

require_cmd ip modinfo nsenter

PROG=$(dirname "$0")/pppol2tp_sock
if [ ! -x "$PROG" ]; then
	ktap_fail "pppol2tp_sock is built" "run make -C selftests first"
	ktap_finish
fi

# Ours is tested once it is built; until then there is nothing to load.
if ! modinfo -n l2tp_ppp >/dev/null 2>&1; then
	ktap_skip "$TEST_NAME" "no l2tp_ppp module in this mode"
	ktap_finish
fi

if ! ns_create 1; then
	ktap_fail "set up the namespace"
	ktap_finish
fi
n1 sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
# For the debugfs listing checks (l2tp_debugfs does not autoload).
modprobe l2tp_debugfs 2>/dev/null

# Only the netns is entered: `ip netns exec` would mount a fresh sysfs
# over /sys and hide debugfs.
pretty NS1 "$PROG"
nsenter --net="/run/netns/$(ns_name 1)" env L2TP_MODE="$L2TP_MODE" "$PROG"
exit $?
