#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make bench`: our modules against the stock ones in
# one boot, alternately (ours stock ours stock ...), each mode set up and
# torn down with run_tests.sh's own functions (sourced, not copied).
#
#   bench.sh [OUTDIR]       default OUTDIR: $VM_OUT, else /tmp/l2tp-bench
#
# Every measure is one line "MODE ROUND METRIC VALUE" in OUTDIR/raw.txt;
# report.py turns that into the table, the JSON and the plots (on the
# host).  Metric names end in @N for a count of objects.  A progress line
# goes to the console.  Nothing here asserts a time.
#
# Environment: QUICK=1 (a smoke run of a few minutes), FULL=1 (adds
# 100k objects), ROUNDS, DUR (seconds per iperf3 run), and the lists
# DP_KINDS, DP_TESTS, CTL_NS, ETH_NS, ETH_BIG, SCALE_NS (see below).
# PROFILE=1: instead of the measures, one `perf record` (cpu-clock, call
# graphs, the whole guest) per control-plane workload and mode, reported
# in OUTDIR/profile-MODE-WORKLOAD.txt: where the time of a ratio goes.

set -uo pipefail

BENCH_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=../run_tests.sh
. "$BENCH_DIR/../run_tests.sh"
set +e

NLB=$BENCH_DIR/l2tp_bench_nl
OUT=${1:-${VM_OUT:-/tmp/l2tp-bench}}
RAW=$OUT/raw.txt

# One round of profiles is enough: they show where time goes, not how much.
[ "${PROFILE:-0}" = 1 ] && : "${ROUNDS:=1}"
# The lists take their defaults only when unset: an empty one given
# (`make bench DP_KINDS= CTL_NS= ETH_NS= ETH_BIG=10000`) skips that part.
if [ "${QUICK:-0}" = 1 ]; then
	: "${ROUNDS:=1}" "${DUR:=1}" "${CTL_NS=1000}" "${ETH_NS=50}"
	: "${ETH_BIG=}" "${SCALE_NS=1000}"
	: "${DP_KINDS=bare udp4 udp6 ip4}" "${DP_TESTS=tcp udp64}"
else
	# Stock unregisters netdevs one at a time: Ethernet sessions stay
	# few, and ETH_BIG (round 1 only) is for the longer runs.
	: "${ROUNDS:=3}" "${DUR:=2}" "${CTL_NS=1000 10000}" "${ETH_NS=1000}"
	: "${ETH_BIG=}" "${SCALE_NS=1000 10000}"
	if [ "${FULL:-0}" = 1 ]; then
		CTL_NS+="${CTL_NS:+ 100000}" SCALE_NS+="${SCALE_NS:+ 100000}"
		: "${ETH_BIG:=10000}"
	fi
fi
: "${DP_KINDS=bare udp4 udp6 ip4 udp4-seq udp4-cookie}"
: "${DP_TESTS=tcp udp64 udp1400}"
MODES="ours stock"
T0=$SECONDS

# progress WHAT: the one-line status on the console.
CUR=
progress() {
	printf '[bench %4ds] round %s/%s %-5s %s\n' $((SECONDS - T0)) \
		"$ROUND" "$ROUNDS" "$CUR" "$*"
}

# record METRIC VALUE
record() {
	if [ -z "$2" ] || [ "$2" = null ]; then
		echo "# no value for $1"
		return
	fi
	echo "$CUR $ROUND $1 $2" >>"$RAW"
}

n1() { ip netns exec bn1 "$@"; }
n2() { ip netns exec bn2 "$@"; }

# ------------------------------------------------------------ datapath

dp_teardown() {
	local pid
	for pid in $(ip netns pids bn1 2>/dev/null) $(ip netns pids bn2 2>/dev/null); do
		kill -KILL "$pid" 2>/dev/null
	done
	ip -n bn1 l2tp del tunnel tunnel_id 1 2>/dev/null
	ip -n bn2 l2tp del tunnel tunnel_id 1 2>/dev/null
	ip netns del bn1 2>/dev/null
	ip netns del bn2 2>/dev/null
	return 0
}

