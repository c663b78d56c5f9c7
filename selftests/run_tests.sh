#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-guest test runner: what `make check` runs inside the VM.
#
#   run_tests.sh [MODE...]          MODE: ours, stock (default: $A, else both)
#   run_tests.sh --scan-splats [FILE]   print the kernel splats in a dmesg
#                                   text (stdin by default); false if none
#   run_tests.sh --run MODE COMMAND...  set MODE up, then run COMMAND
#                                   (make demo)
#   KVER=... run_tests.sh --index DIR   (on the host) prepare the module
#                                   index for mode ours, see index_ours;
#                                   L2TP_MODROOT / L2TP_KO_DIR for a kernel
#                                   from debug-kernel.sh
#
# For each mode, in order and in this one boot: put the modules in place
# (ours: the *.ko built at the repository root, copied into
# /lib/modules/$KVER/updates; stock: Debian's own), then run every
# executable selftests/test_*.sh whose name contains $T, with
# L2TP_MODE=ours|stock exported.  After each test:
#
#  1. leftover processes and network namespaces are removed;
#  2. if the l2tp tracepoints were on, every register_tunnel/session must
#     have met its free_tunnel/session (WireGuard's created/destroyed);
#  3. every l2tp module must unload (a module reference leak otherwise);
#  4. the test's part of dmesg must hold no kernel splat;
#  5. on a kernel with kmemleak (make check KERNEL=debug), a scan must
#     report nothing.
#
# L2TP_TESTS replaces the list of test scripts (make fuzz, make stress).
#
# Each failing step adds a `not ok` line to the test's KTAP output.  The
# run ends with the line `N passed, N failed, N skipped`, which also goes
# to $VM_OUT/summary (each test's counts to $VM_OUT/results, its seconds
# to $VM_OUT/times); the exit status is 1 if anything failed.

set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
TESTDIR=$(dirname "$SELF")
ROOT=$(dirname "$TESTDIR")
KVER=${KVER:-$(uname -r)}
MODDIR=/lib/modules/$KVER

# Unload order: users before the modules they use.
L2TP_MODULES="l2tp_ppp l2tp_eth l2tp_ip6 l2tp_ip l2tp_netlink l2tp_debugfs l2tp_core"

# Kernel messages that mean something went wrong, as extended regexes.
SPLAT_PATTERNS=(
	'WARNING:'
	'BUG:'
	'kernel BUG at'
	'BUG [^ ]+ \((Not tainted|Tainted)'	# slub_debug object reports
	'Oops'
	'KASAN'
	'KFENCE:'
	'UBSAN'
	'refcount_t:'
	'unregister_netdevice: waiting for'
	'soft lockup'
	'hard LOCKUP'
	'rcu_(sched|preempt|bh)? ?(self-)?detected stall'
	'RCU stall'
	'general protection fault'
	'list_(add|del) corruption'
	'stack-protector'
	'blocked for more than [0-9]+ seconds'
)

# splat_scan: read kernel log text on stdin, print the splat lines in it;
# true if there were any.
splat_scan() {
	local re
	re=$(IFS='|'; echo "${SPLAT_PATTERNS[*]}")
	grep -E -- "$re"
}


# ------------------------------------------------------------------ modes

# Unload every l2tp module; print the ones that stay.
modules_unload() {
	local m left
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		left=
		for m in $L2TP_MODULES; do
			[ -d "/sys/module/$m" ] || continue
			modprobe -r "$m" 2>/dev/null || rmmod "$m" 2>/dev/null ||
				left+=" $m"
		done
		[ -z "$left" ] && return 0
		# A reference may still be dropped by RCU or a work item.
		sleep 0.5
	done
	for m in $left; do
		echo "$m (refcnt $(cat "/sys/module/$m/refcnt" 2>/dev/null))"
	done
}

# The path modprobe resolves for module $1.
module_path() {
	modinfo -n "$1" 2>/dev/null
}

