#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Ethernet pseudowires over unmanaged L2TPv3 tunnels encapsulated
# directly in IP (protocol 115, l2tp_ip and l2tp_ip6), IPv4 and IPv6
# underlays, made with the unmodified `ip l2tp`.
#
#  +------------------- NS1 -------------------+   +------------------- NS2 -------------------+
#  | l2tpeth0 192.168.51.1  sess 1001 -> 2001 -+   +- sess 2001 -> 1001  l2tpeth0 192.168.51.2 |
#  | ck8 192.168.52.1 sess 1002 -> 2002 (cookies)  (cookies) sess 2002 -> 1002 ck8 192.168.52.2 |
#  | nosub 192.168.53.1 sess 1003 -> 2003 (no sublayer)      sess 2003 -> 1003 nosub .53.2      |
#  |          tunnel 100 -> 200, IP encap, v4  |   |  tunnel 200 -> 100                        |
#  | pw6 192.168.56.1 sess 3001 -> 5001 --------------- sess 5001 -> 3001 pw6 192.168.56.2     |
#  |          tunnel 300 -> 500, IP encap, v6  |   |  tunnel 500 -> 300                        |
#  | veth1 10.50.0.1/24 fd50::1/64 ----------------------- veth2 10.50.0.2/24 fd50::2/64        |
#  +-------------------------------------------+   +-------------------------------------------+
#
# Checked: the MTU each device is born with (IPv4: 1458 with the default
# sublayer, 1450 with 8-byte cookies, 1462 without sublayer; IPv6: 1438),
# pings of every size up to it, the device counters, fragmentation of
# frames bigger than the path (the outer packets carry no DF, as
# upstream's), and that deleting a tunnel lets it be created again (its
# kernel socket is gone).

. "$(dirname "$0")/lib.sh"

require_cmd ip ping jq

# setup_side N: addresses, both tunnels and the sessions of side N.
setup_side() {
	local me=$1 peer=$((3 - $1))

	ns "$me" sysctl -qw net.ipv6.conf.all.accept_dad=0 || return 1
	ns "$me" ip addr add "10.50.0.$me/24" dev "veth$me" || return 1
	ns "$me" ip addr add "fd50::$me/64" dev "veth$me" nodad || return 1
	ns "$me" ip link set "veth$me" up || return 1
	ns "$me" ip l2tp add tunnel tunnel_id "${me}00" peer_tunnel_id "${peer}00" \
		encap ip local "10.50.0.$me" remote "10.50.0.$peer" || return 1
	ns "$me" ip l2tp add tunnel tunnel_id "$((me * 2 + 1))00" \
		peer_tunnel_id "$((peer * 2 + 1))00" encap ip \
		local "fd50::$me" remote "fd50::$peer" || return 1
	ns "$me" ip l2tp add session tunnel_id "${me}00" \
		session_id "${me}001" peer_session_id "${peer}001" || return 1
	ns "$me" ip l2tp add session name ck8 tunnel_id "${me}00" \
		session_id "${me}002" peer_session_id "${peer}002" \
		cookie "0${me}0${me}0${me}0${me}0${me}0${me}0${me}0${me}" \
		peer_cookie "0${peer}0${peer}0${peer}0${peer}0${peer}0${peer}0${peer}0${peer}" ||
		return 1
	ns "$me" ip l2tp add session name nosub tunnel_id "${me}00" \
		session_id "${me}003" peer_session_id "${peer}003" \
		l2spec_type none || return 1
	ns "$me" ip l2tp add session name pw6 tunnel_id "$((me * 2 + 1))00" \
		session_id "$((me * 2 + 1))001" \
		peer_session_id "$((peer * 2 + 1))001" || return 1
}

mtu() {
	ip -n "$(ns_name "$1")" -j link show dev "$2" | jq -r '.[0].mtu'
}

# up N DEV ADDR: bring DEV up with an IPv4 address and no IPv6 chatter.
up() {
	ns "$1" sysctl -qw "net/ipv6/conf/$2/disable_ipv6=1" &&
	ns "$1" ip addr add "$3" dev "$2" &&
	ns "$1" ip link set "$2" up
}

mac() {
	ip -n "$(ns_name "$1")" -j link show dev "$2" | jq -r '.[0].address'
}

