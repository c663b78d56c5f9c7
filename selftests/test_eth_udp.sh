#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Ethernet pseudowires (l2tp_eth) over unmanaged L2TPv3 UDP tunnels, on an
# IPv4 and an IPv6 underlay, made with the unmodified `ip l2tp`; plus the
# debugfs listing (l2tp_debugfs) of the same objects.
#
#  +----------------- NS1 -----------------+   +----------------- NS2 -----------------+
#  | l2tpeth0 192.168.41.1 (+ vlan 10)      |   | l2tpeth0 192.168.41.2 (+ vlan 10)      |
#  |  session 1001 -> 2001 -.               |   |               .- session 2001 -> 1001  |
#  | pwbr 192.168.42.1                      |   |          br0 (pwbr, vb3) ----------------- NS3
#  |  session 1002 -> 2002 -+ tunnel 100    |   |    tunnel 200 +- session 2002 -> 1002  |   va3
#  |                        | UDP 5100      |   |      UDP 5200 |                        | 192.168.42.3
#  | pw6 192.168.46.1, fd46::1              |   |              pw6 192.168.46.2, fd46::2 |
#  |  session 3001 -> 4001 -- tunnel 300    |   |    tunnel 400 -- session 4001 -> 3001  |
#  |                          UDP 5300, v6  |   |     UDP 5400, v6                       |
#  | pwip 192.168.47.1                      |   |                      pwip 192.168.47.2 |
#  |  session 7001 -> 8001 -- tunnel 700    |   |    tunnel 800 -- session 8001 -> 7001  |
#  |                    IP encap (l2tp_ip)  |   |  IP encap (l2tp_ip)                    |
#  | veth1 10.40.0.1/24 fd40::1/64 ------------------ veth2 10.40.0.2/24 fd40::2/64      |
#  +----------------------------------------+   +----------------------------------------+
#
# Checked: the MTU the device is born with (1446 over UDP/IPv4, 1426 over
# UDP/IPv6, 1458 over IP encapsulation when l2tp_ip exists), pings of
# every size up to that MTU, the device's packet and byte counters,
# `ip l2tp show session`, the debugfs listing (also read in small chunks
# while sessions come and go), bridging, a VLAN sub-interface, and that
# deleting the session, or its tunnel, deletes the device.
# Beyond upstream: `ip link del` of the device deletes the session, and
# `ip link add type l2tpeth` fails with a useful message.

. "$(dirname "$0")/lib.sh"

require_cmd ip ping jq nsenter

DFS=/sys/kernel/debug/l2tp/tunnels

# setup_side N: addresses and the UDP tunnels of one side (1 or 2).
setup_side() {
	local me=$1 peer=$((3 - $1))

	ns "$me" ip addr add "10.40.0.$me/24" dev "veth$me" || return 1
	ns "$me" ip addr add "fd40::$me/64" dev "veth$me" nodad || return 1
	ns "$me" ip link set "veth$me" up || return 1
	ns "$me" ip l2tp add tunnel tunnel_id "${me}00" peer_tunnel_id "${peer}00" \
		encap udp local "10.40.0.$me" remote "10.40.0.$peer" \
		udp_sport "5${me}00" udp_dport "5${peer}00" || return 1
	ns "$me" ip l2tp add tunnel tunnel_id "$((me + 2))00" \
		peer_tunnel_id "$((peer + 2))00" encap udp \
		local "fd40::$me" remote "fd40::$peer" \
		udp_sport "5$((me + 2))00" udp_dport "5$((peer + 2))00" || return 1
	ns "$me" ip l2tp add session tunnel_id "${me}00" \
		session_id "${me}001" peer_session_id "${peer}001" || return 1
	ns "$me" ip l2tp add session name pwbr tunnel_id "${me}00" \
		session_id "${me}002" peer_session_id "${peer}002" || return 1
	ns "$me" ip l2tp add session name pw6 tunnel_id "$((me + 2))00" \
		session_id "$((me + 2))001" peer_session_id "$((peer + 2))001" ||
		return 1
}

# mtu N DEV: the MTU of DEV in NS<N>.
mtu() {
	ip -n "$(ns_name "$1")" -j link show dev "$2" | jq -r '.[0].mtu'
}

