#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A real L2TPv2 LAC and LNS: Debian's xl2tpd and pppd with its pppol2tp.so
# plugin, each in its own network namespace, over the kernel data path
# (PPPoL2TP sockets, l2tp_ppp).  Every configuration file is private to
# the test (a temporary directory), so the guest's /etc is only read.
#
#  +----------------- NS1: LAC ------------------+   +----------------- NS2: LNS ------------------+
#  | xl2tpd -c lac.conf ("c test" dials)         |   | xl2tpd -c lns.conf ([lns default])         |
#  |  pppd (plugin pppol2tp.so, lac.options)     |   |  pppd (plugin pppol2tp.so, lns.options,    |
#  |  pppN 192.168.60.1x -> 192.168.60.1         |   |        pppol2tp_lns_mode)                  |
#  |                                             |   |  pppN 192.168.60.1 -> 192.168.60.1x        |
#  | veth1 10.50.0.1/24, UDP 1701 ---------------------- veth2 10.50.0.2/24, UDP 1701            |
#  +---------------------------------------------+   +---------------------------------------------+
#
# Checked:
#  - xl2tpd finds and uses the kernel's L2TP support;
#  - `ip -j l2tp show tunnel|session` on both sides: one tunnel and one
#    session whose ids match crosswise, UDP encapsulation, the addresses
#    and ports; debugfs calls them L2TPv2 and PPP; /proc/net/pppol2tp
#    lists them with LAC/LNS mode and the ppp interface;
#  - the IPCP addresses on the ppp devices and their MTU (1458, set in the
#    pppd options: the largest that fits a 1500-byte underlay with the
#    L2TPv2 sequence numbers);
#  - pings that fill the PPP MTU, with DF, both ways, with no outer IP
#    fragmentation, and a DF ping one byte larger fails;
#  - a 2 MiB TCP transfer whose SHA-256 matches on both ends;
#  - disconnect ("d test" on the LAC's control pipe): the tunnel, the
#    session and the ppp devices go away on both sides;
#  - reconnect with the plugin's pppol2tp_send_seq, pppol2tp_recv_seq and
#    pppol2tp_reorderto options: netlink and /proc/net/pppol2tp show the
#    sequencing flags and the reorder timeout, full-MTU pings and a TCP
#    transfer still work, and each side's next ns is the peer's next nr;
#  - killing the daemons (xl2tpd and pppd) leaves no tunnel, no session
#    and no ppp device (run_tests.sh then checks that the modules unload).

# The helpers below run through ktap_check, wait_for and eval, which
# ShellCheck cannot follow.
# shellcheck disable=SC2317

. "$(dirname "$0")/lib.sh"

require_cmd ip jq xl2tpd pppd python3 ping nsenter modprobe modinfo timeout

PLUGIN=$(compgen -G '/usr/lib/pppd/*/pppol2tp.so' | head -n 1)
if [ -z "$PLUGIN" ]; then
	ktap_skip "$TEST_NAME" "pppd's pppol2tp.so plugin not installed"
	ktap_finish
fi
if ! modinfo -n l2tp_ppp >/dev/null 2>&1; then
	ktap_skip "$TEST_NAME" "no l2tp_ppp module in this mode"
	ktap_finish
fi

LAC_IP=10.50.0.1
LNS_IP=10.50.0.2
LNS_PPP_IP=192.168.60.1
PPP_MTU=1458
DFS=/sys/kernel/debug/l2tp/tunnels
TCP_BYTES=$((2 << 20))

D=$(mktemp -d /tmp/l2tp-xl2tpd.XXXXXX) || exit 1
on_exit "rm -rf '$D'"

# ------------------------------------------------------------ configuration

# The xl2tpd configurations.  The LAC dials only when told to.
write_xl2tpd_conf() {
	cat >"$D/lns.conf" <<-EOF
	[global]
	listen-addr = $LNS_IP
	port = 1701
	access control = no

	[lns default]
	ip range = 192.168.60.10-192.168.60.19
	local ip = $LNS_PPP_IP
	require authentication = no
	name = lns
	pppoptfile = $D/lns.options
	EOF
	cat >"$D/lac.conf" <<-EOF
	[global]
	listen-addr = $LAC_IP
	port = 1701

	[lac test]
	lns = $LNS_IP
	require authentication = no
	name = lac
	autodial = no
	redial = no
	pppoptfile = $D/lac.options
	EOF
	: >"$D/l2tp-secrets"
	chmod 600 "$D/l2tp-secrets"
}

