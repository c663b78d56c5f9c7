#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The L2TPv3 data plane over UDP, checked on the wire: NS1 runs unmanaged
# tunnels and Ethernet sessions made with `ip l2tp`; NS2 plays their peer
# with l2tp_wire.py, which writes test frames into NS1's l2tpeth devices
# and decodes what leaves NS1 on veth2, injects hand-made L2TP packets
# towards NS1 and decodes the frames NS1's devices deliver, and reads
# every session and tunnel counter over generic netlink.
#
#  +------------------------ NS1 ------------------------+   +--------- NS2 ---------+
#  | tunnel 100 -> 200, UDP 5100 -> 5200                 |   |                       |
#  |   s1..s14: sessions 1001..1014 -> 2001..2014        |   | l2tp_wire.py: raw     |
#  | tunnel 101 -> 201, 5101 -> 5201, udp_csum on: c1    |   | sockets, AF_PACKET    |
#  | tunnel 103 -> 203, 5103 -> 5203: f1 f2 f3 f9 (bad   |   | captures              |
#  |   packets)                                          |   |                       |
#  | tunnel 300 -> 400, UDP/IPv6 5300 -> 5400, no csum: v1|   |                       |
#  | tunnel 301 -> 401, 5301 -> 5401, csum (default): v2 |   |                       |
#  | tunnel 102 -> 202 (v4), 302 -> 402 (v6): j4, j6 ------- real peers j4, j6       |
#  |   MTU 3000                                          |   |   MTU 3000            |
#  | veth1 10.60.0.1/24 fd60::1/64 (tx csum offload off) ----- veth2 10.60.0.2 fd60::2 |
#  +-----------------------------------------------------+   +-----------------------+
#
# Checked: the header on the wire (session id, cookies of 0, 4 and 8
# bytes, sublayer none or default, the S bit and 24-bit Ns), UDP
# checksums (IPv4 udp_csum, IPv6 udp6_csum_tx/rx), cookie mismatches,
# sequence numbers (recv_seq, LAC/LNS, out of order, duplicates, window
# edges, resynchronisation, the 24-bit wrap, the reorder queue and its
# timeout), jumbo frames in fragmented outer packets, bad versions and
# short or truncated packets; every counter of the sessions and tunnels
# involved is compared with exact values.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

require_cmd ip python3 ethtool

# ------------------------------------------------------------------ setup

