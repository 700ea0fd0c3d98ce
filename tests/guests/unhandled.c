/*
 * unhandled.c: a crash path.  The guest removes its #UD handler (and, on
 * HVM/PVH, the #NP and #DF gates that would catch the failed delivery) and
 * executes ud2: the exception cannot be taken, and the hypervisor must
 * crash the domain.  The expected end is shutdown reason crash.
 */
#include "guest.h"

const char guest_name[] = "unhandled";

void guest_main(void)
{
    gprintf("unhandled: executing ud2 with no #UD handler\n");
    traps_remove_gate(6);
    if (!env_is_pv()) {
        traps_remove_gate(11);
        traps_remove_gate(8);
    }
    __asm__ __volatile__("ud2");
    guest_fail("ud2 returned");
}
