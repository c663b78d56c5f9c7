#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The L2TPv2 data plane over UDP, checked on the wire.  `ip l2tp` makes
# only L2TPv3 tunnels, so l2tp_wire.py creates the v2 tunnels and their
# PPP sessions over generic netlink, then attaches a PPPoL2TP socket to
# each session: the socket sends test frames (which leave NS1 after the
# ff 03 PPP prefix) and queues the frames the session receives, never
# being bound to a PPP channel.  NS2 is the peer, as in
# test_datapath_udp.sh.
#
#  +------------------- NS1 -------------------+   +------- NS2 -------+
#  | tunnel 110 -> 210, v2, UDP 5110 -> 5210   |   | l2tp_wire.py:     |
#  |   PPP sessions 11..18 -> 21..28           |   | raw sockets,      |
#  | tunnel 111 -> 211, v2, UDP/IPv6 5111->5211|   | AF_PACKET capture |
#  |   PPP session 31 -> 41                    |   |                   |
#  | veth1 10.60.0.1/24 fd60::1/64 ------------------ veth2 .2, fd60::2 |
#  +-------------------------------------------+   +-------------------+
#
# Checked: the v2 header on the wire (flags, peer tunnel and session ids,
# S bit with 16-bit Ns and a zero Nr), the optional Length and Offset
# fields on receive, sequence numbers (recv_seq, the LAC following its
# peer, out of order, window edges, resynchronisation, the wrap at
# 0xffff), packets of another version or too short, with exact counters.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

require_cmd ip python3 ethtool

if ! mode_module l2tp_ppp; then
	ktap_skip "$TEST_NAME" "no l2tp_ppp module for $L2TP_MODE"
	ktap_finish
fi

# ------------------------------------------------------------------ setup

ns_create 1 2
ns 1 ip link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
setup() {
	local n
	for n in 1 2; do
		ns "$n" ip addr add "10.60.0.$n/24" dev "veth$n" || return 1
		ns "$n" ip addr add "fd60::$n/64" dev "veth$n" nodad || return 1
		ns "$n" ip link set "veth$n" up || return 1
	done
	ns 1 ethtool -K veth1 tx off >/dev/null || return 1
	wire <<-EOF
	tunnel A tid=110 ptid=210 ver=2 local=10.60.0.1 remote=10.60.0.2 sport=5110 dport=5210
	tunnel A tid=111 ptid=211 ver=2 local=fd60::1 remote=fd60::2 sport=5111 dport=5211
	session A tid=110 sid=11 psid=21 pw=7
	session A tid=110 sid=12 psid=22 pw=7 send_seq=1
	session A tid=110 sid=13 psid=23 pw=7 recv_seq=1
	session A tid=110 sid=14 psid=24 pw=7
	session A tid=110 sid=15 psid=25 pw=7
	session A tid=110 sid=18 psid=28 pw=7
	session A tid=111 sid=31 psid=41 pw=7
	stats A
	EOF
	[ "$(cnt 111 31 psid)" = 41 ]
}
if ! setup; then
	ktap_fail "set up L2TPv2 tunnels and PPP sessions over generic netlink"
	ktap_finish
fi
ktap_ok "set up L2TPv2 tunnels and PPP sessions over generic netlink"

# ------------------------------------------------ header, both directions

wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5210 5110
path Q B udp6 fd60::2 fd60::1 5211 5111
cap W B veth2
pppox X1 A 110 11 210 21
pppox X2 A 110 12 210 22
pppox X6 A 111 31 211 41
psend X1 tag=1 len=64
psend X2 tag=2 len=64 count=2
psend X6 tag=6 len=64
expect W 4
inj P v=2 tid=110 sid=11 ppp=1 tag=11
inj P v=2 tid=110 sid=11 ppp=1 lfield=1 tag=12
inj P v=2 tid=110 sid=11 ppp=1 offset=3 tag=13
inj P v=2 tid=110 sid=11 tag=14
inj Q v=2 tid=111 sid=31 ppp=1 tag=16
expect X1 4
expect X6 1
show W
show X1
show X6
stats A
EOF
ktap_check "tx: v2 flags, the peer's tunnel and session ids, then ff 03 and the frame" \
	has W 1 l3=ip4 src=10.60.0.1 dst=10.60.0.2 ttl=64 df=0 l4=udp \
	sport=5110 dport=5210 csum=zero plen=72 hdr=000200d2.0015ff03 flen=64 fok=1
ktap_check "tx, send_seq: S bit, Ns 0 and 1, Nr 0" \
	eval 'has W 2 plen=76 hdr=080200d2.00160000.0000ff03 fok=1 &&
	      has W 3 plen=76 hdr=080200d2.00160001.0000ff03 fok=1'
ktap_check "tx over IPv6: valid checksum, v2 header" \
	has W 6 l3=ip6 sport=5111 dport=5211 csum=ok plen=72 hdr=000200d3.0029ff03 fok=1
check_eq "rx: plain, with the Length field, with an Offset pad, without ff 03: all delivered whole" \
	"$(tags X1) / $(tags X6)" "11 12 13 14 / 16"
ktap_check "rx: the frames arrive intact" \
	eval 'has X1 11 flen=64 fok=1 && has X1 12 flen=64 fok=1 &&
	      has X1 13 flen=64 fok=1 && has X1 14 flen=64 fok=1'
