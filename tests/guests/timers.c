/*
 * timers.c: timers and blocking.  VIRQ_TIMER bound to a handler; fired by
 * set_timer_op, by a VCPUOP single-shot timer and by a periodic timer,
 * waited for with events enabled (HLT on HVM/PVH, SCHEDOP_block on PV)
 * and with SCHEDOP_block directly.
 */
#include "guest.h"

const char guest_name[] = "timers";

static volatile unsigned long ticks;

static void on_timer(evtchn_port_t port, void *data)
{
    ticks++;
}

static void wait_ticks(unsigned long n)
{
    EVENTS_WAIT_UNTIL(ticks >= n);
}

void guest_main(void)
{
    struct vcpu_set_singleshot_timer ss;
    struct vcpu_set_periodic_timer per;
    evtchn_port_t port;
    uint64_t now;

    guest_require_xen();
    EXPECT_RC(evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0, "bind VIRQ_TIMER");
    evtchn_bind_handler(port, on_timer, NULL);
    events_enable();

    now = xen_system_time_ns();
    CHECK(now > 0, "no system time");
    EXPECT_RC(set_timer_op(now + 1000000), 0, "set_timer_op");
    wait_ticks(1);
    gprintf("timers: set_timer_op fired: ok\n");

    ss.timeout_abs_ns = xen_system_time_ns() - 1000;
    ss.flags = VCPU_SSHOTTMR_future;
    EXPECT_RC(vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss), -XEN_ETIME,
              "single-shot timer in the past");
    ss.timeout_abs_ns = xen_system_time_ns() + 2000000;
    ss.flags = 0;
    EXPECT_RC(vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss), 0, "VCPUOP_set_singleshot_timer");
    wait_ticks(2);
    gprintf("timers: single-shot timer fired: ok\n");
    EXPECT_RC(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0, "VCPUOP_stop_singleshot_timer");

    per.period_ns = 1000; /* Xen's minimum period is 1 ms */
    EXPECT_RC(vcpu_op(VCPUOP_set_periodic_timer, 0, &per), -XEN_EINVAL, "periodic timer of 1 us");
    per.period_ns = 2000000;
    EXPECT_RC(vcpu_op(VCPUOP_set_periodic_timer, 0, &per), 0, "VCPUOP_set_periodic_timer");
    wait_ticks(5);
    gprintf("timers: periodic timer ticked 3 times: ok\n");
    /* SCHEDOP_block with events enabled: the periodic timer wakes us. */
    while (ticks < 8)
        sched_op(SCHEDOP_block, NULL);
    gprintf("timers: SCHEDOP_block woke on the timer: ok\n");
    EXPECT_RC(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0, "VCPUOP_stop_periodic_timer");
    EXPECT_RC(set_timer_op(0), 0, "set_timer_op(0) cancels");
    CHECK(xen_system_time_ns() > now, "system time did not advance");
}
