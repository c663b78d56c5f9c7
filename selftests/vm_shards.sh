#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests in N test VMs at once (make check JOBS=N).
#
#   selftests/vm_shards.sh N [--split] --out DIR [--timeout SEC] -- selftests/run_tests.sh MODE...
#
# A TCG guest runs on one host core (vm.sh explains why it is not given
# more), so on a machine with N cores N guests finish the suite up to N
# times sooner; the debug kernel's run (make check KERNEL=debug) fits a
# working session only this way.  The tests (L2TP_TESTS, else every
# selftests/test_*.sh, those whose name contains $T) are dealt to N
# shards by how long each took last time (DIR/times, which run_tests.sh
# writes; 30 s for a test never timed), longest first, each to the shard
# with the least work so far.  Shard K boots its own VM with
# --out DIR/shard-K and runs the command (run_tests.sh) there, which
# takes its tests in every MODE in the usual order.
# With --split, every shard runs every test instead, told VM_SHARD=K and
# VM_SHARDS=N: the fuzzers (make fuzz JOBS=N) then take their share of
# the operations and packets with a seed of their own.
# Each shard's output is printed whole once all are done, then DIR gets
# the merged results, times and summary line, as from a single VM.  The
# exit status is 0 only if every shard passed.

set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
TESTDIR=$(dirname "$SELF")

die() { echo "vm_shards.sh: $*" >&2; exit 2; }

jobs=${1:-}
shift || true
case $jobs in ''|*[!0-9]*|0) die "usage: vm_shards.sh N --out DIR [--timeout SEC] -- run_tests.sh MODE..." ;; esac
out= timeout=1800 split=0
while [ $# -gt 0 ]; do
	case $1 in
	--split) split=1; shift ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--) shift; break ;;
	*) die "unknown option $1" ;;
	esac
done
[ -n "$out" ] || die "--out is required"
mkdir -p "$out"
out=$(readlink -f "$out")

# The tests, with last time's seconds summed over the modes.
declare -A weight
if [ -r "$out/times" ]; then
	while read -r _ name secs; do
		weight[$name]=$(( ${weight[$name]:-0} + secs ))
	done <"$out/times"
fi
tests=()
for t in ${L2TP_TESTS:-"$TESTDIR"/test_*.sh}; do
	[ -x "$t" ] || continue
	case $(basename "$t") in *"${T:-}"*) ;; *) continue ;; esac
	tests+=("$(readlink -f "$t")")
done
[ ${#tests[@]} -gt 0 ] || die "no test matches"
[ "$split" = 1 ] || [ "$jobs" -le ${#tests[@]} ] || jobs=${#tests[@]}

# Longest first, each to the least loaded shard.
declare -a load shard_tests
for ((k = 0; k < jobs; k++)); do load[k]=0 shard_tests[k]=; done
while read -r w t; do
	best=0
	for ((k = 1; k < jobs; k++)); do
		[ "${load[k]}" -lt "${load[best]}" ] && best=$k
	done
	[ "$split" = 1 ] && best=all
	for ((k = 0; k < jobs; k++)); do
		[ "$best" = all ] || [ "$best" = "$k" ] || continue
		load[k]=$((load[k] + w))
		shard_tests[k]+=" $t"
	done
done < <(for t in "${tests[@]}"; do
		echo "${weight[$(basename "$t")]:-30} $t"
	done | sort -k1,1nr -k2,2)

pids=()
for ((k = 0; k < jobs; k++)); do
	# Within a shard, the usual (name) order.
	list=$(tr ' ' '\n' <<<"${shard_tests[k]}" | sed '/^$/d' | sort | tr '\n' ' ')
	echo "# shard $k: about ${load[k]} s: $(for t in $list; do basename "$t"; done | tr '\n' ' ')"
	rm -rf "$out/shard-$k"
	mkdir -p "$out/shard-$k"
	L2TP_TESTS=$list VM_SHARD=$k VM_SHARDS=$jobs \
		VM_ENV="${VM_ENV:-} L2TP_TESTS VM_SHARD VM_SHARDS" \
		bash "$TESTDIR/vm.sh" --out "$out/shard-$k" --timeout "$timeout" -- \
		"$@" >"$out/shard-$k/log" 2>&1 &
	pids[k]=$!
done

rc=0
for ((k = 0; k < jobs; k++)); do
	wait "${pids[k]}" || rc=1
	echo "# shard $k done: $(tail -n 1 "$out/shard-$k/summary" 2>/dev/null || echo 'no summary')"
done

pass=0 fail=0 skip=0
: >"$out/results.new"
: >"$out/times.new"
for ((k = 0; k < jobs; k++)); do
	d=$out/shard-$k
	echo
	echo "# ================ shard $k ================"
	cat "$d/log"
	if ! read -r p _ f _ s _ <"$d/summary" 2>/dev/null; then
		echo "not ok - shard $k: no result from its VM (see $d/console.log)"
		p=0 f=1 s=0
		rc=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	cat "$d/results" >>"$out/results.new" 2>/dev/null
	cat "$d/times" >>"$out/times.new" 2>/dev/null
done
mv "$out/results.new" "$out/results"
# The tests of a shard that died keep last time's weights.
if [ -r "$out/times" ]; then
	awk 'NR == FNR { seen[$2] = 1; print; next } !($2 in seen)' \
		"$out/times.new" "$out/times" >"$out/times.merged"
	mv "$out/times.merged" "$out/times.new"
fi
mv "$out/times.new" "$out/times"
[ "$fail" -eq 0 ] || rc=1
echo
echo "# ======== all shards ========"
sort "$out/results" | sed 's/^/# /'
summary="$pass passed, $fail failed, $skip skipped"
echo "$summary" >"$out/summary"
echo "$summary"
exit $rc
