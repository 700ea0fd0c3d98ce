/*
 * console.c: console output through every path a guest has: the PV
 * console ring (with event notifications; 100 lines overflow the 2 KiB
 * ring, so the guest must wait for the backend), HYPERVISOR_console_io,
 * and on HVM/PVH the debug port 0xe9.  The last two reach the hypervisor's
 * console (xl dmesg), not the guest's.
 */
#include "guest.h"

const char guest_name[] = "console";

void guest_main(void)
{
    long rc;
    int i;

    guest_require_xen();
    CHECK(console_ring_ready(), "no PV console ring (console pfn %llu)",
          (unsigned long long)boot.console_pfn);
    gprintf("console: ring: ok\n");
    rc = console_io(CONSOLEIO_write, 33, "console: console_io line (dmesg)\n");
    /* Release builds of Xen refuse console_io to unprivileged guests. */
    CHECK(rc == 0 || rc == -XEN_EPERM, "CONSOLEIO_write returned %ld", rc);
    gprintf("console: console_io: ok\n");
    if (!env_is_pv())
        port_e9_write("console: port 0xe9 line (dmesg)\n");
    for (i = 1; i <= 100; i++)
        gprintf("console: line %03d of 100: the quick brown fox jumps over the lazy dog\n", i);
}