ns_create 1 2
ns 1 ip link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
setup() {
	local n
	for n in 1 2; do
		ns "$n" ip addr add "10.60.0.$n/24" dev "veth$n" || return 1
		ns "$n" ip addr add "fd60::$n/64" dev "veth$n" nodad || return 1
		ns "$n" ip link set "veth$n" up || return 1
		# No IPv6 on the pseudowires: only the test frames cross them.
		ns "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || return 1
	done
	# Checksums computed in software, so that they are on the wire.
	ns 1 ethtool -K veth1 tx off >/dev/null || return 1
	ns 1 ip -batch - <<-EOF || return 1
	l2tp add tunnel tunnel_id 100 peer_tunnel_id 200 encap udp local 10.60.0.1 remote 10.60.0.2 udp_sport 5100 udp_dport 5200
	l2tp add tunnel tunnel_id 101 peer_tunnel_id 201 encap udp local 10.60.0.1 remote 10.60.0.2 udp_sport 5101 udp_dport 5201 udp_csum on
	l2tp add tunnel tunnel_id 102 peer_tunnel_id 202 encap udp local 10.60.0.1 remote 10.60.0.2 udp_sport 5102 udp_dport 5202
	l2tp add tunnel tunnel_id 103 peer_tunnel_id 203 encap udp local 10.60.0.1 remote 10.60.0.2 udp_sport 5103 udp_dport 5203
	l2tp add tunnel tunnel_id 300 peer_tunnel_id 400 encap udp local fd60::1 remote fd60::2 udp_sport 5300 udp_dport 5400 udp6_csum_tx off udp6_csum_rx off
	l2tp add tunnel tunnel_id 301 peer_tunnel_id 401 encap udp local fd60::1 remote fd60::2 udp_sport 5301 udp_dport 5401
	l2tp add tunnel tunnel_id 302 peer_tunnel_id 402 encap udp local fd60::1 remote fd60::2 udp_sport 5302 udp_dport 5402
	l2tp add session name s1 tunnel_id 100 session_id 1001 peer_session_id 2001
	l2tp add session name s2 tunnel_id 100 session_id 1002 peer_session_id 2002 cookie a1b2c3d4 peer_cookie d4c3b2a1
	l2tp add session name s3 tunnel_id 100 session_id 1003 peer_session_id 2003 cookie 0102030405060708 peer_cookie 8877665544332211 l2spec_type none
	l2tp add session name s4 tunnel_id 100 session_id 1004 peer_session_id 2004 seq send
	l2tp add session name s5 tunnel_id 100 session_id 1005 peer_session_id 2005 seq recv
	l2tp add session name s6 tunnel_id 100 session_id 1006 peer_session_id 2006
	l2tp add session name s7 tunnel_id 100 session_id 1007 peer_session_id 2007
	l2tp add session name s8 tunnel_id 100 session_id 1008 peer_session_id 2008 seq send
	l2tp add session name s10 tunnel_id 100 session_id 1010 peer_session_id 2010
	l2tp add session name s11 tunnel_id 100 session_id 1011 peer_session_id 2011
	l2tp add session name s12 tunnel_id 100 session_id 1012 peer_session_id 2012
	l2tp add session name s13 tunnel_id 100 session_id 1013 peer_session_id 2013
	l2tp add session name s14 tunnel_id 100 session_id 1014 peer_session_id 2014
	l2tp add session name c1 tunnel_id 101 session_id 1021 peer_session_id 2021
	l2tp add session name j4 tunnel_id 102 session_id 1031 peer_session_id 2031
	l2tp add session name f1 tunnel_id 103 session_id 1041 peer_session_id 2041
	l2tp add session name f2 tunnel_id 103 session_id 1042 peer_session_id 2042 cookie a1b2c3d4 peer_cookie d4c3b2a1
	l2tp add session name f3 tunnel_id 103 session_id 1043 peer_session_id 2043 cookie 0102030405060708 peer_cookie 8877665544332211 l2spec_type none
	l2tp add session name f9 tunnel_id 103 session_id 1049 peer_session_id 2049 l2spec_type none
	l2tp add session name v1 tunnel_id 300 session_id 3001 peer_session_id 4001
	l2tp add session name v2 tunnel_id 301 session_id 3011 peer_session_id 4011
	l2tp add session name j6 tunnel_id 302 session_id 3031 peer_session_id 4031
	EOF
	ns 2 ip -batch - <<-EOF || return 1
	l2tp add tunnel tunnel_id 202 peer_tunnel_id 102 encap udp local 10.60.0.2 remote 10.60.0.1 udp_sport 5202 udp_dport 5102
	l2tp add tunnel tunnel_id 402 peer_tunnel_id 302 encap udp local fd60::2 remote fd60::1 udp_sport 5402 udp_dport 5302
	l2tp add session name j4 tunnel_id 202 session_id 2031 peer_session_id 1031
	l2tp add session name j6 tunnel_id 402 session_id 4031 peer_session_id 3031
	link set j4 mtu 3000 up
	link set j6 mtu 3000 up
	EOF
	{
		for n in s1 s2 s3 s4 s5 s6 s7 s8 s10 s11 s12 s13 s14 c1 f1 f2 \
			f3 f9 v1 v2; do
			echo "link set $n up"
		done
		echo "link set j4 mtu 3000 up"
		echo "link set j6 mtu 3000 up"
	} | ns 1 ip -batch -
}
if ! setup; then
	ktap_fail "set up UDP tunnels and Ethernet sessions with ip l2tp"
	ktap_finish
fi
ktap_ok "set up UDP tunnels and Ethernet sessions with ip l2tp"

# ------------------------------------------------- transmit: the wire format

