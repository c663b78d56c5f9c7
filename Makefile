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
obj-$(CONFIG_L2TP_DEBUGFS) += l2tp_debugfs.o

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
# T: run only the selftests whose name contains this string.
T ?=

export KDIR KVER

.PHONY: all modules install clean deps check demo bench style sparse abi-check \
	static-check vm-check help

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no 6.12 kernel headers: run 'make deps'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod -a $(KVER)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C selftests clean
	rm -rf .build

deps:
	bash selftests/deps.sh

# Our include/uapi against the system's /usr/include/linux copies:
# names, values, sizes and offsets must all match (host compiler).
abi-check:
	$(MAKE) --no-print-directory -C selftests/abi OUT=$(CURDIR)/.build/abi check

help:
	@echo "make            build the modules against KDIR ($(KDIR))"
	@echo "make install    install them into /lib/modules/$(KVER)/$(INSTALL_MOD_DIR)"
	@echo "make demo       boot the test VM and run the demo"
	@echo "make abi-check  compare include/uapi with the system uapi headers"
	@echo "make check      static checks + every selftest in the VM (A=ours|stock, T=name)"
	@echo "make bench      benchmark ours against the stock modules"

endif