stats() {
	ip -n "$(ns_name "$1")" -s -j link show dev "$2" |
		jq -r '.[0].stats64 | "\(.rx.packets) \(.rx.bytes) \(.tx.packets) \(.tx.bytes)"'
}

# qping N ARGS...: ping from NS<N>, true if answered; output dropped.
qping() {
	local n=$1
	shift
	ns "$n" ping -q "$@" >/dev/null
}

ping_sizes() {
	local n=$1 addr=$2 max=$(($3 - 28)) s
	for s in 0 1 100 1000 $((max - 1)) $max; do
		ns "$n" ping -q -c 1 -W 2 -M do -s "$s" "$addr" >/dev/null ||
			return 1
	done
	! ns "$n" ping -q -c 1 -W 1 -M do -s $((max + 1)) "$addr" >/dev/null 2>&1
}

# encap_of N TID: the encapsulation `ip l2tp show tunnel` reports.
encap_of() {
	ip -n "$(ns_name "$1")" -j l2tp show tunnel tunnel_id "$2" |
		jq -r '.[0].encap'
}

ns_create 1 2
ns 1 ip link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
if ! setup_side 1 || ! setup_side 2; then
	ktap_fail "set up IP-encapsulated tunnels and Ethernet sessions with ip l2tp"
	ktap_finish
fi
ktap_ok "set up IP-encapsulated tunnels and Ethernet sessions with ip l2tp"

ktap_check "the L2TPIP sockets' modules were loaded on demand" \
	test -d /sys/module/l2tp_ip -a -d /sys/module/l2tp_ip6
ktap_check "ip l2tp show tunnel: encapsulation IP" test "$(encap_of 1 100)" = IP

# ---------------------------------------------------------------- MTUs

ktap_check "IPv4 IP encap, default sublayer: MTU 1458" \
	test "$(mtu 1 l2tpeth0)" = 1458
ktap_check "IPv4 IP encap, 8-byte cookie: MTU 1450" test "$(mtu 1 ck8)" = 1450
ktap_check "IPv4 IP encap, no sublayer: MTU 1462" test "$(mtu 1 nosub)" = 1462
ktap_check "IPv6 IP encap, default sublayer: MTU 1438" test "$(mtu 1 pw6)" = 1438

# ---------------------------------------------------------------- traffic

up 1 l2tpeth0 192.168.51.1/24 && up 2 l2tpeth0 192.168.51.2/24 &&
	ns 1 ping -q -c 1 -W 5 192.168.51.2 >/dev/null
ktap_check "ping across the IPv4 IP-encapsulated pseudowire" test $? = 0

ns 1 ip neigh replace 192.168.51.2 lladdr "$(mac 2 l2tpeth0)" \
	dev l2tpeth0 nud permanent
ns 2 ip neigh replace 192.168.51.1 lladdr "$(mac 1 l2tpeth0)" \
	dev l2tpeth0 nud permanent
read -r rxp1 rxb1 txp1 txb1 < <(stats 1 l2tpeth0)
read -r rxp2 rxb2 txp2 txb2 < <(stats 2 l2tpeth0)
ns 1 ping -q -c 10 -i 0.05 -W 2 -s 56 192.168.51.2 >/dev/null
ktap_check "10 pings of 98-byte frames" test $? = 0
read -r rxp1b rxb1b txp1b txb1b < <(stats 1 l2tpeth0)
read -r rxp2b rxb2b txp2b txb2b < <(stats 2 l2tpeth0)
echo "# NS1 l2tpeth0 rx $((rxp1b - rxp1))/$((rxb1b - rxb1)) tx $((txp1b - txp1))/$((txb1b - txb1))"
echo "# NS2 l2tpeth0 rx $((rxp2b - rxp2))/$((rxb2b - rxb2)) tx $((txp2b - txp2))/$((txb2b - txb2))"
ktap_check "sender's device: tx +10, rx +10 packets" \
	test "$((txp1b - txp1)) $((rxp1b - rxp1))" = "10 10"
ktap_check "receiver's device: rx +10, tx +10 packets" \
	test "$((rxp2b - rxp2)) $((txp2b - txp2))" = "10 10"
ktap_check "tx bytes count the 98-byte frames" \
	test "$((txb1b - txb1)) $((txb2b - txb2))" = "980 980"