# ppp_options ROLE OPTION...: the pppd options file that xl2tpd names with
# "file" on the pppd command line it builds for ROLE (lac or lns), after
# "plugin pppol2tp.so"; the plugin's own options may follow.
ppp_options() {
	local role=$1
	shift
	{
		printf '%s\n' noauth noccp novj "mtu $PPP_MTU" "mru $PPP_MTU" \
			"lcp-echo-interval 0" "ip-up-script /bin/true" \
			"ip-down-script /bin/true" "linkname l2tp-test-$role" \
			"lcp-max-terminate 1" "logfile $D/pppd-$role.log" debug
		if [ "$role" = lac ]; then
			printf '%s\n' noipdefault ipcp-accept-local ipcp-accept-remote
		fi
		printf '%s\n' "$@"
	} >"$D/$role.options"
}

# ------------------------------------------------------------------ daemons

# start_xl2tpd N ROLE: run xl2tpd in the foreground in NS<N>, logging to
# $D/ROLE.log; wait for its control pipe.
start_xl2tpd() {
	local n=$1 role=$2
	rm -f "$D/$role.pid" "$D/$role.ctl"
	pretty "NS$n" "xl2tpd -D -c $D/$role.conf -s $D/l2tp-secrets -p $D/$role.pid -C $D/$role.ctl &"
	ip netns exec "$(ns_name "$n")" xl2tpd -D -c "$D/$role.conf" \
		-s "$D/l2tp-secrets" -p "$D/$role.pid" -C "$D/$role.ctl" \
		</dev/null >"$D/$role.log" 2>&1 &
	wait_for 30 test -p "$D/$role.ctl" && wait_for 10 test -s "$D/$role.pid"
}

# ctl ROLE COMMAND: write COMMAND to ROLE's xl2tpd control pipe.
ctl() {
	pretty HOST "echo '$2' > $D/$1.ctl"
	timeout 10 sh -c 'echo "$1" >"$2"' sh "$2" "$D/$1.ctl"
}

# pids_of N COMM: the processes named COMM in NS<N>.
pids_of() {
	local p comm
	for p in $(ip netns pids "$(ns_name "$1")" 2>/dev/null); do
		read -r comm 2>/dev/null <"/proc/$p/comm" || continue
		[ "$comm" = "$2" ] && echo "$p"
	done
}

no_process() {
	[ -z "$(pids_of "$1" "$2")" ]
}

# --------------------------------------------------------- kernel objects

# in_ns N COMMAND...: run COMMAND in NS<N>'s network namespace only (no
# sysfs remount, unlike `ip netns exec`): cheaper, and debugfs stays.
in_ns() {
	local n=$1
	shift
	nsenter --net="/run/netns/$(ns_name "$n")" "$@"
}

# has_ppp_addr N: NS<N> has a ppp device with an IPv4 address (IPCP done).
has_ppp_addr() {
	ip -n "$(ns_name "$1")" -o -4 addr show | grep -q '^[0-9]*: ppp'
}

link_up() {
	has_ppp_addr 1 && has_ppp_addr 2
}

# no_l2tp N: NS<N> has no tunnel, no session and no ppp device left.
no_l2tp() {
	local ns
	ns=$(ns_name "$1")
	[ -z "$(ip -n "$ns" l2tp show tunnel)" ] &&
		[ -z "$(ip -n "$ns" l2tp show session)" ] &&
		! ip -n "$ns" -o link show | grep -q 'link/ppp' &&
		! in_ns "$1" grep -q "^TUNNEL '" /proc/net/pppol2tp
}

both_gone() {
	no_l2tp 1 && no_l2tp 2
}

