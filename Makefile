# SPDX-License-Identifier: GPL-2.0
#
# One Makefile for both builds:
#  - Kbuild (KERNELRELEASE set): in a kernel tree as net/l2tp, or as an
#    external module directory; it only lists the objects.
#  - Out of tree (plain `make`): the developer and CI targets below,
#    which call back into Kbuild with M=$(CURDIR).

ifneq ($(KERNELRELEASE),)

obj-$(CONFIG_L2TP) += l2tp_core.o
# The netlink API comes with L2TPv3 (a bool), built like the core.
ifeq ($(CONFIG_L2TP_V3),y)
obj-$(CONFIG_L2TP) += l2tp_netlink.o
endif
obj-$(CONFIG_L2TP_ETH) += l2tp_eth.o
obj-$(CONFIG_PPPOL2TP) += l2tp_ppp.o
obj-$(CONFIG_L2TP_DEBUGFS) += l2tp_debugfs.o
# L2TP_IP hangs off the bool L2TP_V3, so it can say y while the core it
# needs is m: a y means "built as the core is".
l2tp_ip_obj := $(if $(filter y,$(CONFIG_L2TP_IP)),$(CONFIG_L2TP),$(CONFIG_L2TP_IP))
obj-$(l2tp_ip_obj) += l2tp_ip.o
ifneq ($(CONFIG_IPV6),)
obj-$(l2tp_ip_obj) += l2tp_ip6.o
endif

# Out of tree, our own uapi headers must shadow the kernel's copies, so
# they go first on the include path (NOSTDINC_FLAGS precedes LINUXINCLUDE).
ifneq ($(KBUILD_EXTMOD),)
NOSTDINC_FLAGS += -I$(src)/include/uapi
endif

CFLAGS_l2tp_core.o += -I$(src)

else

KDIR ?= $(shell ls -d /lib/modules/6.12*/build 2>/dev/null | sort -V | tail -n 1)
KVER ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
INSTALL_MOD_DIR ?= updates
# A: which modules the VM tests run against: ours, stock, or both.
A ?= ours stock
# QUICK=1 / FULL=1: the size of a `make bench` run.
QUICK ?= 0
FULL ?= 0
# PROFILE=1: perf profiles of the control-plane workloads instead.
PROFILE ?= 0
ROUNDS ?=
# T: run only the selftests whose name contains this string.
T ?=
# JOBS=N: spread the selftests over N test VMs that run at once
# (selftests/vm_shards.sh); each takes one host core.  make fuzz JOBS=N
# runs both fuzzers in every VM instead, each with 1/N of the operations
# and packets and a seed of its own (FUZZ_SEED + K).
JOBS ?= 1
SHARD_OPTS ?=
# KERNEL=debug: build our modules against the debug kernel
# (selftests/debug-kernel.sh: KASAN, lockdep, kmemleak...) and boot it.
KERNEL ?=

export KDIR KVER

.PHONY: all modules install clean deps check demo bench style sparse abi-check \
	static-check vm-check help debug-kernel debug-modules fuzz stress

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no 6.12 kernel headers: run 'make deps'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# Debian's key is not shipped, so modules are installed unsigned (as
# DKMS does); depmod honours INSTALL_MOD_PATH for staged installs.
install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		CONFIG_MODULE_SIG_ALL= modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C selftests clean
	$(MAKE) -C selftests/bench clean
	rm -rf .build

deps:
	bash selftests/deps.sh

# ---- Static checks and the test VM (selftests/vm.sh, run_tests.sh) ----

# Where the test VM leaves its results: status, summary, dmesg, console.
VM_OUT ?= $(CURDIR)/.build/vm-out
# The module tree and index that mode "ours" installs in the guest.
VM_INDEX := $(CURDIR)/.build/depmod
# How long one test may run before run_tests.sh stops it.
TEST_TIMEOUT ?= 900

