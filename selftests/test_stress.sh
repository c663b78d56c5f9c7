#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Race stress: for STRESS_DURATION seconds (60 by default; `make stress`
# runs 600), selftests/l2tp_stress runs some twenty threads against the
# l2tp modules at once: tunnels (UDP and IP, IPv4 and IPv6, L2TPv2 and
# v3, managed and unmanaged) and sessions (Ethernet and PPP) created and
# deleted over netlink with colliding ids; managed tunnel sockets and
# PPPoL2TP sockets closed in any order against the deletes; tunnel and
# session dumps; debugfs and /proc/net/pppol2tp readers; PPPoL2TP ioctls
# and socket options on live and dying sockets; traffic on every session
# (PPP frames, UDP through l2tpeth devices between NS1 and NS2, raw L2TP
# packets at the tunnels); and network namespaces built with tunnels,
# sessions and traffic, then destroyed while B floods them.
#
#  +------------ NS1 (A) -------------+        +------------ NS2 (B) -------------+
#  | tunnels 1..40, sessions 1..8     |        | mirrors 1001..1040, 501..508     |
#  | la<T>.<S> 10.<100+T>.<S>.1/24    | =L2TP= | lb<T>.<S> 10.<100+T>.<S>.2/24    |
#  | veth1 10.70.0.1 fd70::1 --------------------- veth2 10.70.0.2 fd70::2        |
#  +----------------------------------+        +-- vb<R>: veth to round R's netns-+
#
# The program checks every errno against what the races allow, that each
# family of operations succeeded at least once, and that once it stopped
# and deleted everything no tunnel, session, l2tpeth device, debugfs or
# /proc entry is left; a watchdog fails it if a call hangs for 60 s. Here
# we check its exit status, devices in the initial namespace and module
# reference counts; run_tests.sh adds splats, unloading and the pairing
# of the lifetime tracepoints. STRESS_SEED replays a run's seed (printed
# as "# seed N"); STRESS_WATCHDOG sets the watchdog's limit (60 s) and
# STRESS_HANG=S makes a thread block for good after S seconds, to see the
# watchdog fail the run. Nothing is beyond upstream: both modes pass.

. "$(dirname "$0")/lib.sh"

require_cmd ip

PROG=$(dirname "$0")/l2tp_stress
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_stress is built" "run make -C selftests first"
	ktap_finish
fi
PROG=$(readlink -f "$PROG")

DURATION=${STRESS_DURATION:-60}
SEED=${STRESS_SEED:-}
# Setup, the final teardown and the checks take well under this on TCG.
SLACK=${STRESS_SLACK:-300}

MODS="l2tp_core l2tp_netlink l2tp_eth l2tp_ppp l2tp_ip l2tp_ip6 l2tp_debugfs"

