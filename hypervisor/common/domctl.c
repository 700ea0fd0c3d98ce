/*
 * domctl.c: HYPERVISOR_domctl, the toolstack's domain operations: one row
 * per command.  Only a privileged caller (the toolstack) reaches here.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "guest_run.h"
#include "hvm_context.h"
#include "hypercall.h"
#include "log.h"
#include "xenhv/pv_machine.h"

struct domctl_row {
    const char *name;
    bool needs_domain; /* op->domain must name an existing domain */
    bool copy_back;    /* the struct goes back to the caller */
    long (*fn)(struct hc_caller *c, struct domain *d, struct xen_domctl *op);
};

static long dc_createdomain(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    domid_t domid = op->domain;
    int rc = domain_create(&domid, &op->u.createdomain);

    if (rc)
        return rc;
    op->domain = domid;
    if (c->hold)
        domain_lookup(domid)->held_by = c->conn_id;
    return 0;
}

static long dc_destroydomain(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    int rc = domain_unlink(d);

    if (rc)
        return rc;
    domain_destroy_unlinked(d); /* drops hv_lock while the domain is released */
    return 0;
}

static long dc_pausedomain(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    if (d->is_privileged)
        return -EINVAL;
    domain_pause(d);
    return 0;
}

static long dc_unpausedomain(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    if (d->is_privileged)
        return -EINVAL;
    return domain_unpause(d);
}

