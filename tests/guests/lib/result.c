/*
 * result.c: the result protocol.  The last console line is
 * "RESULT: PASS <name>" or "RESULT: FAIL <name>: <why>", then the guest
 * shuts down: poweroff on pass, crash on fail.  Without Xen (QEMU) the
 * guest leaves through isa-debug-exit if present, else a triple fault.
 */
#include "guest.h"

void __noreturn cpu_halt_forever(void)
{
    for (;;) {
        if (env_is_pv()) /* cli and hlt are privileged for a PV kernel */
            sched_op(SCHEDOP_block, NULL);
        else
            __asm__ __volatile__("cli; hlt");
    }
}

void __noreturn guest_shutdown(unsigned int reason)
{
    struct sched_shutdown sd = {.reason = reason};

    if (boot.on_xen) {
        sched_op(SCHEDOP_shutdown, &sd);
        console_io_write("SCHEDOP_shutdown returned\n");
        for (;;)
            sched_op(SCHEDOP_block, NULL);
    }
    if (!env_is_pv()) {
        /* QEMU: -device isa-debug-exit,iobase=0xf4 exits with (v << 1) | 1. */
        outb(0xf4, reason == SHUTDOWN_poweroff ? 0 : 1);
        triple_fault();
    }
    cpu_halt_forever();
}

void guest_require_xen(void)
{
    if (!boot.on_xen)
        guest_fail("not running on Xen");
}

void __noreturn guest_pass(void)
{
    gprintf("RESULT: PASS %s\n", guest_name);
    guest_shutdown(SHUTDOWN_poweroff);
}

/* A guest may say more before its RESULT line (e.g. what it last did). */
void guest_fail_hook(void) __attribute__((weak));

void __noreturn guest_fail(const char *fmt, ...)
{
    char why[300];
    va_list ap;

    va_start(ap, fmt);
    gvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (guest_fail_hook)
        guest_fail_hook();
    gprintf("RESULT: FAIL %s: %s\n", guest_name, why);
    guest_shutdown(SHUTDOWN_crash);
}