# up N DEV ADDR...: bring DEV up in NS<N> with IPv4 (and IPv6) addresses,
# without IPv6 autoconfiguration chatter on its counters.
up() {
	local n=$1 dev=$2 a
	shift 2
	ns "$n" sysctl -qw "net/ipv6/conf/$dev/disable_ipv6=1" || return 1
	for a in "$@"; do
		case $a in
		*:*) ns "$n" sysctl -qw "net/ipv6/conf/$dev/disable_ipv6=0" &&
		     ns "$n" ip addr add "$a" dev "$dev" nodad || return 1 ;;
		*) ns "$n" ip addr add "$a" dev "$dev" || return 1 ;;
		esac
	done
	ns "$n" ip link set "$dev" up
}

# mac N DEV: the MAC address of DEV in NS<N>.
mac() {
	ip -n "$(ns_name "$1")" -j link show dev "$2" | jq -r '.[0].address'
}

# stats N DEV: "rx_packets rx_bytes tx_packets tx_bytes" of DEV in NS<N>.
stats() {
	ip -n "$(ns_name "$1")" -s -j link show dev "$2" |
		jq -r '.[0].stats64 | "\(.rx.packets) \(.rx.bytes) \(.tx.packets) \(.tx.bytes)"'
}

# has_session N TID SID: `ip l2tp show session` of NS<N> lists it.
has_session() {
	ip -n "$(ns_name "$1")" -j l2tp show session |
		jq -e --argjson t "$2" --argjson s "$3" \
		'any(.[]; .tunnel_id == $t and .session_id == $s)' >/dev/null
}

# session_ifname N TID SID: the interface `ip l2tp show session` reports.
session_ifname() {
	ip -n "$(ns_name "$1")" -j l2tp show session |
		jq -r --argjson t "$2" --argjson s "$3" \
		'.[] | select(.tunnel_id == $t and .session_id == $s) | .interface'
}

no_dev() {
	! ip -n "$(ns_name "$1")" link show dev "$2" >/dev/null 2>&1
}

no_session() {
	! has_session "$@"
}

# debugfs N: the listing as NS<N> sees it. `ip netns exec` would mount a
# fresh sysfs over /sys and hide debugfs, so only the netns is entered.
debugfs() {
	nsenter --net="/run/netns/$(ns_name "$1")" cat "$DFS"
}

# debugfs_chunked N BYTES: the listing read BYTES at a time, so that the
# walk stops and resumes between objects and in the middle of records.
debugfs_chunked() {
	nsenter --net="/run/netns/$(ns_name "$1")" \
		dd if="$DFS" bs="$2" status=none
}

# debugfs_churn N: read the listing in small chunks while another process
# adds and deletes sessions; every line read must still be well formed.
debugfs_churn() {
	local n=$1 i pid bad=0 out
	(
		for i in $(seq 30); do
			ip -n "$(ns_name "$n")" l2tp add session tunnel_id 100 \
				session_id $((5000 + i % 7)) peer_session_id 9
			ip -n "$(ns_name "$n")" l2tp del session tunnel_id 100 \
				session_id $((5000 + (i + 3) % 7))
		done >/dev/null 2>&1
	) &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		out=$(debugfs_chunked "$n" 50) || bad=1
		grep -Evx "$DFS_LINE" <<<"$out" | sed 's/^/# unexpected: /' |
			grep . && bad=1
	done
	wait "$pid"
	for i in $(seq 0 6); do
		ip -n "$(ns_name "$n")" l2tp del session tunnel_id 100 \
			session_id $((5000 + i)) 2>/dev/null
	done
	return "$bad"
}

# Every line the listing may hold, as one extended regex.
DFS_LINE='(TUNNEL ID, peer ID from IP to IP| L2TPv2/L2TPv3, UDP/IP'
DFS_LINE+='| sessions session-count, refcnt refcnt/sk->refcnt'
DFS_LINE+='| debug tx-pkts/bytes/errs rx-pkts/bytes/errs'
DFS_LINE+='|  SESSION ID, peer ID, PWTYPE|   refcnt cnt'
DFS_LINE+='|   offset OFFSET l2specific TYPE/LEN|   \[ (peer )?cookie \]'
DFS_LINE+='|   config mtu/mru/rcvseq/sendseq/dataseq/lns debug reorderto'
DFS_LINE+='|   nr/ns tx-pkts/bytes/errs rx-pkts/bytes/errs|'
DFS_LINE+='|TUNNEL [0-9]+ peer [0-9]+ from [0-9a-f.:]+ to [0-9a-f.:]+'
DFS_LINE+='| source port [0-9]+, dest port [0-9]+| L2TPv[23], (UDP|IP)'
DFS_LINE+='| [0-9]+ sessions, refcnt [0-9]+/[0-9]+'
DFS_LINE+='| 00000000 [rt]x [0-9]+/[0-9]+/[0-9]+ rx [0-9]+/[0-9]+/[0-9]+'
DFS_LINE+='|  SESSION [0-9]+, peer [0-9]+, (ETH|PPP|)|   nr [0-9]+, ns [0-9]+'
DFS_LINE+='|   refcnt [0-9]+|   config 0/0/[R-]/[S-]/-/(LAC|LNS) 00000000 [0-9]+'
DFS_LINE+='|   offset 0 l2specific [01]/[04]|   (peer )?cookie [0-9a-f]+'
DFS_LINE+='|   [0-9]+/[0-9]+ tx [0-9]+/[0-9]+/[0-9]+ rx [0-9]+/[0-9]+/[0-9]+'
DFS_LINE+='|   interface [^ ]+)'

