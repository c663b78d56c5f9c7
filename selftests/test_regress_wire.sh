#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# One regression test per upstream bug class 12-20 and 22-24 of the
# behaviour notes (§4): refcount leaks on receive error paths, dst leaks
# on transmit, IDR leftovers at netns exit, optional fields read past the
# packet, sockaddr infoleaks, MSG_MORE corking, oversized PPP writes,
# v4-mapped peers, corked frames at close, blackhole routes under PPP
# traffic and module autoload. Each class drives the sequence that
# exposed the bug and asserts the results (counters, errnos, bytes on the
# wire, debugfs refcounts); then every tunnel and session it made must
# have been freed (the l2tp lifetime tracepoints), the module refcounts
# must be back to their baseline and dmesg must hold no splat.
# Classes 1-11 and 21 are in test_regress_races.sh.
#
#  +------------------- NS1 -------------------+       +---------- NS2 ----------+
#  | tunnels under test (l2tp_regress_wire,    |       | raw-socket injector,    |
#  |  ip l2tp)                                 |       | AF_PACKET capture,      |
#  | veth1 10.60.0.1 fd60::1 fe80::1 ------------------ veth2 10.60.0.2 fd60::2   |
#  |                                           |       |       fe80::2 (peer)    |
#  | vd1 10.64.0.1 fd64::1 (class 14) ------------------ vd2 10.64.0.2 fd64::2    |
#  | vx1 10.62.0.1 fd62::1 (class 22) ------------------ vx2 10.62.0.2 fd62::2    |
#  +-------------------------------------------+       +-------------------------+
#  class 15 makes and leaves namespaces of its own (unshare), tunnels in them
#
# Where ours deliberately differs from upstream (Documentation/l2tp.rst,
# l2tp_ppp.rst), the checks expect what each mode does.

. "$(dirname "$0")/lib.sh"

require_cmd ip ping modprobe modinfo timeout

PROG=$(dirname "$0")/l2tp_regress_wire
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_regress_wire is built" "run make -C selftests first"
	ktap_finish
fi
PROG=$(readlink -f "$PROG")
SCAN=$(readlink -f "$(dirname "$0")")/run_tests.sh

MODS="l2tp_core l2tp_netlink l2tp_eth l2tp_ip l2tp_ip6 l2tp_ppp l2tp_debugfs"
TRACE=/sys/kernel/tracing
EVENTS="register_tunnel free_tunnel register_session free_session"

t_start=$SECONDS

# ---------------------------------------------------------------- helpers

# cprog ARGS...: run l2tp_regress_wire and count its KTAP results as ours.
cprog() {
	local out rc line d
	pretty NS1 "l2tp_regress_wire $*"
	out=$(timeout -k 5 120 "$PROG" "$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP "*)
			d=${line#ok * - }
			ktap_skip "${d%% # SKIP *}" "${d##* # SKIP }" ;;
		"ok "*) ktap_ok "${line#ok * - }" ;;
		"not ok "*) ktap_fail "${line#not ok * - }" ;;
		"1.."*|"# totals:"*) ;;
		*) echo "$line" ;;
		esac
	done <<<"$out"
	case $rc in
	0|1) ;;
	*) ktap_fail "l2tp_regress_wire $1: exit status $rc" ;;
	esac
}

# wire CMD ARGS...: cprog with NS1 and NS2.
wire() {
	cprog -a "$(ns_name 1)" -b "$(ns_name 2)" "$@"
}

refcnts() {
	local m
	for m in $MODS; do
		printf '%s=%s ' "$m" "$(cat "/sys/module/$m/refcnt" 2>/dev/null || echo -)"
	done
}

refcnts_at_baseline() {
	[ "$(refcnts)" = "$REF_BASE" ]
}

tracing() {
	[ "$(cat "$TRACE/events/l2tp/free_tunnel/enable" 2>/dev/null)" = 1 ]
}

