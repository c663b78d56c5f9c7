#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifetime of tunnels and sessions under stress: every way an object can
# go away, while packets are still flowing through it, and thousands of
# times in a row. The loops run in l2tp_churn (one netlink request per
# object, not one `ip` process).
#
#  +------------- NS1 -------------+            +------------- NS2 -------------+
#  | pw<V>a 192.168.(61+2i).1      |            |      pw<V>a 192.168.(61+2i).2 |
#  | pw<V>b 192.168.(62+2i).1      | ==L2TPv3== |      pw<V>b 192.168.(62+2i).2 |
#  |  one tunnel, two sessions per variant V (i = 1..4): UDP/IPv4, UDP/IPv6,   |
#  |  IP/IPv4, IP/IPv6; UDP floods NS1 -> NS2 on pw<V>a, NS2 -> NS1 on pw<V>b  |
#  | veth1 10.60.0.1 fd60::1 -------------------- veth2 10.60.0.2 fd60::2       |
#  +-------------------------------+            +-------------------------------+
#  NS12/NS13 ... NS16/NS17: the same pair, made and destroyed whole (b)
#
#  a. Deleting sessions and tunnels (either side, tx or rx end of a flow)
#     while UDP floods cross the pseudowires; the devices must go and the
#     objects must answer ENODEV.
#  b. `ip netns del` of namespaces holding tunnels, sessions, a managed
#     tunnel and running floods, three times; then nothing may remain: no
#     l2tpeth device, no debugfs entry, module refcounts back to their
#     baseline (run_tests.sh then checks trace pairing and unloading).
#  c. A managed tunnel's socket closed by killing its owner process (the
#     peer flooding it meanwhile): the tunnel, its sessions and their
#     devices disappear.
#  d. Thousands of create/delete cycles (tunnel only, with an Ethernet
#     session, deleted by session, by tunnel and by socket close); kmalloc
#     slab usage must come back to its baseline within a tolerance, module
#     refcounts exactly.
#  e. TUNNEL_DELETE racing SESSION_DELETE and the close of the managed
#     socket, in loops: each request succeeds or says ENODEV, and nothing
#     survives.
#
# No expectation is beyond upstream: all of it must hold in both modes.

. "$(dirname "$0")/lib.sh"

require_cmd ip jq nsenter

PROG=$(dirname "$0")/l2tp_churn
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_churn is built" "run make -C selftests first"
	ktap_finish
fi
PROG=$(readlink -f "$PROG")

DFS=/sys/kernel/debug/l2tp/tunnels
MODS="l2tp_core l2tp_netlink l2tp_eth l2tp_ip l2tp_ip6 l2tp_debugfs"

# Loop sizes; the whole test stays within about three minutes under TCG.
CYCLES_TUNNEL=${LT_CYCLES_TUNNEL:-2000}
CYCLES_ETH=${LT_CYCLES_ETH:-300}
RACE_ROUNDS=${LT_RACE_ROUNDS:-100}

t_start=$SECONDS
# phase NAME: say where the test is and when (a diagnostic only).
phase() {
	echo "# ---- $1 (at $((SECONDS - t_start)) s)"
}

# ------------------------------------------------------------- helpers


# churn N ARGS...: l2tp_churn in NS<N>.
churn() {
	local n=$1
	shift
	"$PROG" -N "$(ns_name "$n")" "$@"
}

# spawn N ARGS...: l2tp_churn in NS<N> in the background, its pid in BG.
spawn() {
	local n=$1
	shift
	"$PROG" -N "$(ns_name "$n")" "$@" &
	BG=$!
}

# ipb N: run the `ip -batch` commands on stdin in NS<N>.
ipb() {
	ip -n "$(ns_name "$1")" -batch -
}

# l2tpeth_devs N: the l2tpeth devices of NS<N> ("host": the initial one).
l2tpeth_devs() {
	local cmd='grep -l "^DEVTYPE=l2tpeth$" /sys/class/net/*/uevent 2>/dev/null'
	if [ "$1" = host ]; then
		sh -c "$cmd"
	else
		ip netns exec "$(ns_name "$1")" sh -c "$cmd"
	fi | awk -F/ '{ print $5 }'
}

no_l2tpeth() {
	[ -z "$(l2tpeth_devs "$1")" ]
}

