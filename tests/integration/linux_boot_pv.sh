#!/bin/sh
# linux_boot_pv.sh: Debian 12's own Linux kernel (linux-image-6.1.*-amd64,
# unmodified, CONFIG_XEN_PV) booted as a 64-bit PV guest (type = "pv") by
# the real xl on the real xenhv: the PV builder's start_info, p2m and
# page tables, then the kernel's own page tables (mmu_update, writable
# page tables), descriptor tables, trap table, callbacks, privileged
# instructions emulated as Xen does, events and the PV console, to a tiny
# initramfs whose /init (tests/linux/init.c, static) prints what it sees
# and powers off.  What a user would check: the kernel's banner and the
# init's lines on hvc0, a clean poweroff, the domain gone; then the same
# with vcpus=2.  Without the kernel the test skips (linux_lib.sh).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
. "$top_srcdir/tests/integration/linux_lib.sh"
cd "$scratch" || exit 1
linux_initramfs init.c

linux_boot linuxpv pv 1
linux_boot_checks linuxpv 1
ok "the kernel knows it is a Xen PV guest" linux_has linuxpv "Booting kernel on Xen"
# Two vCPUs: the second comes up through VCPUOP_initialise and VCPUOP_up,
# and both take part in the switch to the xen clocksource (stop_machine).
linux_boot linuxpv2 pv 2
linux_boot_checks linuxpv2 2
done_testing
