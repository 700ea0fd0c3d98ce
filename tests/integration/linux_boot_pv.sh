#!/bin/sh
# linux_boot_pv.sh: Debian 12's own Linux kernel (linux-image-6.1.*-amd64,
# unmodified, CONFIG_XEN_PV) booted as a 64-bit PV guest (type = "pv") by
# the real xl on the real xenhv: the PV builder's start_info, p2m and
# page tables, then the kernel's own page tables (mmu_update, writable
# page tables), descriptor tables, trap table, callbacks, privileged
# instructions emulated as Xen does, events and the PV console, to a tiny
# initramfs whose /init (tests/linux/init.c, static) prints what it sees
# and powers off.  What a user would check: the kernel's banner and the
# init's lines on hvc0, a clean poweroff, the domain gone.  Without the
# kernel the test skips (linux_lib.sh).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
. "$top_srcdir/tests/integration/linux_lib.sh"
XL=$XLBIN
cd "$scratch" || exit 1
linux_initramfs init.c
linux_boot linuxpv pv 1
echo "# boot to poweroff: $(cat linuxpv.ms) ms (xl create -F, wall clock)"

has() {
    grep -qF -- "$1" linuxpv.log
}

ok "console shows the kernel's banner (Linux version 6.1)" has "Linux version 6.1"
ok "the kernel knows it is a Xen PV guest" has "Booting kernel on Xen"
ok "the kernel runs /init from the initramfs" has "Run /init as init process"
ok "init prints its banner on hvc0" has "xenhv-init: hello from userspace (pid 1)"
ok "init's uname is the kernel's" has "xenhv-init: uname: Linux 6.1"
ok "init sees 1 CPU" has "xenhv-init: cpus: 1"
ok "init powers off" has "xenhv-init: powering off"
ok "the domain shut down with reason poweroff" grep -q "shut down, reason code 0 " linuxpv.xl
"$XL" list linuxpv > /dev/null 2>&1
[ $? != 0 ]
check "the domain is gone afterwards"
if ! has "xenhv-init: powering off"; then
    linux_last_lines linuxpv
    tail -5 linuxpv.xl | sed 's/^/#   xl: /'
    "$XL" dmesg 2> /dev/null | tail -10 | sed 's/^/#   dmesg: /'
fi

done_testing