# The kernel the VM boots.  Stock: the installed Debian kernel.  Debug:
# the cached build of selftests/debug-kernel.sh, our modules built
# against it in DEBUG_KO, a module index of its own; everything runs
# about three times slower there, so the limits grow.
ifeq ($(KERNEL),debug)
DEBUG_DIR := $(shell bash selftests/debug-kernel.sh --dir)
DEBUG_KO := $(CURDIR)/.build/debug-ko
VM_INDEX := $(CURDIR)/.build/debug-depmod
VM_KERNEL_ENV = VM_KDIR=$(DEBUG_DIR) L2TP_MODROOT=$(DEBUG_DIR)/root \
	L2TP_KO_DIR=$(DEBUG_KO) KVER=$$(cat $(DEBUG_DIR)/release)
VM_PREPARE := debug-modules
VM_TIMEOUT ?= 14400
TEST_TIMEOUT := $(shell echo $$(($(TEST_TIMEOUT) * 4)))
else ifneq ($(KERNEL),)
$(error KERNEL=$(KERNEL): only KERNEL=debug or the default)
else
VM_KERNEL_ENV =
VM_PREPARE :=
endif
STATIC_DIR := $(CURDIR)/.build/static
CHECKPATCH_DIR := $(CURDIR)/.build/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/scripts/checkpatch.pl
LINUX_SOURCE ?= /usr/src/linux-source-6.12.tar.xz
STYLE_FILES = $(filter-out %.mod.c,$(wildcard *.c *.h)) $(shell find include -name '*.h')

# The whole suite takes about 55 minutes of guest time in both modes on
# an idle 2-core host (the fuzzers' and the stress test's smoke sizes
# included); the limit leaves some room for a loaded one, within CI's 90
# minutes.
VM_TIMEOUT ?= 4800
# What run_tests.sh is given besides the mode: FUZZ_*, STRESS_*, tests.
VM_TEST_ENV = L2TP_INDEX TEST_TIMEOUT $(VM_EXTRA_ENV)

# The selftests in the VM: modes $(A), tests whose name contains $(T).
# The tests' summary is the last line; a failed static check ($$static,
# set by check) makes the exit status non-zero too.
define vm_check
case " $(A) " in *" ours "*) $(VM_KERNEL_ENV) bash selftests/run_tests.sh --index $(VM_INDEX) ;; esac; \
rm -f $(VM_OUT)/summary; \
T='$(T)' L2TP_INDEX=$(VM_INDEX) TEST_TIMEOUT=$(TEST_TIMEOUT) VM_ENV="$(VM_TEST_ENV)" \
	$(VM_KERNEL_ENV) bash $(if $(filter-out 1,$(JOBS)),selftests/vm_shards.sh $(JOBS) $(SHARD_OPTS),selftests/vm.sh) \
	--out $(VM_OUT) --timeout $(VM_TIMEOUT) -- selftests/run_tests.sh $(A); \
rc=$$?; \
if [ "$$static" = failed ]; then echo "static-check failed: see above"; rc=1; fi; \
if [ -s $(VM_OUT)/summary ]; then tail -n 1 $(VM_OUT)/summary; else \
	echo "no result from the VM (status $$rc): see $(VM_OUT)/console.log"; \
	echo "0 passed, 1 failed, 0 skipped"; rc=1; fi; \
exit $$rc
endef

# Everything: the build, the static checks, then every selftest in one
# VM boot.  A failed static check does not stop the VM tests, so one run
# shows all.
check:
	@bash selftests/deps.sh
	$(MAKE) modules
	$(MAKE) -C selftests
	$(MAKE) -C selftests/harness
	$(if $(VM_PREPARE),$(MAKE) $(VM_PREPARE))
	@static=ok; $(MAKE) --no-print-directory static-check || static=failed; \
	$(vm_check)

vm-check: $(VM_PREPARE)
	@static=; $(vm_check)

# The debug kernel, built once per config into ~/.cache/l2tp (10 to 30
# minutes on 2 idle cores; see README), and our modules built against it in a
# copy of the sources, so the tree's own build stays the stock kernel's.
debug-kernel:
	bash selftests/debug-kernel.sh

debug-modules: debug-kernel
	@rm -rf $(DEBUG_KO) && mkdir -p $(DEBUG_KO)
	@git ls-files -co --exclude-standard -- '*.[ch]' Makefile Kbuild Kconfig include \
		| grep -v -e '^selftests/' -e '^Documentation/' | xargs cp --parents -t $(DEBUG_KO)
	$(MAKE) -C $(DEBUG_DIR)/src M=$(DEBUG_KO) W=1 modules
	$(MAKE) -C selftests/harness KDIR=$(DEBUG_DIR)/src OUT=$(CURDIR)/.build/harness-debug