# unfreed: the tunnels and sessions the trace shows registered and not
# freed since, as "NAME xCOUNT" lines (names may repeat across netns, so
# they are counted).
unfreed() {
	awk '{
		if (match($0, / (register|free)_(tunnel|session): /) == 0)
			next
		ev = substr($0, RSTART + 1, RLENGTH - 3)
		name = substr($0, RSTART + RLENGTH)
		sub(/:.*/, "", name)
		split(ev, p, "_")
		key = p[2] " " name
		if (p[1] == "register")
			n[key]++
		else if (n[key] > 0)
			n[key]--
	} END { for (k in n) if (n[k]) print k " x" n[k] }' "$TRACE/trace"
}

all_freed() {
	[ -z "$(unfreed)" ]
}

# class_begin N: mark the kernel log, so that class_end scans only
# what class N caused.  The marker names this run (mode and pid): the
# suite runs every test once per mode in one boot, and a range opened
# at an earlier run's marker would take in other tests' output, such as
# test_harness.sh's deliberate WARN.
class_begin() {
	CLASS=$1
	echo "# ---- class $1: $2 (at $((SECONDS - t_start)) s)"
	echo "l2tp-regress-wire: class $1 begin ${L2TP_MODE:-} $$" >/dev/kmsg
}

# mark WHAT: where the test is and when (a diagnostic only).
mark() {
	echo "# $1 (at $((SECONDS - t_start)) s)"
}

# class_end: what every class ends with: nothing it made outlives it.
class_end() {
	local n=$CLASS left
	if tracing; then
		if wait_for 20 all_freed; then
			ktap_ok "class $n: every tunnel and session registered was freed"
		else
			left=$(unfreed | tr '\n' ',')
			ktap_fail "class $n: every tunnel and session registered was freed" \
				"never freed: $left"
		fi
	fi
	if wait_for 30 refcnts_at_baseline; then
		ktap_ok "class $n: module refcounts back to the baseline"
	else
		ktap_fail "class $n: module refcounts back to the baseline" \
			"now $(refcnts), baseline $REF_BASE"
	fi
	if dmesg | sed -n "/l2tp-regress-wire: class $n begin ${L2TP_MODE:-} $$\$/,\$p" |
		"$SCAN" --scan-splats >/tmp/rw-splat-$$; then
		ktap_fail "class $n: no kernel splat" "$(head -n 1 /tmp/rw-splat-$$)"
	else
		ktap_ok "class $n: no kernel splat"
	fi
	rm -f /tmp/rw-splat-$$
}

# ----------------------------------------------------- class 24 (first)

loaded() {
	[ -d "/sys/module/$1" ]
}

none_loaded() {
	local m
	for m in $MODS; do
		! loaded "$m" || return 1
	done
}

# unload MOD...: remove these modules (users first), retrying while the
# last references drain; false if one stays.
unload() {
	local m left
	for _ in $(seq 40); do
		left=
		for m in "$@"; do
			loaded "$m" || continue
			rmmod "$m" 2>/dev/null || left+=" $m"
		done
		[ -z "$left" ] && return 0
		sleep 0.25
	done
	echo "# still loaded:$left"
	return 1
}

# this_mode MOD: the loaded MOD is the one modprobe resolves in this mode
# (ours from updates/, or the stock one).
this_mode() {
	loaded "$1" &&
	[ "$(cat "/sys/module/$1/srcversion" 2>/dev/null)" = \
	  "$(modinfo -F srcversion "$1" 2>/dev/null)" ]
}

# autoload DESC MOD CMD...: with MOD unloaded, CMD must load it.
autoload() {
	local desc=$1 mod=$2 out
	shift 2
	if loaded "$mod"; then
		ktap_fail "class 24: $desc autoloads $mod" "$mod was loaded before"
		return
	fi
	out=$("$@" 2>&1)
	[ -z "$out" ] || echo "# $out"
	ktap_check "class 24: $desc autoloads $mod (this mode's)" this_mode "$mod"
}

# aliases MOD ALIAS...: modinfo lists every ALIAS for MOD.
aliases() {
	local mod=$1 a have
	shift
	have=" $(modinfo -F alias "$mod" 2>/dev/null | tr '\n' ' ') "
	for a; do
		case $have in
		*" $a "*) ;;
		*) echo "# $mod: no alias $a in:$have"; return 1 ;;
		esac
	done
}

