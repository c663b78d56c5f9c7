#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The L2TPv3 data plane over IP encapsulation (protocol 115, l2tp_ip and
# l2tp_ip6), checked on the wire.  NS1 runs unmanaged tunnels and Ethernet
# sessions made with `ip l2tp`; NS2 plays their peer with l2tp_wire.py
# (see test_datapath_udp.sh, which does the same over UDP).
#
#  +------------------------ NS1 ------------------------+   +------- NS2 -------+
#  | tunnel 500 -> 600, IPv4:                            |   |                   |
#  |   i1..i8: sessions 5001..5008 -> 6001..6008         |   | l2tp_wire.py:     |
#  |   b1 b2 b3: sessions 5011..5013 (bad packets)       |   | raw sockets,      |
#  | tunnel 700 -> 800, IPv6:                            |   | AF_PACKET         |
#  |   k1..k7: sessions 7001..7007 -> 8001..8007         |   | captures          |
#  |   kb: session 7011 (bad packets)                    |   |                   |
#  | veth1 10.60.0.1/24 fd60::1/64 --------------------------- veth2 10.60.0.2/24 |
#  +-----------------------------------------------------+   |     fd60::2/64    |
#                                                            +-------------------+
#
# Checked: the header on the wire (session id, cookies of 0, 4 and 8
# bytes, sublayer none or default, the S bit and Ns; no DF, the IPv6 flow
# label), cookie mismatches, sequence numbers (recv_seq, LAC, out of
# order, window, resynchronisation, wrap, reordering), and bad packets:
# short, unknown session, bad or truncated cookie, truncated sublayer,
# header without payload, control frames nobody listens to; every
# counter compared with exact values.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

require_cmd ip python3

# ------------------------------------------------------------------ setup

ns_create 1 2
ns 1 ip link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
setup() {
	local n
	for n in 1 2; do
		ns "$n" ip addr add "10.60.0.$n/24" dev "veth$n" || return 1
		ns "$n" ip addr add "fd60::$n/64" dev "veth$n" nodad || return 1
		ns "$n" ip link set "veth$n" up || return 1
		ns "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || return 1
	done
	ns 1 ip -batch - <<-EOF || return 1
	l2tp add tunnel tunnel_id 500 peer_tunnel_id 600 encap ip local 10.60.0.1 remote 10.60.0.2
	l2tp add tunnel tunnel_id 700 peer_tunnel_id 800 encap ip local fd60::1 remote fd60::2
	l2tp add session name i1 tunnel_id 500 session_id 5001 peer_session_id 6001
	l2tp add session name i2 tunnel_id 500 session_id 5002 peer_session_id 6002 cookie a1b2c3d4 peer_cookie d4c3b2a1
	l2tp add session name i3 tunnel_id 500 session_id 5003 peer_session_id 6003 cookie 0102030405060708 peer_cookie 8877665544332211 l2spec_type none
	l2tp add session name i4 tunnel_id 500 session_id 5004 peer_session_id 6004 seq send
	l2tp add session name i5 tunnel_id 500 session_id 5005 peer_session_id 6005 seq recv
	l2tp add session name i6 tunnel_id 500 session_id 5006 peer_session_id 6006
	l2tp add session name i7 tunnel_id 500 session_id 5007 peer_session_id 6007
	l2tp add session name i8 tunnel_id 500 session_id 5008 peer_session_id 6008
	l2tp add session name b1 tunnel_id 500 session_id 5011 peer_session_id 6011
	l2tp add session name b2 tunnel_id 500 session_id 5012 peer_session_id 6012 cookie a1b2c3d4 peer_cookie d4c3b2a1
	l2tp add session name b3 tunnel_id 500 session_id 5013 peer_session_id 6013 cookie 0102030405060708 peer_cookie 8877665544332211 l2spec_type none
	l2tp add session name k1 tunnel_id 700 session_id 7001 peer_session_id 8001
	l2tp add session name k2 tunnel_id 700 session_id 7002 peer_session_id 8002 cookie 0102030405060708 peer_cookie 8877665544332211
	l2tp add session name k3 tunnel_id 700 session_id 7003 peer_session_id 8003 cookie a1b2c3d4 peer_cookie d4c3b2a1 l2spec_type none
	l2tp add session name k4 tunnel_id 700 session_id 7004 peer_session_id 8004 seq send
	l2tp add session name k5 tunnel_id 700 session_id 7005 peer_session_id 8005 seq recv
	l2tp add session name k7 tunnel_id 700 session_id 7007 peer_session_id 8007
	l2tp add session name kb tunnel_id 700 session_id 7011 peer_session_id 8011
	EOF
	for n in i1 i2 i3 i4 i5 i6 i7 i8 b1 b2 b3 k1 k2 k3 k4 k5 k7 kb; do
		echo "link set $n up"
	done | ns 1 ip -batch -
}
if ! setup; then
	ktap_fail "set up IP-encapsulated tunnels and Ethernet sessions with ip l2tp"
	ktap_finish
