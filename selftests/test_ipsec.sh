#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# L2TPv3 under IPsec (ESP transport mode, rfc4106(gcm(aes))): pseudowires
# whose tunnel traffic is encrypted either by global policies made with
# `ip xfrm` (unmanaged tunnels, as the kernel's l2tp.sh does), or by a
# policy attached to the tunnel socket itself with IP_XFRM_POLICY /
# IPV6_XFRM_POLICY (managed tunnels on a socket l2tp_churn owns).
#
#  +---------------- NS1 ----------------+        +---------------- NS2 ----------------+
#  | ipsN 192.168.(100+N).1              |        |              ipsN 192.168.(100+N).2 |
#  |  session N*100+1 -> N*100+2         |        |         session N*100+2 -> N*100+1  |
#  |  tunnel N*10+1 -> N*10+2            |        |            tunnel N*10+2 -> N*10+1  |
#  | veth1 10.70.N.1/24 fd70:N::1/64 ----- ESP ---- veth2 10.70.N.2/24 fd70:N::2/64      |
#  +-------------------------------------+        +-------------------------------------+
#
#   N  policy                   encapsulation
#   1  global (ip xfrm)         IP, IPv4      unmanaged (ip l2tp)
#   2  global                   UDP, IPv4     unmanaged
#   3  global                   UDP, IPv6     unmanaged
#   4  global                   IP, IPv6      unmanaged
#   5  on the socket            UDP, IPv4     managed (l2tp_churn hold -x)
#   6  on the socket            UDP, IPv6     managed
#   7  on the socket            IP, IPv4      managed (an L2TPIP socket)
#   8  on the socket            IP, IPv6      managed
#   9  on the socket, later     UDP, IPv4     managed: clear, then policy on, then off
#  10  on the socket, later     IP, IPv6      managed: the same
#
# Checked: pings cross every pseudowire; a capture on NS2's veth shows
# ESP between the tunnel addresses and not a single L2TP packet (UDP or
# IP protocol 115) in the clear; USING_IPSEC as upstream reports it: only
# in session messages (top level, not in the STATS nest), and only when
# the tunnel socket carries a policy of its own (sk_policy); global
# policies do not count, tunnel messages never carry it. A policy
# attached to a busy socket, or detached from it, takes effect for the
# packets that follow.

. "$(dirname "$0")/lib.sh"

require_cmd ip ping tcpdump

PROG=$(dirname "$0")/l2tp_churn
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_churn is built" "run make -C selftests first"
	ktap_finish
fi
PROG=$(readlink -f "$PROG")

work=$(mktemp -d /tmp/l2tp-ipsec.XXXXXX) || exit "$KSFT_FAIL"
on_exit "rm -rf '$work'"

# 160-bit keys: 128 for AES, 32 for the GCM salt.
KEY12=0x1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d
KEY21=0x4d3c2b1a0f9e8d7c6b5a49382716051403020100


# batch N: the `ip -batch` commands on stdin in NS<N>, echoed first.
batch() {
	local cmds
	cmds=$(cat)
	sed "s/^/[+] NS$1: ip /" <<<"$cmds"
	ip -n "$(ns_name "$1")" -batch - <<<"$cmds"
}

# addr N SIDE FAMILY: the underlay address of side 1 or 2 for case N.
addr() {
	if [ "$3" = 6 ]; then echo "fd70:$1::$2"; else echo "10.70.$1.$2"; fi
}

# xfrm_cmds N FAMILY KIND PROTO SIDE: the ESP SAs of case N (both
# directions) and, for KIND global, the policies that put PROTO between
# the tunnel addresses into them.
xfrm_cmds() {
	local n=$1 f=$2 a1 a2 lo re
	a1=$(addr "$n" 1 "$f") a2=$(addr "$n" 2 "$f")
	lo=$(addr "$n" "$5" "$f") re=$(addr "$n" $((3 - $5)) "$f")
	echo "xfrm state add src $a1 dst $a2 proto esp spi $((0x1000 + n * 2)) mode transport aead rfc4106(gcm(aes)) $KEY12 128"
	echo "xfrm state add src $a2 dst $a1 proto esp spi $((0x1001 + n * 2)) mode transport aead rfc4106(gcm(aes)) $KEY21 128"
	[ "$3" = global ] || return 0
	echo "xfrm policy add src $lo dst $re proto $4 dir out tmpl src $lo dst $re proto esp mode transport"
	echo "xfrm policy add src $re dst $lo proto $4 dir in tmpl src $re dst $lo proto esp mode transport"
}