# index_ours DIR: a module tree at DIR/lib/modules/$KVER in which our
# built *.ko sit in updates/ and the stock l2tp modules are absent (so
# that ours are never mixed with stock ones we have not written yet),
# with its modprobe index.  Every other module is a link to the real one.
# depmod must read every module of the kernel for that, which takes 8 s
# on the host and about 4 minutes under TCG, so `make check` runs this
# on the host (run_tests.sh --index) and the guest copies the result.
# For a kernel from debug-kernel.sh, L2TP_MODROOT is its module root and
# L2TP_KO_DIR where our modules were built against it.
index_ours() {
	local base=$1/lib/modules/$KVER real=${L2TP_MODROOT:-}/lib/modules/$KVER d ko n=0
	rm -rf "$1"
	mkdir -p "$base/updates" "$base/kernel/net"
	for d in "$real"/kernel/*; do
		[ "${d##*/}" = net ] || ln -s "$d" "$base/kernel/"
	done
	for d in "$real"/kernel/net/*; do
		[ "${d##*/}" = l2tp ] || ln -s "$d" "$base/kernel/net/"
	done
	cp "$real"/modules.order "$real"/modules.builtin* "$base/"
	for ko in "${L2TP_KO_DIR:-$ROOT}"/*.ko; do
		[ -e "$ko" ] && cp "$ko" "$base/updates/" && n=$((n + 1))
	done
	[ "$n" -gt 0 ] || { echo "no *.ko in ${L2TP_KO_DIR:-$ROOT}: build the modules first (make)"; return 1; }
	depmod -b "$1" "$KVER"
}

# Is the index at $1 made from the *.ko at the repository root as they
# are now?
index_fresh() {
	local idx=$1/lib/modules/$KVER/updates ours snap ko
	[ -e "$1/lib/modules/$KVER/modules.dep.bin" ] || return 1
	ours=("$ROOT"/*.ko)
	snap=("$idx"/*.ko)
	[ "${ours[*]##*/}" = "${snap[*]##*/}" ] || return 1
	for ko in "${ours[@]}"; do
		cmp -s "$ko" "$idx/${ko##*/}" || return 1
	done
}

STOCK_INDEX=/run/l2tp-stock-index

# Ours: install the index made by index_ours, from $L2TP_INDEX when make
# check passes one (its own snapshot of the build), else from
# .build/depmod if it matches the built modules, else made here.
mode_ours() {
	local idx=${L2TP_INDEX:-$ROOT/.build/depmod} ko name built=
	if [ -z "${L2TP_INDEX:-}" ] && ! index_fresh "$idx"; then
		echo "# no up-to-date module index from the host: making one (slow under TCG)"
		idx=/run/l2tp-index
		index_ours "$idx" >&2 || return 1
	fi
	idx=$idx/lib/modules/$KVER
	if [ ! -d "$STOCK_INDEX" ]; then
		mkdir -p "$STOCK_INDEX"
		cp "$MODDIR"/modules.* "$STOCK_INDEX/"
	fi
	mkdir -p "$MODDIR/updates"
	cp "$idx"/updates/*.ko "$MODDIR/updates/"
	cp "$idx"/modules.* "$MODDIR/"
	for ko in "$idx"/updates/*.ko; do
		name=$(basename "$ko" .ko)
		built+=" $name"
		case $(module_path "$name") in
		"$MODDIR/updates/"*) ;;
		*) echo "modprobe would not load our $name"; return 1 ;;
		esac
	done
	echo "# ours:$built (from $idx)"
	for name in $L2TP_MODULES; do
		case " $built " in *" $name "*) ;; *) echo "# not built, so absent: $name" ;; esac
	done
}

# Stock: Debian's modules, and the index the system came with.
mode_stock() {
	local m
	rm -f "$MODDIR"/updates/l2tp_*.ko
	[ -d "$STOCK_INDEX" ] && cp "$STOCK_INDEX"/modules.* "$MODDIR/"
	for m in $L2TP_MODULES; do
		case $(module_path "$m") in
		"$MODDIR/kernel/"*) ;;
		*) echo "modprobe would not load the stock $m"; return 1 ;;
		esac
	done
	echo "# stock: $(dirname "$(module_path l2tp_core)")"
}

# ---------------------------------------------------------- tracepoints

TRACE=/sys/kernel/tracing
LIFETIME_EVENTS="register_tunnel free_tunnel register_session free_session"

# Load the core so its events exist, then switch the lifetime ones on.
trace_on() {
	local e
	modprobe l2tp_core 2>/dev/null || return 1
	[ -d "$TRACE/events/l2tp" ] || return 1
	echo >"$TRACE/trace"
	for e in $LIFETIME_EVENTS; do
		echo 1 >"$TRACE/events/l2tp/$e/enable" 2>/dev/null || return 1
	done
	echo 1 >"$TRACE/tracing_on"
}

# Print the tunnels and sessions traced as registered and not yet freed,
# one "NAME COUNT" per line.  Objects are matched by name (several netns
# may reuse one); a free with no registration before it belongs to an
# object that never got registered (a failed create) and is ignored.
trace_unfreed() {
	sed -nE 's/.* (register|free)_(tunnel|session): ([^:]*).*/\1 \2 \3/p' \
		"$TRACE/trace" |
	awk '{ o = substr($0, index($0, " ") + 1) }
	     $1 == "register" { live[o]++ }
	     $1 == "free" && live[o] > 0 { live[o]-- }
	     END { for (o in live) if (live[o]) print o, "x" live[o] }'
}