# dp_setup KIND: veth between bn1 and bn2, and for every KIND but bare
# an l2tpeth over it; DST is where the traffic goes.
dp_setup() {
	local kind=$1 i t encap=udp la ra opts=() tun=()
	ip netns add bn1 && ip netns add bn2 || return 1
	ip link add v1 netns bn1 mtu 1600 type veth peer name v2 netns bn2 mtu 1600
	for i in 1 2; do
		ip -n "bn$i" link set lo up
		ip -n "bn$i" link set "v$i" up
		ip -n "bn$i" addr add "10.9.0.$i/24" dev "v$i"
		ip -n "bn$i" addr add "fd09::$i/64" dev "v$i" nodad
	done
	DST=10.9.0.2
	[ "$kind" = bare ] && return 0
	case $kind in
	udp4*) la=10.9.0.1 ra=10.9.0.2 ;;
	udp6) la=fd09::1 ra=fd09::2 ;;
	ip4) la=10.9.0.1 ra=10.9.0.2 encap=ip ;;
	esac
	case $kind in
	*-seq) opts=(seq both) ;;
	*-cookie) opts=(cookie 0102030405060708 peer_cookie 0102030405060708) ;;
	esac
	for i in 1 2; do
		tun=(encap "$encap")
		[ "$encap" = udp ] && tun+=(udp_sport 1701 udp_dport 1701)
		ip -n "bn$i" l2tp add tunnel tunnel_id 1 peer_tunnel_id 1 "${tun[@]}" \
			local "$la" remote "$ra" || return 1
		ip -n "bn$i" l2tp add session name lb tunnel_id 1 session_id 1 \
			peer_session_id 1 "${opts[@]}" || return 1
		ip -n "bn$i" link set lb mtu 1500 up
		ip -n "bn$i" addr add "10.10.0.$i/24" dev lb
		# The other side swaps the addresses.
		t=$la la=$ra ra=$t
	done
	DST=10.10.0.2
	for i in $(seq 20); do
		n1 ping -c 1 -W 1 -q "$DST" >/dev/null 2>&1 && return 0
	done
	echo "# $kind: no connectivity to $DST"
	return 1
}

# iperf KIND TEST: one run; prints Mbit/s (tcp) or received pps (udpN).
iperf() {
	local test=$2 json len
	n2 iperf3 -s -D -1 -I /tmp/bench-iperf.pid >/dev/null 2>&1
	for _ in $(seq 20); do
		[ -s /tmp/bench-iperf.pid ] && break
		sleep 0.1
	done
	case $test in
	tcp)
		json=$(n1 timeout $((DUR + 30)) iperf3 -c "$DST" -t "$DUR" -P 4 -J 2>/dev/null)
		jq -r '.end.sum_received.bits_per_second / 1e6' <<<"$json" 2>/dev/null ;;
	udp*)
		len=${test#udp}
		json=$(n1 timeout $((DUR + 30)) iperf3 -c "$DST" -u -b 0 -l "$len" -t "$DUR" -J 2>/dev/null)
		jq -r ".end.sum_received.bytes / $len / .end.sum_received.seconds" \
			<<<"$json" 2>/dev/null ;;
	esac
	kill "$(cat /tmp/bench-iperf.pid 2>/dev/null)" 2>/dev/null
	rm -f /tmp/bench-iperf.pid
}

bench_datapath() {
	local kind test v n have
	for kind in $DP_KINDS; do
		progress "datapath $kind"
		dp_teardown
		if ! dp_setup "$kind"; then
			dp_teardown
			continue
		fi
		for test in $DP_TESTS; do
			v=$(iperf "$kind" "$test")
			case $test in
			tcp) record "dp_${kind}_tcp_mbps" "$v" ;;
			*) record "dp_${kind}_${test}_pps" "$v" ;;
			esac
		done
		# Lookup cost: the same flow with N other sessions present
		# in the receiver's tunnel (pseudowires without netdevs).
		if [ "$kind" = udp4 ] && [ -n "$SCALE_NS" ]; then
			record "dp_scale_udp64_pps@1" "$(iperf "$kind" udp64)"
			have=0
			for n in $SCALE_NS; do
				progress "datapath $kind with $n sessions"
				n2 timeout 900 "$NLB" fill 1 $((n - have)) $((1000 + have)) >/dev/null ||
					break
				have=$n
				record "dp_scale_udp64_pps@$n" "$(iperf "$kind" udp64)"
			done
		fi
		dp_teardown
	done
}

# -------------------------------------------------------- control plane

# ctl TAG N COMMAND [ARG]: run `l2tp_bench_nl COMMAND N ARG` in a fresh
# netns, record its lines as TAG_METRIC@N.
ctl() {
	local tag=$1 n=$2 metric value
	shift 2
	ip netns add bc && ip -n bc link set lo up || return
	while read -r metric value; do
		record "${tag}_${metric}@$n" "$value"
	done < <(ip netns exec bc timeout 1800 "$NLB" "$1" "$n" "${@:2}")
	ip netns del bc
	# The netns goes in a work item; wait for its tunnels to go too.
	for _ in $(seq 100); do
		[ -z "$(ip -j l2tp show tunnel 2>/dev/null | tr -d '[] \n')" ] && break
		sleep 0.1
	done
}

bench_control() {
	local n
	for n in $CTL_NS; do
		progress "control: $n tunnels"
		ctl tun "$n" tunnels
		progress "control: $n ppp sessions"
		ctl ppp "$n" sessions ppp
	done
	for n in $ETH_NS; do
		progress "control: $n eth sessions"
		ctl eth "$n" sessions eth
	done
	if [ -n "$ETH_BIG" ] && [ "$ROUND" = 1 ]; then
		progress "control: $ETH_BIG eth sessions (round 1 only)"
		ctl eth "$ETH_BIG" sessions eth
	fi
}

# ------------------------------------------------------------- profile

