/*
 * memory_op.c: HYPERVISOR_memory_op: reservations (populate_physmap,
 * increase/decrease_reservation) and the reservation queries; one row per
 * sub-op.  Extents are processed in order; the result is the number done,
 * as on Xen, so a caller sees exactly how far a request got.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "domain.h"
#include "hypercall.h"
#include "public/memory.h"

#define EXTENT_BATCH 512

struct memory_op_row {
    const char *name;
    unsigned callers;
    long (*fn)(struct hc_caller *c, uint64_t arg, uint64_t start);
};

enum reservation_kind { RES_POPULATE, RES_INCREASE, RES_DECREASE };

static long reservation(struct hc_caller *c, uint64_t arg, uint64_t start,
                        enum reservation_kind kind)
{
    struct xen_memory_reservation r;
    xen_pfn_t batch[EXTENT_BATCH];
    uint64_t handle, i;
    struct domain *d;
    int rc;

    rc = c->copy_from(c, arg, &r, sizeof(r));
    if (rc)
        return rc;
    if (r.extent_order > GUEST_MAX_ORDER)
        return (long)start;
    if (r.mem_flags & XENMEMF_populate_on_demand)
        return -EOPNOTSUPP;
    d = hc_domain(c, r.domid);
    if (!d)
        return -ESRCH;
    if (hc_may_control(c, d))
        return -EPERM;
    handle = (uint64_t)(uintptr_t)r.extent_start.p;
    if (!handle && kind != RES_INCREASE)
        return -EFAULT;

    for (i = start; i < r.nr_extents;) {
        uint64_t n = r.nr_extents - i < EXTENT_BATCH ? r.nr_extents - i : EXTENT_BATCH;
        uint64_t addr = handle + i * sizeof(xen_pfn_t);
        uint64_t j;

        if (kind != RES_INCREASE) {
            rc = c->copy_from(c, addr, batch, n * sizeof(xen_pfn_t));
            if (rc)
                return i ? (long)i : rc;
        }
        for (j = 0; j < n; j++) {
            uint64_t gpfn;
            switch (kind) {
            case RES_POPULATE: {
                /* Consecutive extents go in one step when they all fit. */
                uint64_t k = 1;
                while (j + k < n && batch[j + k] == batch[j] + (k << r.extent_order))
                    k++;
                if (k > 1 && !guest_ram_populate_run(&d->ram, batch[j], r.extent_order, k)) {
                    j += k - 1;
                    rc = 0;
                    break;
                }
                rc = guest_ram_populate(&d->ram, batch[j], r.extent_order);
                break;
            }
            case RES_DECREASE:
                rc = guest_ram_release(&d->ram, batch[j], r.extent_order);
                break;
            case RES_INCREASE:
                rc = guest_ram_allocate(&d->ram, r.extent_order, &gpfn);
                batch[j] = gpfn;
                break;
            }
            if (rc)
                break;
        }
        if (kind == RES_INCREASE && handle && j) {
            rc = c->copy_to(c, addr, batch, j * sizeof(xen_pfn_t));
            if (rc)
                return (long)i;
        }
        i += j;
        if (j < n)
            break;
    }
    return (long)i;
}

static long mo_populate(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    return reservation(c, arg, start, RES_POPULATE);
}

static long mo_increase(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    return reservation(c, arg, start, RES_INCREASE);
}

static long mo_decrease(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    return reservation(c, arg, start, RES_DECREASE);
}

/* The queries take a pointer to a domid. */
static struct domain *query_domain(struct hc_caller *c, uint64_t arg, long *err)
{
    domid_t domid;
    struct domain *d;

    *err = c->copy_from(c, arg, &domid, sizeof(domid));
    if (*err)
        return NULL;
    d = hc_domain(c, domid);
    *err = !d ? -ESRCH : hc_may_control(c, d);
    return *err ? NULL : d;
}

static long mo_current_reservation(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    long err;
    struct domain *d = query_domain(c, arg, &err);

    return d ? (long)d->ram.tot_pages : err;
}

static long mo_maximum_reservation(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    long err;
    struct domain *d = query_domain(c, arg, &err);

    return d ? (long)d->ram.max_pages : err;
}

static long mo_maximum_gpfn(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    long err;
    struct domain *d = query_domain(c, arg, &err);

    return d ? (long)d->ram.max_gpfn : err;
}

static const struct memory_op_row memory_op_table[] = {
    [XENMEM_increase_reservation] = {"increase_reservation", CALLERS_TOOLSTACK, mo_increase},
    [XENMEM_decrease_reservation] = {"decrease_reservation", CALLERS_TOOLSTACK, mo_decrease},
    [XENMEM_current_reservation] = {"current_reservation", CALLERS_TOOLSTACK,
                                    mo_current_reservation},
    [XENMEM_maximum_reservation] = {"maximum_reservation", CALLERS_TOOLSTACK,
                                    mo_maximum_reservation},
    [XENMEM_populate_physmap] = {"populate_physmap", CALLERS_TOOLSTACK, mo_populate},
    [XENMEM_maximum_gpfn] = {"maximum_gpfn", CALLERS_TOOLSTACK, mo_maximum_gpfn},
};

long do_memory_op(struct hc_caller *c, const uint64_t args[5])
{
    uint64_t cmd = args[0] & MEMOP_CMD_MASK;
    uint64_t start = args[0] >> MEMOP_EXTENT_SHIFT;
    const struct memory_op_row *row;

    if (cmd >= sizeof(memory_op_table) / sizeof(memory_op_table[0]))
        return -ENOSYS;
    row = &memory_op_table[cmd];
    if (!row->fn || !(row->callers & (1u << c->kind)))
        return -ENOSYS;
    return row->fn(c, args[1], start);
}
