# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers sourced by selftests/test_*.sh:
#
#  - KTAP results: ktap_ok, ktap_fail, ktap_skip, ktap_check, and
#    ktap_finish, which prints the totals and exits with the kselftest
#    code (0 pass, 1 fail, 4 skip).
#  - Oracle mode: run_tests.sh exports L2TP_MODE=ours|stock; require_ours
#    skips what upstream does not have ("beyond upstream: ...").
#  - Network namespaces: ns_create makes them, n1/ip1 (and so on) run a
#    command in one and echo it first as "[+] NS1: ip ...", so a failed
#    run's log can be replayed by hand.  Everything is torn down on exit;
#    a test adds its own cleanup with on_exit (lib.sh owns the EXIT trap).
#  - wait_for: poll a condition with a timeout.
#
# A test sources it first thing:  . "$(dirname "$0")/lib.sh"

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

L2TP_MODE=${L2TP_MODE:-ours}
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}

_ktap_n=0
_ktap_pass=0
_ktap_fail=0
_ktap_skip=0

# ------------------------------------------------------------------- KTAP

# ktap_plan COUNT: optional; says how many results will follow.
ktap_plan() {
	echo "1..$1"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_pass=$((_ktap_pass + 1))
	echo "ok $_ktap_n - $*"
}

# ktap_fail DESCRIPTION [WHY]
ktap_fail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_fail=$((_ktap_fail + 1))
	echo "not ok $_ktap_n - $1"
	[ $# -lt 2 ] || echo "# $2"
}

# ktap_skip DESCRIPTION REASON
ktap_skip() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_skip=$((_ktap_skip + 1))
	echo "ok $_ktap_n - $1 # SKIP $2"
}

# ktap_check DESCRIPTION COMMAND...: one result from COMMAND's status.
ktap_check() {
	local desc=$1
	shift
	if "$@"; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc" "failed: $*"
	fi
}

# Print the totals and exit: 1 if anything failed, 4 if everything was
# skipped, else 0.
ktap_finish() {
	echo "# $TEST_NAME: pass:$_ktap_pass fail:$_ktap_fail skip:$_ktap_skip"
	if [ "$_ktap_fail" -gt 0 ]; then
		exit "$KSFT_FAIL"
	elif [ "$_ktap_pass" -eq 0 ] && [ "$_ktap_skip" -gt 0 ]; then
		exit "$KSFT_SKIP"
	fi
	exit "$KSFT_PASS"
}

# require_ours REASON [CASE]: true in our mode.  Against the stock modules
# it reports CASE as skipped and returns 1 (`require_ours why case ||
# return 0`); without CASE, the whole test is skipped and exits here.
require_ours() {
	[ "$L2TP_MODE" = stock ] || return 0
	ktap_skip "${2:-$TEST_NAME}" "beyond upstream: $1"
	[ $# -ge 2 ] && return 1
	ktap_finish
}

# mode_module MODULE: load this mode's own build of an optional l2tp
# module (l2tp_ip, l2tp_ppp...); false when there is none: a stock one
# cannot load on our core, nor ours on the stock one.
mode_module() {
	local path
	path=$(modinfo -n "$1" 2>/dev/null) || return 1
	case $L2TP_MODE:$path in
	ours:*/updates/*|stock:*/kernel/*) modprobe "$1" ;;
	*) return 1 ;;
	esac
}

# require_cmd COMMAND...: skip the whole test when a tool is missing.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null && continue
		ktap_skip "$TEST_NAME" "$c not installed"
		ktap_finish
	done
}

# ----------------------------------------------------------- on-exit hooks

_lib_exit_hooks=()

# on_exit COMMAND: run COMMAND (a string, eval'ed) when the test exits,
# latest first, before the namespaces go.
on_exit() {
	_lib_exit_hooks=("$1" "${_lib_exit_hooks[@]}")
}

_lib_cleanup() {
	local hook ns pid
	set +e
	for hook in "${_lib_exit_hooks[@]}"; do
		eval "$hook"
	done >/dev/null 2>&1
	for ns in "${_lib_netns[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns delete "$ns" 2>/dev/null
	done
}
trap _lib_cleanup EXIT

# ------------------------------------------------------ network namespaces

_lib_netns=()

# pretty LABEL COMMAND...: echo a command the way WireGuard's netns.sh does.
pretty() {
	local label=$1
	shift
	echo "[+] $label: $*"
}

# ns_name N: the namespace behind NS<N>, unique to this test run.
ns_name() {
	echo "l2tp-$$-$1"
}

# ns N COMMAND...: echo, then run COMMAND in namespace NS<N>.
ns() {
	local n=$1
	shift
	pretty "NS$n" "$*"
	ip netns exec "$(ns_name "$n")" "$@"
}

# host COMMAND...: echo, then run COMMAND in the initial namespace.
host() {
	pretty HOST "$*"
	"$@"
}

# ns_create N...: make namespaces NS<N> with lo up, and define the
# shorthands nN (any command) and ipN (ip) for each.
ns_create() {
	local n name
	for n in "$@"; do
		name=$(ns_name "$n")
		pretty HOST "ip netns add $name"
		ip netns add "$name" || return 1
		_lib_netns+=("$name")
		ip -n "$name" link set lo up
		eval "n$n() { ns $n \"\$@\"; }"
		eval "ip$n() { ns $n ip \"\$@\"; }"
	done
}

# ns_delete N: tear one namespace down early (to test cleanup paths).
ns_delete() {
	local name i
	name=$(ns_name "$1")
	pretty HOST "ip netns delete $name"
	ip netns delete "$name" || return 1
	for i in "${!_lib_netns[@]}"; do
		[ "${_lib_netns[$i]}" = "$name" ] && unset "_lib_netns[$i]"
	done
	return 0
}

# -------------------------------------------------------------- waiting

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds;
# false if it still fails after SECONDS.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}