# dfs_tunnels N: tunnels in the debugfs listing as NS<N> sees it.
dfs_tunnels() {
	local net=/proc/1/ns/net
	[ "$1" = host ] || net=/run/netns/$(ns_name "$1")
	[ -r "$DFS" ] || { echo 0; return; }
	nsenter --net="$net" cat "$DFS" | grep -c '^TUNNEL [0-9]'
}

# nl_tunnels N: how many tunnels a netlink dump of NS<N> lists.
nl_tunnels() {
	ip -n "$(ns_name "$1")" -j l2tp show tunnel 2>/dev/null |
		jq 'length' 2>/dev/null || echo 0
}

# get N tunnel TID | get N session TID SID: one netlink GET in NS<N>;
# exits 0 when found, 2 on ENODEV.
get() {
	local n=$1
	shift
	churn "$n" get "$@" >/dev/null
}

# gone N tunnel TID | gone N session TID SID: the GET says ENODEV.
gone() {
	get "$@"
	[ $? = 2 ]
}

# rx_grows N TID SID: the session's rx counter (netlink) climbs by 20.
rx_grows() {
	local base
	base=$(session_rx "$@")
	wait_for 30 rx_above "$@" $((${base:-0} + 20))
}

session_rx() {
	churn "$1" get session "$2" "$3" | sed -n 's/.* rx=\([0-9]*\).*/\1/p'
}

rx_above() {
	local v
	v=$(session_rx "$1" "$2" "$3")
	[ "${v:-0}" -gt "$4" ]
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

# underlay A B: veth between NS<A> and NS<B>, 10.60.0.1/2, fd60::1/2;
# devices made later have no IPv6 (no autoconfiguration chatter).
underlay() {
	local a=$1 b=$2
	ip -n "$(ns_name "$a")" link add veth1 type veth peer name veth2 \
		netns "$(ns_name "$b")" || return 1
	ip netns exec "$(ns_name "$a")" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null &&
	ip netns exec "$(ns_name "$b")" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null || return 1
	ipb "$a" <<-EOF || return 1
		addr add 10.60.0.1/24 dev veth1
		addr add fd60::1/64 dev veth1 nodad
		link set veth1 up
	EOF
	ipb "$b" <<-EOF
		addr add 10.60.0.2/24 dev veth2
		addr add fd60::2/64 dev veth2 nodad
		link set veth2 up
	EOF
}

VARIANTS=(udp4 udp6)
mode_module l2tp_ip && VARIANTS+=(ip4)
mode_module l2tp_ip6 && VARIANTS+=(ip6)

# tunnel_args VARIANT SIDE [LPORT RPORT]: encapsulation and addresses
# of side 1 or 2 for `ip l2tp add tunnel`.
tunnel_args() {
	local me=$2 peer=$((3 - $2)) lp=${3:-170$2} rp=${4:-170$((3 - $2))}
	case $1 in
	udp4) echo "encap udp local 10.60.0.$me remote 10.60.0.$peer udp_sport $lp udp_dport $rp" ;;
	udp6) echo "encap udp local fd60::$me remote fd60::$peer udp_sport $lp udp_dport $rp" ;;
	ip4) echo "encap ip local 10.60.0.$me remote 10.60.0.$peer" ;;
	ip6) echo "encap ip local fd60::$me remote fd60::$peer" ;;
	esac
}

# Ids of variant number I on side S (1 or 2): tunnel I*10+S, sessions
# a and b I*100+S*10 and +1 (unique per namespace, as IP needs).
tid() { echo $(($1 * 10 + $2)); }
sid() { echo $(($1 * 100 + $2 * 10 + $3)); }

# pw_pair VARIANT I A B: the tunnel and sessions pw<V>a, pw<V>b of one
# variant on both sides (NS<A> is side 1, NS<B> side 2), devices up.
pw_pair() {
	local v=$1 i=$2 side n peer
	for side in 1 2; do
		n=$3 peer=2
		[ "$side" = 2 ] && n=$4 peer=1
		ipb "$n" <<-EOF || return 1
			l2tp add tunnel tunnel_id $(tid "$i" "$side") peer_tunnel_id $(tid "$i" "$peer") $(tunnel_args "$v" "$side")
			l2tp add session name pw${v}a tunnel_id $(tid "$i" "$side") session_id $(sid "$i" "$side" 0) peer_session_id $(sid "$i" "$peer" 0)
			l2tp add session name pw${v}b tunnel_id $(tid "$i" "$side") session_id $(sid "$i" "$side" 1) peer_session_id $(sid "$i" "$peer" 1)
			addr add 192.168.$((61 + i * 2)).$side/24 dev pw${v}a
			addr add 192.168.$((62 + i * 2)).$side/24 dev pw${v}b
			link set pw${v}a up
			link set pw${v}b up
		EOF
	done
}