wire <<EOF
cap W B veth2
frame A s1 tag=1 len=64 count=2
frame A s2 tag=11 len=100
frame A s3 tag=21 len=200
frame A s4 tag=31 len=64 count=3
frame A c1 tag=41 len=80
frame A v1 tag=51 len=64
frame A v2 tag=61 len=64
expect W 10
show W
stats A
EOF
ktap_check "tx, no cookie, default sublayer: UDP 5100 -> 5200, v3 flags, peer session id, zero sublayer" \
	has W 1 l3=ip4 src=10.60.0.1 dst=10.60.0.2 ttl=64 df=0 frags=1 l4=udp \
	sport=5100 dport=5200 plen=76 hdr=00030000.000007d1.00000000 flen=64 fok=1
ktap_check "tx, 4-byte cookie: after the session id, before the sublayer" \
	has W 11 plen=116 hdr=00030000.000007d2.a1b2c3d4.00000000 flen=100 fok=1
ktap_check "tx, 8-byte cookie, no sublayer: the frame follows the cookie" \
	has W 21 plen=216 hdr=00030000.000007d3.01020304.05060708 flen=200 fok=1
ktap_check "tx, seq send: S bit and Ns 0, 1, 2 in the sublayer" \
	eval 'has W 31 hdr=00030000.000007d4.40000000 &&
	      has W 32 hdr=00030000.000007d4.40000001 &&
	      has W 33 hdr=00030000.000007d4.40000002'
ktap_check "tx, IPv4 default: zero UDP checksum" has W 1 csum=zero
ktap_check "tx, IPv4 udp_csum on: valid UDP checksum" \
	has W 41 sport=5101 dport=5201 csum=ok plen=92 hdr=00030000.000007e5.00000000
ktap_check "tx, IPv6 udp6_csum_tx off: zero UDP checksum" \
	has W 51 l3=ip6 src=fd60::1 dst=fd60::2 ttl=64 sport=5300 dport=5400 \
	csum=zero plen=76 hdr=00030000.00000fa1.00000000
ktap_check "tx, IPv6 by default: valid UDP checksum" \
	has W 61 l3=ip6 sport=5301 dport=5401 csum=ok hdr=00030000.00000fab.00000000
# The outer IPv6 header carries the socket's automatic flow label (a hash
# of the flow, net.ipv6.auto_flowlabels), as upstream's does: it spreads
# tunnels over ECMP paths.
fl51=$(field W 51 fl) fl61=$(field W 61 fl)
echo "# IPv6 flow labels: $fl51 $fl61"
ktap_check "tx, IPv6: automatic flow label in the outer header, as upstream's" \
	test -n "$fl51" -a "$fl51" != 0x00000 -a -n "$fl61" -a "$fl61" != 0x00000
# tx_bytes count the L2TP header and the frame: the UDP payload.
check_eq "tx counters, no cookie: 2 packets, 2 x 76 bytes" \
	"$(cnt 100 1001 tx_packets tx_bytes tx_errors)" "2 152 0"
check_eq "tx counters, 4-byte cookie: 1 packet of 116 bytes" \
	"$(cnt 100 1002 tx_packets tx_bytes tx_errors)" "1 116 0"
check_eq "tx counters, 8-byte cookie, no sublayer: 1 packet of 216 bytes" \
	"$(cnt 100 1003 tx_packets tx_bytes tx_errors)" "1 216 0"
check_eq "tx counters, seq send: 3 packets of 76 bytes" \
	"$(cnt 100 1004 tx_packets tx_bytes tx_errors)" "3 228 0"
check_eq "tx counters of tunnel 100: the sum of its sessions" \
	"$(cnt 100 - tx_packets tx_bytes tx_errors)" "7 712 0"
check_eq "tx counters, IPv6: 1 packet of 76 bytes" \
	"$(cnt 300 3001 tx_packets tx_bytes)" "1 76"

# ---------------------------------------- receive: cookies and sublayers

wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5200 5100
cap D1 A s1
cap D2 A s2
cap D3 A s3
inj P sid=1001 tag=1 len=64
inj P sid=1001 tag=2 len=64 subword=0x00abcdef
inj P sid=1002 cookie=d4c3b2a1 tag=3 len=100
inj P sid=1002 cookie=d4c3b2a2 tag=4 len=100
inj P sid=1003 cookie=8877665544332211 sub=none tag=5 len=200
inj P sid=1003 cookie=8877665544332210 sub=none tag=6 len=200
inj P sid=1003 cookie=0102030405060708 sub=none tag=7 len=200
inj P sid=1003 cookie=f877665544332211 sub=none tag=8 len=200
expect D1 2
expect D2 1
expect D3 1
wait A 100 1002 rx_cookie_discards=1
wait A 100 1003 rx_cookie_discards=3
idle D3 0.3
show D1
show D2
show D3
stats A
EOF
check_eq "rx, no cookie, default sublayer: both frames delivered intact" \
	"$(tags D1)" "1 2"
ktap_check "rx: the frames arrive whole, the sublayer stripped" \
	eval 'has D1 1 flen=64 fok=1 && has D2 3 flen=100 fok=1 && has D3 5 flen=200 fok=1'
check_eq "rx counters, no cookie: 2 packets of 76 bytes, no error" \
	"$(cnt 100 1001 "$RX" "$DISC")" "2 152 0 0 0 0 0"
check_eq "rx, 4-byte cookie: the matching packet only" "$(tags D2)" "3"
check_eq "rx counters, 4-byte cookie: 1 x 116 bytes; the mismatch in rx_cookie_discards and rx_errors" \
	"$(cnt 100 1002 "$RX" "$DISC")" "1 116 1 0 0 1 0"
check_eq "rx, 8-byte cookie, no sublayer: the matching packet only" \
	"$(tags D3)" "5"
check_eq "rx counters, 8-byte cookie: 1 x 216 bytes, 3 cookie discards (last byte, first byte, our own cookie)" \
	"$(cnt 100 1003 "$RX" "$DISC")" "1 216 3 0 0 3 0"
check_eq "cookie discards are not counted on the tunnel" \
	"$(cnt 100 - rx_packets rx_bytes rx_errors rx_cookie_discards)" "4 484 0 0"

# ----------------------------------------------------- sequence numbers

# recv_seq drops unsequenced packets; a LAC follows its peer's sequencing;
# an LNS does not, and one that sends sequence numbers wants them back.
wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5200 5100
cap W B veth2
cap D5 A s5
cap D6 A s6
cap D7 A s7
cap D8 A s8
modify A 100 1007 lns_mode=1
modify A 100 1008 lns_mode=1
inj P sid=1005 tag=50
inj P sid=1005 seq=0
frame A s6 tag=60
expect W 1
inj P sid=1006 seq=7
wait A 100 1006 send_seq=1
frame A s6 tag=61 count=2
expect W 3
inj P sid=1006 tag=62
wait A 100 1006 send_seq=0
frame A s6 tag=63
expect W 4
inj P sid=1007 seq=3
inj P sid=1007 tag=71
frame A s7 tag=70
expect W 5
inj P sid=1008 tag=80
inj P sid=1008 seq=0
frame A s8 tag=81
expect W 6
expect D5 1
expect D6 2
expect D7 2
expect D8 1
wait A 100 1005 rx_seq_discards=1
wait A 100 1008 rx_seq_discards=1
show W
show D5
show D6
show D7
show D8
stats A
EOF
check_eq "recv_seq: only the sequenced packet is delivered" "$(tags D5)" "0"
check_eq "recv_seq: the unsequenced packet counts in rx_seq_discards and rx_errors" \
	"$(cnt 100 1005 "$RX" "$DISC")" "1 76 1 1 0 0 0"
check_eq "recv_seq session (a LAC) now sends sequence numbers" \
	"$(cnt 100 1005 send_seq recv_seq lns_mode)" "1 1 0"
ktap_check "LAC without send_seq: no S bit before the peer sequences" \
	has W 60 hdr=00030000.000007d6.00000000