ns_create 1 2 || { ktap_fail "create NS1 and NS2"; ktap_finish; }
N1=$(ns_name 1)

class_begin 24 "module autoload by alias"
was_traced=0
tracing && was_traced=1
unload l2tp_ppp l2tp_eth l2tp_ip6 l2tp_ip l2tp_netlink l2tp_debugfs l2tp_core
ktap_check "class 24: every l2tp module unloaded" none_loaded
autoload "the l2tp genl family" l2tp_netlink "$PROG" -a "$N1" autoload ip4
ktap_check "class 24: an IP/IPv4 tunnel over netlink autoloads l2tp_ip" this_mode l2tp_ip
autoload "an IP/IPv6 tunnel over netlink" l2tp_ip6 "$PROG" -a "$N1" autoload ip6
autoload "an Ethernet session over netlink" l2tp_eth "$PROG" -a "$N1" autoload eth
autoload "a PPP session over netlink" l2tp_ppp "$PROG" -a "$N1" autoload ppp
ktap_check "class 24: l2tp_ppp, l2tp_ip6, l2tp_ip unloaded again" \
	unload l2tp_ppp l2tp_ip6 l2tp_ip
autoload "socket(AF_INET, SOCK_DGRAM, 115)" l2tp_ip "$PROG" -a "$N1" sock inet
autoload "socket(AF_INET6, SOCK_DGRAM, 115)" l2tp_ip6 "$PROG" -a "$N1" sock inet6
autoload "socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP)" l2tp_ppp \
	"$PROG" -a "$N1" sock pppox
ktap_check "class 24: alias strings of l2tp_ip" \
	aliases l2tp_ip net-pf-2-proto-115-type-2 net-pf-2-proto-115
ktap_check "class 24: alias strings of l2tp_ip6" \
	aliases l2tp_ip6 net-pf-10-proto-115-type-2 net-pf-10-proto-115
ktap_check "class 24: alias strings of l2tp_ppp" \
	aliases l2tp_ppp net-pf-24-proto-1 net-l2tp-type-7
ktap_check "class 24: alias string of l2tp_eth" aliases l2tp_eth net-l2tp-type-5
ktap_check "class 24: alias string of l2tp_netlink" \
	aliases l2tp_netlink net-pf-16-proto-16-family-l2tp

mark "autoload done"
# Everything loaded from now on; the baseline of the refcounts; the
# lifetime events again (a reloaded l2tp_core starts with them off).
for m in $MODS ppp_generic; do
	loaded "$m" || modprobe "$m" || ktap_fail "modprobe $m"
done
if [ "$was_traced" = 1 ]; then
	for e in $EVENTS; do
		echo 1 >"$TRACE/events/l2tp/$e/enable"
	done
fi
tracing || echo "# the l2tp lifetime events are off: no freed-object checks"
REF_BASE=$(refcnts)
echo "# module refcounts: $REF_BASE"
class_end

# ------------------------------------------------------------------ setup

# veth PREFIX NET: PREFIX1 in NS1 (10.NET.0.1, fdNET::1) and PREFIX2 in
# NS2 (.2, ::2), up.
veth() {
	local n
	ip -n "$N1" link add "${1}1" type veth peer name "${1}2" \
		netns "$(ns_name 2)" || return 1
	for n in 1 2; do
		ip -n "$(ns_name "$n")" -batch - <<-EOF || return 1
			addr add 10.$2.0.$n/24 dev $1$n
			addr add fd$2::$n/64 dev $1$n nodad
			link set $1$n up
		EOF
	done
}