# flood N DST [PPS]: a UDP flood (by default 1000 packets a second) from
# NS<N> to DST in the background.
FLOODS=()
flood() {
	spawn "$1" flood "$2" 9 "${3:-1000}" >/dev/null 2>&1
	FLOODS+=("$BG")
}

flood_stop() {
	local p
	for p in "${FLOODS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in "${FLOODS[@]}"; do
		wait "$p" 2>/dev/null
	done
	FLOODS=()
}
on_exit flood_stop

# ------------------------------------------------------------- baseline

for m in $MODS; do
	case $m in
	l2tp_ip|l2tp_ip6) mode_module "$m" ;;
	*) modprobe "$m" 2>/dev/null ;;
	esac
done
REF_BASE=$(refcnts)
echo "# variants: ${VARIANTS[*]}; module refcounts: $REF_BASE"

ns_create 1 2
underlay 1 2 || { ktap_fail "underlay between NS1 and NS2"; ktap_finish; }

# ------------------------------------- a. deletes while traffic flows

# Odd variants: delete NS1's sessions (the tx end of flow a, the rx end
# of flow b), then the tunnels; even ones: delete NS2's tunnel first,
# both its sessions busy, then NS1's.
i=0
for v in "${VARIANTS[@]}"; do
	i=$((i + 1))
	phase "a. $v"
	if ! pw_pair "$v" "$i" 1 2; then
		ktap_fail "$v: set up the pseudowires"
		continue
	fi
	flood 1 "192.168.$((61 + i * 2)).2"
	flood 2 "192.168.$((62 + i * 2)).1"
	t1=$(tid "$i" 1) t2=$(tid "$i" 2)
	if ! rx_grows 2 "$t2" "$(sid "$i" 2 0)" ||
	   ! rx_grows 1 "$t1" "$(sid "$i" 1 1)"; then
		ktap_fail "$v: floods cross both pseudowires"
		flood_stop
		continue
	fi
	if [ $((i % 2)) = 1 ]; then
		ipb 1 <<-EOF
			l2tp del session tunnel_id $t1 session_id $(sid "$i" 1 0)
			l2tp del session tunnel_id $t1 session_id $(sid "$i" 1 1)
		EOF
		ktap_check "$v: delete both sessions of NS1 under traffic" test $? = 0
		ktap_check "$v: ... their devices go, GET says ENODEV" \
			wait_for 10 eval "no_l2tpeth 1 && gone 1 session $t1 $(sid "$i" 1 0) &&
				gone 1 session $t1 $(sid "$i" 1 1)"
		ktap_check "$v: ... NS1's tunnel stays" get 1 tunnel "$t1"
		ip -n "$(ns_name 1)" l2tp del tunnel tunnel_id "$t1" &&
		ip -n "$(ns_name 2)" l2tp del tunnel tunnel_id "$t2"
		ktap_check "$v: then delete both tunnels under traffic" test $? = 0
	else
		ip -n "$(ns_name 2)" l2tp del tunnel tunnel_id "$t2" &&
		ip -n "$(ns_name 1)" l2tp del tunnel tunnel_id "$t1"
		ktap_check "$v: delete busy tunnels with their sessions" test $? = 0
	fi
	ktap_check "$v: no tunnel, session or device remains" \
		wait_for 10 eval "no_l2tpeth 1 && no_l2tpeth 2 &&
			gone 1 tunnel $t1 && gone 2 tunnel $t2 &&
			gone 2 session $t2 $(sid "$i" 2 0)"
	flood_stop
done
ktap_check "a: no tunnel left in a netlink dump of either side" \
	wait_for 10 eval '[ "$(nl_tunnels 1)$(nl_tunnels 2)" = 00 ]'

# ---------------------------------------- b. netns teardown under load

veth_gone() {
	! ip -n "$(ns_name "$1")" link show dev "$2" >/dev/null 2>&1
}

