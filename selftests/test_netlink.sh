#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The "l2tp" generic netlink API as userspace sees it: commands, reply
# attributes, errnos, dumps, notifications, permissions (l2tp_nl.c).
#
#   (topology: the program makes its own netns, plus short-lived ones)

bin=$(dirname "$0")/l2tp_nl
if [ ! -x "$bin" ]; then
	echo "not ok 1 - l2tp_nl is built (run make -C selftests)"
	exit 1
fi
exec "$bin"