ktap_check "LAC: a sequenced packet from the peer turns send_seq on: Ns 0, 1" \
	eval 'has W 61 hdr=00030000.000007d6.40000000 &&
	      has W 62 hdr=00030000.000007d6.40000001'
ktap_check "LAC: an unsequenced packet from the peer turns it off again" \
	has W 63 hdr=00030000.000007d6.00000000
check_eq "LAC: both packets delivered" "$(tags D6)" "7 62"
check_eq "LNS (lns_mode): sequenced and unsequenced packets delivered" \
	"$(tags D7)" "3 71"
ktap_check "LNS: a sequenced packet does not turn send_seq on" \
	has W 70 hdr=00030000.000007d7.00000000
check_eq "LNS settings" "$(cnt 100 1007 send_seq recv_seq lns_mode)" "0 0 1"
check_eq "LNS with send_seq: the unsequenced packet is dropped" "$(tags D8)" "0"
check_eq "LNS with send_seq: counted in rx_seq_discards and rx_errors" \
	"$(cnt 100 1008 "$RX" "$DISC")" "1 76 1 1 0 0 0"
ktap_check "LNS with send_seq: still sends Ns 0" \
	has W 81 hdr=00030000.000007d8.40000000

# Without a reorder timeout: in-order packets pass; an early packet is
# dropped (rx_seq_discards); a duplicate or a packet half the sequence
# space away is outside the window (rx_errors only); five consecutive
# out-of-order packets make the session adopt their numbering; the
# numbers wrap from 0xffffff to 0.
wrap_run=$(printf '%d,' $(seq $((0xfffff6)) $((0xffffff))))
wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5200 5100
cap D A s10
inj P sid=1010 seq=0,1,2,4,3,3,4
inj P sid=1010 seq=0x800003,0x800004
inj P sid=1010 seq=0x100,0x101,0x102,0x103,0x104,0x105
inj P sid=1010 seq=0x7ffff8,0x7ffff9,0x7ffffa,0x7ffffb,0x7ffffc,0x7ffffd
inj P sid=1010 seq=0xfffff0,0xfffff1,0xfffff2,0xfffff3,0xfffff4,0xfffff5
inj P sid=1010 seq=${wrap_run}0,1,2
expect D 21
idle D 0.3
show D
stats A
EOF
want="0 1 2 3 4 $((0x105)) $((0x7ffffd)) $((0xfffff5))"
want+=" $(seq -s ' ' $((0xfffff6)) $((0xffffff))) 0 1 2"
check_eq "no reorder timeout: in-order, resynchronised and wrapped packets delivered in order" \
	"$(tags D)" "$want"
# 17 dropped out of order (1 early, 1 in the window, 3 x 5 before each
# resynchronisation), 2 outside the window (the duplicate, +0x7fffff).
check_eq "no reorder timeout: 21 delivered, 17 rx_seq_discards, 19 rx_errors, no rx_oos_packets" \
	"$(cnt 100 1010 rx_packets rx_bytes rx_errors "$DISC")" "21 1596 19 17 0 0 0"

# With a reorder timeout: packets are held and delivered in order, those
# queued ahead of others counted in rx_oos_packets; a duplicate of a
# delivered packet is outside the window.
wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5200 5100
cap D A s11
modify A 100 1011 timeout=3000
inj P sid=1011 seq=0,2,3,1,6,5,4,5
expect D 7
idle D 0.3
show D
stats A
EOF
check_eq "reorder timeout: packets delivered in sequence" \
	"$(tags D)" "0 1 2 3 4 5 6"
check_eq "reorder timeout: 7 delivered, 3 rx_oos_packets, the duplicate in rx_errors" \
	"$(cnt 100 1011 rx_packets rx_errors "$DISC" timeout)" "7 1 0 3 0 0 3000"

