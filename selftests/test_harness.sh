#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness checks itself: the runner's splat scanner must pass a clean
# kernel log, flag a real WARN injected by the test-only module
# l2tp_harness_warn (selftests/harness, built into .build/harness by
# `make check`, .build/harness-debug for the debug kernel), and flag each kind of splat it claims to know.
#
#   (no topology: the initial namespace only; no l2tp module involved,
#    so it runs the same in both modes)
#
# The injected WARN is bracketed by "l2tp-selftest: expected splat"
# markers in the kernel log, which the runner's own post-test scan skips.

. "$(dirname "$0")/lib.sh"

RUNNER=$(dirname "$0")/run_tests.sh
# Built for the stock kernel by `make check`, for the debug kernel into
# .build/harness-debug by `make KERNEL=debug ...`: the one for this one.
MOD=$(dirname "$0")/../.build/harness/l2tp_harness_warn.ko
for m in "$(dirname "$0")"/../.build/harness*/l2tp_harness_warn.ko; do
	case $(modinfo -F vermagic "$m" 2>/dev/null) in
	"$(uname -r) "*) MOD=$m; break ;;
	esac
done

scan() {
	"$RUNNER" --scan-splats
}

# Kernel log lines from the marker $1 on.
dmesg_since() {
	dmesg | sed -n "/$1/,\$p"
}

# Markers unique to this run: the test runs once per mode in one boot.
tag="$L2TP_MODE $$"

# A clean log: what the kernel printed since a fresh marker.
echo "l2tp-selftest: harness clean sample $tag" >/dev/kmsg
clean=$(dmesg_since "l2tp-selftest: harness clean sample $tag")
ktap_check "the scanner passes a clean kernel log" \
	test -z "$(scan <<<"$clean")"

if [ ! -e "$MOD" ]; then
	ktap_skip "the scanner flags an injected WARN" \
		"$MOD not built (make -C selftests/harness)"
else
	echo "l2tp-selftest: expected splat begin $tag" >/dev/kmsg
	host insmod "$MOD" warn=1
	loaded=$?
	splat=$(dmesg_since "l2tp-selftest: expected splat begin $tag" | scan)
	echo "l2tp-selftest: expected splat end $tag" >/dev/kmsg
	echo "# scanner output: $splat"
	ktap_check "the WARN module loads" test "$loaded" = 0
	ktap_check "the scanner flags the injected WARN" \
		grep -q 'WARNING:.*l2tp_harness_warn' <<<"$splat"
	ktap_check "the WARN module unloads" host rmmod l2tp_harness_warn
fi

# One line of each kind of report the runner watches for: each must be
# in what the scanner prints for all of them.
kinds='[   12.000000] WARNING: CPU: 1 PID: 100 at net/core/dev.c:11000 xx+0x1/0x2
[   12.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008
[   12.000000] BUG: KASAN: slab-use-after-free in xx+0x1/0x2
[   12.000000] BUG: KFENCE: use-after-free read in xx+0x1/0x2
[   12.000000] BUG kmalloc-128 (Tainted: G    B  W  OE     ): Poison overwritten
[   12.000000] kernel BUG at net/core/skbuff.c:200!
[   12.000000] Oops: general protection fault, probably for non-canonical address
[   12.000000] UBSAN: array-index-out-of-bounds in net/l2tp/x.c:10:2
[   12.000000] refcount_t: underflow; use-after-free.
[   12.000000] unregister_netdevice: waiting for l2tpeth0 to become free. Usage count = 2
[   12.000000] watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [ip:100]
[   12.000000] Watchdog detected hard LOCKUP on cpu 1
[   12.000000] rcu: INFO: rcu_preempt self-detected stall on CPU
[   12.000000] list_add corruption. prev->next should be next (ffff0000), but was 0000.
[   12.000000] list_del corruption, ffff0000->next is LIST_POISON1 (dead000000000100)
[   12.000000] INFO: task ip:100 blocked for more than 120 seconds.'
flagged=$'\n'$(scan <<<"$kinds")$'\n'
# shellcheck disable=SC2317 # called through ktap_check
is_flagged() {
	[[ $flagged == *$'\n'"$1"$'\n'* ]]
}
while IFS= read -r line; do
	ktap_check "the scanner flags: ${line:15:60}" is_flagged "$line"
done <<<"$kinds"

# Ordinary lines that must not count as splats.
benign='[    1.000000] l2tp_core: L2TP core driver, V2.0
[    1.000000] l2tp_harness_warn: loading out-of-tree module taints kernel.
[    1.000000] NET: Registered PF_PPPOX protocol family
[    1.000000] kfence: initialized - using 2097152 bytes for 255 objects'
ktap_check "the scanner passes ordinary kernel messages" \
	test -z "$(scan <<<"$benign")"

ktap_finish