# The fuzzers and the race stress on the debug kernel, our modules only
# by default (A=stock to aim them at upstream).  make fuzz: 1M netlink
# and socket operations, 10M packets; make stress: DURATION seconds.
# Under TCG the wire fuzzer sends about 2500 packets/s on the stock
# kernel and 1300 on the debug one: the default make fuzz takes about an
# hour and a half with JOBS=2 on 2 cores (FUZZ_PACKETS= for less).
FUZZ_OPS ?= 1000000
FUZZ_PACKETS ?= 10000000
# A new seed per make fuzz (the tests print it; FUZZ_SEED= replays one).
FUZZ_SEED ?= $(shell date +%s)
DURATION ?= 600
fuzz: A = ours
stress: A = ours
fuzz:
	@bash selftests/deps.sh
	$(MAKE) -C selftests
	$(MAKE) KERNEL=debug debug-modules
	@static=; FUZZ_OPS=$(FUZZ_OPS) FUZZ_PACKETS=$(FUZZ_PACKETS) FUZZ_SEED=$(FUZZ_SEED) \
		L2TP_TESTS="$(CURDIR)/selftests/test_fuzz_nl.sh $(CURDIR)/selftests/test_fuzz_wire.sh" \
		$(MAKE) --no-print-directory KERNEL=debug VM_OUT=$(VM_OUT)-fuzz SHARD_OPTS=--split \
		VM_EXTRA_ENV="FUZZ_OPS FUZZ_PACKETS FUZZ_SEED L2TP_TESTS" \
		TEST_TIMEOUT=$$((12 * 3600)) VM_TIMEOUT=$$((25 * 3600)) vm-check A="$(A)"
stress:
	@bash selftests/deps.sh
	$(MAKE) -C selftests
	$(MAKE) KERNEL=debug debug-modules
	@STRESS_DURATION=$(DURATION) L2TP_TESTS="$(CURDIR)/selftests/test_stress.sh" \
		$(MAKE) --no-print-directory KERNEL=debug VM_OUT=$(VM_OUT)-stress \
		VM_EXTRA_ENV="STRESS_DURATION L2TP_TESTS" \
		TEST_TIMEOUT=$$(($(DURATION) + 1800)) vm-check A="$(A)"

demo:
	@bash selftests/deps.sh
	$(MAKE) modules
	@bash selftests/run_tests.sh --index $(VM_INDEX)
	L2TP_INDEX=$(VM_INDEX) VM_ENV=L2TP_INDEX bash selftests/vm.sh --out $(VM_OUT) -- \
		selftests/run_tests.sh --run ours selftests/demo.sh

# The benchmark (selftests/bench): ours and stock alternately in one VM
# boot; QUICK=1 for a smoke run, FULL=1 for 100k objects.  Its results
# land in $(BENCH_OUT) on the host.  Not part of check: nothing asserts
# a time.  The guest boots without the tests' slab debugging and KFENCE,
# which would weigh on every allocation.
BENCH_OUT ?= $(CURDIR)/.build/bench$(if $(filter 1,$(PROFILE)),-profile)
# Its own snapshot of the module index (run_tests.sh --index), so that a
# bench never rewrites the one a concurrent `make check` is reading.
BENCH_INDEX := $(CURDIR)/.build/bench-depmod
# bench.sh's workload lists, passed on when given (even empty: skipped).
BENCH_LISTS = $(foreach v,DUR DP_KINDS DP_TESTS CTL_NS ETH_NS ETH_BIG SCALE_NS,\
		$(if $(filter command line environment,$(origin $(v))),$(v)))