fi
ktap_ok "set up IP-encapsulated tunnels and Ethernet sessions with ip l2tp"

# ------------------------------------------------- transmit: the wire format

wire <<EOF
cap W B veth2
frame A i1 tag=1 len=64 count=2
frame A i2 tag=11 len=100
frame A i3 tag=21 len=200
frame A i4 tag=31 len=64 count=3
frame A k1 tag=41 len=64
frame A k2 tag=51 len=100
frame A k3 tag=61 len=200
frame A k4 tag=71 len=64 count=2
expect W 12
show W
stats A
EOF
ktap_check "IPv4 tx, no cookie, default sublayer: protocol 115, peer session id, zero sublayer, no DF" \
	has W 1 l3=ip4 src=10.60.0.1 dst=10.60.0.2 ttl=64 df=0 frags=1 l4=ip115 \
	plen=72 hdr=00001771.00000000 flen=64 fok=1
ktap_check "IPv4 tx, 4-byte cookie: after the session id, before the sublayer" \
	has W 11 l4=ip115 plen=112 hdr=00001772.a1b2c3d4.00000000 flen=100 fok=1
ktap_check "IPv4 tx, 8-byte cookie, no sublayer: the frame follows the cookie" \
	has W 21 l4=ip115 plen=212 hdr=00001773.01020304.05060708 flen=200 fok=1
ktap_check "IPv4 tx, seq send: S bit and Ns 0, 1, 2" \
	eval 'has W 31 hdr=00001774.40000000 && has W 32 hdr=00001774.40000001 &&
	      has W 33 hdr=00001774.40000002'
ktap_check "IPv6 tx, no cookie: protocol 115, peer session id, zero sublayer" \
	has W 41 l3=ip6 src=fd60::1 dst=fd60::2 ttl=64 frags=1 l4=ip115 plen=72 \
	hdr=00001f41.00000000 flen=64 fok=1
ktap_check "IPv6 tx, 8-byte cookie, default sublayer" \
	has W 51 l4=ip115 plen=116 hdr=00001f42.01020304.05060708.00000000 flen=100 fok=1
ktap_check "IPv6 tx, 4-byte cookie, no sublayer" \
	has W 61 l4=ip115 plen=208 hdr=00001f43.a1b2c3d4 flen=200 fok=1
ktap_check "IPv6 tx, seq send: Ns 0, 1" \
	eval 'has W 71 hdr=00001f44.40000000 && has W 72 hdr=00001f44.40000001'
fl41=$(field W 41 fl) fl51=$(field W 51 fl)
echo "# IPv6 flow labels: $fl41 $fl51"
ktap_check "IPv6 tx: automatic flow label in the outer header, as upstream's" \
	test -n "$fl41" -a "$fl41" != 0x00000 -a -n "$fl51" -a "$fl51" != 0x00000
# tx_bytes: the L2TP header and the frame (the IP payload).
check_eq "IPv4 tx counters: 2 x 72, 112, 212, 3 x 72 bytes" \
	"$(cnt 500 5001 tx_packets tx_bytes) $(cnt 500 5002 tx_packets tx_bytes) $(cnt 500 5003 tx_packets tx_bytes) $(cnt 500 5004 tx_packets tx_bytes)" \
	"2 144 1 112 1 212 3 216"
