# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the datapath tests (test_datapath_*.sh) share: running an
# l2tp_wire.py script, and reading its output.  A test sources lib.sh,
# then this file.
#
# wire runs a script with A naming NS1 and B NS2; the output is kept in
# W, which the other helpers read:
#
#   has CAP TAG KEY=VALUE...   the packet tagged TAG of capture CAP shows
#                              all of these fields
#   field CAP TAG KEY          one field of that packet
#   tags CAP                   the tags of capture CAP in arrival order
#   cnt TID SID|- NAME...      counters or settings of a session (of the
#                              tunnel with -), from the last stats
#   sum_sessions TID NAME      a counter added up over a tunnel's sessions
#   check_eq DESC GOT WANT     one KTAP result, with both values on failure

WIRE_PY=$(dirname "${BASH_SOURCE[0]}")/l2tp_wire.py

# wire: run the l2tp_wire.py script on stdin, A being NS1 and B NS2; its
# output lands in W and, commented, in the log.
wire() {
	W=$(python3 -S "$WIRE_PY" A="$(ns_name 1)" B="$(ns_name 2)" 2>&1)
	sed 's/^/# /' <<<"$W"
}

# has CAP TAG KEY=VALUE...: the packet tagged TAG in capture CAP (of the
# last wire run) shows every KEY=VALUE.
has() {
	local cap=$1 tag=$2 line tok
	shift 2
	line=$(awk -v c="$cap" -v t="tag=$tag" '$1 == "pkt" && $2 == c {
		for (i = 3; i <= NF; i++) if ($i == t) { print; exit } }' <<<"$W")
	if [ -z "$line" ]; then
		echo "# no packet tagged $tag in capture $cap"
		return 1
	fi
	for tok; do
		case " $line " in
		*" $tok "*) ;;
		*) echo "# $cap tag $tag: want $tok in: $line"; return 1 ;;
		esac
	done
}

# field CAP TAG KEY: the value of KEY in the packet tagged TAG.
field() {
	awk -v c="$1" -v t="tag=$2" -v k="$3=" '$1 == "pkt" && $2 == c {
		hit = 0; v = ""
		for (i = 3; i <= NF; i++) {
			if ($i == t) hit = 1
			if (index($i, k) == 1) v = substr($i, length(k) + 1)
		}
		if (hit) { print v; exit } }' <<<"$W"
}

# tags CAP: the tags of the packets of capture CAP, in arrival order.
tags() {
	awk -v c="$1" '$1 == "pkt" && $2 == c {
		for (i = 3; i <= NF; i++) if ($i ~ /^tag=/) {
			printf "%s%s", s, substr($i, 5); s = " " } }
		END { print "" }' <<<"$W"
}

# cnt TID SID|- NAME...: the values of the named counters or settings of
# a session (or of the tunnel, SID -), from the last stats of W.
cnt() {
	local tid=$1 sid=$2 kind=sess
	shift 2
	[ "$sid" = - ] && kind=tun
	awk -v k="$kind" -v t="tid=$tid" -v s="sid=$sid" -v names="$*" '
	$1 == "stats" && $2 == k && $3 == t && (k == "tun" || $4 == s) {
		delete v
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n = split(names, want, " "); line = ""
		for (j = 1; j <= n; j++)
			line = line (j > 1 ? " " : "") (want[j] in v ? v[want[j]] : "?")
	}
	END { print line }' <<<"$W"
}

# by_mode STOCK OURS: what to expect in this mode where our receive path
# deliberately counts differently (Documentation/l2tp.rst, "Receive"):
# it parses exactly the header a packet carries (upstream returns UDP
# payloads under 14 bytes to the socket), counts every wrong header
# version in the tunnel's rx_invalid, and counts truncated optional
# fields in the tunnel's rx_invalid and the session's rx_errors.
by_mode() {
	if [ "$L2TP_MODE" = stock ]; then
		echo "$1"
	else
		echo "$2"
	fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "got '$2', want '$3'"
	fi
}

# sum_sessions TID NAME: NAME added up over the sessions of tunnel TID,
# in the last stats of W.
sum_sessions() {
	awk -v t="tid=$1" -v f="$2" '$1 == "stats" && $2 == "begin" { s = 0 }
		$1 == "stats" && $2 == "sess" && $3 == t {
		for (i = 4; i <= NF; i++) if (index($i, f "=") == 1)
			s += substr($i, length(f) + 2) }
		END { print s + 0 }' <<<"$W"
}

# The session counters the checks usually read, in this order.
# shellcheck disable=SC2034
RX="rx_packets rx_bytes rx_errors"
# shellcheck disable=SC2034
DISC="rx_seq_discards rx_oos_packets rx_cookie_discards rx_invalid"