# kill_ns N: kill every process of NS<N> (the namespace cannot die
# before they are gone) and delete it.
kill_ns() {
	local p
	for p in $(ip netns pids "$(ns_name "$1")"); do
		kill -KILL "$p"
		wait "$p" 2>/dev/null
	done
	ns_delete "$1"
}

# Both namespaces of a round flood each other through every variant and
# NS<a> holds a managed tunnel too. Round 1 deletes NS<a> while NS<b>
# keeps flooding it, round 2 deletes both at once, round 3 deletes NS<b>
# while NS<a> floods it.
for r in 1 2 3; do
	phase "b. round $r"
	a=$((10 + r * 2)) b=$((11 + r * 2))
	if ! ns_create "$a" "$b" || ! underlay "$a" "$b"; then
		ktap_fail "netns round $r: set up"
		continue
	fi
	i=0 ok=1
	for v in "${VARIANTS[@]}"; do
		i=$((i + 1))
		pw_pair "$v" "$i" "$a" "$b" || ok=0
		flood "$b" "192.168.$((61 + i * 2)).1" 300
		flood "$a" "192.168.$((62 + i * 2)).2" 300
	done
	spawn "$a" hold -f 4 -e udp -l 10.60.0.1 -r 10.60.0.2 -p 1790 \
		-P 1791 -t 900 -T 901 -s 900 -S 901 -n 2 -i pwm \
		>"/tmp/lt-hold-$$" 2>&1
	wait_for 20 grep -q ready "/tmp/lt-hold-$$" || ok=0
	rx_grows "$a" "$(tid 1 1)" "$(sid 1 1 0)" || ok=0
	rx_grows "$b" "$(tid 1 2)" "$(sid 1 2 1)" || ok=0
	ktap_check "netns round $r: tunnels, sessions, floods and a managed tunnel" \
		test "$ok" = 1

	case $r in
	1) victim=$a survivor=$b want=${#VARIANTS[@]} dev=veth2 ;;
	3) victim=$b survivor=$a want=$((${#VARIANTS[@]} + 1)) dev=veth1 ;;
	*) victim=$a survivor= ;;
	esac
	kill_ns "$victim"
	if [ -n "$survivor" ]; then
		ktap_check "netns round $r: NS$victim is dismantled while NS$survivor floods it" \
			wait_for 60 veth_gone "$survivor" "$dev"
		ktap_check "netns round $r: NS$survivor's tunnels outlive the peer" \
			test "$(nl_tunnels "$survivor")" = "$want"
		kill_ns "$survivor"
	else
		kill_ns "$b"
	fi
	FLOODS=()
done
rm -f "/tmp/lt-hold-$$"
ktap_check "b: module refcounts return to the baseline after netns exits" \
	wait_for 60 refcnts_at_baseline
echo "# module refcounts now: $(refcnts)"
ktap_check "b: no l2tpeth device landed in the initial namespace" \
	no_l2tpeth host
ktap_check "b: debugfs lists no tunnel in the initial namespace" \
	test "$(dfs_tunnels host)" = 0
ktap_check "b: debugfs lists no tunnel in the surviving namespaces" \
	test "$(dfs_tunnels 1)$(dfs_tunnels 2)" = 00

# ------------------------------------------ c. managed socket closed

i=0
for v in "${VARIANTS[@]}"; do
	i=$((i + 1))
	phase "c. $v"
	lp=$((1750 + i * 2)) rp=$((1751 + i * 2))
	case $v in
	udp4) args=(-f 4 -e udp -l 10.60.0.1 -r 10.60.0.2) ;;
	udp6) args=(-f 6 -e udp -l fd60::1 -r fd60::2) ;;
	ip4) args=(-f 4 -e ip -l 10.60.0.1 -r 10.60.0.2) ;;
	ip6) args=(-f 6 -e ip -l fd60::1 -r fd60::2) ;;
	esac
	t=$((500 + i)) pt=$((600 + i)) s=$((5000 + i * 10)) ps=$((6000 + i * 10))
	out=/tmp/lt-hold-$$-$v
	spawn 1 hold "${args[@]}" -p "$lp" -P "$rp" -t "$t" -T "$pt" -s "$s" \
		-S "$ps" -n 3 -i mc >"$out" 2>&1
	holder=$BG
	if ! wait_for 20 grep -q ready "$out"; then
		sed 's/^/# /' "$out"
		ktap_fail "$v: managed tunnel with 3 sessions on a helper's socket"
		kill -KILL "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
		continue
	fi
	ktap_check "$v: managed tunnel with 3 sessions on a helper's socket" \
		eval "get 1 tunnel $t && get 1 session $t $((s + 2)) &&
		      [ \"\$(l2tpeth_devs 1 | sort | tr '\n' ' ')\" = 'mc mc1 mc2 ' ]"
	# The peer, unmanaged in NS2, floods the managed socket meanwhile.
	ipb 2 <<-EOF &&
		l2tp add tunnel tunnel_id $pt peer_tunnel_id $t $(tunnel_args "$v" 2 "$rp" "$lp")
		l2tp add session name mcp tunnel_id $pt session_id $ps peer_session_id $s
		addr add 192.168.90.2/24 dev mcp
		link set mcp up
	EOF
	ipb 1 <<-EOF &&
		addr add 192.168.90.1/24 dev mc
		link set mc up
	EOF
	flood 2 192.168.90.1 && rx_grows 1 "$t" "$s"
	ktap_check "$v: the peer floods the managed tunnel's session" test $? = 0

	kill -KILL "$holder"
	wait "$holder" 2>/dev/null
	ktap_check "$v: owner killed: tunnel and sessions answer ENODEV" \
		wait_for 10 eval "gone 1 tunnel $t && gone 1 session $t $s &&
			gone 1 session $t $((s + 1)) && gone 1 session $t $((s + 2))"
	ktap_check "$v: ... and the session devices are gone" \
		wait_for 10 no_l2tpeth 1
	flood_stop
	ip -n "$(ns_name 2)" l2tp del tunnel tunnel_id "$pt"
	rm -f "$out"
done
ktap_check "c: no tunnel left on either side" \
	wait_for 10 eval '[ "$(nl_tunnels 1)$(nl_tunnels 2)" = 00 ]'

# ------------------------------------------ d. create/delete cycles

phase "d. create/delete cycles"
# Bytes in use in the kmalloc caches, the socket caches and our session
# cache, after every CPU's slabs were flushed back (so objects cached per
# CPU do not count as used).
slab_used() {
	local c
	for c in /sys/kernel/slab/kmalloc-* /sys/kernel/slab/UDP* \
		/sys/kernel/slab/L2TP* /sys/kernel/slab/l2tp_session; do
		[ -w "$c/shrink" ] && echo 1 >"$c/shrink"
	done 2>/dev/null
	awk 'NR > 2 && $1 ~ /^(kmalloc-[0-9]|kmalloc-cg-|UDP|L2TP|l2tp_session)/ {
		b += $2 * $4 } END { print b + 0 }' /proc/slabinfo
}

