#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# PPP-over-L2TP links torn down in every order while traffic flows.
#
# Each end is selftests/ppp_unit: the UDP tunnel socket, the tunnel
# management socket and the session socket an L2TP daemon makes, with
# the session's PPP channel attached to a fresh ppp unit (no pppd, no
# LCP: frames flow at once), over L2TPv2 and L2TPv3, IPv4 and IPv6:
#
#   NS1 ppp_unit A (tunnel 10, session 11) pppN 10.62.0.1
#        veth1 10.61.0.1 fd61::1 ==== veth2 10.61.0.2 fd61::2
#   NS2 ppp_unit B (tunnel 20, session 21) pppN 10.62.0.2
#
# While a flood ping crosses the link, one end goes away by: process exit
# (all descriptors at once), netlink SESSION_DELETE, netlink
# TUNNEL_DELETE, closing the UDP socket first, pppd's order (channel,
# unit, session, tunnel socket), or closing the session socket under the
# attached unit. Then nothing may be left: no tunnel, no session, no ppp
# device (run_tests.sh adds: no splat, trace objects freed, modules
# unload). Last, a namespace holding a kernel-socket tunnel and a PPP
# session dies with traffic running.
#
# Beyond upstream (skipped with the stock modules): when the session is
# deleted under a live socket, its PPP channel is hung up at once.

. "$(dirname "$0")/lib.sh"

require_cmd ip ping
PPP_UNIT=$(dirname "$0")/ppp_unit
[ -x "$PPP_UNIT" ] || { ktap_fail "ppp_unit is built" "run make -C selftests"; ktap_finish; }

TMP=$(mktemp -d)
on_exit "rm -rf $TMP"

# unit_start NAME N ARGS...: run ppp_unit in NS<N> with its stdin on a
# fifo we hold open; true once it says it is ready.
unit_start() {
	local name=$1 n=$2 fd
	shift 2
	rm -f "$TMP/$name".*
	mkfifo "$TMP/$name.in"
	pretty "NS$n" "ppp_unit $*"
	ip netns exec "$(ns_name "$n")" "$PPP_UNIT" "$@" \
		<"$TMP/$name.in" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	eval "PID_$name=$!"
	exec {fd}>"$TMP/$name.in"
	eval "FD_$name=$fd"
	on_exit "kill -KILL \$PID_$name"
	wait_for 30 grep -q '^ready' "$TMP/$name.out" || {
		cat "$TMP/$name.err"
		return 1
	}
}

# unit_cmd NAME COMMAND: send a command, print its one-line answer.
unit_cmd() {
	local name=$1 fd pid before
	eval "fd=\$FD_$name pid=\$PID_$name"
	before=$(wc -l <"$TMP/$name.out")
	echo "$2" >&"$fd" 2>/dev/null || return 1
	wait_for 30 eval "[ \$(wc -l <'$TMP/$name.out') -gt $before ] || ! kill -0 $pid 2>/dev/null" ||
		return 1
	tail -n 1 "$TMP/$name.out"
}

# unit_stop NAME: tell it to exit (if it still runs) and reap it.
unit_stop() {
	local name=$1 fd pid
	eval "fd=\$FD_$name pid=\$PID_$name"
	echo exit >&"$fd" 2>/dev/null
	exec {fd}>&-
	wait "$pid" 2>/dev/null
	return 0
}

unit_number() {
	sed -n 's/^ready unit=//p' "$TMP/$1.out"
}

# Counted from the plain output: jq takes seconds to start under TCG.
tunnels() {
	ip -n "$(ns_name "$1")" l2tp show tunnel 2>/dev/null | grep -c '^Tunnel '
}

sessions() {
	ip -n "$(ns_name "$1")" l2tp show session 2>/dev/null | grep -c '^Session '
}

ppp_devices() {
	ip -n "$(ns_name "$1")" -o link show 2>/dev/null | grep -c ': ppp'
}

# clean N: no tunnel, no session, no ppp device left in NS<N>.
clean() {
	[ "$(tunnels "$1")" = 0 ] && [ "$(sessions "$1")" = 0 ] &&
		[ "$(ppp_devices "$1")" = 0 ]
}

session_gone() {
	! ip -n "$(ns_name "$1")" l2tp show session 2>/dev/null |
		grep -q "^Session $2 "
}

# no_l2tp N: no tunnel and no session in NS<N> (ppp devices may stay).
no_l2tp() {
	[ "$(tunnels "$1")" = 0 ] && [ "$(sessions "$1")" = 0 ]
}

ns_create 1 2
ip1 link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
ip1 addr add 10.61.0.1/24 dev veth1
ip1 addr add fd61::1/64 dev veth1 nodad
ip1 link set veth1 up
ip2 addr add 10.61.0.2/24 dev veth2
ip2 addr add fd61::2/64 dev veth2 nodad
ip2 link set veth2 up

# link_up VERSION FAMILY: both ends running, addressed and passing pings.
link_up() {
	local ver=$1 fam=$2 a1=10.61.0.1 a2=10.61.0.2 opt= ua ub
	if [ "$fam" = 6 ]; then
		a1=fd61::1 a2=fd61::2 opt=-6
	fi
	unit_start A 1 -v "$ver" $opt -l $a1 -r $a2 -p 1701 -P 1701 \
		-t 10 -T 20 -s 11 -S 21 || return 1
	unit_start B 2 -v "$ver" $opt -l $a2 -r $a1 -p 1701 -P 1701 \
		-t 20 -T 10 -s 21 -S 11 || return 1
	ua=$(unit_number A)
	ub=$(unit_number B)
	ip1 addr add 10.62.0.1 peer 10.62.0.2/32 dev "ppp$ua"
	ip1 link set "ppp$ua" up
	ip2 addr add 10.62.0.2 peer 10.62.0.1/32 dev "ppp$ub"
	ip2 link set "ppp$ub" up
	wait_for 20 n1 ping -c 1 -W 1 10.62.0.2 >/dev/null
}

