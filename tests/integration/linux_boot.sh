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
XL=$XLBIN
cd "$scratch" || exit 1
linux_initramfs init.c

# has NAME TEXT: TEXT is a line (or part of one) of NAME's console.
has() {
    grep -qF -- "$2" "$1.log"
}

linux_boot linux1 pvh 1
echo "# boot to poweroff, 1 vCPU: $(cat linux1.ms) ms (xl create -F, wall clock)"
ok "console shows the kernel's banner (Linux version 6.1)" has linux1 "Linux version 6.1"
ok "the kernel runs /init from the initramfs" has linux1 "Run /init as init process"
ok "init prints its banner on hvc0" has linux1 "xenhv-init: hello from userspace (pid 1)"
ok "init's uname is the kernel's" has linux1 "xenhv-init: uname: Linux 6.1"
ok "init reads /proc/cpuinfo" has linux1 "xenhv-init: cpu: "
ok "init sees 1 CPU" has linux1 "xenhv-init: cpus: 1"
ok "init powers off" has linux1 "xenhv-init: powering off"
ok "the domain shut down with reason poweroff" grep -q "shut down, reason code 0 " linux1.xl
"$XL" list linux1 > /dev/null 2>&1
[ $? != 0 ]
check "the domain is gone afterwards"

# last_lines NAME: how far it got, when it did not get to the end.
last_lines() {
    has "$1" "xenhv-init: powering off" && return 0
    linux_last_lines "$1"
    tail -5 "$1.xl" | sed 's/^/#   xl: /'
}
last_lines linux1

linux_boot linux2 pvh 2
echo "# boot to poweroff, 2 vCPUs: $(cat linux2.ms) ms (xl create -F, wall clock)"
ok "vcpus=2: the kernel brings up both CPUs" has linux2 "smp: Brought up 1 node, 2 CPUs"
ok "vcpus=2: init sees 2 CPUs" has linux2 "xenhv-init: cpus: 2"
ok "vcpus=2: the domain shut down with reason poweroff" grep -q "shut down, reason code 0 " linux2.xl
"$XL" list linux2 > /dev/null 2>&1
[ $? != 0 ]
check "vcpus=2: the domain is gone afterwards"
last_lines linux2

done_testing