# profile_one TAG SETUP COMMAND...: in a fresh netns, the shell line
# SETUP (not profiled; may be empty), then perf over COMMAND; the report
# (inclusive time by symbol, self time by symbol, then the callers of
# the top ones) is written here, where the modules' symbols are still
# loaded.
profile_one() {
	local tag=$1 setup=$2 data=/tmp/perf-$CUR-$1.data rep=$OUT/profile-$CUR-$1.txt
	local t0 t1
	shift 2
	ip netns add bc && ip -n bc link set lo up || return
	progress "profile: $tag"
	[ -z "$setup" ] || ip netns exec bc sh -c "$setup" >/dev/null 2>&1
	t0=$(date +%s%N)
	perf record -q -a -g -F 999 -e cpu-clock -o "$data" -- \
		ip netns exec bc "$@" >"$OUT/profile-$CUR-$tag.out" 2>&1
	t1=$(date +%s%N)
	ip netns del bc
	{
		echo "# perf record -a -g -e cpu-clock: $CUR, $*"
		[ -z "$setup" ] || echo "# after (not profiled): $setup"
		echo "# $(((t1 - t0) / 1000000)) ms under perf"
		sed 's/^/# /' "$OUT/profile-$CUR-$tag.out"
		echo "# inclusive (children) time by symbol"
		perf report -i "$data" --stdio --children --sort sym \
			--percent-limit 2 -g none 2>/dev/null | grep -v '^$' | grep -v '^#'
		echo "# self time by symbol"
		perf report -i "$data" --stdio --no-children --sort sym \
			--percent-limit 0.7 -g none 2>/dev/null | grep -v '^$'
		echo
		echo "# call chains of the top entries"
		perf report -i "$data" --stdio --no-children --sort sym \
			--percent-limit 3 -g caller,0.5,callee,function,percent \
			--max-stack 14 2>/dev/null | grep -v '^$' | head -n 400
	} >"$rep"
	rm -f "$data"
}

bench_profile() {
	echo 0 >/proc/sys/kernel/kptr_restrict
	echo -1 >/proc/sys/kernel/perf_event_paranoid
	local tun="ip l2tp add tunnel tunnel_id 1000 peer_tunnel_id 1000 encap udp local 127.0.0.1 remote 127.0.0.1 udp_sport 5000 udp_dport 5000"
	local gone='while [ -n "$(ip -o link show type l2tpeth | head -n 1)" ]; do sleep 0.05; done'

	profile_one ppp10000 "" "$NLB" sessions 10000 ppp
	profile_one tun10000 "" "$NLB" tunnels 10000
	profile_one eth1000 "" "$NLB" sessions 1000 eth
	# The phases the targets are about, alone.
	profile_one ppp-create10000 "$tun" "$NLB" fill 1000 10000 1
	profile_one eth-tunnel-delete3000 "$tun && $NLB fill 1000 3000 1 eth" \
		sh -c "ip l2tp del tunnel tunnel_id 1000; $gone"
}

# --------------------------------------------------------------- main

# A function, so that bash has read all of it before it starts: the
# script lives in the host's tree, which may change under a long run.
main() {
	local left why splats

	mkdir -p "$OUT"
	: >"$RAW"
	{
		echo "kernel $(uname -r)"
		echo "cpus $(nproc)"
		echo "quick ${QUICK:-0} full ${FULL:-0} rounds $ROUNDS dur $DUR"
		echo "dp_kinds $DP_KINDS"
		echo "dp_tests $DP_TESTS"
		echo "slub_debug $(cat /sys/kernel/slab/kmalloc-64/sanity_checks 2>/dev/null)"
		echo "cmdline $(cat /proc/cmdline)"
	} >"$OUT/env.txt"
	echo "# l2tp bench on $(uname -r): $ROUNDS round(s) of [$MODES], iperf3 ${DUR}s," \
		"control N=[$CTL_NS] eth N=[$ETH_NS${ETH_BIG:+ +$ETH_BIG once}]," \
		"sessions present N=[$SCALE_NS]"
	modules_unload >/dev/null
	for ROUND in $(seq "$ROUNDS"); do
		for CUR in $MODES; do
			left=$(modules_unload)
			[ -z "$left" ] || echo "# $CUR: still loaded: $left"
			if ! why=$("mode_$CUR" 2>&1); then
				echo "# cannot set up mode $CUR: $why"
				continue
			fi
			modprobe -a l2tp_core l2tp_netlink l2tp_eth l2tp_ip l2tp_ip6 l2tp_ppp
			echo "l2tp-bench: round $ROUND $CUR" >/dev/kmsg
			if [ "${PROFILE:-0}" = 1 ]; then
				bench_profile
				continue
			fi
			progress "calibration"
			record calib_ms "$("$NLB" calib | awk '{ print $2 }')"
			bench_datapath
			bench_control
			dp_teardown
		done
	done
	ROUND=$ROUNDS CUR=all progress "finished"
	left=$(modules_unload)
	[ -z "$left" ] || echo "# still loaded at the end: $left"
	splats=$(dmesg | splat_scan | head -n 20)
	if [ -n "$splats" ]; then
		echo "# kernel splats during the bench:"
		# shellcheck disable=SC2001
		sed 's/^/# /' <<<"$splats"
	fi
	printf '%s\n' "$splats" >"$OUT/splats.txt"
	echo "# raw results: $RAW ($(wc -l <"$RAW") values)"
}

main "$@"; exit