static long dc_getdomaininfo(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    /* As on Xen: the first domain with id >= op->domain. */
    struct domain *next;

    if (op->domain >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    next = domain_next(op->domain);
    if (!next)
        return -ESRCH;
    domain_fill_info(next, &op->u.getdomaininfo);
    op->domain = next->domid;
    return 0;
}

static long dc_max_mem(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    uint64_t kb = op->u.max_mem.max_memkb;

    if (kb / 4 > GUEST_RAM_FRAMES)
        return -EINVAL;
    d->ram.max_pages = kb >> (GUEST_PAGE_SHIFT - 10);
    return 0;
}

static long dc_max_vcpus(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    return domain_set_max_vcpus(d, op->u.max_vcpus.max);
}

static struct vcpu *domctl_vcpu(struct domain *d, uint32_t id)
{
    return id < d->max_vcpus ? d->vcpus[id] : NULL;
}

static long dc_setvcpucontext(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct vcpu *v = domctl_vcpu(d, op->u.vcpucontext.vcpu);
    struct vcpu_guest_context *ctxt;
    int rc;

    if (!v)
        return -EINVAL;
    if (!d->pause_count)
        return -EBUSY; /* only while paused, as Xen */
    if (!op->u.vcpucontext.ctxt.q) {
        v->online = false; /* a NULL context resets the vCPU */
        v->ctxt_valid = false;
        return 0;
    }
    ctxt = malloc(sizeof(*ctxt));
    if (!ctxt)
        return -ENOMEM;
    rc = c->copy_from(c, op->u.vcpucontext.ctxt.q, ctxt, sizeof(*ctxt));
    if (!rc) {
        v->ctxt = *ctxt;
        v->ctxt_valid = true;
        v->online = true;
    }
    free(ctxt);
    return rc;
}

static long dc_getvcpucontext(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct vcpu *v = domctl_vcpu(d, op->u.vcpucontext.vcpu);

    if (!v)
        return -EINVAL;
    if (!op->u.vcpucontext.ctxt.q)
        return -EINVAL;
    if (!v->ctxt_valid)
        return -ENODATA;
    return c->copy_to(c, op->u.vcpucontext.ctxt.q, &v->ctxt, sizeof(v->ctxt));
}

static long dc_getvcpuinfo(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct vcpu *v = domctl_vcpu(d, op->u.getvcpuinfo.vcpu);
    struct vcpu_runstate_info rs = {.state = RUNSTATE_offline};

    if (!v)
        return -EINVAL;
    /* As Xen: running now, blocked waiting for an event, and the time
     * spent running (the runner's runstate accounting). */
    if (guest_run && guest_run->runstate)
        guest_run->runstate(v, &rs);
    op->u.getvcpuinfo.online = v->online;
    op->u.getvcpuinfo.blocked = v->online && v->blocked;
    op->u.getvcpuinfo.running = rs.state == RUNSTATE_running;
    op->u.getvcpuinfo.cpu_time = rs.time[RUNSTATE_running];
    op->u.getvcpuinfo.cpu = 0;
    return 0;
}

static long dc_setdomainhandle(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
    return 0;
}

static long dc_settimeoffset(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    d->time_offset_seconds = op->u.settimeoffset.time_offset_seconds;
    return 0;
}

static long dc_set_address_size(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    if (d->is_hvm)
        return -EINVAL;
    if (op->u.address_size.size == 64) {
        d->address_size = 64;
        return 0;
    }
    return op->u.address_size.size == 32 ? -EOPNOTSUPP : -EINVAL;
}

static long dc_get_address_size(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    op->u.address_size.size = d->is_hvm ? 64 : d->address_size;
    return 0;
}

static long dc_gethvmcontext(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_hvmcontext *h = &op->u.hvmcontext;
    uint8_t *blob;
    uint32_t len;
    long rc;

    if (!d->is_hvm)
        return -EINVAL;
    rc = hvm_context_get(d, &blob, &len);
    if (rc)
        return rc;
    if (!h->buffer.q)
        h->size = len; /* size query */
    else if (h->size < len)
        rc = -ENOSPC;
    else {
        h->size = len;
        rc = c->copy_to(c, h->buffer.q, blob, len);
    }
    free(blob);
    return rc;
}

static long dc_gethvmcontext_partial(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_hvmcontext_partial *h = &op->u.hvmcontext_partial;
    const uint8_t *payload;
    uint8_t *blob;
    uint32_t len, plen;
    long rc;

    if (!d->is_hvm || h->type > UINT16_MAX || h->instance > UINT16_MAX)
        return -EINVAL;
    rc = hvm_context_get(d, &blob, &len);
    if (rc)
        return rc;
    rc = hvm_context_find(blob, len, (uint16_t)h->type, (uint16_t)h->instance, &payload, &plen);
    if (!rc)
        rc = h->bufsz < plen ? -ENOSPC : c->copy_to(c, h->buffer.q, payload, plen);
    free(blob);
    return rc;
}

static long dc_sethvmcontext(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_hvmcontext *h = &op->u.hvmcontext;
    uint8_t *blob;
    long rc;

    if (!d->is_hvm)
        return -EINVAL;
    if (!d->pause_count)
        return -EBUSY;
    if (h->size == 0 || h->size > HVM_CONTEXT_MAX)
        return -EINVAL;
    blob = malloc(h->size);
    if (!blob)
        return -ENOMEM;
    rc = c->copy_from(c, h->buffer.q, blob, h->size);
    if (!rc)
        rc = hvm_context_set(d, blob, h->size); /* the CPU backend's input */
    if (rc)
        free(blob);
    return rc;
}

static long dc_soft_reset(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    return domain_soft_reset(d);
}

/* XEN_DOMCTL_getmemlist (see public/domctl.h): guest frame -> machine
 * frame, ~0 for a hole, GETMEMLIST_BATCH frames at most per call. */
#define GETMEMLIST_BATCH 4096
static long dc_getmemlist(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_getmemlist *m = &op->u.getmemlist;
    uint64_t out[256], start = m->start_pfn, n = m->max_pfns, done = 0;

    if (d->is_privileged || !m->buffer.q)
        return -EINVAL;
    if (n > GETMEMLIST_BATCH)
        n = GETMEMLIST_BATCH;
    if (start > d->ram.max_gpfn || start >= GUEST_RAM_FRAMES)
        n = 0;
    else if (n > d->ram.max_gpfn - start + 1)
        n = d->ram.max_gpfn - start + 1;
    while (done < n) {
        uint64_t k = n - done < 256 ? n - done : 256;
        for (uint64_t i = 0; i < k; i++) {
            uint64_t gfn = start + done + i;
            if (!guest_ram_populated(&d->ram, gfn))
                out[i] = ~0ull;
            else
                out[i] = !d->is_hvm && pv_machine ? pv_machine->gfn_to_mfn(d, gfn) : gfn;
        }
        long rc = c->copy_to(c, m->buffer.q + done * sizeof(uint64_t), out, k * sizeof(uint64_t));
        if (rc)
            return rc;
        done += k;
    }
    m->num_pfns = n;
    return 0;
}

/* A bitmap of host CPUs from/to the caller (at most 64 bits kept). */
#define CPUMAP_MAX_BITS 4096

static int cpumap_in(struct hc_caller *c, const struct xenctl_bitmap *map, uint64_t *bits)
{
    uint8_t bytes[8] = {0};
    uint32_t n;

    if (map->nr_bits == 0 || map->nr_bits > CPUMAP_MAX_BITS)
        return -EINVAL;
    n = (map->nr_bits + 7) / 8;
    if (n > sizeof(bytes))
        n = sizeof(bytes);
    int rc = c->copy_from(c, map->bitmap.q, bytes, n);
    if (rc)
        return rc;
    *bits = 0;
    for (uint32_t i = 0; i < n; i++)
        *bits |= (uint64_t)bytes[i] << (8 * i);
    if (map->nr_bits < 64)
        *bits &= (1ULL << map->nr_bits) - 1;
    return 0;
}

static int cpumap_out(struct hc_caller *c, const struct xenctl_bitmap *map, uint64_t bits)
{
    uint8_t bytes[CPUMAP_MAX_BITS / 8] = {0};
    uint32_t n;

    if (map->nr_bits == 0 || map->nr_bits > CPUMAP_MAX_BITS)
        return -EINVAL;
    n = (map->nr_bits + 7) / 8;
    for (uint32_t i = 0; i < n && i < 8; i++)
        bytes[i] = (uint8_t)(bits >> (8 * i));
    return c->copy_to(c, map->bitmap.q, bytes, n);
}

static long dc_vcpuaffinity(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
    struct vcpu *v = domctl_vcpu(d, a->vcpu);
    uint64_t hard, soft, online = host_cpu_mask();
    int rc = 0;

    if (!v || !(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)))
        return -EINVAL;
    if (op->cmd == XEN_DOMCTL_setvcpuaffinity) {
        hard = v->affinity_hard;
        soft = v->affinity_soft;
        if (a->flags & XEN_VCPUAFFINITY_HARD)
            rc = cpumap_in(c, &a->cpumap_hard, &hard);
        if (!rc && (a->flags & XEN_VCPUAFFINITY_SOFT))
            rc = cpumap_in(c, &a->cpumap_soft, &soft);
        if (rc)
            return rc;
        if (!(hard & online))
            return -EINVAL; /* nowhere to run */
        v->affinity_hard = hard;
        v->affinity_soft = soft;
        /* OUT: the effective maps. */
        hard &= online;
        soft &= hard;
    } else {
        hard = v->affinity_hard;
        soft = v->affinity_soft;
    }
    if (a->flags & XEN_VCPUAFFINITY_HARD)
        rc = cpumap_out(c, &a->cpumap_hard, hard);
    if (!rc && (a->flags & XEN_VCPUAFFINITY_SOFT))
        rc = cpumap_out(c, &a->cpumap_soft, soft);
    return rc;
}

