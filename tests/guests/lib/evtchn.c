/*
 * evtchn.c: event channels (2-level ABI).  Shared info is mapped at boot
 * (XENMEM_add_to_physmap for HVM/PVH, update_va_mapping for PV).  Upcalls
 * arrive through the HVM callback vector or the PV event callback; they
 * dispatch ports that have a handler and leave the others pending for
 * SCHEDOP_poll waiters.
 */
#include "guest.h"
#include "asm.h"
#include "hvm/params.h"
#include "memory.h"

#define BITS_PER_WORD    (sizeof(xen_ulong_t) * 8)
#define NR_HANDLED_PORTS 1024

struct shared_info *shared_info;
volatile unsigned long upcall_count[GUEST_MAX_CPUS];
static evtchn_handler_t port_handler[NR_HANDLED_PORTS];
static void *port_data[NR_HANDLED_PORTS];
static volatile unsigned long port_hits[NR_HANDLED_PORTS];

static struct vcpu_info *vinfo[GUEST_MAX_CPUS];

struct vcpu_info *vcpu_info_of(unsigned int cpu)
{
    if (cpu < GUEST_MAX_CPUS && vinfo[cpu])
        return vinfo[cpu];
    return &shared_info->vcpu_info[cpu];
}

int vcpu_register_info(unsigned int cpu, struct vcpu_info *vi)
{
    struct vcpu_register_vcpu_info r = {.mfn = virt_to_frame(vi),
                                        .offset = (uint32_t)((uintptr_t)vi & 0xfff)};
    int rc;

    if (cpu >= GUEST_MAX_CPUS)
        return -XEN_EINVAL;
    rc = (int)vcpu_op(VCPUOP_register_vcpu_info, cpu, &r);
    if (!rc)
        vinfo[cpu] = vi;
    return rc;
}

#ifndef GUEST_PV
static uint8_t shinfo_page[4096] __aligned(4096);
#endif

int events_init(void)
{
#ifdef GUEST_PV
    start_info_t *si = boot.start_info;

    shared_info = map_frame(ALIAS_SLOT_SHINFO, si->shared_info >> 12, 1);
    if (!shared_info)
        return -1;
    vcpu_info_of(0)->evtchn_upcall_mask = 1; /* until events_enable() */
    return 0;
#else
    struct xen_add_to_physmap xatp = {.domid = DOMID_SELF,
                                      .space = XENMAPSPACE_shared_info,
                                      .idx = 0,
                                      .gpfn = (xen_pfn_t)virt_to_frame(shinfo_page)};

    if (memory_op(XENMEM_add_to_physmap, &xatp))
        return -1;
    shared_info = (struct shared_info *)shinfo_page;
    hvm_set_param(HVM_PARAM_CALLBACK_IRQ,
                  ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | UPCALL_VECTOR);
    return 0;
#endif
}

static inline void set_bit_atomic(unsigned int nr, volatile xen_ulong_t *w)
{
    __asm__ __volatile__("lock bts %1, %0"
                         : "+m"(w[nr / BITS_PER_WORD])
                         : "r"((xen_ulong_t)(nr % BITS_PER_WORD))
                         : "memory");
}

static inline int test_and_clear_atomic(unsigned int nr, volatile xen_ulong_t *w)
{
    unsigned char old;

    __asm__ __volatile__("lock btr %2, %1; setc %0"
                         : "=q"(old), "+m"(w[nr / BITS_PER_WORD])
                         : "r"((xen_ulong_t)(nr % BITS_PER_WORD))
                         : "memory");
    return old;
}

static inline int test_bit(unsigned int nr, const volatile xen_ulong_t *w)
{
    return (w[nr / BITS_PER_WORD] >> (nr % BITS_PER_WORD)) & 1;
}

void event_upcall(void)
{
    unsigned int cpu = smp_cpu_id();
    volatile struct vcpu_info *vi;
    xen_ulong_t sel;

    upcall_count[cpu]++;
    if (!shared_info)
        return;
    vi = vcpu_info_of(cpu);
    vi->evtchn_upcall_pending = 0;
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzl(sel);
        xen_ulong_t pend = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];

        sel &= sel - 1;
        while (pend) {
            unsigned int b = (unsigned int)__builtin_ctzl(pend);
            unsigned int port = w * (unsigned int)BITS_PER_WORD + b;

            pend &= pend - 1;
            if (port >= NR_HANDLED_PORTS || !port_handler[port])
                continue; /* left pending for SCHEDOP_poll */
            test_and_clear_atomic(port, shared_info->evtchn_pending);
            port_hits[port]++;
            port_handler[port](port, port_data[port]);
        }
    }
}

int evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t fn, void *data)
{
    if (port >= NR_HANDLED_PORTS)
        return -XEN_EINVAL;
    port_data[port] = data;
    port_handler[port] = fn;
    return 0;
}

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
    int rc = (int)evtchn_op(EVTCHNOP_alloc_unbound, &op);

    *port = op.port;
    return rc;
}

int evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq op = {.virq = virq, .vcpu = vcpu};
    int rc = (int)evtchn_op(EVTCHNOP_bind_virq, &op);

    *port = op.port;
    return rc;
}

int evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi op = {.vcpu = vcpu};
    int rc = (int)evtchn_op(EVTCHNOP_bind_ipi, &op);

    *port = op.port;
    return rc;
}

int evtchn_send(evtchn_port_t port)
{
    struct evtchn_send op = {.port = port};

    return (int)evtchn_op(EVTCHNOP_send, &op);
}

int evtchn_close(evtchn_port_t port)
{
    struct evtchn_close op = {.port = port};

    if (port < NR_HANDLED_PORTS)
        port_handler[port] = NULL;
    return (int)evtchn_op(EVTCHNOP_close, &op);
}

int evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask op = {.port = port};

    return (int)evtchn_op(EVTCHNOP_unmask, &op);
}

void evtchn_mask(evtchn_port_t port)
{
    if (shared_info)
        set_bit_atomic(port, shared_info->evtchn_mask);
}

int evtchn_test_and_clear(evtchn_port_t port)
{
    return shared_info ? test_and_clear_atomic(port, shared_info->evtchn_pending) : 0;
}

int evtchn_is_pending(evtchn_port_t port)
{
    return shared_info ? test_bit(port, shared_info->evtchn_pending) : 0;
}

static int events_on[GUEST_MAX_CPUS];

void events_enable(void)
{
    unsigned int cpu = smp_cpu_id();

    events_on[cpu] = 1;
    if (env_is_pv()) {
        vcpu_info_of(cpu)->evtchn_upcall_mask = 0;
        barrier();
        /* Anything already pending: any hypercall returns through it. */
        if (vcpu_info_of(cpu)->evtchn_upcall_pending)
            xen_version_op(0, NULL);
    } else {
        __asm__ __volatile__("sti" ::: "memory");
    }
}

void events_disable(void)
{
    unsigned int cpu = smp_cpu_id();

    if (env_is_pv())
        vcpu_info_of(cpu)->evtchn_upcall_mask = 1;
    else
        __asm__ __volatile__("cli" ::: "memory");
    barrier();
    events_on[cpu] = 0;
}

/* Sleep until *ctr differs from old: no wake-up can be lost between the
 * check and the sleep (sti;hlt is atomic, SCHEDOP_block unmasks and checks
 * for pending events atomically).  Events are left enabled. */
static void idle_until(volatile unsigned long *ctr, unsigned long old)
{
    unsigned int cpu = smp_cpu_id();

    for (;;) {
        if (env_is_pv()) {
            vcpu_info_of(cpu)->evtchn_upcall_mask = 1;
            barrier();
            if (*ctr != old)
                break;
            sched_op(SCHEDOP_block, NULL);
        } else {
            __asm__ __volatile__("cli" ::: "memory");
            if (*ctr != old)
                break;
            __asm__ __volatile__("sti; hlt" ::: "memory");
        }
    }
    events_enable();
}

void events_idle(void)
{
    events_idle_since(events_snapshot());
}

unsigned long events_snapshot(void)
{
    return upcall_count[smp_cpu_id()];
}

void events_idle_since(unsigned long snapshot)
{
    idle_until(&upcall_count[smp_cpu_id()], snapshot);
}

unsigned long evtchn_snapshot(evtchn_port_t port)
{
    return port < NR_HANDLED_PORTS ? port_hits[port] : 0;
}

int evtchn_wait_since(evtchn_port_t port, unsigned long snapshot, uint64_t timeout_ns)
{
    struct sched_poll poll = {.nr_ports = 1};

    /* With an upcall handler the pending bit is consumed by the upcall:
     * sleep until the handler ran after the snapshot (no timeout here). */
    if (port < NR_HANDLED_PORTS && port_handler[port] && events_on[smp_cpu_id()]) {
        idle_until(&port_hits[port], snapshot);
        return 0;
    }
    /* Otherwise the pending bit stays set until cleared here: an event
     * that came before this call is not lost. */
    if (evtchn_test_and_clear(port))
        return 0;
    set_xen_guest_handle(poll.ports, &port);
    poll.timeout = timeout_ns ? xen_system_time_ns() + timeout_ns : 0;
    sched_op(SCHEDOP_poll, &poll);
    return evtchn_test_and_clear(port) ? 0 : -XEN_ETIMEDOUT;
}

int evtchn_wait(evtchn_port_t port, uint64_t timeout_ns)
{
    return evtchn_wait_since(port, evtchn_snapshot(port), timeout_ns);
}