bench:
	@bash selftests/deps.sh
	$(MAKE) modules
	$(MAKE) -C selftests/bench
	@bash selftests/run_tests.sh --index $(BENCH_INDEX)
	@mkdir -p $(BENCH_OUT) && rm -f $(BENCH_OUT)/raw.txt
	@rc=0; L2TP_INDEX=$(BENCH_INDEX) QUICK=$(QUICK) FULL=$(FULL) PROFILE=$(PROFILE) \
		ROUNDS=$(ROUNDS) VM_ENV="L2TP_INDEX QUICK FULL PROFILE $(if $(ROUNDS),ROUNDS) $(BENCH_LISTS)" \
		VM_CMDLINE="slub_debug=- kfence.sample_interval=0" \
		bash selftests/vm.sh --out $(BENCH_OUT) --timeout 5400 -- \
		selftests/bench/bench.sh $(BENCH_OUT) || rc=$$?; \
	if [ "$(PROFILE)" = 1 ]; then ls $(BENCH_OUT)/profile-*.txt || rc=1; \
	else python3 selftests/bench/report.py $(BENCH_OUT) || rc=1; fi; \
	exit $$rc

# W=1, sparse, checkpatch --strict and the ABI check; all run, any fails.
static-check:
	@rc=0; \
	$(MAKE) --no-print-directory sparse || rc=1; \
	$(MAKE) --no-print-directory style || rc=1; \
	$(MAKE) --no-print-directory abi-check || rc=1; \
	exit $$rc

# A fresh W=1 C=1 build of a copy of the sources, so every file is
# compiled and checked again without touching the tree's own build.
# Any compiler, sparse or modpost warning about our files fails it.
sparse:
	@rm -rf $(STATIC_DIR) && mkdir -p $(STATIC_DIR)
	@git ls-files -co --exclude-standard -- '*.[ch]' Makefile Kbuild Kconfig include \
		| grep -v -e '^selftests/' -e '^Documentation/' | xargs cp --parents -t $(STATIC_DIR)
	@$(MAKE) -C $(KDIR) M=$(STATIC_DIR) W=1 C=1 modules >$(STATIC_DIR)/build.log 2>&1; \
	rc=$$?; cat $(STATIC_DIR)/build.log; \
	if grep -E '^($(STATIC_DIR)/[^:]*:[0-9:]* (warning|error)|WARNING: modpost)' \
		$(STATIC_DIR)/build.log >$(STATIC_DIR)/warnings; then \
		echo "sparse/W=1: warnings in our files:"; cat $(STATIC_DIR)/warnings; rc=1; fi; \
	exit $$rc

# checkpatch --strict, taken from the kernel source package at check time.
# ENOSYS is ignored: the PPPoL2TP ioctl ABI returns it (upstream's errno).
style: $(CHECKPATCH)
	$(CHECKPATCH) --strict --no-tree --quiet --show-types --ignore ENOSYS \
		-f $(STYLE_FILES)

$(CHECKPATCH):
	rm -rf $(CHECKPATCH_DIR).tmp && mkdir -p $(CHECKPATCH_DIR).tmp
	tar -xJf $(LINUX_SOURCE) -C $(CHECKPATCH_DIR).tmp --strip-components=1 \
		linux-source-6.12/scripts/checkpatch.pl linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
	rm -rf $(CHECKPATCH_DIR) && mv $(CHECKPATCH_DIR).tmp $(CHECKPATCH_DIR)

# Our include/uapi against the system's /usr/include/linux copies:
# names, values, sizes and offsets must all match (host compiler).
abi-check:
	$(MAKE) --no-print-directory -C selftests/abi OUT=$(CURDIR)/.build/abi check

help:
	@echo "make            build the modules against KDIR ($(KDIR))"
	@echo "make install    install them into /lib/modules/$(KVER)/$(INSTALL_MOD_DIR)"
	@echo "make demo       boot the test VM and run the demo"
	@echo "make abi-check  compare include/uapi with the system uapi headers"
	@echo "make check      static checks + every selftest in the VM (A=ours|stock, T=name,"
	@echo "                JOBS=N: N VMs at once, KERNEL=debug: on the debug kernel)"
	@echo "make fuzz       netlink/socket and wire fuzzers on the debug kernel (JOBS=N)"
	@echo "make stress     race stress on the debug kernel (DURATION=seconds)"
	@echo "make static-check  W=1, sparse, checkpatch --strict, abi-check"
	@echo "make vm-check   only the selftests in the VM (A=, T=)"
	@echo "make bench      benchmark ours against the stock modules in one VM boot"
	@echo "                (QUICK=1: a 5-minute smoke run, FULL=1: up to 100k objects)"

endif