# ping_sizes N ADDR MTU: pings from NS<N> with DF set, from the smallest
# ICMP payload up to one that fills MTU exactly.
ping_sizes() {
	local n=$1 addr=$2 max=$(($3 - 28)) s
	for s in 0 1 100 1000 $((max - 1)) $max; do
		ns "$n" ping -q -c 1 -W 2 -M do -s "$s" "$addr" >/dev/null ||
			return 1
	done
	# One byte more than the MTU must not leave with DF set.
	! ns "$n" ping -q -c 1 -W 1 -M do -s $((max + 1)) "$addr" >/dev/null 2>&1
}

ns_create 1 2 3
ns 1 ip link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
ns 2 ip link add vb3 type veth peer name va3 netns "$(ns_name 3)"
if ! setup_side 1 || ! setup_side 2; then
	ktap_fail "set up tunnels and Ethernet sessions with ip l2tp"
	ktap_finish
fi
ktap_ok "set up tunnels and Ethernet sessions with ip l2tp"

# ---------------------------------------------------------------- creation

ktap_check "IPv4 UDP session: l2tpeth0 is created" \
	ns 1 ip link show dev l2tpeth0
ktap_check "IPv4 UDP, default sublayer, no cookie: MTU 1446" \
	test "$(mtu 1 l2tpeth0)" = 1446
ktap_check "IPv6 UDP, default sublayer, no cookie: MTU 1426" \
	test "$(mtu 1 pw6)" = 1426
ktap_check "device type l2tpeth in uevent" \
	ns 1 grep -qx DEVTYPE=l2tpeth /sys/class/net/l2tpeth0/uevent
ktap_check "ip l2tp show session lists the session and its interface" \
	test "$(session_ifname 1 100 1001)" = l2tpeth0
ktap_check "ip l2tp show session reports a requested name" \
	test "$(session_ifname 2 200 2002)" = pwbr

# ----------------------------------------------------- traffic and counters

up 1 l2tpeth0 192.168.41.1/24 && up 2 l2tpeth0 192.168.41.2/24 &&
	ns 1 ping -q -c 1 -W 5 192.168.41.2 >/dev/null
ktap_check "ping across the IPv4 UDP pseudowire" test $? = 0

# Static neighbours, so that only the pings below cross the devices.
ns 1 ip neigh replace 192.168.41.2 lladdr "$(mac 2 l2tpeth0)" \
	dev l2tpeth0 nud permanent
ns 2 ip neigh replace 192.168.41.1 lladdr "$(mac 1 l2tpeth0)" \
	dev l2tpeth0 nud permanent
read -r rxp1 rxb1 txp1 txb1 < <(stats 1 l2tpeth0)
read -r rxp2 rxb2 txp2 txb2 < <(stats 2 l2tpeth0)
ns 1 ping -q -c 10 -i 0.05 -W 2 -s 56 192.168.41.2 >/dev/null
ktap_check "10 pings of 98-byte frames" test $? = 0
read -r rxp1b rxb1b txp1b txb1b < <(stats 1 l2tpeth0)
read -r rxp2b rxb2b txp2b txb2b < <(stats 2 l2tpeth0)
echo "# NS1 l2tpeth0 rx $((rxp1b - rxp1))/$((rxb1b - rxb1)) tx $((txp1b - txp1))/$((txb1b - txb1))"
echo "# NS2 l2tpeth0 rx $((rxp2b - rxp2))/$((rxb2b - rxb2)) tx $((txp2b - txp2))/$((txb2b - txb2))"
ktap_check "sender's device: tx +10 packets, rx +10 packets" \
	test "$((txp1b - txp1)) $((rxp1b - rxp1))" = "10 10"
