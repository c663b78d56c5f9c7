#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The wire fuzzer: l2tp_fuzz_wire sends mutated L2TPv2 and L2TPv3 data
# packets, control messages, broken IP and UDP headers and ICMP errors at
# live tunnels, predicts each packet's fate with a model of the receive
# path of the modules under test, and checks that the counters add up:
# every packet sent is delivered (session rx_packets, the netdev's or the
# PPPoL2TP socket's), counted once by its session (rx_errors, with
# rx_cookie_discards or rx_seq_discards, and the tunnel's rx_invalid for
# a truncated header), read from the tunnel socket it was handed to (its
# ICMP errors from the socket's error queue), counted by IP, UDP or ICMP
# in NS1's MIBs, or dropped where neither module has a counter.  See the
# program's header for the details; Documentation/l2tp.rst ("Receive")
# for where ours counts differently from upstream.
#
#  +----------------------- NS1 -----------------------+   +---- NS2 ----+
#  | managed tunnels over the fuzzer's own sockets:    |   |             |
#  |   udp4 udp6 udp6z (L2TPv3 over UDP)               |   | the fuzzer: |
#  |   ip4 ip6 (L2TPv3 over IP)                        |   | AF_PACKET,  |
#  |   v2udp4 v2udp6 (L2TPv2): PPP sessions            |   | sendmmsg    |
#  | unmanaged: kudp4 (UDP), kip6 (IP)                 |   |             |
#  | L2TPv3 tunnels: Ethernet sessions, l2tpeth up     |   |             |
#  | veth1 10.61.0.1/24 fd61::1/64 ------------------------ veth2 .2 ::2 |
#  +---------------------------------------------------+   +-------------+
#
# FUZZ_PACKETS: how many packets (default 100000, about a minute per mode
# under TCG; `make fuzz` sends 10M); FUZZ_SEED: the seed (default:
# 20261126, fixed so that make check repeats; make fuzz picks a new one).
# Both are printed first, so that a failed run can be replayed: the same
# seed and count send the same packets, in either mode.

. "$(dirname "$0")/lib.sh"

require_cmd ip od

PROG=$(dirname "$0")/l2tp_fuzz_wire
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_fuzz_wire is built" "run make -C selftests first"
	ktap_finish
fi

PACKETS=${FUZZ_PACKETS:-100000}
# A fixed default, so that `make check` is repeatable; make fuzz and
# FUZZ_SEED= choose others.
SEED=${FUZZ_SEED:-20261126}
# make fuzz JOBS=N: this VM is shard VM_SHARD of VM_SHARDS, and fuzzes
# its share with a seed of its own.
if [ "${VM_SHARDS:-1}" -gt 1 ]; then
	SEED=$((SEED + VM_SHARD))
	PACKETS=$(((PACKETS + VM_SHARDS - 1) / VM_SHARDS))
fi
echo "# seed $SEED"
echo "# reproduce: FUZZ_SEED=$SEED FUZZ_PACKETS=$PACKETS (mode $L2TP_MODE)"


# ------------------------------------------------------------------ setup

setup() {
	local n
	ns_create 1 2 || return 1
	ns 1 ip link add veth1 type veth peer name veth2 netns "$(ns_name 2)" ||
		return 1
	for n in 1 2; do
		ns "$n" ip addr add "10.61.0.$n/24" dev "veth$n" || return 1
		ns "$n" ip addr add "fd61::$n/64" dev "veth$n" nodad || return 1
		ns "$n" ip link set "veth$n" up || return 1
	done
	# No IPv6 on the l2tpeth devices: nothing but the fuzzer's frames
	# crosses them, and NS1 sends nothing of its own.
	ns 1 sysctl -qw net.ipv6.conf.default.disable_ipv6=1
}
if ! setup; then
	ktap_fail "set up NS1 and NS2 over veth"
	ktap_finish
fi
ktap_ok "set up NS1 and NS2 over veth"

args=(--ns "$(ns_name 1)" --peer "$(ns_name 2)" --seed "$SEED"
      --packets "$PACKETS" --first $((_ktap_n + 1)))
if ! mode_module l2tp_ppp; then
	echo "# no l2tp_ppp module for $L2TP_MODE: L2TPv2 tunnels without sessions"
	args+=(--no-ppp)
fi

# ------------------------------------------------------------------ run

# The program prints its own KTAP results, numbered on from ours; its
# totals are added to lib.sh's, so that ktap_finish counts them.
out=$(mktemp)
on_exit "rm -f $out"
pretty HOST "$PROG ${args[*]}"
"$PROG" "${args[@]}" | tee "$out"
rc=${PIPESTATUS[0]}
read -r p f s < <(sed -n 's/^# totals: pass:\([0-9]*\) fail:\([0-9]*\) skip:\([0-9]*\)$/\1 \2 \3/p' "$out")
_ktap_n=$((_ktap_n + ${p:-0} + ${f:-0} + ${s:-0}))
_ktap_pass=$((_ktap_pass + ${p:-0}))
_ktap_fail=$((_ktap_fail + ${f:-0}))
_ktap_skip=$((_ktap_skip + ${s:-0}))
if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
	ktap_fail "l2tp_fuzz_wire ran to the end" "exit status $rc"
fi
echo "# reproduce: FUZZ_SEED=$SEED FUZZ_PACKETS=$PACKETS (mode $L2TP_MODE)"

# ------------------------------------------------------------- teardown

# shellcheck disable=SC2317 # called through wait_for
nothing_left() {
	[ -z "$(ip -n "$(ns_name 1)" l2tp show tunnel 2>/dev/null)" ] &&
	! ip netns exec "$(ns_name 1)" grep -q ' fz[0-9]' /proc/net/dev
}
ktap_check "no tunnel, session or l2tpeth device left in NS1" wait_for 10 nothing_left

ktap_finish