# As over UDP, rx counts the L2TP header too: session id and sublayer.
ktap_check "rx bytes count frame and 8-byte L2TP header (106 bytes each)" \
	test "$((rxb1b - rxb1)) $((rxb2b - rxb2))" = "1060 1060"

ktap_check "IPv4 IP encap: pings up to the MTU with DF set, none beyond" \
	ping_sizes 1 192.168.51.2 1458

up 1 ck8 192.168.52.1/24 && up 2 ck8 192.168.52.2/24 &&
	ns 1 ping -q -c 1 -W 5 192.168.52.2 >/dev/null
ktap_check "ping across the session with 8-byte cookies" test $? = 0
ktap_check "cookies: pings up to the MTU" ping_sizes 1 192.168.52.2 1450

up 1 nosub 192.168.53.1/24 && up 2 nosub 192.168.53.2/24 &&
	ns 1 ping -q -c 1 -W 5 192.168.53.2 >/dev/null
ktap_check "ping across the session without sublayer" test $? = 0
ktap_check "no sublayer: pings up to the MTU" ping_sizes 1 192.168.53.2 1462

up 1 pw6 192.168.56.1/24 && up 2 pw6 192.168.56.2/24 &&
	ns 1 ping -q -c 1 -W 5 192.168.56.2 >/dev/null
ktap_check "ping across the IPv6 IP-encapsulated pseudowire" test $? = 0
ktap_check "IPv6 IP encap: pings up to the MTU" ping_sizes 1 192.168.56.2 1438

# -------------------------------------------------- bigger than the path

# Frames larger than the underlay allows are fragmented by the sender
# (the tunnel sets ignore_df), then reassembled by the receiver.
ns 1 ip link set l2tpeth0 mtu 3000 && ns 2 ip link set l2tpeth0 mtu 3000 &&
ns 1 ip link set pw6 mtu 3000 && ns 2 ip link set pw6 mtu 3000
ktap_check "IPv4 underlay: 2800-byte pings through a 1500-byte path" \
	qping 1 -c 3 -i 0.2 -W 3 -s 2800 192.168.51.2
ktap_check "IPv6 underlay: 2800-byte pings through a 1500-byte path" \
	qping 1 -c 3 -i 0.2 -W 3 -s 2800 192.168.56.2

if command -v tcpdump >/dev/null; then
	cap=$(mktemp)
	on_exit "rm -f '$cap'"
	ns 2 timeout 10 tcpdump -l -nn -v -i veth2 -c 2 'ip proto 115' \
		>"$cap" 2>/dev/null &
	tpid=$!
	sleep 2
	ns 1 ping -q -c 2 -i 0.3 -W 2 192.168.51.2 >/dev/null
	wait "$tpid"
	sed 's/^/# /' "$cap"
	ktap_check "outer IPv4 packets of data frames carry no DF, as upstream's" \
		eval "grep -q 'proto unknown (115)\|proto L2TP\|proto 115' '$cap' &&
		      ! grep -q 'flags \[DF\]' '$cap'"
else
	ktap_skip "outer IPv4 packets of data frames carry no DF" "no tcpdump"
fi

# ------------------------------------------------------------- deletion

ns 1 ip l2tp del tunnel tunnel_id 100
ktap_check "deleting the IPv4 tunnel deletes its devices" \
	wait_for 5 eval "! ip -n $(ns_name 1) link show dev l2tpeth0 >/dev/null 2>&1"
ktap_check "... and frees its socket: the same tunnel can be added again" \
	wait_for 5 ns 1 ip l2tp add tunnel tunnel_id 100 peer_tunnel_id 200 \
		encap ip local 10.50.0.1 remote 10.50.0.2
ns 1 ip l2tp add session tunnel_id 100 session_id 1001 peer_session_id 2001
up 1 l2tpeth0 192.168.51.1/24
# The new device has a new MAC address.
ns 2 ip neigh del 192.168.51.1 dev l2tpeth0
ktap_check "... and carries traffic again" qping 1 -c 1 -W 5 192.168.51.2

ns 2 ip l2tp del tunnel tunnel_id 500
ktap_check "deleting the IPv6 tunnel deletes its device" \
	wait_for 5 eval "! ip -n $(ns_name 2) link show dev pw6 >/dev/null 2>&1"

ktap_finish