static long dc_scheduler_op(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_scheduler_op *s = &op->u.scheduler_op;

    if (s->sched_id != XEN_SCHEDULER_CREDIT2)
        return -EINVAL;
    switch (s->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        s->u.credit2.weight = d->sched_weight;
        s->u.credit2.cap = d->sched_cap;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        if (s->u.credit2.weight)
            d->sched_weight = s->u.credit2.weight;
        if (s->u.credit2.cap > 100 * d->max_vcpus)
            return -EINVAL;
        d->sched_cap = s->u.credit2.cap;
        return 0;
    default:
        return -EINVAL;
    }
}

static long dc_tscinfo(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_tsc_info *t = &op->u.tsc_info;

    if (op->cmd == XEN_DOMCTL_settscinfo) {
        if (t->tsc_mode > 3) /* default, always emulate, native, no emulation */
            return -EINVAL;
        d->tsc_mode = t->tsc_mode;
        d->gtsc_khz = t->gtsc_khz;
        return 0;
    }
    memset(t, 0, sizeof(*t));
    t->tsc_mode = d->tsc_mode;
    t->gtsc_khz = d->gtsc_khz;
    return 0;
}

static long dc_paging_mempool(struct hc_caller *c, struct domain *d, struct xen_domctl *op)
{
    if (op->cmd == XEN_DOMCTL_get_paging_mempool_size) {
        op->u.paging_mempool.size = d->paging_pool_bytes;
        return 0;
    }
    if (op->u.paging_mempool.size % GUEST_PAGE_SIZE ||
        op->u.paging_mempool.size > (uint64_t)GUEST_RAM_FRAMES * GUEST_PAGE_SIZE)
        return -EINVAL;
    /* No page tables of ours to pay for: the size is only recorded. */
    d->paging_pool_bytes = op->u.paging_mempool.size;
    return 0;
}