# Across the wrap with a reorder timeout: in order on both modules;
# reordered only on ours (upstream's queue compares numbers without the
# wrap, so 0 sorts before 0xffffff and the session stalls).
script="path P B udp4 10.60.0.2 10.60.0.1 5200 5100
cap D A s12
inj P sid=1012 seq=0,0x7ffff8,0x7ffff9,0x7ffffa,0x7ffffb,0x7ffffc,0x7ffffd
inj P sid=1012 seq=0xfffff0,0xfffff1,0xfffff2,0xfffff3,0xfffff4,0xfffff5
modify A 100 1012 timeout=3000
inj P sid=1012 seq=0xfffff6,0xfffff7
expect D 5
"
reorder_wrap=0
if require_ours "upstream's reorder queue is not wrap-aware" \
	"reorder timeout: packets reordered across the 24-bit wrap"; then
	reorder_wrap=1
	script+="inj P sid=1012 seq=0xfffff9,1,0xfffff8,0,0xfffffb,0xfffffa,0xffffff,0xfffffe,0xfffffd,0xfffffc
expect D 15
"
fi
wire <<<"${script}idle D 0.3
show D
stats A"
check_eq "reorder timeout: in order across the 24-bit wrap" \
	"$(tags D | cut -d' ' -f1-5)" \
	"0 $((0x7ffffd)) $((0xfffff5)) $((0xfffff6)) $((0xfffff7))"
if [ "$reorder_wrap" = 1 ]; then
	check_eq "reorder timeout: packets reordered across the 24-bit wrap" \
		"$(tags D | cut -d' ' -f6-)" \
		"$(seq -s ' ' $((0xfffff8)) $((0xffffff))) 0 1"
	check_eq "... 15 delivered, 8 rx_oos_packets, 10 rx_seq_discards" \
		"$(cnt 100 1012 rx_packets rx_errors "$DISC")" "15 10 10 8 0 0"
fi

# A gap that is never filled: the packets held behind it time out.
# Upstream looks at the queue only when a packet arrives; ours has a
# timer, so the packet held behind the expired one is delivered without
# waiting for another packet.  (The sleeps only make sure timeouts have
# passed; no check depends on how fast anything happens.)
script="path P B udp4 10.60.0.2 10.60.0.1 5200 5100
cap D A s13
modify A 100 1013 timeout=2000
inj P sid=1013 seq=0
expect D 1
inj P sid=1013 seq=2
sleep 1
inj P sid=1013 seq=3
"
[ "$L2TP_MODE" = ours ] && script+="wait A 100 1013 rx_packets=2 rx_seq_discards=1
"
wire <<<"${script}show D
stats A"
if require_ours "upstream has no reorder timer" \
	"reorder timer: with no further packet, the packet held behind the lost one is delivered"; then
	check_eq "reorder timer: with no further packet, the packet held behind the lost one is delivered" \
		"$(tags D) / $(cnt 100 1013 rx_packets rx_errors rx_seq_discards)" \
		"0 3 / 2 1 1"
fi
wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5200 5100
cap D A s13
sleep 2.6
inj P sid=1013 seq=4
expect D 1
show D
stats A
EOF
if [ "$L2TP_MODE" = ours ]; then
	check_eq "reorder timer: the next packet is delivered, nothing more expires" \
		"$(tags D) / $(cnt 100 1013 rx_packets rx_errors rx_seq_discards rx_oos_packets)" \
		"4 / 3 1 1 0"
else
	check_eq "reorder timeout (upstream): both held packets expire when the next one arrives, which is delivered" \
		"$(tags D) / $(cnt 100 1013 rx_packets rx_errors rx_seq_discards rx_oos_packets)" \
		"4 / 2 2 2 0"
fi

# The first packet of a session: ours adopts its number, whatever it is;
# upstream first checks it against a window around 0.
wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5200 5100
cap D A s14
inj P sid=1014 seq=0xfffffe
idle D 0.5
show D
stats A
EOF
if [ "$L2TP_MODE" = ours ]; then
	check_eq "first packet 0xfffffe: adopted and delivered (documented difference)" \
		"$(tags D) / $(cnt 100 1014 rx_packets rx_errors)" "$((0xfffffe)) / 1 0"
