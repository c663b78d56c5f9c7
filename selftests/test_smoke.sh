#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The l2tp core module loads, from where the mode says, and unloads.
#
#   (no topology: the initial namespace only)

. "$(dirname "$0")/lib.sh"

path=$(modinfo -n l2tp_core)
case $L2TP_MODE in
ours) want=/lib/modules/$(uname -r)/updates/ ;;
*) want=/lib/modules/$(uname -r)/kernel/ ;;
esac
ktap_check "modprobe resolves l2tp_core to $want" \
	test "${path#"$want"}" != "$path"
ktap_check "modprobe l2tp_core" host modprobe l2tp_core
ktap_check "l2tp_core is in /sys/module" test -d /sys/module/l2tp_core
ktap_finish
