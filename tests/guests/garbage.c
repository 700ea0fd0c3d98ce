/*
 * garbage.c: the guest hands the hypervisor garbage - bad pointers, huge
 * counts, bad ports, bad vCPU ids, unknown commands and hypercall numbers
 * - and expects the documented errors back, and to keep running.
 */
#include "guest.h"
#include "grant_table.h"
#include "hvm/params.h"
#include "memory.h"
#include "version.h"

const char guest_name[] = "garbage";

#ifdef __x86_64__
#define BAD_PTR  ((void *)0x700000000000UL)     /* unmapped */
#define BAD_PTR2 ((void *)0xffff800000001000UL) /* Xen's own range */
#else
#define BAD_PTR  ((void *)0xfffff000UL) /* beyond RAM: no page */
#define BAD_PTR2 ((void *)0xc0000000UL) /* in the MMIO hole */
#endif

void guest_main(void)
{
    struct evtchn_bind_virq bv = {.virq = 1000, .vcpu = 0};
    struct gnttab_query_size qs = {.dom = DOMID_SELF};
    struct sched_poll poll = {.nr_ports = 100000};
    struct xen_memory_map mm = {.nr_entries = 8};
    evtchn_port_t port;

    guest_require_xen();
    /* Bad pointers. */
    EXPECT_RC(evtchn_op(EVTCHNOP_alloc_unbound, BAD_PTR), -XEN_EFAULT, "evtchn_op bad pointer");
    EXPECT_RC(evtchn_op(EVTCHNOP_status, BAD_PTR2), -XEN_EFAULT, "evtchn_op hypervisor pointer");
    EXPECT_RC(xen_version_op(XENVER_extraversion, BAD_PTR), -XEN_EFAULT, "xen_version bad pointer");
    EXPECT_RC(memory_op(XENMEM_memory_map, BAD_PTR), -XEN_EFAULT, "memory_op bad pointer");
    set_xen_guest_handle(mm.buffer, BAD_PTR);
    EXPECT_RC(memory_op(XENMEM_memory_map, &mm), -XEN_EFAULT, "memory_map into a bad buffer");
    EXPECT_RC(vcpu_op(VCPUOP_get_runstate_info, 0, BAD_PTR), -XEN_EFAULT, "vcpu_op bad pointer");
    EXPECT_RC(sched_op(SCHEDOP_shutdown, BAD_PTR), -XEN_EFAULT, "sched_op shutdown bad pointer");
    EXPECT_RC(grant_table_op(GNTTABOP_query_size, BAD_PTR, 1), -XEN_EFAULT,
              "grant_table_op bad pointer");
    if (!env_is_pv()) /* HVM and PVH only; silent, so every environment prints the same */
        CHECK(hvm_op(HVMOP_get_param, BAD_PTR) == -XEN_EFAULT, "hvm_op bad pointer");
    /* Huge counts. */
    EXPECT_RC(grant_table_op(GNTTABOP_query_size, &qs, 0x7fffffff), -XEN_EINVAL,
              "grant_table_op huge count");
    set_xen_guest_handle(poll.ports, &port);
    EXPECT_RC(sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL, "SCHEDOP_poll huge port count");
    /* Bad ports and ids. */
    EXPECT_RC(evtchn_send(100000), -XEN_EINVAL, "send to a bad port");
    EXPECT_RC(evtchn_close(100000), -XEN_EINVAL, "close a bad port");
    EXPECT_RC(evtchn_unmask(100000), -XEN_EINVAL, "unmask a bad port");
    EXPECT_RC(evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_EINVAL, "bind a bad VIRQ");
    bv.virq = VIRQ_DEBUG;
    bv.vcpu = 1000;
    EXPECT_RC(evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_ENOENT, "bind a VIRQ to a bad vCPU");
    EXPECT_RC(evtchn_bind_ipi(1000, &port), -XEN_ENOENT, "bind an IPI to a bad vCPU");
    EXPECT_RC(vcpu_op(VCPUOP_up, 1000, NULL), -XEN_ENOENT, "VCPUOP_up bad vCPU");
    if (!env_is_pv()) {
        uint64_t v;
        CHECK(hvm_get_param(100000, &v) == -XEN_EINVAL, "HVMOP_get_param bad index");
    }
    /* Unknown commands and hypercall numbers. */
    EXPECT_RC(evtchn_op(1000, &port), -XEN_ENOSYS, "unknown EVTCHNOP");
    EXPECT_RC(sched_op(1000, NULL), -XEN_ENOSYS, "unknown SCHEDOP");
    EXPECT_RC(HC1(100, 0), -XEN_ENOSYS, "hypercall number 100");
    EXPECT_RC(HC1(127, 0), -XEN_ENOSYS, "hypercall number 127");
    gprintf("garbage: still running: ok\n");
}
