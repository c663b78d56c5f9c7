#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Segmentation offload of l2tpeth devices: bulk TCP through Ethernet
# pseudowires made with the unmodified `ip l2tp` (unmanaged tunnels),
# with the L2TP counters and the underlay's packet counts compared.
#
#  NS1 veth1 10.70.0.1/24 fd70::1/64 ------------- NS2 veth2 10.70.0.2/24 fd70::2/64
#
#       device    addresses     tunnel      session       encapsulation, options
#  (a)  l2tpeth0  192.168.71.x  100 - 200   1001 - 2001   UDP/IPv4, ports 5100 - 5200
#  (b)  pw6       fd72::x       300 - 400   3001 - 4001   UDP/IPv6, ports 5300 - 5400
#  (c)  pwck      192.168.73.x  101 - 201   1011 - 2011   UDP/IPv4, ports 5101 - 5201,
#                                                         8-byte cookies, no sublayer
#  (d)  pwseq     192.168.74.x  102 - 202   1021 - 2021   UDP/IPv4, ports 5102 - 5202,
#                                                         seq both
#  (e)  pwip      192.168.75.x  700 - 800   7001 - 8001   IP (l2tp_ip), IPv4
#  (f)  pwesp     192.168.76.x  103 - 203   1031 - 2031   UDP/IPv4 between 10.71.0.x,
#                                                         in ESP (global ip xfrm policy)
#
#  x is 1 in NS1 and 2 in NS2; pairs of numbers are NS1's - NS2's.
#
# On every pseudowire, $GSO_BYTES (8 MiB) of pseudo-random data goes by
# TCP from NS1 to NS2, then from NS2 to NS1 (IPv6 inside (b), IPv4
# inside the others); checked on both modules:
#
#  - the data arrives intact (length and SHA-256 of both ends);
#  - the session and tunnel counters of the two sides agree exactly
#    (NS1 tx = NS2 rx and NS2 tx = NS1 rx, packets and bytes, as deltas
#    over the transfers), and count every TCP segment;
#  - with sequence numbers (d), IP encapsulation (e) or IPsec (f), each
#    segment needs its own header or encryption: the veth carries at
#    least as many packets as the session sent, no superpacket;
#  - with TSO and GSO switched off on l2tpeth0, (a) still carries the data
#    intact with agreeing counters, and no superpacket crosses the veth;
#  - with the veth MTU lowered to 1280 under l2tpeth0's 1446, (a) still
#    carries the data intact with agreeing counters, the outer packets
#    fragmented (more packets on the veth than the session sent).
#
# (e) is skipped when this mode's l2tp_ip cannot be loaded.
#
#  - with TSO and GSO still off and GRO on the veths, (a) still carries
#    the data intact with agreeing counters.
#
# Beyond upstream (ours only, as upstream's l2tpeth has no offloads): the
# devices advertise scatter-gather, checksum offload and TSO/TSO6/UDP
# segmentation, switchable with ethtool -K; over UDP without sequence
# numbers, (a) to (c), a TCP superpacket is encapsulated once and
# segmented as a UDP tunnel GSO packet, so it crosses the veth whole: the
# veth carries fewer (and bigger than its MTU) packets than the session
# counts; with GRO on the receiving veth, the packets of a session are
# merged before they reach its device.

. "$(dirname "$0")/lib.sh"

require_cmd ip python3 ethtool modprobe modinfo

TESTDIR=$(cd "$(dirname "$0")" && pwd)
GSO_BYTES=${GSO_BYTES:-$((8 << 20))}

work=$(mktemp -d /tmp/l2tp-gso.XXXXXX) || exit "$KSFT_FAIL"
on_exit "rm -rf '$work'"

# ------------------------------------------------------- the TCP transfers

# gso_xfer.py TESTDIR A=NETNS B=NETNS: for each job line on stdin,
#   NAME ADDR_A ADDR_B TID_A SID_A TID_B SID_B [DEV]
# GSO_BYTES by TCP from A to ADDR_B (a receiver in B), then from B to
# ADDR_A; counters are read when they have settled, before, between and
# after.  Output:
#   xfer NAME ab|ba sent=LEN:SHA256 got=LEN:SHA256
#   delta NAME ab|ba|all KEY=N...
# KEY: s<side>_<counter> (session), t<side>_<counter> (tunnel),
# v<side>_<counter> (the side's veth), p<side>_<counter> (the
# pseudowire's device DEV, if given), side A or B.  One interpreter for
# every transfer: python3 takes 1-2 s to start under TCG.
cat >"$work/gso_xfer.py" <<'PY'
import hashlib
import os
import random
import socket
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])
import l2tp_wire as w  # noqa: E402

