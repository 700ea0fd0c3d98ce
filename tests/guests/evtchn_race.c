/*
 * evtchn_race.c: the hypervisor sets event bits in shared info while the
 * guest runs locked read-modify-writes on the same words (as every Xen
 * guest does: Linux's sync_clear_bit, xchg of the pending selector).  The
 * guest makes thousands of xenstore requests and, waiting for each reply,
 * spins on `lock btr` of an unbound port in the store port's word; every
 * reply's event must be seen.  A hypervisor that sets the bit from another
 * thread while the CPU emulator runs the guest's locked instruction as a
 * plain load and store loses it now and then.
 */
#include "guest.h"

const char guest_name[] = "evtchn_race";

#define REQUESTS  5000
#define LOST_NS   1000000000ULL /* an event not seen in a second is lost */
#define WORD_BITS (sizeof(xen_ulong_t) * 8)

static unsigned long waits, lost; /* waits for an event; events not seen */

static void clear_bit_locked(unsigned int nr, volatile xen_ulong_t *w)
{
    __asm__ __volatile__("lock btr %1, %0"
                         : "+m"(w[nr / WORD_BITS])
                         : "r"((xen_ulong_t)(nr % WORD_BITS))
                         : "memory");
}

/* The xenstore client's wait: spin until the port's bit is set, doing
 * locked writes of the word it lives in meanwhile. */
static int spin_for_event(evtchn_port_t port, unsigned long snapshot, uint64_t timeout_ns)
{
    unsigned int other = port % WORD_BITS == WORD_BITS - 1 ? port - 1 : port | (WORD_BITS - 1);
    uint64_t give_up = xen_system_time_ns() + LOST_NS;

    (void)snapshot, (void)timeout_ns;
    waits++;
    while (!evtchn_test_and_clear(port)) {
        for (int i = 0; i < 64; i++)
            clear_bit_locked(other, shared_info->evtchn_pending);
        if (xen_system_time_ns() > give_up) {
            lost++; /* the reply is in the ring: read it anyway */
            return 0;
        }
    }
    return 0;
}

void guest_main(void)
{
    char buf[64];

    guest_require_xen();
    EXPECT_RC(xs_init(), 0, "xenstore ring");
    xs_set_wait(spin_for_event);
    for (int i = 0; i < REQUESTS; i++) {
        CHECK(xs_read("domid", buf, sizeof(buf)) > 0, "request %d: no reply", i);
        CHECK(!lost, "request %d: the reply's event was lost (%lu waits)", i, waits);
    }
    xs_set_wait(NULL);
    gprintf("evtchn_race: %d xenstore requests answered: ok\n", REQUESTS);
    gprintf("evtchn_race: every event seen while the guest wrote the word: ok\n");
}