# Wait for every traced tunnel and session to be freed; print the ones
# that never are.
trace_lifetime_check() {
	local left
	for _ in $(seq 50); do
		left=$(trace_unfreed)
		[ -z "$left" ] && return 0
		sleep 0.2
	done
	echo "$left" | tr '\n' ',' | sed 's/,$//'
	return 1
}

trace_off() {
	[ -d "$TRACE/events/l2tp" ] || return 0
	echo 0 >"$TRACE/events/l2tp/enable" 2>/dev/null
	echo >"$TRACE/trace"
}

# -------------------------------------------------------------- kmemleak

KMEMLEAK=/sys/kernel/debug/kmemleak

# On a kernel with kmemleak (the debug kernel): forget what the boot or
# an earlier test left, so each scan reports only the current test.  The
# periodic scan is switched off: the runner scans after every test, and
# each scan takes about 30 s of the debug guest's time.
kmemleak_clear() {
	[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK" 2>/dev/null
	return 0
}

# Scan now and print what kmemleak reports; false if it reports anything.
# A report is confirmed by a second scan: an object freed by RCU or a work
# item just after the first is not listed after the second.  Cleared
# afterwards either way.
kmemleak_check() {
	local report
	[ -w "$KMEMLEAK" ] || return 0
	echo scan >"$KMEMLEAK" 2>/dev/null
	if [ -n "$(head -c 1 "$KMEMLEAK" 2>/dev/null)" ]; then
		sleep 2
		echo scan >"$KMEMLEAK" 2>/dev/null
	fi
	report=$(cat "$KMEMLEAK" 2>/dev/null)
	kmemleak_clear
	[ -z "$report" ] && return 0
	echo "$report"
	return 1
}

# ------------------------------------------------------------------ tests

PASS=0 FAIL=0 SKIP=0

# count_results LOG: print the passed, failed, skipped and total KTAP
# results in LOG (top-level lines only).
count_results() {
	awk '/^(not )?ok / {
		n++
		if ($0 ~ /# [Ss][Kk][Ii][Pp]/) s++
		else if ($0 ~ /^not ok/) f++
		else p++
	     }
	     END { print p + 0, f + 0, s + 0, n + 0 }' "$1"
}

# This runner and its ancestors, up to PID 1.
runner_pids() {
	local pid=$$ stat fields
	while [ "$pid" -gt 1 ]; do
		echo "$pid"
		read -r stat <"/proc/$pid/stat" || break
		read -ra fields <<<"${stat##*) }"
		pid=${fields[1]}
	done
	echo 1
}

# Kill every process a test left behind (daemons that detached too), and
# remove its network namespaces.  Only the runner and its parents stay.
test_leftovers() {
	local p pid stat fields ns
	for p in /proc/[0-9]*; do
		pid=${p##*/}
		case $KEEP_PIDS in *" $pid "*) continue ;; esac
		read -r stat <"$p/stat" 2>/dev/null || continue
		# After "(comm) ", the 7th field is the flags; PF_KTHREAD is 0x200000.
		read -ra fields <<<"${stat##*) }"
		(( fields[6] & 0x200000 )) && continue
		echo "# left behind: pid $pid ($(cat "$p/comm" 2>/dev/null))"
		kill -KILL "$pid" 2>/dev/null
	done
	for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		echo "# left behind: netns $ns"
		ip netns delete "$ns"
	done
}

# test_fail WHY: one more failure for the current test (run_test's n, f).
test_fail() {
	n=$((n + 1)) f=$((f + 1))
	echo "not ok $n - $name: $*"
}

# run_test MODE FILE: run one test and its checks, add up its results.
run_test() {
	local mode=$1 file=$2 name log rc p f s n t0 traced=0 why left
	name=$(basename "$file")
	log=/tmp/l2tp-test.log
	echo
	echo "# ==== $name [$mode] ===="
	trace_on && traced=1
	echo "l2tp-selftest: begin $name [$mode]" >/dev/kmsg

	t0=$SECONDS
	(cd "$(dirname "$file")" && L2TP_MODE=$mode TEST_NAME=${name%.sh} \
		exec timeout -k 10 "${TEST_TIMEOUT:-900}" "$file") 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "# $name [$mode]: exit $rc after $((SECONDS - t0)) s"
	test_leftovers
	read -r p f s n < <(count_results "$log")

	case $rc in
	0) [ "$n" -gt 0 ] || { n=1 p=1; echo "ok 1 - $name"; } ;;
	4) [ "$n" -gt 0 ] || { n=1 s=1; echo "ok 1 - $name # SKIP"; } ;;
	124) test_fail "timed out after ${TEST_TIMEOUT:-900} s" ;;
	*) [ "$f" -gt 0 ] || test_fail "exited with status $rc" ;;
	esac
	if [ "$traced" = 1 ] && ! why=$(trace_lifetime_check); then
		test_fail "l2tp objects never freed: $why"
	fi
	trace_off
	left=$(modules_unload)
	[ -z "$left" ] || test_fail "module reference leak, still loaded: $left"
	if ! why=$(kmemleak_check); then
		test_fail "kmemleak: $(echo "$why" | grep -m 1 '^unreferenced object')"
		echo "$why" | head -n 60 | sed 's/^/# /'
	fi

	# test_harness.sh brackets the WARN it injects on purpose; only that
	# bracket is left out of the scan.
	dmesg | sed -n "/l2tp-selftest: begin $name \[$mode\]/,\$p" |
		sed '/l2tp-selftest: expected splat begin/,/l2tp-selftest: expected splat end/d' \
		>/tmp/l2tp-test.dmesg
	if splat_scan </tmp/l2tp-test.dmesg >/tmp/l2tp-splat; then
		test_fail "kernel splat: $(head -n 1 /tmp/l2tp-splat)"
		echo "# ---- dmesg since the test began ----"
		head -n 200 /tmp/l2tp-test.dmesg | sed 's/^/# /'
	fi

	PASS=$((PASS + p)) FAIL=$((FAIL + f)) SKIP=$((SKIP + s))
	RESULTS+=("$mode $name: pass $p fail $f skip $s")
	TIMES+=("$mode $name $((SECONDS - t0))")
}

