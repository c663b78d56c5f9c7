#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The L2TPIP socket API (l2tp_ip, l2tp_ip6): runs l2tp_ip_sock in NS1.
#
#  +------------------------- NS1 --------------------------+   +------- NS2 (router) -------+
#  | lo 10.99.0.1-3/32, fd99::1-3/128 (the test's sockets)   |   | forwarding on              |
#  | v0 10.97.0.1/24 fd97::1/64 fe80::/64 ------------------------ r0 10.97.0.2 fd97::2      |
#  |    default, 10.98.0.0/16, fd98::/16 via NS2            |   | prohibit    10.98.1.0/24   |
#  +--------------------------------------------------------+   |             fd98:1::/64    |
#                                                               | unreachable 10.98.2.0/24   |
#                                                               |             fd98:2::/64    |
#                                                               +----------------------------+
#
# The router answers frames for 10.98.x / fd98:x with ICMP errors (hard:
# administratively prohibited; soft: unreachable), for the ICMP error
# reporting checks. What the program checks is listed in its header.

. "$(dirname "$0")/lib.sh"

require_cmd ip sysctl

PROG=$(dirname "$0")/l2tp_ip_sock
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_ip_sock is built" "run make -C selftests first"
	ktap_finish
fi

setup() {
	ns_create 1 2 || return 1
	n1 sysctl -qw net.ipv6.conf.default.accept_dad=0 &&
	n1 sysctl -qw net.ipv6.conf.all.accept_dad=0 &&
	n2 sysctl -qw net.ipv6.conf.default.accept_dad=0 &&
	n2 sysctl -qw net.ipv6.conf.all.accept_dad=0 || return 1
	ip1 link add v0 type veth peer name r0 netns "$(ns_name 2)" || return 1

	for a in 10.99.0.1 10.99.0.2 10.99.0.3; do
		ip1 addr add "$a/32" dev lo || return 1
	done
	for a in fd99::1 fd99::2 fd99::3; do
		ip1 addr add "$a/128" dev lo nodad || return 1
	done
	ip1 addr add 10.97.0.1/24 dev v0 &&
	ip1 addr add fd97::1/64 dev v0 nodad &&
	ip1 link set v0 up &&
	ip1 route add default via 10.97.0.2 &&
	ip1 route add 10.98.0.0/16 via 10.97.0.2 &&
	ip1 -6 route add default via fd97::2 &&
	ip1 -6 route add fd98::/16 via fd97::2 || return 1

	n2 sysctl -qw net.ipv4.ip_forward=1 &&
	n2 sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip2 addr add 10.97.0.2/24 dev r0 &&
	ip2 addr add fd97::2/64 dev r0 nodad &&
	ip2 link set r0 up &&
	ip2 route add prohibit 10.98.1.0/24 &&
	ip2 route add unreachable 10.98.2.0/24 &&
	ip2 -6 route add prohibit fd98:1::/64 &&
	ip2 -6 route add unreachable fd98:2::/64 || return 1

	# The link-local address the v6 bind checks use.
	wait_for 10 eval "ip -n $(ns_name 1) -6 addr show dev v0 scope link | grep -q fe80" ||
		return 1
	# Key manager for IP(V6)_XFRM_POLICY, as `ip xfrm` would load it.
	modprobe xfrm_user 2>/dev/null
	return 0
}

if ! setup; then
	ktap_fail "set up the namespaces"
	ktap_finish
fi

ns 1 env L2TP_MODE="$L2TP_MODE" "$PROG"
exit $?
