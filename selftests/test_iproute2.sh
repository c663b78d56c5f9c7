#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iproute2's `ip l2tp` against the "l2tp" generic netlink family: every
# add, show (text and -j JSON) and del that `ip l2tp` can do, with the
# output compared byte for byte with what iproute2 6.1 prints on the
# stock Debian 6.12 modules.  Run in both modes, this proves that the
# replies (attributes, order, flags) look the same to the client most
# users have.
#
#   NS1 (lo: 127.0.0.1, ::1)
#    tunnel 1  v3 UDP  127.0.0.1:5000 -> :5001, checksums on
#      session 10 -> 20             l2tpeth0
#      session 12 -> 22             foo0 (named)
#    tunnel 2  v3 UDP  [::1]:6000 -> :6001, default checksums
#    tunnel 3  v3 UDP  [::1]:6002 -> :6003, zero checksums both ways
#    tunnel 4  v3 UDP  127.0.0.1:7000 -> :7001, checksums off
#      session 11 -> 21 seq both, cookies, no L2-specific sublayer
#    tunnel 10 v3 IP   127.0.0.1 -> 127.0.0.1 (if l2tp_ip is there)
#
# Beyond upstream, only in our mode: a deleted tunnel or session is gone
# (netdev and socket included) when `ip l2tp del` returns.

# The helpers below run through ktap_check and eval, which shellcheck
# cannot follow.
# shellcheck disable=SC2317

. "$(dirname "$0")/lib.sh"

require_cmd ip

ns_create 1
NS1=$(ns_name 1)

# q ARGS...: echo and run `ip ARGS` in NS1, for output to be captured.
q() {
	pretty NS1 "ip $*" >&2
	ip -n "$NS1" "$@" 2>&1
}

# expect DESC EXPECTED IP-ARGS...: one result, comparing the output.
expect() {
	local desc=$1 want=$2 got
	shift 2
	got=$(q "$@")
	if [ "$got" = "$want" ]; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc" "expected: $(printf '%q' "$want")"
		echo "# got:      $(printf '%q' "$got")"
	fi
}

# refused DESC ERRNO-TEXT EXTACK-TEXT IP-ARGS...: the command must fail.
# Upstream sends no extack message, so iproute2 prints strerror(errno);
# ours names the problem, which iproute2 prints instead.
refused() {
	local desc=$1 want
	want="RTNETLINK answers: $2"
	[ "$L2TP_MODE" = ours ] && want="Error: $3."
	shift 3
	expect "$desc" "$want" "$@"
}

# gone IFNAME: true once NS1 has no such interface.
gone() {
	! ip -n "$NS1" link show dev "$1" >/dev/null 2>&1
}

# ------------------------------------------------------------------- add

ktap_check "add v3 UDP/IPv4 tunnel, checksums on" \
	ip1 l2tp add tunnel tunnel_id 1 peer_tunnel_id 2 encap udp \
	local 127.0.0.1 remote 127.0.0.1 udp_sport 5000 udp_dport 5001 \
	udp_csum on
ktap_check "add v3 UDP/IPv6 tunnel" \
	ip1 l2tp add tunnel tunnel_id 2 peer_tunnel_id 3 encap udp \
	local ::1 remote ::1 udp_sport 6000 udp_dport 6001
ktap_check "add v3 UDP/IPv6 tunnel, zero checksums" \
	ip1 l2tp add tunnel tunnel_id 3 peer_tunnel_id 4 encap udp \
	local ::1 remote ::1 udp_sport 6002 udp_dport 6003 \
	udp6_csum_tx off udp6_csum_rx off
ktap_check "add v3 UDP/IPv4 tunnel, checksums off" \
	ip1 l2tp add tunnel tunnel_id 4 peer_tunnel_id 5 encap udp \
	local 127.0.0.1 remote 127.0.0.1 udp_sport 7000 udp_dport 7001

refused "tunnel add: duplicate id refused" \
	"File exists" "tunnel id already in use" \
	l2tp add tunnel tunnel_id 1 peer_tunnel_id 2 encap udp \
	local 127.0.0.1 remote 127.0.0.1 udp_sport 5100 udp_dport 5101

ktap_check "add Ethernet session" \
	ip1 l2tp add session tunnel_id 1 session_id 10 peer_session_id 20
ktap_check "add named Ethernet session" \
	ip1 l2tp add session name foo0 tunnel_id 1 session_id 12 \
	peer_session_id 22
ktap_check "add session with seq, cookies and no sublayer" \
	ip1 l2tp add session tunnel_id 4 session_id 11 peer_session_id 21 \
	seq both cookie 01020304 peer_cookie 0102030405060708 \
	l2spec_type none
refused "session add: unknown tunnel refused" \
	"No such device" "no tunnel with this id" \
	l2tp add session tunnel_id 99 session_id 1 peer_session_id 1

# ------------------------------------------------------------------ show

T1='{"tunnel_id":1,"encap":"UDP","local":"127.0.0.1","peer":"127.0.0.1","peer_tunnel":2,"local_port":5000,"peer_port":5001,"checksum":true}'
T2='{"tunnel_id":2,"encap":"UDP","local":"::1","peer":"::1","peer_tunnel":3,"local_port":6000,"peer_port":6001,"checksum_tx":true,"checksum_rx":true}'
T3='{"tunnel_id":3,"encap":"UDP","local":"::1","peer":"::1","peer_tunnel":4,"local_port":6002,"peer_port":6003,"checksum_tx":false,"checksum_rx":false}'
T4='{"tunnel_id":4,"encap":"UDP","local":"127.0.0.1","peer":"127.0.0.1","peer_tunnel":5,"local_port":7000,"peer_port":7001,"checksum":false}'
expect "show tunnel -j: all four" "[$T1,$T2,$T3,$T4]" \
	-j l2tp show tunnel

