# guest.mk: builds freestanding guest kernels with the runtime in this
# directory, for each boot environment.  GNU make; called by the
# Makefile.am of tests/guests and examples:
#   make -f guest.mk GUEST_SRCDIR=<dir with NAME.c> GUESTS="names" OUT=<dir>
# produces OUT/<env>/<name>.elf for env in pv64 pvh hvm32 hvm64 (a guest
# may restrict itself with ENVS_<name>="...").  Only gcc's freestanding
# headers and the project's public Xen headers are used; no libc, no libgcc.

GUEST_LIBDIR ?= $(dir $(lastword $(MAKEFILE_LIST)))
top_srcdir ?= $(GUEST_LIBDIR)/../../..
OUT ?= .
CC ?= gcc
GUEST_ENVS ?= pv64 pvh hvm32 hvm64
V ?= 0

GUEST_CFLAGS = -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -mno-red-zone -mgeneral-regs-only \
	-Wall -Wextra -Wno-unused-parameter -Werror \
	-I$(GUEST_LIBDIR) -I$(top_srcdir)/hypervisor/include/public $(GUEST_EXTRA_CFLAGS)
GUEST_LDFLAGS = -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,--no-warn-rwx-segments

cflags_pv64  = -m64 -DGUEST_PV
cflags_pvh   = -m64 -DGUEST_PVH
cflags_hvm64 = -m64 -DGUEST_HVM64
cflags_hvm32 = -m32 -march=i686 -DGUEST_HVM32
lds_pv64  = pv64.lds
lds_pvh   = hvm.lds
lds_hvm64 = hvm.lds
lds_hvm32 = hvm.lds
asm_pv64  = entry_pv64
asm_pvh   = entry_hvm traps_hvm
asm_hvm64 = entry_hvm traps_hvm
asm_hvm32 = entry_hvm traps_hvm

LIB_C = console evtchn hypercall lib paging result smp start time traps xenstore
LIB_HDRS = $(wildcard $(GUEST_LIBDIR)/*.h) $(wildcard $(top_srcdir)/hypervisor/include/public/*.h \
	$(top_srcdir)/hypervisor/include/public/*/*.h)

libobjs = $(foreach f,$(LIB_C) $(asm_$(1)),$(OUT)/obj/$(1)/lib-$(f).o)
envs_of = $(or $(ENVS_$(1)),$(GUEST_ENVS))
TARGETS = $(foreach g,$(GUESTS),$(foreach e,$(call envs_of,$(g)),$(OUT)/$(e)/$(g).elf))

ifeq ($(V),0)
Q = @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

all: $(TARGETS)

define env_rules
$(OUT)/obj/$(1)/lib-%.o: $(GUEST_LIBDIR)/%.c $(LIB_HDRS)
	@mkdir -p $$(@D)
	$$(call say,GUESTCC,$$@)$(CC) $$(GUEST_CFLAGS) $$(cflags_$(1)) -c -o $$@ $$<
$(OUT)/obj/$(1)/lib-%.o: $(GUEST_LIBDIR)/%.S $(GUEST_LIBDIR)/asm.h
	@mkdir -p $$(@D)
	$$(call say,GUESTAS,$$@)$(CC) $$(GUEST_CFLAGS) $$(cflags_$(1)) -c -o $$@ $$<
$(OUT)/obj/$(1)/main-%.o: $(GUEST_SRCDIR)/%.c $(LIB_HDRS)
	@mkdir -p $$(@D)
	$$(call say,GUESTCC,$$@)$(CC) $$(GUEST_CFLAGS) $$(cflags_$(1)) -c -o $$@ $$<
$(OUT)/$(1)/%.elf: $(OUT)/obj/$(1)/main-%.o $(call libobjs,$(1)) $(GUEST_LIBDIR)/$(lds_$(1))
	@mkdir -p $$(@D)
	$$(call say,GUESTLD,$$@)$(CC) $$(cflags_$(1)) $$(GUEST_LDFLAGS) -T $(GUEST_LIBDIR)/$(lds_$(1)) \
		-o $$@ $$< $(call libobjs,$(1))
endef
$(foreach e,$(GUEST_ENVS),$(eval $(call env_rules,$(e))))

clean:
	rm -rf $(OUT)/obj $(foreach e,$(GUEST_ENVS),$(OUT)/$(e))

.PHONY: all clean
.SECONDARY:
