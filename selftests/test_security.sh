#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Security: who may manage L2TP objects, what one network namespace sees
# of another, and that nothing uninitialised reaches userspace.
#
#  +--------------- initial netns (root) ---------------+
#  | l2tp_security's tunnels, sessions, l2tpsec0/1,      |   uid 65534, no caps:
#  | PPPoL2TP and L2TPIP sockets on lo                   |   EPERM for genl,
#  +-----------------------------------------------------+   sockets as upstream
#  +-- userns A (owner 65534) --+  +-- userns B (owner 65534) --+
#  | netns A: its own tunnels   |  | netns B: its own tunnels   |
#  | (same ids and ifnames)     |  | (same id)                  |
#  +----------------------------+  +----------------------------+
#
#  a. l2tp_security (see its header): genl permissions as nobody and as
#     a userns root, PPPoL2TP/L2TPIP sockets without privileges, netns
#     isolation of dumps, GETs, IFNAME lookups, deletes, /proc, debugfs
#     and notifications, foreign tunnel fds, and the pattern-filled reads
#     of every sockaddr, stats struct, getsockopt and netlink message.
#  b. The same with iproute2: `ip l2tp` as nobody is refused; as the root
#     of an unprivileged user namespace it manages a tunnel of its own
#     netns and lists nothing of the initial one.
#
# Nothing here is beyond upstream except the isolation of notifications,
# which the program checks per mode (stock multicasts to every netns).

. "$(dirname "$0")/lib.sh"

require_cmd ip setpriv unshare modinfo

PROG=$(dirname "$0")/l2tp_security
if [ ! -x "$PROG" ]; then
	ktap_fail "l2tp_security is built" "run make -C selftests first"
	ktap_finish
fi
PROG=$(readlink -f "$PROG")

if ! modinfo -n l2tp_ppp >/dev/null 2>&1; then
	ktap_skip "$TEST_NAME" "no l2tp_ppp module in this mode"
	ktap_finish
fi

# Unprivileged user namespaces, as the checks need them.
USERNS_SYSCTL=/proc/sys/kernel/unprivileged_userns_clone
if [ -w "$USERNS_SYSCTL" ]; then
	old_userns=$(cat "$USERNS_SYSCTL")
	echo 1 >"$USERNS_SYSCTL"
	on_exit "echo $old_userns >$USERNS_SYSCTL"
fi
modprobe l2tp_debugfs 2>/dev/null
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
ip link set lo up

# If the program dies half way, its unmanaged tunnels stay: remove them.
on_exit "$PROG --cleanup"

# a. The program; its results join this script's KTAP stream.
pretty HOST "$PROG"
finished=false
while IFS= read -r line; do
	case $line in
	"TAP version"* | "1.."*) ;;
	"# totals:"*) finished=true ;;
	"ok "*" # SKIP "*)
		line=${line#ok * - }
		ktap_skip "${line%% # SKIP *}" "${line#* # SKIP }"
		;;
	"ok "*) ktap_ok "${line#ok * - }" ;;
	"not ok "*) ktap_fail "${line#not ok * - }" ;;
	*) echo "$line" ;;
	esac
done < <(L2TP_MODE="$L2TP_MODE" "$PROG" 2>&1)
$finished || ktap_fail "l2tp_security ran to completion"

# b. iproute2 as nobody and as the root of a user namespace.
TID=$((0x5ecaaa01))
# shellcheck disable=SC2317  # called through ktap_check
ipq() {
	ip "$@" >/dev/null 2>&1
}

# comment: stdin as KTAP diagnostic lines.
comment() {
	sed 's/^/# /'
}
ip l2tp add tunnel tunnel_id "$TID" peer_tunnel_id 2 encap udp \
	local 127.0.0.1 remote 127.0.0.1 udp_sport 17101 udp_dport 17102 &&
	ip l2tp add session tunnel_id "$TID" session_id 1 peer_session_id 2 \
		name l2tpsecI
on_exit "ip l2tp del tunnel tunnel_id $TID"
ktap_check "root: ip l2tp makes tunnel $TID and l2tpsecI" \
	ipq link show l2tpsecI

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
pretty NOBODY "ip l2tp show tunnel"
out=$(nobody ip l2tp show tunnel 2>&1)
rc=$?
comment <<<"$out"
if [ $rc -ne 0 ] && ! echo "$out" | grep -q "Tunnel $TID"; then
	ktap_ok "nobody: ip l2tp show tunnel fails and shows nothing"
else
	ktap_fail "nobody: ip l2tp show tunnel fails and shows nothing" "rc $rc"
fi
nobody ip l2tp del tunnel tunnel_id "$TID" >/dev/null 2>&1
ktap_check "nobody: ip l2tp del tunnel leaves it alone" \
	ipq link show l2tpsecI

# As the root of a fresh user namespace and netns.
USERNS_SCRIPT='
ip link set lo up || exit 10
ip l2tp add tunnel tunnel_id 7 peer_tunnel_id 8 encap ip \
	local 127.0.0.1 remote 127.0.0.1 || exit 11
ip l2tp add session tunnel_id 7 session_id 70 peer_session_id 80 \
	name l2tpsecI || exit 12
ip link show l2tpsecI >/dev/null || exit 13
echo TUNNELS
ip l2tp show tunnel
echo SESSIONS
ip l2tp show session
ip l2tp del tunnel tunnel_id '"$TID"' 2>/dev/null && exit 14
ip l2tp del tunnel tunnel_id 7 || exit 15
ip l2tp show tunnel | grep -q . && exit 16
exit 0
'
pretty USERNS "unshare --user --map-root-user --net sh -c ..."
out=$(nobody unshare --user --map-root-user --net sh -c "$USERNS_SCRIPT" 2>&1)
rc=$?
comment <<<"$out"
ktap_check "userns root: ip l2tp adds, lists and deletes its own tunnel and session (rc $rc)" \
	test $rc -eq 0
if echo "$out" | grep -q "Tunnel 7," && ! echo "$out" | grep -q "Tunnel $TID"; then
	ktap_ok "userns root: ip l2tp show lists its tunnel, not the initial netns's"
else
	ktap_fail "userns root: ip l2tp show lists its tunnel, not the initial netns's"
fi
ktap_check "root: tunnel $TID survived the userns's attempt to delete it" \
	ipq link show l2tpsecI

ktap_finish
