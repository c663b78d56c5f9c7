#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Many sessions in one tunnel (L2TP_SCALE_N, default 100000), checked for
# correctness, never for time: every create succeeds, a dump spanning
# thousands of messages returns each session exactly once, data reaches
# the first, a middle and the last session, and one TUNNEL_DELETE takes
# them all. The sessions are PPP pseudowires made through netlink, with
# no socket and so no netdev each (the timing of the same operations is
# `make bench`'s business).

. "$(dirname "$0")/lib.sh"

require_cmd ip

PROG=$(dirname "$0")/l2tp_scale
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_scale is built" "run make -C selftests first"
	ktap_finish
fi

# run_tests.sh traces every object's register/free pair; 200k events
# would overflow the trace buffer and take minutes to read under TCG.
# The test checks itself that every session is gone, and the module
# unload check still catches a leaked reference.
echo 0 >/sys/kernel/tracing/events/l2tp/enable 2>/dev/null

ns_create 1 || { ktap_fail "create the namespace"; ktap_finish; }
ns 1 "$PROG" "${L2TP_SCALE_N:-100000}"
exit $?
