/*
 * vrun_mem.c: a domain's guest-physical memory as its vCPUs see it: runs
 * of populated frames of the domain's memfd, plus special frames (shared
 * info, grant table) put over guest frames by XENMEM_add_to_physmap.
 * Every vCPU maps the same regions; a change unmaps the regions it
 * touches from every vCPU and maps their replacement.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vrun_internal.h"

int vrun_mem_init(struct vrun_dom *rd)
{
    rd->ram = guest_ram_map(&rd->d->ram, 0, GUEST_MEMFD_FRAMES);
    return rd->ram ? 0 : -ENOMEM;
}

void vrun_mem_fini(struct vrun_dom *rd)
{
    if (rd->ram)
        guest_ram_unmap(rd->ram, GUEST_MEMFD_FRAMES);
    rd->ram = NULL;
    free(rd->reg);
    rd->reg = NULL;
    rd->nreg = rd->capreg = 0;
}

static int overlay_at(const struct vrun_dom *rd, uint64_t gfn)
{
    for (unsigned i = 0; i < rd->noverlay; i++)
        if (rd->overlay[i].gfn == gfn)
            return (int)i;
    return -1;
}

static int reg_add(struct vrun_dom *rd, uint64_t gfn, uint64_t n, void *hva)
{
    if (rd->nreg == rd->capreg) {
        size_t cap = rd->capreg ? rd->capreg * 2 : 16;
        struct vrun_region *r = realloc(rd->reg, cap * sizeof(*r));
        if (!r)
            return -ENOMEM;
        rd->reg = r;
        rd->capreg = cap;
    }
    rd->reg[rd->nreg++] = (struct vrun_region){gfn, n, hva};
    return 0;
}

static int map_region_all(struct vrun_dom *rd, const struct vrun_region *r)
{
    struct hval_ram ram = {r->gfn << GUEST_PAGE_SHIFT, r->n << GUEST_PAGE_SHIFT, r->hva};
    int rc = 0;

    for (unsigned i = 0; i < rd->nvc; i++)
        if (rd->vc[i].hv) {
            int e = rd->ops->map_ram(rd->vc[i].hv, &ram);
            if (e && !rc)
                rc = e;
        }
    return rc;
}

/* Regions for [lo, hi): populated runs without overlays, and overlays.
 * New regions are appended from index nreg on. */
static int build_regions(struct vrun_dom *rd, uint64_t lo, uint64_t hi)
{
    const struct guest_ram *ram = &rd->d->ram;
    uint64_t top = ram->max_gpfn + 1;
    int rc = 0;

    for (uint64_t f = lo; f < hi && !rc;) {
        int o = overlay_at(rd, f);
        if (o >= 0) {
            rc = reg_add(rd, f, 1, rd->ram + (rd->overlay[o].mfn << GUEST_PAGE_SHIFT));
            f++;
            continue;
        }
        if (f >= top) { /* past RAM: only overlays are left */
            uint64_t next = UINT64_MAX;
            for (unsigned i = 0; i < rd->noverlay; i++)
                if (rd->overlay[i].gfn > f && rd->overlay[i].gfn < next)
                    next = rd->overlay[i].gfn;
            f = next;
            continue;
        }
        if (!guest_ram_populated(ram, f)) {
            f++;
            continue;
        }
        uint64_t e = f + 1;
        while (e < hi && e < top && guest_ram_populated(ram, e) && overlay_at(rd, e) < 0)
            e++;
        rc = reg_add(rd, f, e - f, rd->ram + (f << GUEST_PAGE_SHIFT));
        f = e;
    }
    return rc;
}

int vrun_mem_map_vcpu(struct vrun_dom *rd, struct hval_vcpu *hv)
{
    int rc;

    if (!rd->nreg) {
        uint64_t hi = rd->d->ram.max_gpfn + 1;
        for (unsigned i = 0; i < rd->noverlay; i++)
            if (rd->overlay[i].gfn + 1 > hi)
                hi = rd->overlay[i].gfn + 1;
        rc = build_regions(rd, 0, hi);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < rd->nreg; i++) {
        struct hval_ram ram = {rd->reg[i].gfn << GUEST_PAGE_SHIFT, rd->reg[i].n << GUEST_PAGE_SHIFT,
                               rd->reg[i].hva};
        rc = rd->ops->map_ram(hv, &ram);
        if (rc)
            return rc;
    }
    return 0;
}

int vrun_physmap_changed(struct domain *d, uint64_t gfn, uint64_t n, uint64_t special_mfn)
{
    struct vrun_dom *rd = d->backend;
    uint64_t lo = gfn, hi = gfn + n;
    size_t first;
    int rc;

    if (!rd || n == 0 || gfn >= GUEST_RAM_FRAMES || n > GUEST_RAM_FRAMES - gfn)
        return -EINVAL;
    if (special_mfn != ~0ull) {
        int o = overlay_at(rd, gfn);
        /* The same special frame moves rather than appearing twice. */
        for (unsigned i = 0; o < 0 && i < rd->noverlay; i++)
            if (rd->overlay[i].mfn == special_mfn) {
                uint64_t old = rd->overlay[i].gfn;
                rd->overlay[i].gfn = gfn;
                rc = vrun_physmap_changed(d, old, 1, ~0ull);
                if (rc)
                    return rc;
                o = (int)i;
            }
        if (o < 0) {
            if (rd->noverlay >= GUEST_NR_SPECIAL)
                return -ENOSPC;
            o = (int)rd->noverlay++;
        }
        rd->overlay[o].gfn = gfn;
        rd->overlay[o].mfn = special_mfn;
    }
    /* Unmap every region touching [lo, hi); widen to cover them. */
    for (size_t i = 0; i < rd->nreg;) {
        struct vrun_region r = rd->reg[i];
        if (r.gfn + r.n <= gfn || r.gfn >= gfn + n) {
            i++;
            continue;
        }
        for (unsigned k = 0; k < rd->nvc; k++)
            if (rd->vc[k].hv)
                rd->ops->unmap_ram(rd->vc[k].hv, r.gfn << GUEST_PAGE_SHIFT,
                                   r.n << GUEST_PAGE_SHIFT);
        if (r.gfn < lo)
            lo = r.gfn;
        if (r.gfn + r.n > hi)
            hi = r.gfn + r.n;
        rd->reg[i] = rd->reg[--rd->nreg];
    }
    first = rd->nreg;
    rc = build_regions(rd, lo, hi);
    for (size_t i = first; !rc && i < rd->nreg; i++)
        rc = map_region_all(rd, &rd->reg[i]);
    if (rc)
        log_warn("domain %u: remapping frames %#llx+%llu: %d", d->domid, (unsigned long long)gfn,
                 (unsigned long long)n, rc);
    return rc;
}

void *vrun_gfn_hva(struct vrun_dom *rd, uint64_t gfn)
{
    for (size_t i = 0; i < rd->nreg; i++)
        if (gfn >= rd->reg[i].gfn && gfn < rd->reg[i].gfn + rd->reg[i].n)
            return (uint8_t *)rd->reg[i].hva + ((gfn - rd->reg[i].gfn) << GUEST_PAGE_SHIFT);
    return NULL;
}