# ip_module NAME: load this mode's own l2tp_ip or l2tp_ip6 (ours sit in
# updates/, stock ones in kernel/; never mix them).
ip_module() {
	local path
	path=$(modinfo -n "$1" 2>/dev/null) || return 1
	case $L2TP_MODE in
	ours) [[ $path = */updates/* ]] || return 1 ;;
	*) [[ $path = */kernel/* ]] || return 1 ;;
	esac
	modprobe "$1"
}

refcnts() {
	local m
	for m in $MODS; do
		printf '%s=%s ' "$m" "$(cat "/sys/module/$m/refcnt" 2>/dev/null || echo -)"
	done
}

# shellcheck disable=SC2317 # called through wait_for
refcnts_at_baseline() {
	[ "$(refcnts)" = "$REF_BASE" ]
}

# l2tpeth_in N: the l2tpeth devices NS<N> has ("host": the initial one),
# by the DEVTYPE of their uevent (sysfs as that namespace sees it).
l2tpeth_in() {
	local cmd='grep -l "^DEVTYPE=l2tpeth$" /sys/class/net/*/uevent 2>/dev/null'
	if [ "$1" = host ]; then
		sh -c "$cmd"
	else
		ip netns exec "$(ns_name "$1")" sh -c "$cmd"
	fi | cut -d/ -f5 | tr '\n' ' '
}

for m in l2tp_core l2tp_netlink l2tp_eth l2tp_ppp l2tp_debugfs; do
	modprobe "$m" || { ktap_fail "modprobe $m"; ktap_finish; }
done
IPARGS=()
ip_module l2tp_ip && IPARGS+=(-i ip4)
ip_module l2tp_ip6 && IPARGS+=(-i ip6)
REF_BASE=$(refcnts)
echo "# module refcounts: $REF_BASE"

# NS1 and NS2 over a veth pair. Devices made after the addresses have no
# IPv6, so the l2tpeth devices stay quiet (no DAD, no router
# solicitations): what crosses them is the test's traffic.
ns_create 1 2
setup() {
	ip -n "$(ns_name 1)" link add veth1 type veth peer name veth2 \
		netns "$(ns_name 2)" || return 1
	ip -n "$(ns_name 1)" -batch - <<-EOF || return 1
		addr add 10.70.0.1/24 dev veth1
		addr add fd70::1/64 dev veth1 nodad
		link set veth1 up
	EOF
	ip -n "$(ns_name 2)" -batch - <<-EOF || return 1
		addr add 10.70.0.2/24 dev veth2
		addr add fd70::2/64 dev veth2 nodad
		link set veth2 up
	EOF
	n1 sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
	n2 sysctl -qw net.ipv6.conf.default.disable_ipv6=1
}
if ! setup; then
	ktap_fail "NS1 and NS2 over a veth pair"
	ktap_finish
fi

# Run the program; its result lines become ours (same numbering), the
# rest goes through. A hung program is killed after DURATION + SLACK
# seconds and, if the kernel holds it, left behind (run_tests.sh reports
# what it leaves).
args=(-A "$(ns_name 1)" -B "$(ns_name 2)" -d "$DURATION" "${IPARGS[@]}")
[ -n "$SEED" ] && args+=(-s "$SEED")
# The watchdog's limit, and its self-test: a thread that blocks for good
# after STRESS_HANG seconds must fail the run, not hang it.
[ -n "${STRESS_WATCHDOG:-}" ] && args+=(-w "$STRESS_WATCHDOG")
[ -n "${STRESS_HANG:-}" ] && args+=(-H "$STRESS_HANG")
echo "# l2tp_stress ${args[*]}"
exec {pfd}< <(exec "$PROG" "${args[@]}" 2>&1)
pid=$!
t0=$SECONDS
hung=
while :; do
	IFS= read -r -t 5 line <&"$pfd"
	st=$?
	if [ "$st" = 0 ]; then
		case $line in
		"ok "*" - "*) ktap_ok "${line#* - }" ;;
		"not ok "*" - "*) ktap_fail "${line#* - }" ;;
		*) printf '%s\n' "$line" ;;
		esac
		continue
	fi
	[ "$st" -gt 128 ] || break	# end of its output
	if [ $((SECONDS - t0)) -gt $((DURATION + SLACK)) ]; then
		hung=1
		kill -KILL "$pid" 2>/dev/null
		break
	fi
done
exec {pfd}<&-
rc=1
if [ -n "$hung" ]; then
	ktap_fail "l2tp_stress exits" "still running after $((SECONDS - t0)) s: killed"
else
	wait "$pid"
	rc=$?
	ktap_check "l2tp_stress exits with status 0 (it did with $rc, after $((SECONDS - t0)) s)" \
		test "$rc" = 0
fi

if [ "$rc" = 0 ]; then
	devs="$(l2tpeth_in 1)$(l2tpeth_in 2)"
	ktap_check "no l2tpeth device in NS1 or NS2${devs:+: $devs}" test -z "$devs"
else
	# It did not clean up: what it left goes with the namespaces, and
	# must go entirely (the checks below and run_tests.sh's).
	ns_delete 1
	ns_delete 2
fi
devs=$(l2tpeth_in host)
ktap_check "no l2tpeth device in the initial namespace${devs:+: $devs}" test -z "$devs"
ktap_check "module refcounts are back to the baseline" \
	wait_for 60 refcnts_at_baseline
echo "# module refcounts now: $(refcnts)"

# A trace buffer that overflowed loses lifetime events: say so.
for f in /sys/kernel/tracing/per_cpu/cpu*/stats; do
	[ -r "$f" ] || continue
	o=$(sed -n 's/^overrun: //p' "$f")
	[ "${o:-0}" = 0 ] || echo "# trace buffer ${f%/stats}: $o events overwritten"
done

ktap_finish
