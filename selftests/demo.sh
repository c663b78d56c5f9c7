#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo behind `make demo`: runs inside the test VM with our modules
# installed, and shows an L2TPv3 Ethernet pseudowire between two hosts.
#
#   +------------ ns lac -------------+       +------------ ns lns -------------+
#   | l2tpeth0 192.168.100.1/24       |       | l2tpeth0 192.168.100.2/24       |
#   |    | session 100 -> 200         |       |    | session 200 -> 100         |
#   |    | tunnel 10 -> 20, UDP 1701  |       |    | tunnel 20 -> 10, UDP 1701  |
#   | veth0 10.99.0.1/24 ------------------------- veth0 10.99.0.2/24          |
#   +---------------------------------+       +---------------------------------+
#
# Everything is done with the unmodified `ip l2tp` of iproute2.

set -euo pipefail

NS1=lac
NS2=lns

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '[+] %s\n' "$*"; "$@"; }

cleanup() {
	ip netns del "$NS1" 2>/dev/null || true
	ip netns del "$NS2" 2>/dev/null || true
}
trap cleanup EXIT

step "modules"
run modprobe l2tp_eth
run modprobe l2tp_debugfs
for m in l2tp_core l2tp_netlink l2tp_eth l2tp_debugfs; do
	printf '   %-13s %s\n' "$m" "$(modinfo -n "$m")"
done

step "two hosts joined by a veth pair"
run ip netns add "$NS1"
run ip netns add "$NS2"
run ip -n "$NS1" link add veth0 type veth peer name veth0 netns "$NS2"
run ip -n "$NS1" addr add 10.99.0.1/24 dev veth0
run ip -n "$NS2" addr add 10.99.0.2/24 dev veth0
for ns in "$NS1" "$NS2"; do
	run ip -n "$ns" link set lo up
	run ip -n "$ns" link set veth0 up
done

step "an unmanaged L2TPv3 tunnel over UDP, with an Ethernet session"
run ip -n "$NS1" l2tp add tunnel tunnel_id 10 peer_tunnel_id 20 encap udp \
	local 10.99.0.1 remote 10.99.0.2 udp_sport 1701 udp_dport 1701
run ip -n "$NS2" l2tp add tunnel tunnel_id 20 peer_tunnel_id 10 encap udp \
	local 10.99.0.2 remote 10.99.0.1 udp_sport 1701 udp_dport 1701
run ip -n "$NS1" l2tp add session name l2tpeth0 tunnel_id 10 \
	session_id 100 peer_session_id 200
run ip -n "$NS2" l2tp add session name l2tpeth0 tunnel_id 20 \
	session_id 200 peer_session_id 100
run ip -n "$NS1" addr add 192.168.100.1/24 dev l2tpeth0
run ip -n "$NS2" addr add 192.168.100.2/24 dev l2tpeth0
run ip -n "$NS1" link set l2tpeth0 up
run ip -n "$NS2" link set l2tpeth0 up

step "ping across the pseudowire"
run ip netns exec "$NS1" ping -c 5 -i 0.2 -W 2 192.168.100.2

step "ip l2tp show tunnel / session ($NS1)"
run ip -n "$NS1" l2tp show tunnel
run ip -n "$NS1" l2tp show session

step "l2tpeth0 counters ($NS1)"
run ip -n "$NS1" -s link show l2tpeth0

step "debugfs view ($NS1)"
# debugfs lists the tunnels of the reader's network namespace, and
# `ip netns exec` would remount /sys without debugfs: enter the
# namespace with nsenter instead.
run nsenter --net=/run/netns/"$NS1" cat /sys/kernel/debug/l2tp/tunnels

step "teardown"
run ip -n "$NS1" l2tp del tunnel tunnel_id 10
run ip -n "$NS2" l2tp del tunnel tunnel_id 20
if ip -n "$NS1" link show l2tpeth0 >/dev/null 2>&1; then
	echo "demo: l2tpeth0 still exists after deleting its tunnel" >&2
	exit 1
fi

printf '\n\033[1;32mdemo: success: L2TPv3 Ethernet pseudowire carried traffic through our modules\033[0m\n'