check_eq "IPv6 tx counters: 72, 116, 208, 2 x 72 bytes" \
	"$(cnt 700 7001 tx_packets tx_bytes) $(cnt 700 7002 tx_packets tx_bytes) $(cnt 700 7003 tx_packets tx_bytes) $(cnt 700 7004 tx_packets tx_bytes)" \
	"1 72 1 116 1 208 2 144"
check_eq "tx counters of the tunnels: the sums of their sessions" \
	"$(cnt 500 - tx_packets tx_bytes tx_errors) / $(cnt 700 - tx_packets tx_bytes tx_errors)" \
	"7 684 0 / 5 540 0"

# ---------------------------------------- receive: cookies and sublayers

wire <<EOF
path P B ip4 10.60.0.2 10.60.0.1
path Q B ip6 fd60::2 fd60::1
cap D1 A i1
cap D2 A i2
cap D3 A i3
cap K1 A k1
cap K2 A k2
cap K3 A k3
inj P sid=5001 tag=1
inj P sid=5002 cookie=d4c3b2a1 tag=2 len=100
inj P sid=5002 cookie=d4c3b2a0 tag=3 len=100
inj P sid=5003 cookie=8877665544332211 sub=none tag=4 len=200
inj P sid=5003 cookie=0102030405060708 sub=none tag=5 len=200
inj Q sid=7001 tag=6
inj Q sid=7002 cookie=8877665544332211 tag=7 len=100
inj Q sid=7002 cookie=8877665544332201 tag=8 len=100
inj Q sid=7003 cookie=d4c3b2a1 sub=none tag=9 len=200
inj Q sid=7003 cookie=c4c3b2a1 sub=none tag=10 len=200
expect D1 1
expect D2 1
expect D3 1
expect K1 1
expect K2 1
expect K3 1
wait A 500 5002 rx_cookie_discards=1
wait A 500 5003 rx_cookie_discards=1
wait A 700 7002 rx_cookie_discards=1
wait A 700 7003 rx_cookie_discards=1
idle K3 0.3
show D1
show D2
show D3
show K1
show K2
show K3
stats A
EOF
check_eq "rx: only the packets with the right cookie are delivered" \
	"$(tags D1) / $(tags D2) / $(tags D3) / $(tags K1) / $(tags K2) / $(tags K3)" \
	"1 / 2 / 4 / 6 / 7 / 9"
ktap_check "rx: the frames arrive whole, header and sublayer stripped" \
	eval 'has D1 1 flen=64 fok=1 && has D2 2 flen=100 fok=1 &&
	      has D3 4 flen=200 fok=1 && has K2 7 flen=100 fok=1 &&
	      has K3 9 flen=200 fok=1'
check_eq "IPv4 rx counters, no cookie: 1 x 72 bytes" \
	"$(cnt 500 5001 "$RX" "$DISC")" "1 72 0 0 0 0 0"
check_eq "IPv4 rx counters, 4-byte cookie: 1 x 112, the mismatch in rx_cookie_discards and rx_errors" \
	"$(cnt 500 5002 "$RX" "$DISC")" "1 112 1 0 0 1 0"
check_eq "IPv4 rx counters, 8-byte cookie, no sublayer: 1 x 212, our own cookie is a mismatch" \
	"$(cnt 500 5003 "$RX" "$DISC")" "1 212 1 0 0 1 0"
check_eq "IPv6 rx counters: 72; 116 and a mismatch; 208 and a mismatch" \
	"$(cnt 700 7001 "$RX" "$DISC") / $(cnt 700 7002 "$RX" "$DISC") / $(cnt 700 7003 "$RX" "$DISC")" \
	"1 72 0 0 0 0 0 / 1 116 1 0 0 1 0 / 1 208 1 0 0 1 0"
check_eq "rx counters of the tunnels: delivered packets only" \
	"$(cnt 500 - rx_packets rx_bytes rx_errors rx_cookie_discards) / $(cnt 700 - rx_packets rx_bytes rx_errors rx_cookie_discards)" \
	"3 396 0 0 / 3 396 0 0"