NS = {}
for arg in sys.argv[2:]:
    k, _, v = arg.partition('=')
    NS[k] = w.Netns(v)
VETH = {'A': 'veth1', 'B': 'veth2'}
SIZE = int(os.environ.get('GSO_BYTES', str(8 << 20)))
TIMEOUT = 60
SESS_KEYS = ('tx_packets', 'tx_bytes', 'tx_errors', 'rx_packets',
             'rx_bytes', 'rx_errors', 'rx_seq_discards', 'rx_oos_packets')
TUN_KEYS = ('tx_packets', 'tx_bytes', 'rx_packets', 'rx_bytes')

# One CPU: both ends and the softirqs their packets raise stay on it, so
# the veth delivers in order (a session with sequence numbers would
# drop a reordered packet).
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

PAYLOAD = random.Random(20240612).randbytes(SIZE)
SENT = '%d:%s' % (SIZE, hashlib.sha256(PAYLOAD).hexdigest())
GENL = {k: w.Genl(ns) for k, ns in NS.items()}


def netdev(ns, dev):
    """rx/tx packets and bytes of DEV in NS (its /proc/net/dev)."""
    fd = os.open(ns.path, os.O_RDONLY)
    try:
        w._setns(fd)
        with open('/proc/thread-self/net/dev') as f:
            lines = f.readlines()
    finally:
        w._setns(w._home_ns)
        os.close(fd)
    for line in lines:
        name, _, rest = line.partition(':')
        if name.strip() == dev:
            v = [int(x) for x in rest.split()]
            return {'rx_bytes': v[0], 'rx_packets': v[1],
                    'tx_bytes': v[8], 'tx_packets': v[9]}
    raise ValueError('no device %s in %s' % (dev, ns.name))


def sample(job):
    out = {}
    for side in 'AB':
        snap = GENL[side].snapshot()
        tid, sid = job[side]
        for k in SESS_KEYS:
            out['s%s_%s' % (side, k)] = snap[(tid, sid)][k]
        for k in TUN_KEYS:
            out['t%s_%s' % (side, k)] = snap[(tid, None)][k]
        for k, v in netdev(NS[side], VETH[side]).items():
            out['v%s_%s' % (side, k)] = v
        if job['dev']:
            for k, v in netdev(NS[side], job['dev']).items():
                out['p%s_%s' % (side, k)] = v
    return out


def settle(job):
    """The counters once two readings 0.3 s apart agree: nothing in
    flight between the sides."""
    prev = sample(job)
    for _ in range(40):
        time.sleep(0.3)
        cur = sample(job)
        if cur == prev:
            return cur
        prev = cur
    print('# %s: counters still moving' % job['name'])
    return prev


def transfer(src, dst, addr, port):
    """(sent, got) of one transfer from namespace src to addr in dst."""
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    srv = NS[dst].socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(TIMEOUT)
    got = {}

    def receive():
        try:
            conn, _ = srv.accept()
            conn.settimeout(TIMEOUT)
            digest = hashlib.sha256()
            total = 0
            buf = bytearray(1 << 16)
            view = memoryview(buf)
            while True:
                n = conn.recv_into(buf)
                if not n:
                    break
                digest.update(view[:n])
                total += n
            conn.close()
            got['r'] = '%d:%s' % (total, digest.hexdigest())
        except OSError as e:
            got['r'] = 'error:%s' % str(e).replace(' ', '_')

    t = threading.Thread(target=receive)
    t.start()
    try:
        c = NS[src].socket(fam, socket.SOCK_STREAM)
        c.settimeout(TIMEOUT)
        c.connect((addr, port))
        c.sendall(PAYLOAD)
        c.shutdown(socket.SHUT_WR)
        c.recv(1)       # the receiver's FIN, once it has read everything
        c.close()
        sent = SENT
    except OSError as e:
        sent = 'error:%s' % str(e).replace(' ', '_')
        try:
            srv.shutdown(socket.SHUT_RDWR)  # wakes accept()
        except OSError:
            pass
    t.join()
    srv.close()
    return sent, got.get('r', 'none')