# slab_settled: slab_used, once two reads a second apart agree within
# 32 kB (frees are deferred to RCU and work items).
slab_settled() {
	local prev now i
	now=$(slab_used)
	for i in 1 2 3 4 5 6 7 8 9 10; do
		prev=$now
		sleep 1
		now=$(slab_used)
		[ $((now - prev)) -lt 32768 ] && [ $((prev - now)) -lt 32768 ] &&
			break
	done
	echo "$now"
}

# cycles DESC COUNT ARGS...: one l2tp_churn cycles run in NS1.
cycles() {
	local desc=$1 count=$2 out rc t0=$SECONDS
	shift 2
	out=$(churn 1 cycles "$count" "$@" 2>&1)
	rc=$?
	echo "$out" | tail -n 5 | sed 's/^/# /'
	echo "# ($((SECONDS - t0)) s)"
	ktap_check "d: $desc: $count cycles, every request succeeds" test "$rc" = 0
}

u4=(-f 4 -l 10.60.0.1 -r 10.60.0.2)
u6=(-f 6 -l fd60::1 -r fd60::2)
# Warm up the caches the loops use, then take the baseline.
churn 1 cycles 50 -e udp "${u4[@]}" -n 1 -t 90000 -s 90000 >/dev/null
churn 1 cycles 50 -e udp "${u6[@]}" -n 1 -m -D close -t 91000 -s 91000 \
	>/dev/null
wait_for 20 eval '[ "$(nl_tunnels 1)" = 0 ] && no_l2tpeth 1'
slab_base=$(slab_settled)
echo "# kmalloc slab in use before: $slab_base bytes"

total=0
cycles "UDP/IPv4 tunnel only, TUNNEL_DELETE" "$CYCLES_TUNNEL" -e udp "${u4[@]}" \
	-n 0 -t 100000