# ----------------------------------------------------- sequence numbers

wire <<EOF
path P B ip4 10.60.0.2 10.60.0.1
path Q B ip6 fd60::2 fd60::1
cap W B veth2
cap D5 A i5
cap D6 A i6
cap K5 A k5
inj P sid=5005 tag=50
inj P sid=5005 seq=0
inj Q sid=7005 tag=51
inj Q sid=7005 seq=5
frame A i6 tag=60
expect W 1
inj P sid=5006 seq=9
wait A 500 5006 send_seq=1
frame A i6 tag=61
expect W 2
inj P sid=5006 tag=62
wait A 500 5006 send_seq=0
frame A i6 tag=63
expect W 3
expect D5 1
expect D6 2
expect K5 1
wait A 500 5005 rx_seq_discards=1
wait A 700 7005 rx_seq_discards=1
show W
show D5
show D6
show K5
stats A
EOF
check_eq "recv_seq: only sequenced packets delivered (IPv4, IPv6)" \
	"$(tags D5) / $(tags K5)" "0 / 5"
check_eq "recv_seq: unsequenced packets in rx_seq_discards and rx_errors" \
	"$(cnt 500 5005 "$RX" "$DISC") / $(cnt 700 7005 "$RX" "$DISC")" \
	"1 72 1 1 0 0 0 / 1 72 1 1 0 0 0"
ktap_check "LAC: no S bit, then S bit and Ns 0 after a sequenced packet, then none after an unsequenced one" \
	eval 'has W 60 hdr=00001776.00000000 && has W 61 hdr=00001776.40000000 &&
	      has W 63 hdr=00001776.00000000'
check_eq "LAC: both packets delivered" "$(tags D6)" "9 62"

# Without a reorder timeout: early packets dropped, a duplicate and a
# packet half the sequence space away outside the window, resync after
# five consecutive out-of-order packets, wrap from 0xffffff to 0.
wrap_run=$(printf '%d,' $(seq $((0xfffff6)) $((0xffffff))))
wire <<EOF
path P B ip4 10.60.0.2 10.60.0.1
cap D A i7
inj P sid=5007 seq=0,1,2,4,3,3,4
inj P sid=5007 seq=0x800003,0x800004
inj P sid=5007 seq=0x100,0x101,0x102,0x103,0x104,0x105
inj P sid=5007 seq=0x7ffff8,0x7ffff9,0x7ffffa,0x7ffffb,0x7ffffc,0x7ffffd
inj P sid=5007 seq=0xfffff0,0xfffff1,0xfffff2,0xfffff3,0xfffff4,0xfffff5
inj P sid=5007 seq=${wrap_run}0,1,2
expect D 21
idle D 0.3
show D
stats A
EOF
want="0 1 2 3 4 $((0x105)) $((0x7ffffd)) $((0xfffff5))"
want+=" $(seq -s ' ' $((0xfffff6)) $((0xffffff))) 0 1 2"
check_eq "no reorder timeout: in-order, resynchronised and wrapped packets delivered in order" \
	"$(tags D)" "$want"
check_eq "no reorder timeout: 21 delivered, 17 rx_seq_discards, 19 rx_errors" \
	"$(cnt 500 5007 "$RX" "$DISC")" "21 1512 19 17 0 0 0"

# With a reorder timeout, over both families.
wire <<EOF
path P B ip4 10.60.0.2 10.60.0.1
path Q B ip6 fd60::2 fd60::1
cap D A i8
cap K A k7
modify A 500 5008 timeout=3000
modify A 700 7007 timeout=3000
inj P sid=5008 seq=0,2,3,1,6,5,4,5
inj Q sid=7007 seq=10,12,11,13
expect D 7
expect K 4
idle K 0.3
show D
show K
stats A
EOF
check_eq "reorder timeout: packets delivered in sequence (IPv4, IPv6)" \
	"$(tags D) / $(tags K)" "0 1 2 3 4 5 6 / 10 11 12 13"
