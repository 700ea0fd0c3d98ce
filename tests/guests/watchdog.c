/*
 * watchdog.c: SCHEDOP_watchdog.  Two timers per domain (id 0 arms one
 * and returns its id, a third is -ENOSPC), a freed or unknown id is
 * -EINVAL; timer 1 poked well inside its 2 s keeps the domain alive for
 * longer than that; then the guest hangs (spins, events off) and the
 * hypervisor must shut it down with SHUTDOWN_watchdog.
 */
#include "guest.h"

const char guest_name[] = "watchdog";

#define MS 1000000ull

static long watchdog(uint32_t id, uint32_t timeout_s)
{
    struct sched_watchdog w = {.id = id, .timeout = timeout_s};

    return sched_op(SCHEDOP_watchdog, &w);
}

static volatile unsigned long ticks;

static void on_timer(evtchn_port_t port, void *data)
{
    ticks++;
}

/* Sleep (blocked, not spinning) for about ns. */
static void sleep_ns(uint64_t ns)
{
    unsigned long want = ticks + 1;

    CHECK(set_timer_op(xen_system_time_ns() + ns) == 0, "set_timer_op failed");
    EVENTS_WAIT_UNTIL(ticks >= want);
}

void guest_main(void)
{
    evtchn_port_t port;
    uint64_t start;

    guest_require_xen();
    EXPECT_RC(watchdog(0, 2), 1, "arm a timer of 2 s: id 1");
    EXPECT_RC(watchdog(0, 30), 2, "arm a second: id 2");
    EXPECT_RC(watchdog(0, 30), -XEN_ENOSPC, "a third: no space");
    EXPECT_RC(watchdog(3, 30), -XEN_EINVAL, "poke id 3: no such timer");
    EXPECT_RC(watchdog(2, 0), 0, "free timer 2");
    EXPECT_RC(watchdog(2, 30), -XEN_EINVAL, "poke the freed timer");

    CHECK(evtchn_bind_virq(VIRQ_TIMER, 0, &port) == 0, "bind VIRQ_TIMER");
    evtchn_bind_handler(port, on_timer, NULL);
    events_enable();
    start = xen_system_time_ns();
    while (xen_system_time_ns() - start < 3000 * MS) {
        sleep_ns(250 * MS);
        CHECK(watchdog(1, 2) == 0, "poking timer 1 failed");
    }
    gprintf("watchdog: poked every 250 ms for 3 s, past its 2 s timeout: ok\n");
    gprintf("watchdog: hanging now; the watchdog must shut the domain down\n");
    events_disable();
    for (;;)
        barrier();
}
