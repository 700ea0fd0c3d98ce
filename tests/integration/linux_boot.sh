#!/bin/sh
# linux_boot.sh: Debian 12's own Linux kernel (linux-image-6.1.*-amd64,
# unmodified, its bzImage with an xz payload) booted as a PVH guest by the
# real xl on the real xenhv from an ordinary xl.cfg, with a tiny initramfs
# whose /init (tests/linux/init.c, static) prints what it sees and powers
# off.  What a user would check: the kernel's banner and the init's lines
# on the PV console (hvc0), the CPU count, a clean poweroff, the domain
# gone; then the same with vcpus=2 (Linux finds its CPUs in the MADT of
# the ACPI tables libxl gives PVH guests and starts the second by
# INIT-SIPI-SIPI).  Without the kernel the test skips (linux_lib.sh).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
. "$top_srcdir/tests/integration/linux_lib.sh"
cd "$scratch" || exit 1
linux_initramfs init.c

linux_boot linux1 pvh 1
linux_boot_checks linux1 1
linux_boot linux2 pvh 2
linux_boot_checks linux2 2
done_testing