check_eq "reorder timeout: rx_oos_packets 3 and 1, the duplicate in rx_errors" \
	"$(cnt 500 5008 rx_packets rx_errors "$DISC") / $(cnt 700 7007 rx_packets rx_errors "$DISC")" \
	"7 1 0 3 0 0 / 4 0 0 1 0 0"

# ------------------------------------------------------------ bad packets

# The IP protocol handler parses the session id, then the session its
# cookie and sublayer.  Upstream drops what is too short for the session
# without counting it; malformed packets must leave the sessions working
# (the good packet after them is delivered) and the modules unloadable.
wire <<EOF
path P B ip4 10.60.0.2 10.60.0.1
path Q B ip6 fd60::2 fd60::1
cap D1 A b1
cap D2 A b2
cap D3 A b3
cap K A kb
inj P bare=0001
inj P bare=00001393
inj P bare=0000139300
inj P sid=5011 raw=
inj P sid=99999 tag=1
inj P bare=00000000c80300000000000000000000
inj P sid=5012 cookie=d4c3b2a2 tag=2
inj P bare=00001394d4c3
inj P bare=00001395887766
inj P sid=5011 tag=91
inj P sid=5012 cookie=d4c3b2a1 tag=92
inj P sid=5013 cookie=8877665544332211 sub=none tag=93
inj Q bare=0001
inj Q bare=00001b63
inj Q sid=7011 raw=
inj Q sid=99999 tag=3
inj Q bare=00000000c80300000000000000000000
inj Q sid=7011 tag=94
expect D1 1
expect D2 1
expect D3 1
expect K 1
idle K 0.3
show D1
show D2
show D3
show K
stats A
EOF
check_eq "only the good packets were delivered" \
	"$(tags D1) / $(tags D2) / $(tags D3) / $(tags K)" "91 / 92 / 93 / 94"
check_eq "IPv4: short packets, unknown session, control frame uncounted; truncated sublayer or cookie $(by_mode uncounted 'in rx_invalid')" \
	"$(cnt 500 - rx_invalid rx_errors)" "$(by_mode '0 0' '4 0')"
# The 8-byte packet (session id and sublayer, no frame) is the session's:
# counted, then dropped by its device.
check_eq "IPv4 session, default sublayer: the header-only packet and the good one counted, the truncated ones $(by_mode not 'as errors')" \
	"$(cnt 500 5011 "$RX" "$DISC")" "$(by_mode '2 80 0 0 0 0 0' '2 80 2 0 0 0 0')"
check_eq "IPv4 session, 4-byte cookie: the mismatch counted, the truncated cookie $(by_mode not 'as an error')" \
	"$(cnt 500 5012 "$RX" "$DISC")" "$(by_mode '1 76 1 0 0 1 0' '1 76 2 0 0 1 0')"
check_eq "IPv4 session, 8-byte cookie: the truncated cookie $(by_mode 'not counted' 'counted as an error')" \
	"$(cnt 500 5013 "$RX" "$DISC")" "$(by_mode '1 76 0 0 0 0 0' '1 76 1 0 0 0 0')"
check_eq "IPv6: the same" "$(cnt 700 - rx_invalid rx_errors)" "$(by_mode '0 0' '1 0')"
check_eq "IPv6 session: the header-only packet and the good one counted, the truncated one $(by_mode not 'as an error')" \
	"$(cnt 700 7011 "$RX" "$DISC")" "$(by_mode '2 80 0 0 0 0 0' '2 80 1 0 0 0 0')"

# ------------------------------------------------------ tunnel totals

for t in 500 700; do
	check_eq "tunnel $t: rx and tx packets and bytes are the sums over its sessions" \
		"$(cnt $t - rx_packets rx_bytes tx_packets tx_bytes)" \
		"$(sum_sessions $t rx_packets) $(sum_sessions $t rx_bytes) $(sum_sessions $t tx_packets) $(sum_sessions $t tx_bytes)"
	check_eq "tunnel $t: discards and errors are counted on sessions only" \
		"$(cnt $t - rx_errors rx_seq_discards rx_oos_packets rx_cookie_discards tx_errors)" \
		"0 0 0 0 0"
done

ktap_finish
