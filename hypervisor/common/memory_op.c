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
#include "guest_run.h"
#include "hypercall.h"
#include "xenhv/pv_machine.h"
#include "public/memory.h"

#define EXTENT_BATCH 512

struct memory_op_row {
    const char *name;
    unsigned callers;
    long (*fn)(struct hc_caller *c, uint64_t arg, uint64_t start);
};

enum reservation_kind { RES_POPULATE, RES_INCREASE, RES_DECREASE };

/* Frame lists: xen_pfn_t is 32 bits for 32-bit guests. */
static int pfns_in(struct hc_caller *c, uint64_t addr, xen_pfn_t *pfns, uint64_t n)
{
    uint32_t small[EXTENT_BATCH];
    int rc;

    if (!c->compat)
        return c->copy_from(c, addr, pfns, n * sizeof(xen_pfn_t));
    rc = c->copy_from(c, addr, small, n * sizeof(uint32_t));
    for (uint64_t i = 0; !rc && i < n; i++)
        pfns[i] = small[i];
    return rc;
}

static int pfns_out(struct hc_caller *c, uint64_t addr, const xen_pfn_t *pfns, uint64_t n)
{
    uint32_t small[EXTENT_BATCH];

    if (!c->compat)
        return c->copy_to(c, addr, pfns, n * sizeof(xen_pfn_t));
    for (uint64_t i = 0; i < n; i++)
        small[i] = (uint32_t)pfns[i];
    return c->copy_to(c, addr, small, n * sizeof(uint32_t));
}

static long reservation(struct hc_caller *c, uint64_t arg, uint64_t start,
                        enum reservation_kind kind)
{
    struct xen_memory_reservation r;
    xen_pfn_t batch[EXTENT_BATCH];
    uint64_t handle, i, elem = c->compat ? 4 : sizeof(xen_pfn_t);
    struct domain *d;
    int rc;

    if (c->compat) { /* 32-bit handle and xen_ulong_t */
        struct {
            uint32_t extent_start, nr_extents, extent_order, mem_flags;
            uint16_t domid;
        } __attribute__((packed)) r32;
        rc = c->copy_from(c, arg, &r32, sizeof(r32));
        if (rc)
            return rc;
        memset(&r, 0, sizeof(r));
        r.extent_start.p = (void *)(uintptr_t)r32.extent_start;
        r.nr_extents = r32.nr_extents;
        r.extent_order = r32.extent_order;
        r.mem_flags = r32.mem_flags;
        r.domid = r32.domid;
    } else {
        rc = c->copy_from(c, arg, &r, sizeof(r));
        if (rc)
            return rc;
    }
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
        uint64_t addr = handle + i * elem;
        uint64_t j;

