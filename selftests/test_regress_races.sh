#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# One regression test per upstream bug class, for the teardown,
# registration and socket-validation races and the netns exit race
# (classes 1 to 11 and 21 of the behaviour notes, §4): runs l2tp_regress
# in a namespace of its own, over its loopback device. Each class drives
# the sequence that exposed the upstream bug many times; what each one
# does is listed in the program's header. The checks hold in both modes;
# where ours deliberately differs, the program expects each mode's own
# errno. Any splat, leak or module left loaded fails the test through
# run_tests.sh.
#
# RR_SCALE scales the round counts and time budgets (default 1: about
# three minutes under TCG); RR_CLASSES picks classes ("1 5 21").

. "$(dirname "$0")/lib.sh"

require_cmd ip modinfo nsenter

PROG=$(dirname "$0")/l2tp_regress
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_regress is built" "run make -C selftests first"
	ktap_finish
fi
PROG=$(readlink -f "$PROG")

if ! modinfo -n l2tp_ppp >/dev/null 2>&1; then
	ktap_skip "$TEST_NAME" "no l2tp_ppp module in this mode"
	ktap_finish
fi


opts=()
for m in l2tp_netlink l2tp_eth l2tp_ppp; do
	modprobe "$m" || { ktap_fail "modprobe $m"; ktap_finish; }
done
mode_module l2tp_ip && opts+=(-i)
mode_module l2tp_ip6 && opts+=(-I)
[ -n "${RR_SCALE:-}" ] && opts+=(-s "$RR_SCALE")
read -ra classes <<<"${RR_CLASSES:-}"

if ! ns_create 1; then
	ktap_fail "set up the namespace"
	ktap_finish
fi
n1 sysctl -qw net.ipv6.conf.lo.disable_ipv6=0

# Only the netns is entered: the program reads /sys/module for the
# module reference counts and /proc/net/pppol2tp of its namespace.
pretty NS1 "$PROG ${opts[*]} ${classes[*]}"
nsenter --net="/run/netns/$(ns_name 1)" env L2TP_MODE="$L2TP_MODE" \
	"$PROG" "${opts[@]}" "${classes[@]}"
exit $?
