#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink and socket fuzzer, l2tp_fuzz_nl, in a scratch namespace:
#
#  +------------------------------- NS1 --------------------------------+
#  | l2tp_fuzz_nl: 4 threads of random genl requests (every command,     |
#  | valid/boundary/invalid attributes, truncated messages, dumps left   |
#  | and resumed), PPPoL2TP, L2TPIP, UDP/TCP/UNIX sockets, /dev/ppp      |
#  | channels; all tunnels on lo (127.0.0.1, ::1), UDP ports 17000-17011 |
#  |   + its scratch netns (foreign sockets and a second genl socket)    |
#  |   + the churn thread's netns, made, filled and dropped in a loop    |
#  |   + readers of debugfs and /proc/net/pppol2tp, now and then         |
#  +---------------------------------------------------------------------+
#
# Then NS1 is deleted and nothing may be left: no tunnel or session in a
# dump of the initial namespace, no l2tpeth device, no debugfs entry,
# module reference counts back to their baseline, every traced tunnel
# and session freed (run_tests.sh checks that too, and that the modules
# unload, and that dmesg holds no splat).
#
# FUZZ_OPS (default 20000, the smoke size of `make check`), FUZZ_SEED
# (default: derived from the date), FUZZ_THREADS (4), FUZZ_CHURN (1: with
# the netns churn thread).  The line "# reproduce: ..." gives what runs
# the same streams again; a single stream replays alone with
#   l2tp_fuzz_nl --seed S --replay-thread K --ops J+1 -v
# (K and J from an "# anomaly", "# hang" or "# slow" line, or from the
# operation logs printed after a splat).
#
# The fuzzer's own checks (reported as anomalies): no kernel-internal
# errno reaches userspace, netlink answers are well-formed, no call
# returns more bytes than asked for, returned addresses and statistics
# have their padding zeroed.  They hold for both module sets.
#
# Stock mode: FUZZ_SKIP_STOCK lists fuzzer operations left out against
# the stock modules because they crash upstream 6.12.117 (none so far).

. "$(dirname "$0")/lib.sh"

require_cmd ip modprobe nsenter awk

PROG=$(dirname "$0")/l2tp_fuzz_nl
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_fuzz_nl is built" "run make -C selftests first"
	ktap_finish
fi
PROG=$(readlink -f "$PROG")
SCAN=$(readlink -f "$(dirname "$0")/run_tests.sh")

FUZZ_OPS=${FUZZ_OPS:-20000}
FUZZ_SEED=${FUZZ_SEED:-$(date -u +%Y%m%d)}
FUZZ_THREADS=${FUZZ_THREADS:-4}
FUZZ_CHURN=${FUZZ_CHURN:-1}
FUZZ_SKIP_STOCK=${FUZZ_SKIP_STOCK:-}
# make fuzz JOBS=N: this VM is shard VM_SHARD of VM_SHARDS, and fuzzes
# its share with a seed of its own.
if [ "${VM_SHARDS:-1}" -gt 1 ]; then
	FUZZ_SEED=$((FUZZ_SEED + VM_SHARD))
	FUZZ_OPS=$(((FUZZ_OPS + VM_SHARDS - 1) / VM_SHARDS))
fi

MODS="l2tp_eth l2tp_ppp l2tp_ip l2tp_ip6 l2tp_netlink l2tp_debugfs"
REFMODS="l2tp_core $MODS"
DFS=/sys/kernel/debug/l2tp/tunnels
TRACE=/sys/kernel/tracing/trace
LOGDIR=/tmp/l2tp-fuzz-nl.$$
STOP=$LOGDIR/stop-readers

args=(--seed "$FUZZ_SEED" --ops "$FUZZ_OPS" --threads "$FUZZ_THREADS")
[ "$FUZZ_CHURN" = 1 ] && args+=(--netns-churn)
if [ "$L2TP_MODE" = stock ] && [ -n "$FUZZ_SKIP_STOCK" ]; then
	args+=(--skip "$FUZZ_SKIP_STOCK")
fi
echo "# reproduce: FUZZ_SEED=$FUZZ_SEED FUZZ_OPS=$FUZZ_OPS FUZZ_THREADS=$FUZZ_THREADS FUZZ_CHURN=$FUZZ_CHURN (l2tp_fuzz_nl ${args[*]})"

# ------------------------------------------------------------- helpers

refcnts() {
	local m
	for m in $REFMODS; do
		printf '%s=%s ' "$m" "$(cat "/sys/module/$m/refcnt" 2>/dev/null || echo -)"
	done
}

refcnts_at_baseline() {
	[ "$(refcnts)" = "$REF_BASE" ]
}

# What a netlink dump of the initial namespace lists.
init_l2tp_objects() {
	{ ip l2tp show tunnel; ip l2tp show session; } 2>/dev/null
}

init_l2tp_empty() {
	[ -z "$(init_l2tp_objects)" ]
}

init_l2tpeth() {
	grep -l '^DEVTYPE=l2tpeth$' /sys/class/net/*/uevent 2>/dev/null |
		awk -F/ '{ print $5 }'
}

init_dfs_empty() {
	[ ! -r "$DFS" ] || ! grep -q '^TUNNEL [0-9]' "$DFS"
}

# Tunnels and sessions the tracepoints saw registered and not freed, by
# name ("-" if the l2tp events are off).  A free with no registration
# before it is a create that failed half-way.
trace_live() {
	if [ ! -r "$TRACE" ] || ! grep -q 'register_tunnel\|register_session' "$TRACE"; then
		echo -
		return
	fi
	sed -nE 's/.* (register|free)_(tunnel|session): ([^:]*).*/\1 \2 \3/p' "$TRACE" |
	awk '{ key = $2 " " $3 }
	     $1 == "register" { n[key]++ }
	     $1 == "free" && n[key] > 0 { n[key]-- }
	     END { t = 0; for (k in n) t += n[k]; print t }'
}