flood() {
	n2 ping -q -f -w "$1" 10.62.0.1 >/dev/null 2>&1 &
	FLOOD=$!
}

# finish DESC: stop both ends and require both namespaces clean.
finish() {
	local desc=$1
	[ -n "${FLOOD:-}" ] && wait "$FLOOD" 2>/dev/null
	FLOOD=
	unit_stop A
	unit_stop B
	if wait_for 20 clean 1 && wait_for 20 clean 2; then
		ktap_ok "$desc: nothing left"
	else
		ktap_fail "$desc: nothing left" \
			"NS1 $(tunnels 1)/$(sessions 1)/$(ppp_devices 1) NS2 $(tunnels 2)/$(sessions 2)/$(ppp_devices 2)"
	fi
}

# expect_hangup DESC: ours hangs the channel up when the session goes.
expect_hangup() {
	require_ours "the channel is hung up when its session is deleted" \
		"$1: pppd sees a hangup" || return 0
	ktap_check "$1: pppd sees a hangup" \
		[ "$(unit_cmd A 'hangup 10')" = hangup ]
}

scenario() {
	local ver=$1 fam=$2 how=$3 d="L2TPv$1/IPv$2 $3"

	if ! link_up "$ver" "$fam"; then
		ktap_fail "$d: link up"
		finish "$d"
		return
	fi
	ktap_ok "$d: link up, pings pass"
	flood 3

	case $how in
	exit)
		unit_stop A
		ktap_check "$d: tunnel gone with the process" \
			wait_for 20 clean 1
		;;
	session-delete)
		ip1 l2tp del session tunnel_id 10 session_id 11
		ktap_check "$d: session deleted" wait_for 20 session_gone 1 11
		expect_hangup "$d"
		ktap_check "$d: the tunnel stays" [ "$(tunnels 1)" = 1 ]
		;;
	tunnel-delete)
		ip1 l2tp del tunnel tunnel_id 10
		ktap_check "$d: tunnel deleted" wait_for 20 no_l2tp 1
		expect_hangup "$d"
		;;
	udp-first)
		unit_cmd A "close udp" >/dev/null
		ktap_check "$d: closing the UDP socket deletes the tunnel" \
			wait_for 20 eval '[ "$(tunnels 1)" = 0 ]'
		expect_hangup "$d"
		;;
	pppd-order)
		unit_cmd A "close chan" >/dev/null
		unit_cmd A "close unit" >/dev/null
		ktap_check "$d: ppp device gone with its unit" \
			wait_for 20 eval '[ "$(ppp_devices 1)" = 0 ]'
		unit_cmd A "close session" >/dev/null
		ktap_check "$d: session gone with its socket" \
			wait_for 20 session_gone 1 11
		unit_cmd A "close mgmt" >/dev/null
		unit_cmd A "close udp" >/dev/null
		ktap_check "$d: tunnel gone with its socket" \
			wait_for 20 clean 1
		;;
	session-socket-first)
		unit_cmd A "close session" >/dev/null
		ktap_check "$d: session gone with its socket" \
			wait_for 20 session_gone 1 11
		ktap_check "$d: the channel is hung up" \
			[ "$(unit_cmd A 'hangup 10')" = hangup ]
		ktap_check "$d: the tunnel stays" [ "$(tunnels 1)" = 1 ]
		;;
	esac
	finish "$d"
}

# Every order once, the ones that reach the most code in other variants.
for how in exit session-delete tunnel-delete udp-first pppd-order \
	   session-socket-first; do
	scenario 2 4 "$how"
done
for how in session-delete udp-first tunnel-delete; do
	scenario 3 6 "$how"
done
scenario 3 4 exit
scenario 2 6 session-delete

# A namespace dies holding a kernel-socket L2TPv3 tunnel and a PPP session
# whose socket is being closed by the exit of its process, traffic running.
ns_create 3 4
ip3 link add veth3 type veth peer name veth4 netns "$(ns_name 4)"
ip3 addr add 10.63.0.1/24 dev veth3
ip3 link set veth3 up
ip4 addr add 10.63.0.2/24 dev veth4
ip4 link set veth4 up
for n in 3 4; do
	me=$((n * 10)) peer=$(((7 - n) * 10))
	ip$n l2tp add tunnel tunnel_id $me peer_tunnel_id $peer encap udp \
		local 10.63.0.$((n - 2)) remote 10.63.0.$((5 - n)) \
		udp_sport 1702 udp_dport 1702
done
unit_start C 3 -v 3 -n -t 30 -s 31 -S 41 &&
	unit_start D 4 -v 3 -n -t 40 -s 41 -S 31
uc=$(unit_number C)
ud=$(unit_number D)
ip3 addr add 10.64.0.1 peer 10.64.0.2/32 dev "ppp$uc"
ip3 link set "ppp$uc" up
ip4 addr add 10.64.0.2 peer 10.64.0.1/32 dev "ppp$ud"
ip4 link set "ppp$ud" up
ktap_check "netns exit: link up over a kernel-socket tunnel" \
	wait_for 20 n4 ping -c 1 -W 1 10.64.0.1
n4 ping -q -f -w 3 10.64.0.1 >/dev/null 2>&1 &
FLOOD=$!
ns_delete 3
kill -KILL "$PID_C"
wait "$PID_C" 2>/dev/null
wait "$FLOOD" 2>/dev/null
FLOOD=
unit_stop D
ip4 l2tp del tunnel tunnel_id 40
ktap_check "netns exit: the surviving side is clean" wait_for 20 clean 4

ktap_finish
