/*
 * hypercall.c: the hypercall dispatch table: a row per hypercall, a
 * column per caller kind (see hypercall.h).  A NULL cell is -ENOSYS.
 */
#include "config.h"

#include <errno.h>

#include "domain.h"
#include "evtchn.h"
#include "gnttab.h"
#include "guest_run.h"
#include "hypercall.h"
#include "log.h"
#include "xenhv/pv_machine.h"

#define ROW(nr, fn_tool, fn_pv, fn_hvm)                                                            \
    [__HYPERVISOR_##                                                                               \
        nr] = {#nr, {[CALLER_TOOLSTACK] = fn_tool, [CALLER_PV] = fn_pv, [CALLER_HVM] = fn_hvm}}

/*                 hypercall          toolstack            PV    HVM */
static const struct hypercall_row hypercall_table[XEN_NR_HYPERCALLS] = {
    ROW(memory_op, do_memory_op, do_memory_op, do_memory_op),
    ROW(set_timer_op, NULL, do_set_timer_op, do_set_timer_op),
    ROW(xen_version, do_xen_version, do_xen_version, do_xen_version),
    ROW(console_io, NULL, do_console_io, do_console_io),
    ROW(grant_table_op, do_grant_table_op, do_grant_table_op, do_grant_table_op),
    ROW(vcpu_op, NULL, do_vcpu_op, do_vcpu_op),
    ROW(sched_op, NULL, do_sched_op, do_sched_op),
    ROW(event_channel_op, do_event_channel_op, do_event_channel_op, do_event_channel_op),
    ROW(hvm_op, do_hvm_op, NULL, do_hvm_op),
    ROW(sysctl, do_sysctl, NULL, NULL),
    ROW(domctl, do_domctl, NULL, NULL),
};

long hypercall_dispatch(struct hc_caller *c, uint64_t op, const uint64_t args[5])
{
    hypercall_fn *fn;

    if (op >= XEN_NR_HYPERCALLS || c->kind >= NR_CALLER_KINDS)
        return -ENOSYS;
    fn = hypercall_table[op].fn[c->kind];
    if (!fn && c->kind == CALLER_PV && pv_machine && op < PV_NR_HYPERCALLS)
        fn = pv_machine->hypercalls[op]; /* the PV-only calls (arch/x86/pv) */
    if (!fn)
        return -ENOSYS;
    return fn(c, args);
}

struct domain *hc_domain(struct hc_caller *c, uint64_t domid)
{
    struct domain *d;

    if (domid == DOMID_SELF)
        return c->d;
    if (domid >= DOMID_FIRST_RESERVED)
        return NULL;
    d = domain_lookup((domid_t)domid);
    return d && !d->dying ? d : NULL;
}

int hc_may_control(struct hc_caller *c, struct domain *d)
{
    return c->d == d || c->d->is_privileged ? 0 : -EPERM;
}