# proc_sessions N: the non-zero sessions of /proc/net/pppol2tp in NS<N>,
# one per line: "TID SID PTID PSID R/S/MODE REORDERTO NR NS TXPKTS RXPKTS
# IFNAME" (ids in decimal).  A record that does not parse comes out short.
proc_sessions() {
	local line rec='' ifn=- st=0
	local re_s="^  SESSION '[^']*' [0-9A-F]{8}/[0-9]+ ([0-9A-F]{4})/([0-9A-F]{4}) -> ([0-9A-F]{4})/([0-9A-F]{4}) [0-9]+ [YN]\$"
	local re_c='^   0/0/([R-])/([S-])/(LAC|LNS) [0-9a-f]{8} ([0-9]+)$'
	local re_n='^   ([0-9]+)/([0-9]+) ([0-9]+)/[0-9]+/[0-9]+ ([0-9]+)/[0-9]+/[0-9]+$'
	local re_i='^   interface (.+)$'

	while IFS= read -r line; do
		if [[ $line =~ $re_s ]]; then
			[ -n "$rec" ] && echo "$rec $ifn"
			rec="$((16#${BASH_REMATCH[1]})) $((16#${BASH_REMATCH[2]}))"
			rec+=" $((16#${BASH_REMATCH[3]})) $((16#${BASH_REMATCH[4]}))"
			ifn=- st=1
			[ "$((16#${BASH_REMATCH[2]}))" = 0 ] && rec='' st=0
		elif [ -z "$rec" ]; then
			continue
		elif [ "$st" = 1 ] && [[ $line =~ $re_c ]]; then
			rec+=" ${BASH_REMATCH[1]}/${BASH_REMATCH[2]}/${BASH_REMATCH[3]}"
			rec+=" ${BASH_REMATCH[4]}"
			st=2
		elif [ "$st" = 2 ] && [[ $line =~ $re_n ]]; then
			rec+=" ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
			rec+=" ${BASH_REMATCH[3]} ${BASH_REMATCH[4]}"
			st=3
		elif [[ $line =~ $re_i ]]; then
			ifn=${BASH_REMATCH[1]}
		fi
	done < <(in_ns "$1" cat /proc/net/pppol2tp)
	[ -n "$rec" ] && echo "$rec $ifn"
	return 0
}

# Indexes of the fields after the ids in a proc_sessions record.
P_FLAGS=4 P_REORDER=5 P_NR=6 P_NS=7 P_TXP=8 P_IF=10

# proc_field N INDEX: field INDEX of the first session of NS<N>.
proc_field() {
	local f
	read -ra f < <(proc_sessions "$1")
	echo "${f[$2]:-}"
}

proc_tunnels() {
	in_ns "$1" grep -c "^TUNNEL '" /proc/net/pppol2tp
}