static const struct domctl_row domctl_table[] = {
    [XEN_DOMCTL_createdomain] = {"createdomain", false, true, dc_createdomain},
    [XEN_DOMCTL_destroydomain] = {"destroydomain", true, false, dc_destroydomain},
    [XEN_DOMCTL_pausedomain] = {"pausedomain", true, false, dc_pausedomain},
    [XEN_DOMCTL_unpausedomain] = {"unpausedomain", true, false, dc_unpausedomain},
    [XEN_DOMCTL_getdomaininfo] = {"getdomaininfo", false, true, dc_getdomaininfo},
    [XEN_DOMCTL_getmemlist] = {"getmemlist", true, true, dc_getmemlist},
    [XEN_DOMCTL_soft_reset] = {"soft_reset", true, false, dc_soft_reset},
    [XEN_DOMCTL_max_mem] = {"max_mem", true, false, dc_max_mem},
    [XEN_DOMCTL_setvcpucontext] = {"setvcpucontext", true, false, dc_setvcpucontext},
    [XEN_DOMCTL_getvcpucontext] = {"getvcpucontext", true, false, dc_getvcpucontext},
    [XEN_DOMCTL_getvcpuinfo] = {"getvcpuinfo", true, true, dc_getvcpuinfo},
    [XEN_DOMCTL_max_vcpus] = {"max_vcpus", true, false, dc_max_vcpus},
    [XEN_DOMCTL_setvcpuaffinity] = {"setvcpuaffinity", true, false, dc_vcpuaffinity},
    [XEN_DOMCTL_getvcpuaffinity] = {"getvcpuaffinity", true, false, dc_vcpuaffinity},
    [XEN_DOMCTL_scheduler_op] = {"scheduler_op", true, true, dc_scheduler_op},
    [XEN_DOMCTL_settscinfo] = {"settscinfo", true, false, dc_tscinfo},
    [XEN_DOMCTL_gettscinfo] = {"gettscinfo", true, true, dc_tscinfo},
    [XEN_DOMCTL_set_paging_mempool_size] = {"set_paging_mempool_size", true, false,
                                            dc_paging_mempool},
    [XEN_DOMCTL_get_paging_mempool_size] = {"get_paging_mempool_size", true, true,
                                            dc_paging_mempool},
    [XEN_DOMCTL_setdomainhandle] = {"setdomainhandle", true, false, dc_setdomainhandle},
    [XEN_DOMCTL_settimeoffset] = {"settimeoffset", true, false, dc_settimeoffset},
    [XEN_DOMCTL_gethvmcontext] = {"gethvmcontext", true, true, dc_gethvmcontext},
    [XEN_DOMCTL_sethvmcontext] = {"sethvmcontext", true, false, dc_sethvmcontext},
    [XEN_DOMCTL_gethvmcontext_partial] = {"gethvmcontext_partial", true, false,
                                          dc_gethvmcontext_partial},
    [XEN_DOMCTL_set_address_size] = {"set_address_size", true, false, dc_set_address_size},
    [XEN_DOMCTL_get_address_size] = {"get_address_size", true, true, dc_get_address_size},
};

long do_domctl(struct hc_caller *c, const uint64_t args[5])
{
    struct xen_domctl op;
    const struct domctl_row *row;
    struct domain *d = NULL;
    long rc;

    if (!c->d->is_privileged)
        return -EPERM;
    rc = c->copy_from(c, args[0], &op, sizeof(op));
    if (rc)
        return rc;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (op.cmd >= sizeof(domctl_table) / sizeof(domctl_table[0]) || !domctl_table[op.cmd].fn)
        return -EOPNOTSUPP;
    row = &domctl_table[op.cmd];
    if (row->needs_domain) {
        d = hc_domain(c, op.domain);
        if (!d)
            return -ESRCH;
    }
    rc = row->fn(c, d, &op);
    if (rc >= 0 && row->copy_back) {
        int crc = c->copy_to(c, args[0], &op, sizeof(op));
        if (crc)
            rc = crc;
    }
    return rc;
}
