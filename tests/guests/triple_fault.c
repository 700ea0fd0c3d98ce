/*
 * triple_fault.c: a crash path.  The guest loads an empty IDT and raises
 * an exception, which cannot be delivered: a triple fault, and the
 * hypervisor must crash the domain (PV: no trap table at all, so Xen
 * crashes it).  The expected end is shutdown reason crash, no RESULT line.
 */
#include "guest.h"

const char guest_name[] = "triple_fault";

void guest_main(void)
{
    gprintf("triple_fault: raising an exception with no way to deliver it\n");
    triple_fault();
}
