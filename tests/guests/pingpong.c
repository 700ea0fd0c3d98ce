/*
 * pingpong.c: event-channel IPIs between 2 vCPUs, each halted (sti; hlt
 * or SCHEDOP_block) between them, thousands of times, then the same with
 * SCHEDOP_poll on ports without handlers: every wake-up must reach a
 * halted vCPU (a lost one hangs the guest; the test's timeout ends it).
 * Also the runstate areas both vCPUs registered, which the hypervisor
 * rewrites at every runstate change: vCPU 0 finds itself running with
 * time accounted as blocked by then, and vCPU 1 blocked.
 */
#include "guest.h"

const char guest_name[] = "pingpong";

#define ROUNDS      5000
#define POLL_ROUNDS 2000

static volatile unsigned long pings, pongs; /* upcalls on vCPU 1, vCPU 0 */
static evtchn_port_t port_to0, port_to1;    /* IPI ports bound to vCPU 0, 1 */
static evtchn_port_t poll_to0, poll_to1;    /* IPI ports, no handler */
static volatile unsigned int ap_done, ap_bad;
static struct vcpu_runstate_info rs_area[2];

static void on_pong(evtchn_port_t port, void *data)
{
    pongs++;
}

static void on_ping(evtchn_port_t port, void *data)
{
    pings++;
}

static int register_runstate(unsigned int cpu)
{
    struct vcpu_register_runstate_memory_area a;

    memset(&a, 0, sizeof(a));
    a.addr.v = &rs_area[cpu];
    return vcpu_op(VCPUOP_register_runstate_memory_area, cpu, &a);
}

static void secondary(unsigned int cpu)
{
    unsigned long n;

    if (register_runstate(1))
        ap_bad = 1;
    evtchn_bind_handler(port_to1, on_ping, NULL);
    events_enable();
    for (n = 1; n <= ROUNDS; n++) {
        EVENTS_WAIT_UNTIL(pings >= n);
        evtchn_send(port_to0);
    }
    for (n = 0; n < POLL_ROUNDS; n++) {
        if (evtchn_wait(poll_to1, 0))
            ap_bad = 2;
        evtchn_send(poll_to0);
    }
    __atomic_store_n(&ap_done, 1, __ATOMIC_SEQ_CST);
    evtchn_send(port_to0);
    for (;;)
        events_idle();
}

void guest_main(void)
{
    unsigned long n;
    uint64_t t;

    guest_require_xen();
    CHECK(boot.nr_vcpus >= 2, "the domain has %u vCPUs, the test needs 2", boot.nr_vcpus);
    EXPECT_RC(register_runstate(0), 0, "register vCPU 0's runstate area");
    CHECK(rs_area[0].state == RUNSTATE_running, "runstate area says %d, expected running",
          rs_area[0].state);
    EXPECT_RC(evtchn_bind_ipi(0, &port_to0), 0, "bind an IPI port on vCPU 0");
    EXPECT_RC(evtchn_bind_ipi(1, &port_to1), 0, "bind an IPI port on vCPU 1");
    EXPECT_RC(evtchn_bind_ipi(0, &poll_to0), 0, "bind a port vCPU 0 polls");
    EXPECT_RC(evtchn_bind_ipi(1, &poll_to1), 0, "bind a port vCPU 1 polls");
    evtchn_bind_handler(port_to0, on_pong, NULL);
    events_enable();
    CHECK(smp_start_cpu(1, secondary) == 0, "vCPU 1 does not start");
    for (n = 1; n <= ROUNDS; n++) {
        evtchn_send(port_to1);
        EVENTS_WAIT_UNTIL(pongs >= n);
    }
    gprintf("pingpong: %u IPIs each way, halted in between: ok\n", ROUNDS);
    for (n = 0; n < POLL_ROUNDS; n++) {
        evtchn_send(poll_to1);
        CHECK(evtchn_wait(poll_to0, 0) == 0, "poll round %lu: no event", n);
    }
    EVENTS_WAIT_UNTIL(ap_done);
    CHECK(!ap_bad, "vCPU 1 failed (%u)", ap_bad);
    gprintf("pingpong: %u SCHEDOP_poll wake-ups each way: ok\n", POLL_ROUNDS);
    t = xen_system_time_ns() + 10000000000ULL;
    while (__atomic_load_n(&rs_area[1].state, __ATOMIC_SEQ_CST) != RUNSTATE_blocked) {
        CHECK(xen_system_time_ns() < t, "vCPU 1's area says %d, expected blocked",
              rs_area[1].state);
        sched_op(SCHEDOP_yield, NULL);
    }
    CHECK(rs_area[0].state == RUNSTATE_running, "vCPU 0's area says %d, expected running",
          rs_area[0].state);
    CHECK(rs_area[0].time[RUNSTATE_running] > 0 && rs_area[0].time[RUNSTATE_blocked] > 0,
          "vCPU 0's area: running %llu ns, blocked %llu ns",
          (unsigned long long)rs_area[0].time[RUNSTATE_running],
          (unsigned long long)rs_area[0].time[RUNSTATE_blocked]);
    t = rs_area[0].state_entry_time;
    CHECK(t && t <= xen_system_time_ns(), "vCPU 0's area: entered its state at %llu",
          (unsigned long long)t);
    /*
     * vCPU 1 is blocked now (above), but may never have finished a blocked
     * period before: an event kicks the running sender, so the woken vCPU 0
     * often sends the next ping before vCPU 1 reaches its block.
     */
    t = rs_area[1].state_entry_time;
    CHECK(rs_area[1].time[RUNSTATE_running] > 0 && t && t <= xen_system_time_ns(),
          "vCPU 1's area: running %llu ns, blocked since %llu",
          (unsigned long long)rs_area[1].time[RUNSTATE_running], (unsigned long long)t);
    gprintf("pingpong: runstate areas kept up to date: ok\n");
    events_disable();
}