# snapshot: what netlink and rtnetlink say in both namespaces, in the
# associative array S, from one jq run (jq starts slowly under TCG).  Keys,
# with the namespace number appended: nt, ns (number of tunnels and
# sessions), tid, ptid, encap, local, peer, lport, pport (the first
# tunnel), sid, stid, psid, sptid, seq ("R/S", "-/-", ...), reorder (the
# first session), dev, mtu, addr, paddr (the ppp device and its IPv4
# local and peer addresses).
declare -A S
snapshot() {
	local n k v ns args=()
	for n in 1 2; do
		ns=$(ns_name "$n")
		v=$(ip -n "$ns" -j l2tp show tunnel)
		args+=(--argjson "t$n" "${v:-[]}")
		v=$(ip -n "$ns" -j l2tp show session)
		args+=(--argjson "s$n" "${v:-[]}")
		v=$(ip -n "$ns" -j addr show)
		args+=(--argjson "a$n" "${v:-[]}")
	done
	S=()
	while read -r k v; do
		S[$k]=$v
	done < <(jq -rn "${args[@]}" '
		def side($t; $s; $a):
			($t[0] // {}) as $T | ($s[0] // {}) as $S |
			([$a[] | select(.link_type == "ppp")][0] // {}) as $P |
			([$P.addr_info[]? | select(.family == "inet")][0] // {}) as $I |
			{nt: ($t | length), ns: ($s | length),
			 tid: $T.tunnel_id, ptid: $T.peer_tunnel, encap: $T.encap,
			 local: $T.local, peer: $T.peer,
			 lport: $T.local_port, pport: $T.peer_port,
			 sid: $S.session_id, stid: $S.tunnel_id,
			 psid: $S.peer_session_id, sptid: $S.peer_tunnel_id,
			 seq: ((if $S | has("recv_seq") then "R" else "-" end) + "/" +
			       (if $S | has("send_seq") then "S" else "-" end)),
			 reorder: ($S.reorder_timeout // 0),
			 dev: $P.ifname, mtu: $P.mtu,
			 addr: $I.local, paddr: $I.address};
		(side($t1; $s1; $a1) | with_entries(.key += "1")) +
		(side($t2; $s2; $a2) | with_entries(.key += "2")) |
		to_entries[] | "\(.key) \(.value // "-")"')
	for n in 1 2; do
		echo "# NS$n tunnel:  ${S[nt$n]} x id ${S[tid$n]} peer ${S[ptid$n]}" \
			"${S[encap$n]} ${S[local$n]}:${S[lport$n]} -> ${S[peer$n]}:${S[pport$n]}"
		echo "# NS$n session: ${S[ns$n]} x id ${S[sid$n]} peer ${S[psid$n]}" \
			"in ${S[stid$n]} -> ${S[sptid$n]}, seq ${S[seq$n]}, reorder ${S[reorder$n]}"
		echo "# NS$n ${S[dev$n]}: ${S[addr$n]} peer ${S[paddr$n]}, mtu ${S[mtu$n]}"
	done
}

# debugfs N: the l2tp debugfs listing as NS<N> sees it.
debugfs() {
	in_ns "$1" cat "$DFS"
}

# debugfs_ppp N TID SID PSID: the debugfs listing of NS<N> shows tunnel
# TID as L2TPv2 over UDP from the LAC to the LNS, with PPP session SID.
debugfs_ppp() {
	local out
	out=$(debugfs "$1") || return 1
	grep -qx "TUNNEL $2 peer [0-9]* from $LAC_IP to $LNS_IP" <<<"$out" &&
		grep -qx " L2TPv2, UDP" <<<"$out" &&
		grep -qx "  SESSION $3, peer $4, PPP" <<<"$out"
}

# ------------------------------------------------------------------ traffic

# frag_creates N: the IP fragments NS<N> has made so far.
frag_creates() {
	local -a names vals
	local i
	while read -ra names; do
		read -ra vals || return 1
		[ "${names[0]}" = Ip: ] || continue
		for i in "${!names[@]}"; do
			[ "${names[$i]}" = FragCreates ] && echo "${vals[$i]}"
		done
		return 0
	done < <(in_ns "$1" cat /proc/net/snmp)
}

# ping_mtu N ADDR: DF pings from NS<N> that fill the PPP MTU exactly.
ping_mtu() {
	ns "$1" ping -q -c 3 -i 0.3 -W 5 -M "do" -s $((PPP_MTU - 28)) "$2" >/dev/null
}

# ping_over N ADDR: a DF ping one byte larger than the PPP MTU fails.
ping_over() {
	! ns "$1" ping -q -c 1 -W 2 -M "do" -s $((PPP_MTU - 27)) "$2" >/dev/null 2>&1
}

cat >"$D/tcp_sink.py" <<'PY'
import hashlib
import socket
import sys

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], int(sys.argv[2])))
srv.listen(1)
srv.settimeout(90)
conn, _ = srv.accept()
conn.settimeout(90)
digest = hashlib.sha256()
total = 0
while True:
    chunk = conn.recv(1 << 16)
    if not chunk:
        break
    digest.update(chunk)
    total += len(chunk)
conn.close()
print(total, digest.hexdigest())
PY

cat >"$D/tcp_source.py" <<'PY'
import hashlib
import random
import socket
import sys
import time

payload = random.Random(int(sys.argv[4])).randbytes(int(sys.argv[3]))
give_up = time.monotonic() + 30
while True:
    try:
        sock = socket.create_connection((sys.argv[1], int(sys.argv[2])),
                                        timeout=90)
        break
    except ConnectionRefusedError:
        if time.monotonic() > give_up:
            raise
        time.sleep(0.2)
sock.sendall(payload)
sock.shutdown(socket.SHUT_WR)
sock.recv(1)
sock.close()
print(len(payload), hashlib.sha256(payload).hexdigest())
PY

# tcp_transfer FROM_N TO_N TO_ADDR SEED: TCP_BYTES from NS<FROM_N> to a
# sink on TO_ADDR in NS<TO_N>; both ends must agree on length and SHA-256.
tcp_transfer() {
	local from=$1 to=$2 addr=$3 seed=$4 sink src pid
	ns "$to" python3 "$D/tcp_sink.py" "$addr" 5001 >"$D/sink.out" 2>&1 &
	pid=$!
	src=$(ns "$from" python3 "$D/tcp_source.py" "$addr" 5001 "$TCP_BYTES" "$seed" 2>&1 | tail -n 1)
	wait "$pid"
	sink=$(tail -n 1 "$D/sink.out")
	echo "# source: $src"
	echo "# sink:   $sink"
	[ "$src" = "$sink" ] && [ "${src%% *}" = "$TCP_BYTES" ]
}

# --------------------------------------------------------------- reports

dump_logs() {
	local f
	for f in "$D"/lac.log "$D"/lns.log "$D"/pppd-lac.log "$D"/pppd-lns.log; do
		[ -s "$f" ] || continue
		echo "# ---- ${f##*/} (last 40 lines) ----"
		tail -n 40 "$f" | sed 's/^/# /'
	done
}

show_state() {
	local n
	for n in 1 2; do
		echo "# NS$n tunnels:  $(ip -n "$(ns_name "$n")" -j l2tp show tunnel)"
		echo "# NS$n sessions: $(ip -n "$(ns_name "$n")" -j l2tp show session)"
		echo "# NS$n links:    $(ip -n "$(ns_name "$n")" -o link show | grep -o '^[0-9]*: [^:]*' | tr '\n' ' ')"
		proc_sessions "$n" | sed "s/^/# NS$n pppol2tp: /"
	done
}

finish() {
	[ "$_ktap_fail" -gt 0 ] && dump_logs
	ktap_finish
}

# ---------------------------------------------------------------- checks

# check_link PHASE SEQ: the checks of an established link; SEQ is "R/S"
# when sequencing is configured, else "-/-".
check_link() {
	local phase=$1 seq=$2 f1 f2 fr1 fr2 tx1

	snapshot
	ktap_check "$phase: one tunnel and one session on each side" \
		test "${S[nt1]} ${S[nt2]} ${S[ns1]} ${S[ns2]}" = "1 1 1 1"
	ktap_check "$phase: tunnel ids match crosswise" \
		test "${S[tid1]} ${S[tid2]}" = "${S[ptid2]} ${S[ptid1]}" -a \
		     "${S[tid1]}" != - -a "${S[tid2]}" != -
	ktap_check "$phase: UDP encapsulation, addresses and ports 1701" \
		test "${S[encap1]} ${S[local1]}:${S[lport1]} ${S[peer1]}:${S[pport1]}" = \
		     "UDP $LAC_IP:1701 $LNS_IP:1701" -a \
		     "${S[encap2]} ${S[local2]}:${S[lport2]} ${S[peer2]}:${S[pport2]}" = \
		     "UDP $LNS_IP:1701 $LAC_IP:1701"
	ktap_check "$phase: session ids match crosswise" \
		test "${S[sid1]} ${S[sid2]}" = "${S[psid2]} ${S[psid1]}" -a \
		     "${S[sid1]}" != - -a "${S[sid2]}" != -
	ktap_check "$phase: sessions in their tunnels, peer tunnel ids too" \
		test "${S[stid1]} ${S[sptid1]} ${S[stid2]} ${S[sptid2]}" = \
		     "${S[tid1]} ${S[tid2]} ${S[tid2]} ${S[tid1]}"
	ktap_check "$phase: netlink: sequencing $seq on both sides" \
		test "${S[seq1]} ${S[seq2]}" = "$seq $seq"

	if [ -r "$DFS" ]; then
		ktap_check "$phase: debugfs: an L2TPv2 UDP tunnel with a PPP session" \
			debugfs_ppp 1 "${S[tid1]}" "${S[sid1]}" "${S[psid1]}"
	else
		ktap_skip "$phase: debugfs: an L2TPv2 UDP tunnel with a PPP session" \
			"no l2tp debugfs"
	fi

	# /proc/net/pppol2tp, both sides.
	read -ra f1 < <(proc_sessions 1)
	read -ra f2 < <(proc_sessions 2)
	echo "# NS1 pppol2tp: ${f1[*]}"
	echo "# NS2 pppol2tp: ${f2[*]}"
	ktap_check "$phase: /proc/net/pppol2tp: one tunnel on each side" \
		test "$(proc_tunnels 1) $(proc_tunnels 2)" = "1 1"
	ktap_check "$phase: /proc/net/pppol2tp: the session ids as netlink has them" \
		test "${f1[*]:0:4}" = "${S[tid1]} ${S[sid1]} ${S[tid2]} ${S[psid1]}" -a \
		     "${f2[*]:0:4}" = "${S[tid2]} ${S[sid2]} ${S[tid1]} ${S[psid2]}"
	ktap_check "$phase: /proc/net/pppol2tp: sequencing, LAC and LNS mode" \
		test "${f1[P_FLAGS]:-} ${f2[P_FLAGS]:-}" = "$seq/LAC $seq/LNS"
	ktap_check "$phase: /proc/net/pppol2tp: the session's ppp interface" \
		test "${f1[P_IF]:-} ${f2[P_IF]:-}" = "${S[dev1]} ${S[dev2]}" -a \
		     "${S[dev1]}" != - -a "${S[dev2]}" != -

	# IPCP and the MTU.
	ktap_check "$phase: IPCP: the LNS has $LNS_PPP_IP, the LAC one of its range" \
		eval '[[ "${S[addr2]} ${S[addr1]}" =~ ^192\.168\.60\.1\ 192\.168\.60\.1[0-9]$ ]]'
	ktap_check "$phase: IPCP: the peer addresses match crosswise" \
		test "${S[paddr1]} ${S[paddr2]}" = "${S[addr2]} ${S[addr1]}"
	ktap_check "$phase: PPP MTU $PPP_MTU on both sides" \
		test "${S[mtu1]} ${S[mtu2]}" = "$PPP_MTU $PPP_MTU"

	# Traffic.
	tx1=${f1[P_TXP]:-0}
	fr1=$(frag_creates 1) fr2=$(frag_creates 2)
	ktap_check "$phase: DF pings of the full PPP MTU, LAC to LNS" \
		ping_mtu 1 "${S[paddr1]}"
	ktap_check "$phase: DF pings of the full PPP MTU, LNS to LAC" \
		ping_mtu 2 "${S[paddr2]}"
	ktap_check "$phase: a DF ping one byte over the PPP MTU fails" \
		ping_over 1 "${S[paddr1]}"
	ktap_check "$phase: ... and from the LNS too" \
		ping_over 2 "${S[paddr2]}"
	ktap_check "$phase: no outer IP fragments for full-MTU frames" \
		test "$(frag_creates 1) $(frag_creates 2)" = "$fr1 $fr2"
	ktap_check "$phase: the LAC session counted the 6 frames it sent" \
		test "$(proc_field 1 "$P_TXP")" -ge $((tx1 + 6))
}

# ================================================================== setup

ns_create 1 2
ip1 link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
ip1 addr add "$LAC_IP/24" dev veth1 && ip1 link set veth1 up &&
	ip2 addr add "$LNS_IP/24" dev veth2 && ip2 link set veth2 up
ktap_check "underlay veth between the namespaces" test $? = 0

modprobe ppp_generic
[ -c /dev/ppp ] || mknod /dev/ppp c 108 0
ktap_check "/dev/ppp exists" test -c /dev/ppp
ktap_check "modprobe l2tp_ppp" modprobe l2tp_ppp
modprobe l2tp_debugfs 2>/dev/null
ktap_check "/proc/net/pppol2tp exists in the namespaces" \
	in_ns 1 test -r /proc/net/pppol2tp

write_xl2tpd_conf
ppp_options lns
ppp_options lac

if ! start_xl2tpd 2 lns || ! start_xl2tpd 1 lac; then
	ktap_fail "xl2tpd starts in both namespaces"
	finish
fi
ktap_ok "xl2tpd starts in both namespaces"
ktap_check "LAC xl2tpd: Using l2tp kernel support" \
	grep -q "Using l2tp kernel support" "$D/lac.log"
ktap_check "LNS xl2tpd: Using l2tp kernel support" \
	grep -q "Using l2tp kernel support" "$D/lns.log"

# ========================================================= plain session

t0=$SECONDS
ctl lac "c test"
if ! wait_for 90 link_up; then
	ktap_fail "connect: the PPP link comes up with IPCP addresses"
	show_state
	finish
fi
ktap_ok "connect: the PPP link comes up with IPCP addresses"
echo "# (link up after $((SECONDS - t0)) s)"
ktap_check "pppd runs on both sides" \
	test -n "$(pids_of 1 pppd)" -a -n "$(pids_of 2 pppd)"
check_link plain "-/-"
ktap_check "plain: no reorder timeout (netlink, /proc/net/pppol2tp)" \
	test "${S[reorder1]} ${S[reorder2]} $(proc_field 1 "$P_REORDER") $(proc_field 2 "$P_REORDER")" = "0 0 0 0"
ktap_check "plain: 2 MiB over TCP, LAC to LNS, same SHA-256" \
	tcp_transfer 1 2 "${S[paddr1]}" 1

# ============================================================= disconnect

t0=$SECONDS
ctl lac "d test"
if wait_for 90 both_gone; then
	echo "# (gone after $((SECONDS - t0)) s)"
	ktap_ok "disconnect: tunnel, session and ppp device gone on both sides"
else
	ktap_fail "disconnect: tunnel, session and ppp device gone on both sides"
	show_state
fi
ktap_check "disconnect: both pppd exit" \
	wait_for 30 eval 'no_process 1 pppd && no_process 2 pppd'

# ===================================================== sequence numbers

# Reorder timeouts in ms that are whole jiffies at HZ 100, 250 and 1000.
ppp_options lac pppol2tp_send_seq pppol2tp_recv_seq "pppol2tp_reorderto 300"
ppp_options lns pppol2tp_send_seq pppol2tp_recv_seq "pppol2tp_reorderto 200"

t0=$SECONDS
ctl lac "c test"
if ! wait_for 90 link_up; then
	ktap_fail "reconnect: the PPP link comes up again, with sequencing"
	show_state
	finish
fi
ktap_ok "reconnect: the PPP link comes up again, with sequencing"
echo "# (link up after $((SECONDS - t0)) s)"

# seq_settled: both sessions send and require sequence numbers.  A LAC
# follows the LNS's choice until both pppd have set theirs up, so the
# flags settle rather than appear at once.
seq_settled() {
	[ "$(proc_field 1 "$P_FLAGS") $(proc_field 2 "$P_FLAGS")" = "R/S/LAC R/S/LNS" ]
}
wait_for 30 seq_settled
check_link seq "R/S"
ktap_check "seq: netlink: reorder timeouts 300 and 200 ms" \
	test "${S[reorder1]} ${S[reorder2]}" = "300 200"
ktap_check "seq: /proc/net/pppol2tp: reorder timeouts 300 and 200 ms" \
	test "$(proc_field 1 "$P_REORDER") $(proc_field 2 "$P_REORDER")" = "300 200"
ktap_check "seq: 2 MiB over TCP, LNS to LAC, same SHA-256" \
	tcp_transfer 2 1 "${S[paddr2]}" 2

# nr_ns_match: each side's next ns is what the other expects next (nr).
nr_ns_match() {
	local a b
	read -ra a < <(proc_sessions 1)
	read -ra b < <(proc_sessions 2)
	[ "${a[P_NS]:-x} ${b[P_NS]:-x}" = "${b[P_NR]:-y} ${a[P_NR]:-y}" ] &&
		[ "${a[P_NS]}" -gt 0 ] && [ "${b[P_NS]}" -gt 0 ]
}
if wait_for 10 nr_ns_match; then
	ktap_ok "seq: ns of each side is the peer's nr, and both are in use"
else
	ktap_fail "seq: ns of each side is the peer's nr, and both are in use"
	show_state
fi

# =============================================================== shutdown

xl_pids="$(cat "$D/lac.pid" "$D/lns.pid" 2>/dev/null | tr '\n' ' ')"
ppp_pids="$(pids_of 1 pppd) $(pids_of 2 pppd)"
pretty HOST "kill -TERM $xl_pids $ppp_pids"
# shellcheck disable=SC2086
kill -TERM $xl_pids $ppp_pids
t0=$SECONDS
ktap_check "shutdown: xl2tpd and pppd exit on SIGTERM" \
	wait_for 60 eval 'no_process 1 xl2tpd && no_process 2 xl2tpd &&
			  no_process 1 pppd && no_process 2 pppd'
echo "# (exited after $((SECONDS - t0)) s)"
if wait_for 30 both_gone; then
	ktap_ok "shutdown: no tunnel, session or ppp device left"
else
	ktap_fail "shutdown: no tunnel, session or ppp device left"
	show_state
fi
if [ -r "$DFS" ]; then
	ktap_check "shutdown: debugfs lists no tunnel" \
		eval '! debugfs 1 | grep -q "^TUNNEL [0-9]" &&
		      ! debugfs 2 | grep -q "^TUNNEL [0-9]"'
fi

finish
