/*
 * sched.c: HYPERVISOR_sched_op: yield, poll (with timeout, bad ports, too
 * many ports), shutdown_code, remote_shutdown of a missing domain, an
 * unknown command; the guest then shuts down with poweroff.
 */
#include "guest.h"

const char guest_name[] = "sched";

void guest_main(void)
{
    struct sched_shutdown code = {.reason = SHUTDOWN_poweroff};
    struct sched_remote_shutdown rs = {.domain_id = 0x7000, .reason = SHUTDOWN_poweroff};
    struct sched_poll poll = {.nr_ports = 1};
    evtchn_port_t port, ports[200];
    uint64_t t0;
    int i;

    guest_require_xen();
    for (i = 0; i < 10; i++)
        if (sched_op(SCHEDOP_yield, NULL))
            guest_fail("SCHEDOP_yield failed");
    gprintf("sched: SCHEDOP_yield x10: ok\n");

    EXPECT_RC(evtchn_alloc_unbound(0, &port), 0, "alloc a port to poll");
    set_xen_guest_handle(poll.ports, &port);
    t0 = xen_system_time_ns();
    poll.timeout = t0 + 10000000; /* 10 ms */
    EXPECT_RC(sched_op(SCHEDOP_poll, &poll), 0, "SCHEDOP_poll with timeout");
    CHECK(!evtchn_is_pending(port), "the polled port became pending");
    CHECK(xen_system_time_ns() > t0, "system time did not advance across the poll");

    port = 100000;
    poll.timeout = 0;
    EXPECT_RC(sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL, "SCHEDOP_poll bad port");
    for (i = 0; i < 200; i++)
        ports[i] = 1;
    set_xen_guest_handle(poll.ports, ports);
    poll.nr_ports = 200;
    EXPECT_RC(sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL, "SCHEDOP_poll 200 ports");

    EXPECT_RC(sched_op(SCHEDOP_shutdown_code, &code), 0, "SCHEDOP_shutdown_code");
    EXPECT_RC(sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH,
              "SCHEDOP_remote_shutdown missing domain");
    EXPECT_RC(sched_op(1000, NULL), -XEN_ENOSYS, "unknown SCHEDOP");
}
