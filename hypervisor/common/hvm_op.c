/*
 * hvm_op.c: HYPERVISOR_hvm_op: HVM parameters (set_param, get_param);
 * one row per sub-op.  Parameters exist for HVM (and PVH) domains only.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>

#include "domain.h"
#include "console_backend.h"
#include "hypercall.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"

struct hvm_op_row {
    const char *name;
    unsigned callers;
    long (*fn)(struct hc_caller *c, struct xen_hvm_param *p);
    bool copy_back;
};

static struct domain *param_domain(struct hc_caller *c, struct xen_hvm_param *p, long *err)
{
    struct domain *d = hc_domain(c, p->domid);

    *err = !d ? -ESRCH : hc_may_control(c, d);
    if (!*err && !d->is_hvm)
        *err = -EINVAL;
    if (!*err && p->index >= HVM_NR_PARAMS)
        *err = -EINVAL;
    return *err ? NULL : d;
}

/* What a guest may set on itself (as Xen's hvm_allow_set_param); the
 * rest (ring frames, identity page tables ...) are the toolstack's. */
static bool guest_may_set(uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_EVTCHN:
        return true;
    default:
        return false;
    }
}

static long hvm_set_param(struct hc_caller *c, struct xen_hvm_param *p)
{
    long err;
    struct domain *d = param_domain(c, p, &err);

    if (!d)
        return err;
    if (c->kind != CALLER_TOOLSTACK && !guest_may_set(p->index))
        return -EPERM;
    /* The toolstack giving a running console a new port (soft reset):
     * the console backend follows, as xenconsoled does its xenstore node. */
    if (p->index == HVM_PARAM_CONSOLE_EVTCHN && c->kind == CALLER_TOOLSTACK && p->value &&
        p->value <= UINT32_MAX) {
        int rc = console_backend_rebind(d, (evtchn_port_t)p->value);
        if (rc)
            return rc;
    }
    d->hvm_params[p->index] = p->value;
    /* As Xen: setting the callback latches the shared-info layout from the
     * guest's mode (32-bit guests get the compat layout). */
    if (p->index == HVM_PARAM_CALLBACK_IRQ && c->kind == CALLER_HVM)
        d->shinfo_compat = c->compat;
    return 0;
}

static long hvm_get_param(struct hc_caller *c, struct xen_hvm_param *p)
{
    long err;
    struct domain *d = param_domain(c, p, &err);

    if (!d)
        return err;
    p->value = d->hvm_params[p->index];
    return 0;
}

static const struct hvm_op_row hvm_op_table[] = {
    [HVMOP_set_param] = {"set_param", CALLERS_TOOLSTACK | CALLERS_HVM, hvm_set_param, false},
    [HVMOP_get_param] = {"get_param", CALLERS_TOOLSTACK | CALLERS_HVM, hvm_get_param, true},
};

long do_hvm_op(struct hc_caller *c, const uint64_t args[5])
{
    const struct hvm_op_row *row;
    struct xen_hvm_param p;
    long rc;

    if (args[0] >= sizeof(hvm_op_table) / sizeof(hvm_op_table[0]))
        return -ENOSYS;
    row = &hvm_op_table[args[0]];
    if (!row->fn || !(row->callers & (1u << c->kind)))
        return -ENOSYS;
    rc = c->copy_from(c, args[1], &p, sizeof(p));
    if (rc)
        return rc;
    rc = row->fn(c, &p);
    if (!rc && row->copy_back)
        rc = c->copy_to(c, args[1], &p, sizeof(p));
    return rc;
}