ktap_check "receiver's device: rx +10 packets, tx +10 packets" \
	test "$((rxp2b - rxp2)) $((txp2b - txp2))" = "10 10"
# tx counts the frame; rx, as upstream, the frame and the 12-byte L2TPv3
# header (session id, UDP flags word, default sublayer).
ktap_check "tx bytes count the 98-byte frames" \
	test "$((txb1b - txb1)) $((txb2b - txb2))" = "980 980"
ktap_check "rx bytes count frame and L2TP header (110 bytes each)" \
	test "$((rxb1b - rxb1)) $((rxb2b - rxb2))" = "1100 1100"

ktap_check "IPv4 UDP: pings up to the MTU with DF set, none beyond" \
	ping_sizes 1 192.168.41.2 1446

up 1 pw6 192.168.46.1/24 fd46::1/64 && up 2 pw6 192.168.46.2/24 fd46::2/64 &&
	ns 1 ping -q -c 1 -W 5 192.168.46.2 >/dev/null
ktap_check "ping across the IPv6 UDP pseudowire" test $? = 0
ktap_check "IPv6 over the IPv6 UDP pseudowire" \
	ns 1 ping -q -c 1 -W 5 fd46::2
ktap_check "IPv6 UDP: pings up to the MTU with DF set, none beyond" \
	ping_sizes 1 192.168.46.2 1426

# -------------------------------------------------------- IP encapsulation


if ! mode_module l2tp_ip; then
	ktap_skip "IP encapsulation, default sublayer: MTU 1458" \
		"no l2tp_ip module for $L2TP_MODE"
elif ns 1 ip l2tp add tunnel tunnel_id 700 peer_tunnel_id 800 encap ip \
	local 10.40.0.1 remote 10.40.0.2 &&
     ns 2 ip l2tp add tunnel tunnel_id 800 peer_tunnel_id 700 encap ip \
	local 10.40.0.2 remote 10.40.0.1 &&
     ns 1 ip l2tp add session name pwip tunnel_id 700 session_id 7001 \
	peer_session_id 8001 &&
     ns 2 ip l2tp add session name pwip tunnel_id 800 session_id 8001 \
	peer_session_id 7001; then
	ktap_check "IP encapsulation, default sublayer: MTU 1458" \
		test "$(mtu 1 pwip)" = 1458
	up 1 pwip 192.168.47.1/24 && up 2 pwip 192.168.47.2/24 &&
		ns 1 ping -q -c 1 -W 5 192.168.47.2 >/dev/null
	ktap_check "ping across the IP-encapsulated pseudowire" test $? = 0
	ktap_check "IP encapsulation: pings up to the MTU with DF set, none beyond" \
		ping_sizes 1 192.168.47.2 1458
else
	ktap_fail "IP encapsulation, default sublayer: MTU 1458" \
		"cannot set up the IP-encapsulated tunnels"
fi

# ------------------------------------------------------- bridge and VLAN

if ns 2 ip link add br0 type bridge &&
   ns 2 ip link set pwbr master br0 && ns 2 ip link set vb3 master br0 &&
   ns 2 ip link set pwbr up && ns 2 ip link set vb3 up &&
   ns 2 ip link set br0 up && up 3 va3 192.168.42.3/24 &&
   up 1 pwbr 192.168.42.1/24; then
	ktap_check "bridged pseudowire: ping through the far side's bridge" \
		ns 1 ping -q -c 3 -i 0.2 -W 5 192.168.42.3
else
	ktap_fail "bridged pseudowire: ping through the far side's bridge" \
		"bridge setup failed"
fi

if ns 1 ip link add link l2tpeth0 name l2tpeth0.10 type vlan id 10 &&
   ns 2 ip link add link l2tpeth0 name l2tpeth0.10 type vlan id 10 &&
   up 1 l2tpeth0.10 192.168.10.1/24 && up 2 l2tpeth0.10 192.168.10.2/24; then
	ktap_check "VLAN sub-interface: ping over 802.1Q in the pseudowire" \
		ns 1 ping -q -c 3 -i 0.2 -W 5 192.168.10.2
	ktap_check "VLAN sub-interface: full-MTU frames carry the tag" \
		ns 1 ping -q -c 1 -W 2 -M do -s $((1446 - 28)) 192.168.10.2
else
	ktap_fail "VLAN sub-interface: ping over 802.1Q in the pseudowire" \
		"VLAN setup failed"
fi

# ------------------------------------------------------------------ debugfs