        if (kind != RES_INCREASE) {
            rc = pfns_in(c, addr, batch, n);
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
                /* A PV guest names machine frames (the toolstack, guest frames). */
                if (d->pv && pv_machine && c->kind == CALLER_PV)
                    batch[j] = pv_machine->mfn_to_gfn(d, batch[j]);
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
            rc = pfns_out(c, addr, batch, j);
            if (rc)
                return (long)i;
        }
        if (c->kind != CALLER_TOOLSTACK && guest_run)
            for (uint64_t k = 0; k < j; k++)
                guest_run->physmap_changed(d, batch[k], 1ull << r.extent_order, ~0ull);
        /* PV: populated frames come back as machine frames, as on Xen. */
        if (kind == RES_POPULATE && d->pv && pv_machine && j) {
            for (uint64_t k = 0; k < j; k++)
                batch[k] = pv_machine->gfn_to_mfn(d, batch[k]);
            if (c->copy_to(c, addr, batch, j * sizeof(xen_pfn_t)))
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

/* XENMAPSPACE_shared_info and _grant_table: a special frame of the
 * domain's, put at gpfn in its guest-physical space (HVM and PVH). */
static long mo_add_to_physmap(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    struct xen_add_to_physmap x;
    uint64_t mfn;
    long rc;

    if (c->compat) {
        struct {
            uint16_t domid, size;
            uint32_t space, idx, gpfn;
        } __attribute__((packed)) x32;
        rc = c->copy_from(c, arg, &x32, sizeof(x32));
        x.domid = x32.domid;
        x.size = x32.size;
        x.space = x32.space;
        x.idx = x32.idx;
        x.gpfn = x32.gpfn;
    } else {
        rc = c->copy_from(c, arg, &x, sizeof(x));
    }
    if (rc)
        return rc;
    if (x.domid != DOMID_SELF && x.domid != c->d->domid)
        return -EPERM;
    if (!c->d->is_hvm || !guest_run)
        return -ENOSYS;
    if (x.gpfn >= GUEST_RAM_FRAMES)
        return -EINVAL;
    switch (x.space) {
    case XENMAPSPACE_shared_info:
        if (x.idx != 0)
            return -EINVAL;
        mfn = c->d->shared_info_mfn;
        break;
    case XENMAPSPACE_grant_table:
        if (x.idx & XENMAPIDX_grant_table_status)
            return -EINVAL; /* v2 status frames: not kept */
        if (x.idx >= c->d->gnttab.max_frames)
            return -EINVAL;
        if (x.idx >= c->d->gnttab.nr_frames && gnttab_grow(c->d, (unsigned)x.idx + 1))
            return -ENOMEM;
        mfn = c->d->gnttab.frames[x.idx];
        break;
    default:
        return -ENOSYS;
    }
    return guest_run->physmap_changed(c->d, x.gpfn, 1, mfn);
}

/* XENMEM_memory_map: the domain's RAM as the CPU sees it, one E820 RAM
 * entry per run of populated frames (at most XEN_MEMMAP_MAX entries). */
#define XEN_MEMMAP_MAX 16
struct e820entry_packed {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

/* The M2P's frames and place: PV only (arch/x86/pv through pv_machine). */
static long mo_machphys_mfn_list(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    return pv_machine ? pv_machine->memory_op(c, XENMEM_machphys_mfn_list, arg) : -ENOSYS;
}

static long mo_machphys_mapping(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    return pv_machine ? pv_machine->memory_op(c, XENMEM_machphys_mapping, arg) : -ENOSYS;
}

static long mo_memory_map(struct hc_caller *c, uint64_t arg, uint64_t start)
{
    struct e820entry_packed map[XEN_MEMMAP_MAX];
    struct guest_ram *ram = &c->d->ram;
    uint32_t nr, n = 0;
    uint64_t buffer;
    long rc;

    if (c->compat) {
        uint32_t m32[2];
        rc = c->copy_from(c, arg, m32, sizeof(m32));
        nr = m32[0];
        buffer = m32[1];
    } else {
        struct xen_memory_map m;
        rc = c->copy_from(c, arg, &m, sizeof(m));
        nr = m.nr_entries;
        buffer = (uint64_t)(uintptr_t)m.buffer.p;
    }
    if (rc)
        return rc;
    for (uint64_t f = 0; f <= ram->max_gpfn && n < XEN_MEMMAP_MAX;) {
        if (!guest_ram_populated(ram, f)) {
            f++;
            continue;
        }
        uint64_t e = f;
        while (e <= ram->max_gpfn && guest_ram_populated(ram, e))
            e++;
        map[n++] = (struct e820entry_packed){f << GUEST_PAGE_SHIFT, (e - f) << GUEST_PAGE_SHIFT, 1};
        f = e;
    }
    if (nr < n)
        n = nr;
    rc = c->copy_to(c, buffer, map, n * sizeof(map[0]));
    if (rc)
        return rc;
    rc = c->copy_to(c, arg, &n, sizeof(n));
    return rc;
}

static const struct memory_op_row memory_op_table[] = {
    [XENMEM_increase_reservation] = {"increase_reservation", CALLERS_TOOLSTACK, mo_increase},
    [XENMEM_decrease_reservation] = {"decrease_reservation", CALLERS_ALL, mo_decrease},
    [XENMEM_current_reservation] = {"current_reservation", CALLERS_ALL, mo_current_reservation},
    [XENMEM_maximum_reservation] = {"maximum_reservation", CALLERS_ALL, mo_maximum_reservation},
    [XENMEM_populate_physmap] = {"populate_physmap", CALLERS_ALL, mo_populate},
    [XENMEM_maximum_gpfn] = {"maximum_gpfn", CALLERS_ALL, mo_maximum_gpfn},
    [XENMEM_add_to_physmap] = {"add_to_physmap", CALLERS_HVM, mo_add_to_physmap},
    [XENMEM_memory_map] = {"memory_map", CALLERS_GUESTS, mo_memory_map},
    [XENMEM_machphys_mfn_list] = {"machphys_mfn_list", CALLERS_TOOLSTACK | CALLERS_PV,
                                  mo_machphys_mfn_list},
    [XENMEM_machphys_mapping] = {"machphys_mapping", CALLERS_PV, mo_machphys_mapping},
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