setup() {
	local n m1 m2
	veth veth 60 && veth vd 64 && veth vx 62 || return 1
	ip -n "$N1" addr add fe80::1/64 dev veth1 nodad || return 1
	ip -n "$(ns_name 2)" addr add fe80::2/64 dev veth2 nodad || return 1
	# Injected packets must not wait for ARP or ND.
	m1=$(ip -n "$N1" -br link show veth1 | awk '{ print $3 }')
	m2=$(ip -n "$(ns_name 2)" -br link show veth2 | awk '{ print $3 }')
	ip -n "$N1" -batch - <<-EOF || return 1
		neigh replace 10.60.0.2 lladdr $m2 dev veth1 nud permanent
		neigh replace fd60::2 lladdr $m2 dev veth1 nud permanent
		neigh replace fe80::2 lladdr $m2 dev veth1 nud permanent
	EOF
	ip -n "$(ns_name 2)" -batch - <<-EOF || return 1
		neigh replace 10.60.0.1 lladdr $m1 dev veth2 nud permanent
		neigh replace fd60::1 lladdr $m1 dev veth2 nud permanent
		neigh replace fe80::1 lladdr $m1 dev veth2 nud permanent
	EOF
	# No IPv6 on the devices made from now on (the l2tpeth ones): only
	# the test's own frames cross the pseudowires.
	for n in 1 2; do
		nsenter --net="/run/netns/$(ns_name "$n")" \
			sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || return 1
	done
}
if ! setup; then
	ktap_fail "set up NS1, NS2 and their veth pairs"
	ktap_finish
fi
mark "set up"

# ----------------------------------------------------------- classes 12, 13

class_begin 12 "reference leak after a failed optional-field pull"
wire c12
class_end

class_begin 13 "reference leak on a header version mismatch"
wire c13
class_end

# ------------------------------------------------------------- class 14

# pw_pairs PREFIX NET BASE: four Ethernet pseudowires between NS1 and
# NS2 over PREFIX1/PREFIX2 (UDP/IPv4, UDP/IPv6, IP/IPv4, IP/IPv6):
# tunnel BASE+i on both sides, sessions (BASE+i)*10+1 (NS1) and +2 (NS2),
# devices PREFIX-KIND with 172.16.(BASE+i).1 and .2.
PW_KINDS=(udp4 udp6 ip4 ip6)
pw_pairs() {
	local pfx=$1 net=$2 base=$3 i k n peer enc loc rem tid
	for i in 0 1 2 3; do
		k=${PW_KINDS[$i]} tid=$((base + i))
		for n in 1 2; do
			peer=$((3 - n))
			case $k in
			udp*) enc="encap udp udp_sport $((20000 + tid * 10 + n)) udp_dport $((20000 + tid * 10 + peer))" ;;
			*) enc="encap ip" ;;
			esac
			case $k in
			*4) loc=10.$net.0.$n rem=10.$net.0.$peer ;;
			*) loc=fd$net::$n rem=fd$net::$peer ;;
			esac
			ip -n "$(ns_name "$n")" -batch - <<-EOF || return 1
				l2tp add tunnel tunnel_id $tid peer_tunnel_id $tid $enc local $loc remote $rem
				l2tp add session name $pfx$k tunnel_id $tid session_id $((tid * 10 + n)) peer_session_id $((tid * 10 + peer))
				addr add 172.16.$tid.$n/24 dev $pfx$k
				link set $pfx$k up
			EOF
		done
	done
}

# ping1 ADDR [WAIT]: a ping from NS1 to ADDR gets an answer.
ping1() {
	nsenter --net="/run/netns/$N1" ping -q -c 1 -W "${2:-3}" "$1" \
		>/dev/null 2>&1
}

# pw_ping PREFIX BASE: each pseudowire answers pings from NS1.
pw_ping() {
	local i
	for i in 0 1 2 3; do
		ktap_check "class 14: ${PW_KINDS[$i]} pseudowire over $1 carries pings" \
			ping1 "172.16.$(($2 + i)).2"
	done
}

# pw_del BASE I...: delete tunnels BASE+I on both sides.
pw_del() {
	local base=$1 i n
	shift
	for n in 1 2; do
		for i; do
			echo "l2tp del tunnel tunnel_id $((base + i))"
		done | ip -n "$(ns_name "$n")" -batch - || return 1
	done
}

no_dev() {
	! ip -n "$(ns_name "$1")" link show dev "$2" >/dev/null 2>&1
}