if ! modprobe l2tp_debugfs 2>/dev/null || [ ! -e "$DFS" ]; then
	ktap_skip "debugfs: listing of tunnels and sessions" "no $DFS"
else
	listing=$(debugfs 1)
	sed 's/^/# /' <<<"$listing"
	legend="TUNNEL ID, peer ID from IP to IP
 L2TPv2/L2TPv3, UDP/IP
 sessions session-count, refcnt refcnt/sk->refcnt
 debug tx-pkts/bytes/errs rx-pkts/bytes/errs
  SESSION ID, peer ID, PWTYPE
   refcnt cnt
   offset OFFSET l2specific TYPE/LEN
   [ cookie ]
   [ peer cookie ]
   config mtu/mru/rcvseq/sendseq/dataseq/lns debug reorderto
   nr/ns tx-pkts/bytes/errs rx-pkts/bytes/errs"
	ktap_check "debugfs: the 11-line legend" \
		test "$(head -n 11 <<<"$listing")" = "$legend"
	ktap_check "debugfs: IPv4 tunnel line" \
		grep -qx "TUNNEL 100 peer 200 from 10.40.0.1 to 10.40.0.2" <<<"$listing"
	ktap_check "debugfs: IPv6 tunnel line" \
		grep -qx "TUNNEL 300 peer 400 from fd40::1 to fd40::2" <<<"$listing"
	ktap_check "debugfs: UDP ports line" \
		grep -qx " source port 5100, dest port 5200" <<<"$listing"
	ktap_check "debugfs: version and encapsulation" \
		grep -qx " L2TPv3, UDP" <<<"$listing"
	ktap_check "debugfs: session count" \
		grep -qx " 2 sessions, refcnt [0-9]*/[0-9]*" <<<"$listing"
	# 6.12 labels the first tunnel counter group "rx"; ours says "tx".
	label=tx
	[ "$L2TP_MODE" = stock ] && label=rx
	ktap_check "debugfs: tunnel counters (first group labelled $label)" \
		grep -Eqx " 00000000 $label [1-9][0-9]*/[0-9]+/0 rx [1-9][0-9]*/[0-9]+/0" <<<"$listing"
	ktap_check "debugfs: session lines" \
		grep -qx "  SESSION 1001, peer 2001, ETH" <<<"$listing"
	ktap_check "debugfs: session config and sublayer" \
		grep -qx "   offset 0 l2specific 1/4" <<<"$listing"
	ktap_check "debugfs: session counters" \
		grep -Eqx "   0/0 tx [1-9][0-9]*/[0-9]+/0 rx [1-9][0-9]*/[0-9]+/0" <<<"$listing"
	ktap_check "debugfs: the pseudowire names its interface" \
		grep -qx "   interface l2tpeth0" <<<"$listing"
	ktap_check "debugfs: NS2 lists its own tunnels only" \
		bash -c "! nsenter --net=/run/netns/$(ns_name 2) cat $DFS | grep -q '^TUNNEL 100 '"
	# Counters may move between the two reads: compare the shapes.
	ktap_check "debugfs: 7-byte reads give the same listing as one read" \
		test "$(debugfs_chunked 1 7 | tr 0-9 N)" = "$(debugfs 1 | tr 0-9 N)"
	ktap_check "debugfs: chunked reads while sessions come and go" \
		debugfs_churn 1
fi

# ----------------------------------------------------------------- deletion

ns 1 ip l2tp del session tunnel_id 300 session_id 3001
ktap_check "deleting the session deletes its device" wait_for 5 no_dev 1 pw6
ktap_check "... and ip l2tp show session no longer lists it" \
	no_session 1 300 3001

if require_ours "no rtnl link kind upstream" "ip link del l2tpeth0 deletes its session"; then
	ns 1 ip link del l2tpeth0
	ktap_check "ip link del l2tpeth0 deletes its session" \
		wait_for 5 no_session 1 100 1001
	ktap_check "... and its VLAN sub-interface" no_dev 1 l2tpeth0.10
	err=$(ns 1 ip link add name l2tpx type l2tpeth 2>&1)
	rc=$?
	echo "# $err"
	ktap_check "ip link add type l2tpeth fails, naming ip l2tp add session" \
		test "$rc" != 0 -a "${err#*ip l2tp add session}" != "$err"
fi

ns 2 ip l2tp del tunnel tunnel_id 200
ktap_check "deleting a tunnel deletes the devices of its sessions" \
	wait_for 5 eval "no_dev 2 l2tpeth0 && no_dev 2 pwbr"

ktap_finish