# rx bytes are the UDP payload: 72, 74 (+ Length), 77 (+ Offset size
# and 3 bytes of pad), 70 (no ff 03).
check_eq "rx counters: 4 packets, 293 bytes" \
	"$(cnt 110 11 "$RX" "$DISC")" "4 293 0 0 0 0 0"
check_eq "tx counters: header, ff 03 and frame" \
	"$(cnt 110 11 tx_packets tx_bytes) $(cnt 110 12 tx_packets tx_bytes) $(cnt 111 31 tx_packets tx_bytes)" \
	"1 72 2 152 1 72"
# Closing a PPPoL2TP socket deletes its session, so the tunnels' totals
# are checked while this first set of sessions is alive.
for t in 110 111; do
	check_eq "tunnel $t: rx and tx packets and bytes are the sums over its sessions" \
		"$(cnt $t - rx_packets rx_bytes tx_packets tx_bytes)" \
		"$(sum_sessions $t rx_packets) $(sum_sessions $t rx_bytes) $(sum_sessions $t tx_packets) $(sum_sessions $t tx_bytes)"
done

# ------------------------------------------------------ sequence numbers

wrap_run=$(printf '%d,' $(seq $((0xfff6)) $((0xffff))))
wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5210 5110
cap W B veth2
pppox X3 A 110 13 210 23
pppox X4 A 110 14 210 24
psend X4 tag=40
expect W 1
inj P v=2 tid=110 sid=13 ppp=1 tag=30
inj P v=2 tid=110 sid=13 ppp=1 seq=0
inj P v=2 tid=110 sid=14 seq=0,1,2,4,3,3,4
inj P v=2 tid=110 sid=14 seq=0x8003,0x8004
inj P v=2 tid=110 sid=14 seq=0x100,0x101,0x102,0x103,0x104,0x105
inj P v=2 tid=110 sid=14 seq=0x7ff8,0x7ff9,0x7ffa,0x7ffb,0x7ffc,0x7ffd
inj P v=2 tid=110 sid=14 seq=0xfff0,0xfff1,0xfff2,0xfff3,0xfff4,0xfff5
inj P v=2 tid=110 sid=14 seq=${wrap_run}0,1,2
expect X3 1
expect X4 21
wait A 110 14 send_seq=1
psend X4 tag=41 count=2
expect W 3
idle X4 0.3
show W
show X3
show X4
stats A
EOF
check_eq "recv_seq: only the sequenced packet is delivered" "$(tags X3)" "0"
check_eq "recv_seq: the unsequenced one in rx_seq_discards and rx_errors" \
	"$(cnt 110 13 "$RX" "$DISC")" "1 76 1 1 0 0 0"
want="0 1 2 3 4 $((0x105)) $((0x7ffd)) $((0xfff5))"
want+=" $(seq -s ' ' $((0xfff6)) $((0xffff))) 0 1 2"
check_eq "16-bit Ns: in order, resynchronised, wrapped at 0xffff" "$(tags X4)" "$want"
# Window 0x7fff: +0x7ffe is early (dropped, rx_seq_discards), +0x7fff
# outside (rx_errors only), as is the duplicate.
check_eq "16-bit Ns: 21 delivered, 17 rx_seq_discards, 19 rx_errors" \
	"$(cnt 110 14 "$RX" "$DISC")" "21 1554 19 17 0 0 0"
ktap_check "LAC: no S bit before the peer sequences, then S bit and Ns 0, 1" \
	eval 'has W 40 hdr=000200d2.0018ff03 &&
	      has W 41 hdr=080200d2.00180000.0000ff03 &&
	      has W 42 hdr=080200d2.00180001.0000ff03'

# ------------------------------------------------- other versions, short

# v3 and version-5 headers reach the v2 tunnel's socket; a packet too
# short to be parsed (UDP payload under 14 bytes) goes to the socket.
wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5210 5110
pppox X5 A 110 15 210 25
pppox X8 A 110 18 210 28
stats A
inj P v=3 sid=4242 tag=1
inj P v=5 sid=4242 tag=2
inj P v=2 tid=110 sid=18 raw=0102
inj P v=2 tid=110 sid=18 raw=01020304050607
inj P v=2 tid=110 sid=15 ppp=1 tag=51
expect X5 1
idle X8 0.3
show X5
show X8
stats A
EOF
read -r inv1 inv2 < <(awk '$1 == "stats" && $2 == "tun" && $3 == "tid=110" {
	for (i = 4; i <= NF; i++) if ($i ~ /^rx_invalid=/) printf "%s ", substr($i, 12) }
	END { print "" }' <<<"$W")
check_eq "v3 and version-5 headers for unknown sessions: handed to the socket, $(by_mode uncounted 'in rx_invalid')" \
	"$((inv2 - inv1))" "$(by_mode 0 2)"
check_eq "8-byte and 13-byte packets: $(by_mode 'to the socket (too short)' 'delivered to their session'); good packet delivered" \
	"$(tags X5) / $(cnt 110 18 "$RX" "$DISC")" "$(by_mode '51 / 0 0 0 0 0 0 0' '51 / 2 21 0 0 0 0 0')"

ktap_finish