trace_all_freed() {
	local live
	live=$(trace_live)
	[ "$live" = - ] || [ "$live" = 0 ]
}

# print_ops_before TS: each thread's last operations begun by time TS
# (seconds since boot, as dmesg prints it).
print_ops_before() {
	local f
	for f in "$LOGDIR"/*.log; do
		[ -e "$f" ] || continue
		echo "# ---- ${f##*/}: operations begun before ${1} s"
		cat "$f.old" "$f" 2>/dev/null |
			awk -v ts="$1" '{ t = substr($1, 2) + 0 } t <= ts' |
			tail -n 12 | sed 's/^/#   /'
	done
}

# ----------------------------------------------------------------- setup

for m in $MODS; do
	if ! modprobe "$m"; then
		ktap_fail "modprobe $m"
		ktap_finish
	fi
done
REF_BASE=$(refcnts)
echo "# module refcounts at start: $REF_BASE"

# Everything the fuzzer can reach is loaded now.  What it makes the
# kernel try to autoload (netdev-<name> for an ioctl naming a missing
# device, net-l2tp-type-<N> for an unknown pseudowire) would each run
# modprobe, about 10 s under TCG (0.15 s even for /bin/true): an empty
# modprobe path makes request_module() fail at once while the fuzzer
# runs; the callers' failure paths are the same.
MODPROBE_SAVED=$(cat /proc/sys/kernel/modprobe)
echo >/proc/sys/kernel/modprobe
on_exit "echo '$MODPROBE_SAVED' >/proc/sys/kernel/modprobe"

if ! ns_create 1; then
	ktap_fail "set up the namespace"
	ktap_finish
fi
n1 sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
NS1=/run/netns/$(ns_name 1)

mkdir -p "$LOGDIR"
on_exit "rm -rf '$LOGDIR'"
# A marker rather than a line count: the ring buffer may wrap mid-run.
DMESG_MARK="l2tp-fuzz-nl: run begins ${L2TP_MODE:-} $$"
echo "$DMESG_MARK" >/dev/kmsg

# Readers of the listings, in NS1 and in the initial namespace, while
# the fuzzer runs.  nsenter only: `ip netns exec` would hide debugfs.
reader() {
	while [ ! -e "$STOP" ]; do
		cat "$DFS" /proc/net/pppol2tp >/dev/null 2>&1
		sleep 0.$((RANDOM % 5 + 1))
	done
}
reader_pids=()
nsenter --net="$NS1" bash -c "$(declare -f reader); STOP='$STOP' DFS='$DFS' reader" &
reader_pids+=($!)
reader &
reader_pids+=($!)
on_exit "touch '$STOP'; kill ${reader_pids[*]} 2>/dev/null"

# ------------------------------------------------------------------- run

pretty NS1 "$PROG ${args[*]} --log-dir $LOGDIR"
t0=$SECONDS
nsenter --net="$NS1" "$PROG" "${args[@]}" --log-dir "$LOGDIR" \
	>"$LOGDIR/out" 2>"$LOGDIR/err"
rc=$?
echo "$MODPROBE_SAVED" >/proc/sys/kernel/modprobe
echo "# kernel modprobe path restored: $(cat /proc/sys/kernel/modprobe)"
touch "$STOP"
wait "${reader_pids[@]}" 2>/dev/null
cat "$LOGDIR/out"
sed 's/^/# stderr: /' "$LOGDIR/err"
echo "# fuzzer exit status $rc after $((SECONDS - t0)) s"

result=$(grep '^# result:' "$LOGDIR/out")
anomalies=$(echo "$result" | sed -n 's/.* anomalies=\([0-9]*\).*/\1/p')

ktap_check "fuzzer ran $FUZZ_OPS operations to the end (seed $FUZZ_SEED)" \
	[ "$rc" = 0 ]
ktap_check "no anomaly: kernel-internal errno, malformed answer, unzeroed padding" \
	[ "${anomalies:-x}" = 0 ]

# A splat during the run: show what each thread was doing at that time.
dmesg | sed -n "/$DMESG_MARK\$/,\$p" >"$LOGDIR/dmesg"
if "$SCAN" --scan-splats "$LOGDIR/dmesg" >"$LOGDIR/splat"; then
	splat_ts=$(sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' "$LOGDIR/splat" | head -n 1)
	ktap_fail "no kernel splat during the run" "$(head -n 1 "$LOGDIR/splat")"
	grep -F -f "$LOGDIR/splat" -m 1 -A 40 "$LOGDIR/dmesg" | sed 's/^/# /'
	[ -n "$splat_ts" ] && print_ops_before "$splat_ts"
else
	ktap_ok "no kernel splat during the run"
fi

# --------------------------------------------------------------- cleanup

ns_delete 1
ktap_check "every traced tunnel and session is freed after the netns is gone" \
	wait_for 180 trace_all_freed
[ "$(trace_live)" = 0 ] || echo "# still live in the trace: $(trace_live)"
ktap_check "no tunnel or session in a dump of the initial namespace" \
	init_l2tp_empty
init_l2tp_objects | sed 's/^/# /'
ktap_check "no l2tpeth device in the initial namespace" \
	[ -z "$(init_l2tpeth)" ]
ktap_check "no tunnel in the debugfs listing of the initial namespace" \
	init_dfs_empty
ktap_check "module refcounts return to the baseline" \
	wait_for 60 refcnts_at_baseline
echo "# module refcounts now: $(refcnts)"

ktap_finish