else
	check_eq "first packet 0xfffffe (upstream): outside the window around 0, dropped in rx_errors" \
		"$(tags D) / $(cnt 100 1014 rx_packets rx_errors)" " / 0 1"
fi

# ----------------------------------------------------------- checksums

wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5200 5100
path Q B udp6 fd60::2 fd60::1 5400 5300
path R B udp6 fd60::2 fd60::1 5401 5301
cap D1 A s1
cap V1 A v1
cap V2 A v2
snmp A
inj P sid=1001 tag=101 csum=zero
inj P sid=1001 tag=102 csum=bad
inj Q sid=3001 tag=111 csum=zero
inj Q sid=3001 tag=112 csum=bad
inj Q sid=3001 tag=113
inj R sid=3011 tag=121 csum=zero
inj R sid=3011 tag=122 csum=bad
inj R sid=3011 tag=123
expect D1 1
expect V1 2
expect V2 1
idle V2 0.3
snmp A
show D1
show V1
show V2
stats A
EOF
snmp_delta() {
	awk -v k="$1" '$1 == "snmp" { for (i = 2; i <= NF; i++) {
		split($i, kv, "="); if (kv[1] == k) v[++n] = kv[2] } }
		END { print v[n] - v[1] }' <<<"$W"
}
check_eq "IPv4 rx: zero checksum accepted, bad checksum dropped" "$(tags D1)" "101"
check_eq "IPv6 rx, udp6_csum_rx off: zero and valid checksums accepted, bad dropped" \
	"$(tags V1)" "111 113"
check_eq "IPv6 rx by default: zero checksum dropped, valid accepted" \
	"$(tags V2)" "123"
check_eq "checksum drops are UDP's: InCsumErrors +1 (IPv4), +3 (IPv6)" \
	"$(snmp_delta UdpInCsumErrors) $(snmp_delta Udp6InCsumErrors)" "1 3"
check_eq "... and the L2TP counters of the IPv6 sessions see only what was delivered" \
	"$(cnt 300 3001 "$RX" "$DISC") / $(cnt 301 3011 "$RX" "$DISC")" \
	"2 152 0 0 0 0 0 / 1 76 0 0 0 0 0"

# -------------------------------------------------------- jumbo frames

wire <<EOF
cap W B veth2
cap J4 B j4
cap J6 B j6
frame A j4 tag=200 len=2900
frame A j6 tag=201 len=2900
expect J4 1
expect J6 1
expect W 2
show W
show J4
show J6
stats A
stats B
EOF
ktap_check "jumbo frame over IPv4: fragmented outer packet, reassembled intact" \
	eval 'has W 200 l3=ip4 frags=2 plen=2912 hdr=00030000.000007ef.00000000 fok=1 &&
	      has J4 200 flen=2900 fok=1'
ktap_check "jumbo frame over IPv6: fragmented outer packet, reassembled intact" \
	eval 'has W 201 l3=ip6 frags=3 plen=2912 hdr=00030000.00000fbf.00000000 fok=1 &&
	      has J6 201 flen=2900 fok=1'
check_eq "jumbo: sender's tx and receiver's rx count 2912 bytes" \
	"$(cnt 102 1031 tx_packets tx_bytes) $(cnt 302 3031 tx_packets tx_bytes) $(cnt 202 2031 rx_packets rx_bytes) $(cnt 402 4031 rx_packets rx_bytes)" \
	"1 2912 1 2912 1 2912 1 2912"

# ------------------------------------------------------------ bad packets