# l2tp_cmds N ENCAP FAMILY SIDE: tunnel and session of case N, unmanaged.
l2tp_cmds() {
	local n=$1 me=$4 peer=$((3 - $4)) ports=
	[ "$2" = udp ] && ports="udp_sport $((1700 + n * 2 + me)) udp_dport $((1700 + n * 2 + peer))"
	echo "l2tp add tunnel tunnel_id $((n * 10 + me)) peer_tunnel_id $((n * 10 + peer)) encap $2 local $(addr "$n" "$me" "$3") remote $(addr "$n" "$peer" "$3") $ports"
	echo "l2tp add session name ips$n tunnel_id $((n * 10 + me)) session_id $((n * 100 + me)) peer_session_id $((n * 100 + peer))"
}

# pw_cmds N SIDE: address the pseudowire device of case N, bring it up.
pw_cmds() {
	echo "addr add 192.168.$((100 + $1)).$2/24 dev ips$1"
	echo "link set ips$1 up"
}

HOLDS=()
holds_stop() {
	local p
	for p in "${HOLDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p"
	done
}
on_exit holds_stop

# managed N ENCAP FAMILY [-x]: tunnel and session of case N on sockets
# that l2tp_churn creates and holds in both namespaces; their pids go to
# HOLD_<N>_<SIDE>.
managed() {
	local n=$1 e=$2 f=$3 x=${4:-} me peer out
	for me in 1 2; do
		peer=$((3 - me))
		out=$work/hold-$n-$me
		rm -f "$out"
		"$PROG" -N "$(ns_name "$me")" hold -f "$f" -e "$e" \
			-l "$(addr "$n" "$me" "$f")" -r "$(addr "$n" "$peer" "$f")" \
			-p $((1700 + n * 2 + me)) -P $((1700 + n * 2 + peer)) \
			-t $((n * 10 + me)) -T $((n * 10 + peer)) \
			-s $((n * 100 + me)) -S $((n * 100 + peer)) -n 1 \
			-i "ips$n" $x >>"$out" 2>&1 &
		eval "HOLD_${n}_$me=$!"
		HOLDS+=("$!")
		if ! wait_for 20 grep -q ready "$out"; then
			sed 's/^/# /' "$out"
			return 1
		fi
		pw_cmds "$n" "$me" | batch "$me" || return 1
	done
}

# signal N SIG WORD: send SIG to both holders of case N and wait until
# each said WORD (its policy change is done).
signal() {
	local n=$1 me pid
	for me in 1 2; do
		pid=HOLD_${n}_$me
		: >"$work/hold-$n-$me"
		kill "-$2" "${!pid}" || return 1
	done
	for me in 1 2; do
		wait_for 10 grep -qx "$3" "$work/hold-$n-$me" || return 1
	done
}

# ping5 N: five pings across the pseudowire of case N, all answered.
ping5() {
	ip netns exec "$(ns_name 1)" \
		ping -q -c 5 -i 0.2 -w 15 "192.168.$((100 + $1)).2" >/dev/null
}

CAP_PID=
cap_start() {
	rm -f "$1" "$1.err"
	ip netns exec "$(ns_name 2)" \
		tcpdump --immediate-mode -Z root -U -n -i veth2 -w "$1" \
		>"$1.err" 2>&1 &
	CAP_PID=$!
	wait_for 20 grep -q "listening on" "$1.err"
}

cap_stop() {
	[ -n "$CAP_PID" ] || return 0
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}
on_exit cap_stop

# cap_count FILE FILTER: packets of the capture that match FILTER.
cap_count() {
	tcpdump -n -r "$1" "$2" 2>/dev/null | wc -l
}

