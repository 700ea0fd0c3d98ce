#!/bin/sh
# linux_watchdog.sh: Linux's own Xen watchdog driver (xen_wdt and the
# watchdog core, modules from the same Debian package as the kernel) on
# xenhv.  The boot test's
# /init (tests/linux/init.c), told xenhv.watchdog=2 on the command line,
# loads xen_wdt with a 2 s timeout, pets /dev/watchdog for 4 s and hangs;
# the domain must outlive the timeout while petted, then be shut down by
# its watchdog (reason code 4, on_watchdog's default: destroyed).
# Skips without the kernel or the module (scripts/setup assets).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
. "$top_srcdir/tests/integration/linux_lib.sh"
cd "$scratch" || exit 1
MODULES="$(dirname "$LINUX_KERNEL")/watchdog.ko $(dirname "$LINUX_KERNEL")/xen_wdt.ko"
for m in $MODULES; do
    [ -f "$m" ] || [ ! -f "$LINUX_KERNEL" ] ||
        linux_skip_all "no $m beside the kernel: run scripts/setup assets"
done
LINUX_RD_FILES=$MODULES linux_initramfs init.c

LINUX_CMDLINE=xenhv.watchdog=2 linux_boot wdt pvh 1
echo "# boot to the watchdog's shutdown: $(cat wdt.ms) ms (xl create -F, wall clock)"
ok "init runs" linux_has wdt "xenhv-init: hello from userspace (pid 1)"
ok "xen_wdt loads and finds the hypervisor's watchdog" linux_has wdt "xenhv-init: xen_wdt loaded (timeout=2)"
ok "the kernel's driver reports its timeout" linux_has wdt "initialized (timeout=2s"
ok "petted, the domain outlives its 2 s timeout" linux_has wdt "xenhv-init: watchdog: petted every 0.5 s for 4 s"
ok "then hung, it is shut down by its watchdog (reason code 4)" grep -q "shut down, reason code 4 " wdt.xl
ok "on_watchdog=destroy (the default): the domain is gone" gone wdt
linux_has wdt "xenhv-init: watchdog: hanging" || linux_last_lines wdt
done_testing