def delta(a, b):
    return ' '.join('%s=%d' % (k, b[k] - a[k]) for k in sorted(a))


def main():
    port = 5001
    for line in sys.stdin.read().splitlines():
        f = line.split()
        if not f:
            continue
        job = {'name': f[0], 'A': (int(f[3]), int(f[4])),
               'B': (int(f[5]), int(f[6])),
               'dev': f[7] if len(f) > 7 else None}
        t0 = time.monotonic()
        s0 = settle(job)
        ab = transfer('A', 'B', f[2], port)
        s1 = settle(job)
        ba = transfer('B', 'A', f[1], port + 1)
        s2 = settle(job)
        port += 2
        print('xfer %s ab sent=%s got=%s' % (f[0], ab[0], ab[1]))
        print('xfer %s ba sent=%s got=%s' % (f[0], ba[0], ba[1]))
        print('delta %s ab %s' % (f[0], delta(s0, s1)))
        print('delta %s ba %s' % (f[0], delta(s1, s2)))
        print('delta %s all %s' % (f[0], delta(s0, s2)))
        print('# %s: %.1f s' % (f[0], time.monotonic() - t0))
        sys.stdout.flush()


main()
PY

# xfer JOB...: run gso_xfer.py on the job lines given as arguments; its
# output goes, commented, to the log, and its results into XF (NAME.DIR:
# "sent=.. got=..") and D (NAME.DIR.KEY: a counter delta), read by the
# checks below without a process each (every exec costs ~0.1 s in TCG).
declare -A XF D
xfer() {
	local args=("$work/gso_xfer.py" "$TESTDIR" A="$(ns_name 1)" B="$(ns_name 2)")
	local out w kv
	pretty HOST "GSO_BYTES=$GSO_BYTES python3 -S ${args[*]} <<< $*"
	out=$(printf '%s\n' "$@" | GSO_BYTES=$GSO_BYTES python3 -S "${args[@]}" 2>&1)
	XF=() D=()
	while read -ra w; do
		echo "# ${w[*]}"
		case ${w[0]} in
		xfer) XF[${w[1]}.${w[2]}]="${w[*]:3}" ;;
		delta)
			for kv in "${w[@]:3}"; do
				D[${w[1]}.${w[2]}.${kv%%=*}]=${kv#*=}
			done ;;
		esac
	done <<<"$out"
}