# iproute2 6.1 asks for a dump even with tunnel_id, and the kernel (both
# of them) ignores attributes in dump requests: it prints everything.
TUNNELS_TEXT="Tunnel 1, encap UDP
  From 127.0.0.1 to 127.0.0.1
  Peer tunnel 2
  UDP source / dest ports: 5000/5001
  UDP checksum: enabled
Tunnel 2, encap UDP
  From ::1 to ::1
  Peer tunnel 3
  UDP source / dest ports: 6000/6001
  UDP checksum: enabled
Tunnel 3, encap UDP
  From ::1 to ::1
  Peer tunnel 4
  UDP source / dest ports: 6002/6003
  UDP checksum: disabled
Tunnel 4, encap UDP
  From 127.0.0.1 to 127.0.0.1
  Peer tunnel 5
  UDP source / dest ports: 7000/7001
  UDP checksum: disabled"
expect "show tunnel: text" "$TUNNELS_TEXT" l2tp show tunnel
expect "show tunnel tunnel_id 3: a dump, all listed" "$TUNNELS_TEXT" \
	l2tp show tunnel tunnel_id 3

S10='{"session_id":10,"tunnel_id":1,"peer_session_id":20,"peer_tunnel_id":2,"interface":"l2tpeth0"}'
S12='{"session_id":12,"tunnel_id":1,"peer_session_id":22,"peer_tunnel_id":2,"interface":"foo0"}'
S11='{"session_id":11,"tunnel_id":4,"peer_session_id":21,"peer_tunnel_id":5,"interface":"l2tpeth1","cookie":"01020304","peer_cookie":"0102030405060708","send_seq":null,"recv_seq":null}'
expect "show session -j: all three" "[$S10,$S12,$S11]" \
	-j l2tp show session
SESSIONS_TEXT="Session 10 in tunnel 1
  Peer session 20, tunnel 2
  interface name: l2tpeth0
  offset 0, peer offset 0

Session 12 in tunnel 1
  Peer session 22, tunnel 2
  interface name: foo0
  offset 0, peer offset 0

Session 11 in tunnel 4
  Peer session 21, tunnel 5
  interface name: l2tpeth1
  offset 0, peer offset 0
  cookie 01020304  peer cookie 0102030405060708
  sequence numbering: send recv"
expect "show session: text" "$SESSIONS_TEXT" l2tp show session
expect "show session tunnel_id 4 session_id 11: a dump, all listed" \
	"$SESSIONS_TEXT" l2tp show session tunnel_id 4 session_id 11

ktap_check "sessions have their netdevs" \
	eval '! gone l2tpeth0 && ! gone foo0 && ! gone l2tpeth1'

# ------------------------------------------------------------ IP encap

if ip1 l2tp add tunnel tunnel_id 10 peer_tunnel_id 11 encap ip \
	local 127.0.0.1 remote 127.0.0.1; then
	T10='{"tunnel_id":10,"encap":"IP","local":"127.0.0.1","peer":"127.0.0.1","peer_tunnel":11}'
	expect "show tunnel -j: IP encapsulation" "[$T1,$T2,$T3,$T4,$T10]" \
		-j l2tp show tunnel
	ktap_check "del IP tunnel" ip1 l2tp del tunnel tunnel_id 10
elif ! grep -q '^l2tp_ip ' /proc/modules; then
	ktap_skip "IP encapsulation" "l2tp_ip not available"
else
	ktap_fail "add v3 IP tunnel"
fi

# ------------------------------------------------------------------- del

ktap_check "del session" ip1 l2tp del session tunnel_id 1 session_id 10
expect "show session -j after del" "[$S12,$S11]" -j l2tp show session
if [ "$L2TP_MODE" = ours ]; then
	ktap_check "deleted session's netdev gone at once" gone l2tpeth0
else
	ktap_check "deleted session's netdev goes" wait_for 10 gone l2tpeth0
fi
refused "session del: unknown session refused" \
	"No such device" "no session with this id" \
	l2tp del session tunnel_id 1 session_id 99

ktap_check "del tunnel with a session" ip1 l2tp del tunnel tunnel_id 4
expect "show tunnel -j after del" "[$T1,$T2,$T3]" -j l2tp show tunnel
expect "show session -j after tunnel del" "[$S12]" -j l2tp show session
refused "tunnel del: unknown tunnel refused" \
	"No such device" "no tunnel with this id" \
	l2tp del tunnel tunnel_id 4

# Re-adding the tunnel needs its UDP port back: upstream frees it in a
# work item, we before the del returns.
readd() {
	ip -n "$NS1" l2tp add tunnel tunnel_id 4 peer_tunnel_id 5 encap udp \
		local 127.0.0.1 remote 127.0.0.1 udp_sport 7000 udp_dport 7001
}
if [ "$L2TP_MODE" = ours ]; then
	ktap_check "tunnel del: gone at once (netdev, socket)" \
		eval 'gone l2tpeth1 && readd'
else
	ktap_check "tunnel del: netdev and socket go" \
		eval 'wait_for 10 gone l2tpeth1 && wait_for 10 readd'
fi
expect "show tunnel -j after re-add" "[$T1,$T2,$T3,$T4]" -j l2tp show tunnel

for t in 1 2 3 4; do
	ip -n "$NS1" l2tp del tunnel tunnel_id $t
done
expect "show tunnel -j: none left" "[]" -j l2tp show tunnel
expect "show session -j: none left" "[]" -j l2tp show session
if [ "$L2TP_MODE" = ours ]; then
	ktap_check "named session's netdev gone with its tunnel" gone foo0
else
	ktap_check "named session's netdev goes with its tunnel" \
		wait_for 10 gone foo0
fi

ktap_finish