# ------------------------------------------------------------------- main

# Sourced (selftests/bench/bench.sh does): only the functions above.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

case ${1:-} in
--scan-splats)
	if [ $# -ge 2 ]; then splat_scan <"$2"; else splat_scan; fi
	exit ;;
--index)
	index_ours "$2"
	exit ;;
esac
[ "$KVER" = "$(uname -r)" ] || { echo "run_tests.sh runs in the test VM (see vm.sh)"; exit 1; }

if [ "${1:-}" = --run ]; then
	mode=$2
	shift 2
	case $mode in ours|stock) ;; *) echo "unknown mode $mode"; exit 1 ;; esac
	"mode_$mode" || exit 1
	L2TP_MODE=$mode "$@"
	exit
fi

KEEP_PIDS=" $(runner_pids | tr '\n' ' ')"
MODES=${*:-${A:-ours stock}}
FILTER=${T:-}
RESULTS=()
TIMES=()
SUBTOTALS=()
OUT=${VM_OUT:-}
[ -n "$OUT" ] && rm -f "$OUT/summary" "$OUT/results" "$OUT/times"

echo "# l2tp selftests on $(uname -r): modes [$MODES], tests matching [${FILTER:-*}]"
# The kernel's own boot messages must be clean before we start.
if dmesg | splat_scan >/tmp/l2tp-splat; then
	echo "# kernel splat before any test ran:"
	sed 's/^/# /' /tmp/l2tp-splat
	echo "not ok - boot: kernel splat"
	FAIL=$((FAIL + 1))
fi
modules_unload >/dev/null
echo 4096 >"$TRACE/buffer_size_kb"
[ -w "$KMEMLEAK" ] && echo scan=off >"$KMEMLEAK" 2>/dev/null
kmemleak_clear

for mode in $MODES; do
	mp=$PASS mf=$FAIL ms=$SKIP
	echo
	echo "# ======== mode: $mode ========"
	case $mode in
	ours|stock) ;;
	*) echo "not ok - unknown mode $mode"; FAIL=$((FAIL + 1)); continue ;;
	esac
	modules_unload >/dev/null
	if ! why=$("mode_$mode" 2>&1); then
		echo "# ${why//$'\n'/$'\n'# }"
		echo "not ok - $mode: cannot set the modules up"
		FAIL=$((FAIL + 1))
		continue
	fi
	echo "$why"
	# L2TP_TESTS: other test scripts than selftests/test_*.sh (make fuzz).
	for t in ${L2TP_TESTS:-"$TESTDIR"/test_*.sh}; do
		[ -x "$t" ] || continue
		case $(basename "$t") in *"$FILTER"*) ;; *) continue ;; esac
		run_test "$mode" "$t"
	done
	SUBTOTALS+=("# $mode: $((PASS - mp)) passed, $((FAIL - mf)) failed, $((SKIP - ms)) skipped")
done

echo
echo "# ======== results ========"
printf '# %s\n' "${RESULTS[@]}"
printf '%s\n' "${SUBTOTALS[@]}"
summary="$PASS passed, $FAIL failed, $SKIP skipped"
if [ -n "$OUT" ]; then
	printf '%s\n' "${RESULTS[@]}" >"$OUT/results"
	# How long each test took, which vm_shards.sh balances its VMs by.
	printf '%s\n' "${TIMES[@]}" >"$OUT/times"
	echo "$summary" >"$OUT/summary"
fi
echo "$summary"
[ "$FAIL" -eq 0 ]