# intact NAME: both transfers of NAME delivered what was sent.
intact() {
	local dir sent got
	for dir in ab ba; do
		read -r sent got <<<"${XF[$1.$dir]:-}"
		sent=${sent#sent=} got=${got#got=}
		if [ -z "$sent" ] || [ "$sent" != "$got" ] ||
		   [ "${sent%%:*}" != "$GSO_BYTES" ]; then
			echo "# $1 $dir: sent '$sent', received '$got'"
			return 1
		fi
	done
}

# counters_agree NAME MTU: over both transfers, what each side's session
# and tunnel sent is what the other side's received, packets and bytes;
# and each sender counted every TCP segment (at most MTU - 40 bytes of
# data each) and every byte.
counters_agree() {
	local n=$1 min=$((GSO_BYTES / ($2 - 40))) o k tx rx dir me bad=0
	for o in s t; do
		for k in tx_packets:rx_packets tx_bytes:rx_bytes; do
			for me in A:B B:A; do
				tx=${D[$n.all.$o${me%:*}_${k%:*}]:-}
				rx=${D[$n.all.$o${me#*:}_${k#*:}]:-}
				[ -n "$tx" ] && [ "$tx" = "$rx" ] && continue
				echo "# $n: $o${me%:*}_${k%:*} $tx != $o${me#*:}_${k#*:} $rx"
				bad=1
			done
		done
	done
	for dir in ab:A ba:B; do
		tx=${D[$n.${dir%:*}.s${dir#*:}_tx_packets]:-0}
		k=${D[$n.${dir%:*}.s${dir#*:}_tx_bytes]:-0}
		[ "$tx" -ge "$min" ] && [ "$k" -ge "$GSO_BYTES" ] && continue
		echo "# $n ${dir%:*}: the sender counted $tx packets, $k bytes; want >= $min, >= $GSO_BYTES"
		bad=1
	done
	return "$bad"
}

# sent NAME DIR: set sp, vp and vb to what the sender (side A for DIR ab,
# B for ba) counted in that transfer: session tx packets, veth tx packets
# and bytes.
sent() {
	local s=A
	[ "$2" = ba ] && s=B
	sp=${D[$1.$2.s${s}_tx_packets]:-0}
	vp=${D[$1.$2.v${s}_tx_packets]:-0}
	vb=${D[$1.$2.v${s}_tx_bytes]:-0}
}

# veth_report NAME: per direction, the sender's session and veth packets.
veth_report() {
	local dir sp vp vb
	for dir in ab ba; do
		sent "$1" "$dir"
		echo "# $1 $dir: session tx $sp packets; veth tx $vp packets, $((vb / (vp > 0 ? vp : 1))) bytes each"
	done
}

# superpackets NAME: in both directions the sender's veth carried fewer
# packets than its session counted, bigger than the veth's MTU on
# average.  (How many segments TCP puts in one depends on its pacing
# rate: about 40 on the stock kernel here, 2 on the slow debug kernel.)
superpackets() {
	local dir sp vp vb
	veth_report "$1"
	for dir in ab ba; do
		sent "$1" "$dir"
		[ "$vp" -gt 0 ] && [ "$vp" -lt "$sp" ] &&
			[ $((vb / vp)) -gt 1500 ] || return 1
	done
}

# veth_packets NAME TEST: in both directions the sender's veth packets
# compare with its session's by TEST: -ge, at least as many (no
# superpacket), or -gt, more (outer fragments).
veth_packets() {
	local dir sp vp vb
	veth_report "$1"
	for dir in ab ba; do
		sent "$1" "$dir"
		[ "$sp" -gt 0 ] && [ "$vp" "$2" "$sp" ] || return 1
	done
}

# ------------------------------------------------------------------ setup


# mtus N: set MTUS[DEV] to the MTU of every device of NS<N>.
declare -A MTUS
mtus() {
	local _n dev _f m _r
	MTUS=()
	while read -r _n dev _f m _r; do
		[ "$m" = mtu ] || continue
		dev=${dev%:}
		read -r m _r <<<"$_r"
		MTUS[${dev%@*}]=$m
	done < <(ip -n "$(ns_name "$1")" -o link show)
}

# mac N I: the MAC address given to interface I of NS<N>: 0 the veth,
# 1 to 6 the pseudowires (a) to (f); known in advance, for the static
# neighbours that keep ARP off the counters.
mac() {
	printf '02:00:00:00:%02x:%02x' "$2" "$1"
}

# pw_lines N DEV I ADDR/LEN PEER: `ip -batch` lines that bring pseudowire
# DEV (number I) of NS<N> up with its MAC, one address, and the peer's
# address as a static neighbour.
pw_lines() {
	local n=$1 dev=$2 i=$3 addr=$4 peer=$5
	echo "link set $dev address $(mac "$n" "$i")"
	case $addr in
	*:*) echo "link set $dev addrgenmode none"
	     echo "addr add $addr dev $dev nodad" ;;
	*)   echo "addr add $addr dev $dev" ;;
	esac
	echo "link set $dev up"
	echo "neigh replace $peer lladdr $(mac $((3 - n)) "$i") dev $dev nud permanent"
}

# setup_side N: the veth end, UDP tunnels and sessions (a) to (d) of
# NS<N>, their devices up.  No IPv6 on the pseudowires but (b)'s global
# address (no link-local, no DAD, no router solicitation): only the
# test's traffic crosses them.
setup_side() {
	local me=$1 peer=$((3 - $1))

	ns "$me" ip -batch - <<-EOF || return 1
	link set veth$me address $(mac "$me" 0)
	addr add 10.70.0.$me/24 dev veth$me
	addr add fd70::$me/64 dev veth$me nodad
	link set veth$me up
	neigh replace 10.70.0.$peer lladdr $(mac "$peer" 0) dev veth$me nud permanent
	neigh replace fd70::$peer lladdr $(mac "$peer" 0) dev veth$me nud permanent
	l2tp add tunnel tunnel_id ${me}00 peer_tunnel_id ${peer}00 encap udp local 10.70.0.$me remote 10.70.0.$peer udp_sport 5${me}00 udp_dport 5${peer}00
	l2tp add tunnel tunnel_id $((me + 2))00 peer_tunnel_id $((peer + 2))00 encap udp local fd70::$me remote fd70::$peer udp_sport 5$((me + 2))00 udp_dport 5$((peer + 2))00
	l2tp add tunnel tunnel_id ${me}01 peer_tunnel_id ${peer}01 encap udp local 10.70.0.$me remote 10.70.0.$peer udp_sport 5${me}01 udp_dport 5${peer}01
	l2tp add tunnel tunnel_id ${me}02 peer_tunnel_id ${peer}02 encap udp local 10.70.0.$me remote 10.70.0.$peer udp_sport 5${me}02 udp_dport 5${peer}02
	l2tp add session tunnel_id ${me}00 session_id ${me}001 peer_session_id ${peer}001
	l2tp add session name pw6 tunnel_id $((me + 2))00 session_id $((me + 2))001 peer_session_id $((peer + 2))001
	l2tp add session name pwck tunnel_id ${me}01 session_id ${me}011 peer_session_id ${peer}011 cookie 0${me}0${me}0${me}0${me}a${me}b${me}c${me}d${me} peer_cookie 0${peer}0${peer}0${peer}0${peer}a${peer}b${peer}c${peer}d${peer} l2spec_type none
	l2tp add session name pwseq tunnel_id ${me}02 session_id ${me}021 peer_session_id ${peer}021 seq both
	addr add 10.71.0.$me/24 dev veth$me
	neigh replace 10.71.0.$peer lladdr $(mac "$peer" 0) dev veth$me nud permanent
	xfrm state add src 10.71.0.1 dst 10.71.0.2 proto esp spi 0x1001 mode transport aead rfc4106(gcm(aes)) 0x1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d 128
	xfrm state add src 10.71.0.2 dst 10.71.0.1 proto esp spi 0x1002 mode transport aead rfc4106(gcm(aes)) 0x4d3c2b1a0f9e8d7c6b5a49382716051403020100 128
	xfrm policy add src 10.71.0.$me dst 10.71.0.$peer proto udp dir out tmpl src 10.71.0.$me dst 10.71.0.$peer proto esp mode transport
	xfrm policy add src 10.71.0.$peer dst 10.71.0.$me proto udp dir in tmpl src 10.71.0.$peer dst 10.71.0.$me proto esp mode transport
	l2tp add tunnel tunnel_id ${me}03 peer_tunnel_id ${peer}03 encap udp local 10.71.0.$me remote 10.71.0.$peer udp_sport 5${me}03 udp_dport 5${peer}03
	l2tp add session name pwesp tunnel_id ${me}03 session_id ${me}031 peer_session_id ${peer}031
	EOF
	ns "$me" sysctl -qw net/ipv6/conf/l2tpeth0/disable_ipv6=1 \
		net/ipv6/conf/pwck/disable_ipv6=1 \
		net/ipv6/conf/pwseq/disable_ipv6=1 \
		net/ipv6/conf/pwesp/disable_ipv6=1 || return 1
	{
		pw_lines "$me" l2tpeth0 1 "192.168.71.$me/24" "192.168.71.$peer"
		pw_lines "$me" pw6 2 "fd72::$me/64" "fd72::$peer"
		pw_lines "$me" pwck 3 "192.168.73.$me/24" "192.168.73.$peer"
		pw_lines "$me" pwseq 4 "192.168.74.$me/24" "192.168.74.$peer"
		pw_lines "$me" pwesp 6 "192.168.76.$me/24" "192.168.76.$peer"
	} | ns "$me" ip -batch -
}

# setup_ip_side N: tunnel and session (e), IP encapsulation, of NS<N>.
setup_ip_side() {
	local me=$1 peer=$((3 - $1))

	ns "$me" ip -batch - <<-EOF || return 1
	l2tp add tunnel tunnel_id $((me + 6))00 peer_tunnel_id $((peer + 6))00 encap ip local 10.70.0.$me remote 10.70.0.$peer
	l2tp add session name pwip tunnel_id $((me + 6))00 session_id $((me + 6))001 peer_session_id $((peer + 6))001
	EOF
	ns "$me" sysctl -qw net/ipv6/conf/pwip/disable_ipv6=1 || return 1
	pw_lines "$me" pwip 5 "192.168.75.$me/24" "192.168.75.$peer" |
		ns "$me" ip -batch -
}

ns_create 1 2
ns 1 ip link add veth1 type veth peer name veth2 netns "$(ns_name 2)"
if setup_side 1 && setup_side 2; then
	ktap_ok "set up UDP pseudowires (a) IPv4, (b) IPv6, (c) cookies, (d) seq, (f) ESP with ip l2tp"
else
	ktap_fail "set up UDP pseudowires (a) IPv4, (b) IPv6, (c) cookies, (d) seq, (f) ESP with ip l2tp"
	ktap_finish
fi

have_ip=0
if ! mode_module l2tp_ip; then
	ktap_skip "set up IP-encapsulated pseudowire (e) with ip l2tp" \
		"no l2tp_ip module for $L2TP_MODE"
elif setup_ip_side 1 && setup_ip_side 2; then
	have_ip=1
	ktap_ok "set up IP-encapsulated pseudowire (e) with ip l2tp"
else
	ktap_fail "set up IP-encapsulated pseudowire (e) with ip l2tp"
fi

# The pseudowires, by letter: name in the results, device, MTU, job line.
declare -A DESC DEV JOB MTU
DESC[a]="(a) UDP/IPv4"
DESC[b]="(b) UDP/IPv6"
DESC[c]="(c) UDP/IPv4, 8-byte cookies, no sublayer"
DESC[d]="(d) UDP/IPv4, seq both"
DESC[e]="(e) IP encapsulation"
DESC[f]="(f) UDP/IPv4 in ESP"
DEV[a]=l2tpeth0 DEV[b]=pw6 DEV[c]=pwck DEV[d]=pwseq DEV[e]=pwip DEV[f]=pwesp
JOB[a]="a 192.168.71.1 192.168.71.2 100 1001 200 2001"
JOB[b]="b fd72::1 fd72::2 300 3001 400 4001"
JOB[c]="c 192.168.73.1 192.168.73.2 101 1011 201 2011"
JOB[d]="d 192.168.74.1 192.168.74.2 102 1021 202 2021"
JOB[e]="e 192.168.75.1 192.168.75.2 700 7001 800 8001"
JOB[f]="f 192.168.76.1 192.168.76.2 103 1031 203 2031"
PWS="a b c d f"
[ "$have_ip" = 1 ] && PWS+=" e"
mtus 1
for p in $PWS; do
	MTU[$p]=${MTUS[${DEV[$p]}]:-1500}
	# Inner IPv6 leaves 20 bytes less for TCP data.
	[ "$p" = b ] && MTU[$p]=$((MTU[$p] - 20))
done

# ------------------------------------------------------------ the offloads

# offloads_on N DEV: ethtool -k shows the offloads on.
offloads_on() {
	local k out
	out=$(ns "$1" ethtool -k "$2") || return 1
	for k in scatter-gather tx-checksumming tcp-segmentation-offload \
		tx-tcp-segmentation tx-tcp6-segmentation tx-udp-segmentation; do
		grep -Eq "^[[:space:]]*$k: on( |$)" <<<"$out" && continue
		echo "# NS$1 $2: $(grep -E "^[[:space:]]*$k:" <<<"$out" || echo "no $k")"
		return 1
	done
}

all_offloads_on() {
	local p
	for p in $PWS; do
		offloads_on 1 "${DEV[$p]}" || return 1
	done
	offloads_on 2 l2tpeth0
}

if require_ours "l2tpeth has no offloads upstream" \
	"ethtool -k: scatter-gather, tx-checksumming, TSO, TSO6, UDP segmentation on"; then
	ktap_check "ethtool -k: scatter-gather, tx-checksumming, TSO, TSO6, UDP segmentation on" \
		all_offloads_on
fi

# --------------------------------------------------------- bulk transfers

jobs=()
for p in $PWS; do
	jobs+=("${JOB[$p]}")
done
xfer "${jobs[@]}"

for p in $PWS; do
	d=${DESC[$p]}
	ktap_check "$d: TCP both ways, $GSO_BYTES bytes arrive intact" intact "$p"
	ktap_check "$d: session and tunnel counters of both sides agree, every segment counted" \
		counters_agree "$p" "${MTU[$p]}"
	case $p in
	a|b|c)
		if require_ours "no segmentation offload upstream" \
			"$d: superpackets cross the veth whole"; then
			ktap_check "$d: superpackets cross the veth whole" \
				superpackets "$p"
		fi ;;
	d|e|f)
		ktap_check "$d: segmented before encapsulation: no more session packets than veth packets" \
			veth_packets "$p" -ge ;;
	esac
done

# -------------------------------------------------- TSO and GSO switched off

# ethtool -K DEV tso off gso off on both sides; upstream's TSO is fixed off,
# so ethtool may complain there.
tso_off() {
	local n out
	for n in 1 2; do
		ns "$n" ethtool -K l2tpeth0 tso off gso off || return 1
		out=$(ns "$n" ethtool -k l2tpeth0) || return 1
		grep -Eq '^tcp-segmentation-offload: off' <<<"$out" &&
			grep -Eq '^generic-segmentation-offload: off' <<<"$out" ||
			return 1
	done
}

if [ "$L2TP_MODE" = stock ]; then
	tso_off || echo "# (upstream: TSO is fixed off, ethtool -K may refuse)"
	ktap_skip "ethtool -K l2tpeth0 tso off gso off: accepted, shown off" \
		"beyond upstream: TSO is fixed off upstream"
else
	ktap_check "ethtool -K l2tpeth0 tso off gso off: accepted, shown off" tso_off
fi

xfer "${JOB[a]}"
ktap_check "TSO and GSO off: ${DESC[a]}: TCP both ways arrives intact" intact a
ktap_check "TSO and GSO off: ${DESC[a]}: counters of both sides agree" \
	counters_agree a "${MTU[a]}"
ktap_check "TSO and GSO off: ${DESC[a]}: no superpackets on the veth" \
	veth_packets a -ge

# ------------------------------------------- GRO on the receiving veth

# The same unsegmented traffic merged again on the way in: GRO on each
# veth, which takes packets into GRO only from a peer without TSO.  Ours
# merges the L2TP packets of a session (receive offload in l2tp_core.c),
# so the receiving device gets superpackets; the session still counts
# every packet.  Upstream has no L2TP GRO: the device gets each packet
# (its GRO cells merge only after it has counted them).

# gro_merged NAME: in the ab transfer (data from A to B) B's device
# received fewer packets than B's session did (about 30 times fewer on
# the stock kernel, 2 on the slow debug kernel, where less is in flight).
gro_merged() {
	local sp=${D[$1.ab.sB_rx_packets]:-0} pp=${D[$1.ab.pB_rx_packets]:-0}
	echo "# $1 ab: B's session received $sp packets, its device $pp"
	[ "$sp" -gt 0 ] && [ "$pp" -lt "$sp" ]
}

gro_on() {
	ns 1 ethtool -K veth1 tso off gro on &&
		ns 2 ethtool -K veth2 tso off gro on
}

if gro_on; then
	xfer "${JOB[a]} l2tpeth0"
	ktap_check "veth GRO: ${DESC[a]}: TCP both ways arrives intact" intact a
	ktap_check "veth GRO: ${DESC[a]}: counters of both sides agree" \
		counters_agree a "${MTU[a]}"
	if require_ours "no L2TP GRO upstream" \
		"veth GRO: ${DESC[a]}: the session's packets reach the device merged"; then
		ktap_check "veth GRO: ${DESC[a]}: the session's packets reach the device merged" \
			gro_merged a
	fi
else
	ktap_fail "veth GRO: ${DESC[a]}: TCP both ways arrives intact" \
		"ethtool -K veth tso off gro on failed"
fi
ns 1 ethtool -K veth1 tso on gro off
ns 2 ethtool -K veth2 tso on gro off

# Back on for what follows (upstream's TSO stays fixed off).
for n in 1 2; do
	ns "$n" ethtool -K l2tpeth0 tso on gso on 2>&1 ||
		[ "$L2TP_MODE" = stock ] ||
		echo "# NS$n: ethtool -K l2tpeth0 tso on gso on failed"
done

# ------------------------------------------------- underlay MTU below ours

if ns 1 ip link set veth1 mtu 1280 && ns 2 ip link set veth2 mtu 1280; then
	mtus 1
	echo "# MTU: l2tpeth0 ${MTUS[l2tpeth0]:-?}, veth1 ${MTUS[veth1]:-?}"
	xfer "${JOB[a]}"
	ktap_check "veth MTU 1280 under l2tpeth0's ${MTU[a]}: ${DESC[a]}: TCP both ways arrives intact" \
		intact a
	ktap_check "veth MTU 1280: ${DESC[a]}: counters of both sides agree" \
		counters_agree a "${MTU[a]}"
	ktap_check "veth MTU 1280: ${DESC[a]}: the outer packets are fragmented" \
		veth_packets a -gt
else
	ktap_fail "veth MTU 1280 under l2tpeth0's ${MTU[a]}: ${DESC[a]}: TCP both ways arrives intact" \
		"cannot set the veth MTU"
fi

ktap_finish
