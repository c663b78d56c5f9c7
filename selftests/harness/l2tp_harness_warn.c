// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only module for the selftest harness, never installed and not
 * part of the product: loaded with warn=1 it emits one WARN splat, so
 * that test_harness.sh can show the runner notices a kernel splat.
 */

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "emit one WARN splat when loaded");

static int __init l2tp_harness_warn_init(void)
{
	WARN(warn, "l2tp_harness_warn: splat injected on request\n");
	return 0;
}

static void __exit l2tp_harness_warn_exit(void)
{
}

module_init(l2tp_harness_warn_init);
module_exit(l2tp_harness_warn_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("selftest harness: inject a WARN splat on request");