# no_pw PREFIX [KIND...]: those pseudowire devices (all four by
# default) are gone on both sides.
no_pw() {
	local pfx=$1 k n
	shift
	[ $# -gt 0 ] || set -- "${PW_KINDS[@]}"
	for n in 1 2; do
		for k; do
			no_dev "$n" "$pfx$k" || return 1
		done
	done
}

class_begin 14 "dst reference leak on transmit"
if pw_pairs vd 64 140; then
	ktap_ok "class 14: Ethernet pseudowires over UDP and IP, IPv4 and IPv6"
	pw_ping vd 140
	mark "pinged"
	# The UDP/IPv4 and IP/IPv4 pseudowires go first; then the underlay
	# device goes under the IPv6 ones, live, with routes cached; traffic
	# after that; then they go too.
	ktap_check "class 14: delete two tunnels, their devices go" \
		eval 'pw_del 140 0 2 && wait_for 10 no_pw vd udp4 ip4'
	ktap_check "class 14: the underlay veth is deleted at once" \
		timeout 60 ip -n "$N1" link del vd1
	ktap_check "class 14: both ends of it are gone" \
		eval 'no_dev 1 vd1 && no_dev 2 vd2'
	ping1 172.16.141.2 1 &
	ping1 172.16.143.2 1
	wait
	ktap_check "class 14: then the two other tunnels are deleted, their devices go" \
		eval 'pw_del 140 1 3 && wait_for 10 no_pw vd'
else
	ktap_fail "class 14: Ethernet pseudowires over UDP and IP, IPv4 and IPv6"
	pw_del 140 0 1 2 3 2>/dev/null
fi
class_end

# ------------------------------------------------------------- class 15

class_begin 15 "tunnel refcount underflow / IDR leftovers at netns exit"
# Its namespaces are the program's own (unshare), gone when it exits.
cprog c15
class_end

# ------------------------------------------------------- classes 16 - 20

class_begin 16 "optional fields read past the end of the packet"
wire c16
class_end

class_begin 17 "uninitialised sockaddr bytes (infoleak)"
wire c17
class_end

class_begin 18 "MSG_MORE corking length in l2tp_ip6"
wire c18
class_end

class_begin 19 "oversized PPPoL2TP writes over UDP"
wire c19
class_end

class_begin 20 "v4-mapped IPv6 peers"
wire c20
class_end

# ------------------------------------------------------------- class 22

# skb_heads: skbuff_head_cache objects in use, once every CPU's cached
# slabs went back (so that free objects cached per CPU do not count).
skb_heads() {
	local c
	for c in /sys/kernel/slab/skbuff_head_cache /sys/kernel/slab/kmalloc-*; do
		[ -w "$c/shrink" ] && echo 1 >"$c/shrink"
	done 2>/dev/null
	awk '$1 == "skbuff_head_cache" { print $2 }' /proc/slabinfo
}

class_begin 22 "corked frames of l2tp_ip/l2tp_ip6 sockets at destroy"
C22_SOCKETS=150
heads0=$(skb_heads)
wire c22 "$C22_SOCKETS"
wait_for 30 refcnts_at_baseline
sleep 1
heads1=$(skb_heads)
echo "# skbuff_head_cache in use: $heads0 before, $heads1 after"
# Each IPv6 socket closed with 5 or more corked skbs: a leak of them
# would show by the thousand.
ktap_check "class 22: skbuff_head_cache does not grow by the corked skbs ($((heads1 - heads0)), limit $((C22_SOCKETS / 2)))" \
	test "$((heads1 - heads0))" -lt "$((C22_SOCKETS / 2))"
ktap_check "class 22: the sockets' underlay device is deleted at once (no dst held)" \
	timeout 60 ip -n "$N1" link del vx1
class_end

# ------------------------------------------------------------- class 23

class_begin 23 "pppol2tp over IPv6 with blackhole, unreachable, prohibit routes"
wire c23 2
class_end

echo "# done after $((SECONDS - t_start)) s"
ktap_finish