# Tunnel 103 only.  Each bad packet is followed by a good one (tag 9x) to
# the same session; the good ones are the receipts that the bad ones were
# processed.
wire <<EOF
path P B udp4 10.60.0.2 10.60.0.1 5203 5103
cap F1 A f1
cap F2 A f2
cap F3 A f3
cap F9 A f9
inj P sid=1041 v=5 tag=1
inj P sid=1041 tag=91
expect F1 1
stats A
inj P sid=999999 v=1 tag=2
inj P v=2 tid=103 sid=1041 tag=3
inj P flags=0xc803 sid=1041 tag=4
inj P sid=1041 tag=92
expect F1 2
stats A
inj P sid=1042 cookie=d4c3b2a1 trunc=14
inj P sid=1042 cookie=d4c3b2a1 tag=93
expect F2 1
inj P sid=1043 cookie=8877665544332211 sub=none trunc=14
inj P sid=1043 cookie=8877665544332211 sub=none tag=94
expect F3 1
stats A
inj P sid=1049 sub=none raw=0a0b0c0d0e
inj P sid=1049 sub=none raw=0a0b0c0d0e0f
inj P sid=1049 sub=none tag=99
expect F9 1
idle F9 0.3
show F1
show F2
show F3
show F9
stats A
EOF
echo "$W" | grep '^stats tun tid=103 ' | sed 's/^/# step: /'
# rx_invalid of the tunnel after each of the three steps, as increments.
read -r inv1 inv2 inv3 _ < <(awk '$1 == "stats" && $2 == "tun" && $3 == "tid=103" {
	for (i = 4; i <= NF; i++) if ($i ~ /^rx_invalid=/) printf "%s ", substr($i, 12) }
	END { print "" }' <<<"$W")
check_eq "header version 5 for a known session: dropped, rx_invalid of the tunnel +1" \
	"$inv1" 1
check_eq "version 1 for an unknown session, v2 header on a v3 tunnel, a control message: handed to the socket, $(by_mode uncounted 'the wrong versions in rx_invalid')" \
	"$((inv2 - inv1))" "$(by_mode 0 2)"
check_eq "truncated sublayer and truncated cookie: rx_invalid of the tunnel +1 each" \
	"$((inv3 - inv2))" 2
check_eq "only the good packets were delivered" \
	"$(tags F1) / $(tags F2) / $(tags F3) / $(tags F9)" "91 92 / 93 / 94 / 99"
check_eq "session counters after a bad version: untouched" \
	"$(cnt 103 1041 "$RX" "$DISC")" "2 152 0 0 0 0 0"
check_eq "session counters after a truncated sublayer: $(by_mode 'untouched (the tunnel counts it)' 'one error')" \
	"$(cnt 103 1042 "$RX" "$DISC")" "$(by_mode '1 80 0 0 0 0 0' '1 80 1 0 0 0 0')"
check_eq "session counters after a truncated cookie: $(by_mode 'untouched (the tunnel counts it)' 'one error')" \
	"$(cnt 103 1043 "$RX" "$DISC")" "$(by_mode '1 80 0 0 0 0 0' '1 80 1 0 0 0 0')"
# Upstream: UDP payloads under 14 bytes go to the socket; 14 bytes with
# a 6-byte payload reach the session, whose device drops it. Ours: both
# are complete data packets of the session.
check_eq "13-byte packet: $(by_mode 'to the socket' 'counted by the session'); 14-byte packet: counted by the session" \
	"$(cnt 103 1049 "$RX" "$DISC")" "$(by_mode '2 86 0 0 0 0 0' '3 99 0 0 0 0 0')"
check_eq "tunnel 103: rx counters are the sum of its sessions', no session-level errors" \
	"$(cnt 103 - rx_packets rx_bytes rx_errors rx_seq_discards rx_cookie_discards)" \
	"$(sum_sessions 103 rx_packets) $(sum_sessions 103 rx_bytes) 0 0 0"

# ------------------------------------------------------ tunnel totals

wire <<EOF
stats A
EOF
check_eq "tunnel 100: rx and tx packets and bytes are the sums over its sessions" \
	"$(cnt 100 - rx_packets rx_bytes tx_packets tx_bytes)" \
	"$(sum_sessions 100 rx_packets) $(sum_sessions 100 rx_bytes) $(sum_sessions 100 tx_packets) $(sum_sessions 100 tx_bytes)"
check_eq "tunnel 100: discards and errors are counted on sessions only" \
	"$(cnt 100 - rx_errors rx_seq_discards rx_oos_packets rx_cookie_discards rx_invalid tx_errors)" \
	"0 0 0 0 0 0"

ktap_finish