total=$((total + CYCLES_TUNNEL))
cycles "managed UDP/IPv6 tunnel only, socket close" "$CYCLES_TUNNEL" -e udp \
	"${u6[@]}" -n 0 -m -D close -t 110000
total=$((total + CYCLES_TUNNEL))
cycles "UDP/IPv4 tunnel + Ethernet session, TUNNEL_DELETE" "$CYCLES_ETH" \
	-e udp "${u4[@]}" -n 1 -t 120000 -s 120000
total=$((total + CYCLES_ETH))
cycles "managed UDP/IPv6 tunnel + Ethernet session, socket close" \
	"$CYCLES_ETH" -e udp "${u6[@]}" -n 1 -m -D close -t 130000 -s 130000
total=$((total + CYCLES_ETH))
if [[ " ${VARIANTS[*]} " = *" ip4 "* ]]; then
	cycles "IP/IPv4 tunnel + Ethernet session, SESSION_DELETE first" \
		"$CYCLES_ETH" -e ip "${u4[@]}" -n 1 -D session -t 140000 -s 140000
	total=$((total + CYCLES_ETH))
fi
if [[ " ${VARIANTS[*]} " = *" ip6 "* ]]; then
	cycles "managed IP/IPv6 tunnel + Ethernet session, socket close" \
		"$CYCLES_ETH" -e ip "${u6[@]}" -n 1 -m -D close -t 150000 -s 150000
	total=$((total + CYCLES_ETH))
fi

ktap_check "d: every tunnel is gone after the loops" \
	wait_for 60 eval '[ "$(nl_tunnels 1)" = 0 ] && no_l2tpeth 1'
ktap_check "d: module refcounts are back to the baseline exactly" \
	wait_for 30 refcnts_at_baseline
echo "# module refcounts now: $(refcnts)"

# A leaked tunnel or session costs at least a few hundred bytes, a leaked
# device several kB: allow 48 bytes per cycle, plus 192 kB for slabs
# that other activity filled meanwhile.
slab_limit=$((slab_base + total * 48 + 196608))
slab_now=$(slab_settled)
# On a loaded host the last devices' frees (RCU callbacks, the deletion
# works waiting for their references) may stall long enough to look
# settled: a leak stays above the limit, a late free comes down.
for _ in $(seq 30); do
	[ "$slab_now" -le "$slab_limit" ] && break
	sleep 1
	slab_now=$(slab_used)
done
ktap_check "d: kmalloc slab after $total cycles: $(( (slab_now - slab_base) / 1024 )) kB more (limit $(( (slab_limit - slab_base) / 1024 )) kB)" \
	test "$slab_now" -le "$slab_limit"

# ----------------------------------------------- e. concurrent deletes

phase "e. concurrent deletes"
race() {
	local desc=$1 out rc t0=$SECONDS
	shift
	out=$(churn 1 race "$RACE_ROUNDS" "$@" 2>&1)
	rc=$?
	echo "$out" | tail -n 8 | sed 's/^/# /'
	echo "# ($((SECONDS - t0)) s)"
	ktap_check "e: $desc: $RACE_ROUNDS rounds, ENODEV or success, nothing left" \
		test "$rc" = 0
}

race "UDP/IPv4 managed: TUNNEL_DELETE vs 4 SESSION_DELETEs vs close" \
	-e udp "${u4[@]}" -m -n 4 -p 30000 -t 200000 -s 200000
race "UDP/IPv6 unmanaged: TUNNEL_DELETE vs 4 SESSION_DELETEs" \
	-e udp "${u6[@]}" -n 4 -t 210000 -s 210000
if [[ " ${VARIANTS[*]} " = *" ip4 "* ]]; then
	race "IP/IPv4 managed: TUNNEL_DELETE vs 4 SESSION_DELETEs vs close" \
		-e ip "${u4[@]}" -m -n 4 -t 220000 -s 220000
fi
race "UDP/IPv4 managed, tunnel only: TUNNEL_DELETE vs close" \
	-e udp "${u4[@]}" -m -n 0 -p 31000 -t 230000

ktap_check "e: every tunnel and device is gone" \
	wait_for 60 eval '[ "$(nl_tunnels 1)" = 0 ] && no_l2tpeth 1'
ktap_check "e: module refcounts are back to the baseline exactly" \
	wait_for 30 refcnts_at_baseline
phase "end"

ktap_finish