# esp_only FILE N FAMILY: case N's tunnel traffic in FILE is ESP, at least
# 10 packets, and none of it is L2TP in the clear.
esp_only() {
	local ipv=ip esp clear a
	[ "$3" = 6 ] && ipv=ip6
	a=$(addr "$2" 1 "$3")
	esp=$(cap_count "$1" "host $a and $ipv proto 50")
	clear=$(cap_count "$1" "host $a and (udp or $ipv proto 115)")
	echo "# case $2: $esp ESP packets, $clear L2TP packets in the clear"
	[ "$esp" -ge 10 ] && [ "$clear" = 0 ]
}

# clear_only FILE N FAMILY: the opposite, for a tunnel without policy.
clear_only() {
	local ipv=ip esp clear a
	[ "$3" = 6 ] && ipv=ip6
	a=$(addr "$2" 1 "$3")
	esp=$(cap_count "$1" "host $a and $ipv proto 50")
	clear=$(cap_count "$1" "host $a and (udp or $ipv proto 115)")
	echo "# case $2: $esp ESP packets, $clear L2TP packets in the clear"
	[ "$esp" = 0 ] && [ "$clear" -ge 10 ]
}

# using_ipsec SIDE N WANT: SESSION_GET of case N in NS<SIDE> reports
# USING_IPSEC as WANT ("1" or "absent") at the top level, and nothing of
# that type in the STATS nest; TUNNEL_GET never reports it.
using_ipsec() {
	local s t
	s=$("$PROG" -N "$(ns_name "$1")" get session $(($2 * 10 + $1)) $(($2 * 100 + $1)))
	t=$("$PROG" -N "$(ns_name "$1")" get tunnel $(($2 * 10 + $1)))
	echo "# NS$1 case $2: session: $s; tunnel: $t"
	[[ $s = "found using_ipsec=$3 ifname=ips$2 rx="* ]] &&
	[[ $t = "found using_ipsec=absent rx="* ]]
}

# ---------------------------------------------------------------- setup

CASES=("1 global ip 4" "2 global udp 4" "3 global udp 6" "4 global ip 6"
       "5 socket udp 4" "6 socket udp 6" "7 socket ip 4" "8 socket ip 6"
       "9 late udp 4" "10 late ip 6")

ns_create 1 2
ns 1 ip link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
for me in 1 2; do
	# Devices made from now on (the pseudowires) have no IPv6.
	ip netns exec "$(ns_name "$me")" sysctl -qw \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.disable_ipv6=1
	for c in "${CASES[@]}"; do
		read -r n _ _ _ <<<"$c"
		echo "addr add 10.70.$n.$me/24 dev veth$me"
		echo "addr add fd70:$n::$me/64 dev veth$me nodad"
	done | batch "$me" >/dev/null
	ip -n "$(ns_name "$me")" link set "veth$me" up
done

have_ip=1 have_ip6=1
mode_module l2tp_ip || have_ip=0
mode_module l2tp_ip6 || have_ip6=0

# skip_case ENCAP FAMILY: true (and reported) without the IP module.
skip_case() {
	[ "$1" = ip ] || return 1
	case $2 in
	4) [ "$have_ip" = 0 ] ;;
	*) [ "$have_ip6" = 0 ] ;;
	esac
}

# setup_case N KIND ENCAP FAMILY: SAs, then global policies and
# unmanaged tunnels, or managed tunnels on sockets with a policy.
setup_case() {
	local n=$1 proto=17 me
	[ "$3" = ip ] && proto=115
	if [ "$2" = socket ]; then
		xfrm_cmds "$n" "$4" socket "" 1 | batch 1 &&
		xfrm_cmds "$n" "$4" socket "" 2 | batch 2 &&
		managed "$n" "$3" "$4" -x
		return
	fi
	for me in 1 2; do
		{ xfrm_cmds "$n" "$4" global "$proto" "$me"
		  l2tp_cmds "$n" "$3" "$4" "$me"
		  pw_cmds "$n" "$me"; } | batch "$me" || return 1
	done
}

# ------------------------------------------- cases 1-8: always encrypted

