/*
 * smp.c: SMP bring-up on 4 vCPUs with VCPUOP_initialise / VCPUOP_up.
 * Each secondary vCPU checks who it is, counts itself in, sends an IPI
 * event to vCPU 0 and takes itself down with VCPUOP_down.
 */
#include "guest.h"

const char guest_name[] = "smp";

#define NR_CPUS 4

static volatile unsigned int arrived, wrong_id;
static volatile unsigned long ipis;
static evtchn_port_t ipi_port;

static void on_ipi(evtchn_port_t port, void *data)
{
    ipis++;
}

static void secondary(unsigned int cpu)
{
    if (smp_cpu_id() != cpu)
        wrong_id = cpu;
    __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
    evtchn_send(ipi_port);
}

void guest_main(void)
{
    unsigned int cpu;
    uint64_t deadline;

    guest_require_xen();
    CHECK(boot.nr_vcpus >= NR_CPUS, "the domain has %u vCPUs, the test needs %u", boot.nr_vcpus,
          NR_CPUS);
    gprintf("smp: %u vCPUs: ok\n", NR_CPUS);
    for (cpu = 1; cpu < NR_CPUS; cpu++)
        CHECK(vcpu_op(VCPUOP_is_up, cpu, NULL) == 0, "vCPU %u is up before we started it", cpu);
    EXPECT_RC(evtchn_bind_ipi(0, &ipi_port), 0, "bind an IPI port on vCPU 0");
    evtchn_bind_handler(ipi_port, on_ipi, NULL);
    events_enable();
    for (cpu = 1; cpu < NR_CPUS; cpu++) {
        int rc = smp_start_cpu(cpu, secondary);
        CHECK(rc == 0, "starting vCPU %u: %d", cpu, rc);
    }
    gprintf("smp: VCPUOP_initialise and VCPUOP_up: ok\n");
    deadline = xen_system_time_ns() + 10000000000ULL;
    while (arrived < NR_CPUS - 1) {
        CHECK(xen_system_time_ns() < deadline, "only %u of %u vCPUs arrived", arrived, NR_CPUS - 1);
        sched_op(SCHEDOP_yield, NULL);
    }
    CHECK(!wrong_id, "vCPU %u ran on another vCPU's stack", wrong_id);
    gprintf("smp: %u secondary vCPUs ran: ok\n", NR_CPUS - 1);
    EVENTS_WAIT_UNTIL(ipis);
    gprintf("smp: IPI from a secondary vCPU: ok\n");
    for (cpu = 1; cpu < NR_CPUS; cpu++) {
        while (vcpu_op(VCPUOP_is_up, cpu, NULL) != 0) {
            CHECK(xen_system_time_ns() < deadline, "vCPU %u did not go down", cpu);
            sched_op(SCHEDOP_yield, NULL);
        }
    }
    gprintf("smp: VCPUOP_down: ok\n");
    events_disable();
}