ok_cases=()
for c in "${CASES[@]}"; do
	read -r n kind e f <<<"$c"
	[ "$kind" = late ] && continue
	desc="case $n: $e/IPv$f, $kind policy"
	if skip_case "$e" "$f"; then
		ktap_skip "$desc: set up" "no l2tp_ip module for $L2TP_MODE"
		continue
	fi
	if setup_case "$n" "$kind" "$e" "$f"; then
		ktap_ok "$desc: set up"
		ok_cases+=("$c")
	else
		ktap_fail "$desc: set up"
	fi
done

cap_start "$work/all.pcap" ||
	ktap_fail "tcpdump starts on NS2's veth" "$(cat "$work/all.pcap.err")"
for c in "${ok_cases[@]}"; do
	read -r n kind e f <<<"$c"
	ip netns exec "$(ns_name 1)" \
		ping -q -c 1 -W 5 "192.168.$((100 + n)).2" >/dev/null
	ktap_check "case $n: $e/IPv$f, $kind policy: 5 pings across" ping5 "$n"
done
cap_stop

for c in "${ok_cases[@]}"; do
	read -r n kind e f <<<"$c"
	desc="case $n: $e/IPv$f, $kind policy"
	ktap_check "$desc: the capture shows ESP, no L2TP in the clear" \
		esp_only "$work/all.pcap" "$n" "$f"
	want=1
	[ "$kind" = global ] && want=absent
	ktap_check "$desc: USING_IPSEC $want in session GETs of both sides" \
		eval "using_ipsec 1 $n $want && using_ipsec 2 $n $want"
done

# ---------------------------------- cases 9-10: policy attached later

for c in "${CASES[@]}"; do
	read -r n kind e f <<<"$c"
	[ "$kind" = late ] || continue
	desc="case $n: $e/IPv$f"
	if skip_case "$e" "$f"; then
		ktap_skip "$desc: policy attached to a busy socket" \
			"no l2tp_ip module for $L2TP_MODE"
		continue
	fi
	if ! xfrm_cmds "$n" "$f" late "" 1 | batch 1 ||
	   ! xfrm_cmds "$n" "$f" late "" 2 | batch 2 ||
	   ! managed "$n" "$e" "$f"; then
		ktap_fail "$desc: set up without a policy"
		continue
	fi
	ip netns exec "$(ns_name 1)" \
		ping -q -c 1 -W 5 "192.168.$((100 + n)).2" >/dev/null

	cap_start "$work/late-$n-a.pcap"
	ping5 "$n"
	ktap_check "$desc: no policy yet: 5 pings across" test $? = 0
	cap_stop
	ktap_check "$desc: no policy yet: L2TP in the clear, no ESP" \
		clear_only "$work/late-$n-a.pcap" "$n" "$f"
	ktap_check "$desc: no policy yet: USING_IPSEC absent" \
		eval "using_ipsec 1 $n absent && using_ipsec 2 $n absent"

	signal "$n" USR1 "xfrm on"
	ktap_check "$desc: policy attached to both busy sockets" test $? = 0
	ktap_check "$desc: USING_IPSEC 1 once the policy is on" \
		eval "using_ipsec 1 $n 1 && using_ipsec 2 $n 1"
	cap_start "$work/late-$n-b.pcap"
	ping5 "$n"
	ktap_check "$desc: policy on: 5 pings across" test $? = 0
	cap_stop
	ktap_check "$desc: policy on: the packets that follow are ESP" \
		esp_only "$work/late-$n-b.pcap" "$n" "$f"

	signal "$n" USR2 "xfrm off"
	ktap_check "$desc: policy detached from both sockets" test $? = 0
	ktap_check "$desc: USING_IPSEC absent again" \
		eval "using_ipsec 1 $n absent && using_ipsec 2 $n absent"
	cap_start "$work/late-$n-c.pcap"
	ping5 "$n"
	ktap_check "$desc: policy off: 5 pings across" test $? = 0
	cap_stop
	ktap_check "$desc: policy off: L2TP in the clear again" \
		clear_only "$work/late-$n-c.pcap" "$n" "$f"
done

ktap_finish
