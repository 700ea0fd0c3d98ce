/*
 * vrun_mem.c: a domain's guest-physical memory as its vCPUs see it: runs
 * of populated frames of the domain's memfd, plus special frames (shared
 * info, grant table) put over guest frames by XENMEM_add_to_physmap.
 * Every vCPU maps the same regions, slices of the daemon's mapping of the
 * whole memfd; regions are only ever added (see vrun_physmap_changed).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* The first populated frame in [f, hi), else hi: an empty chunk or
 * bitmap word at a time (an HVM/PVH guest's special frames sit ~1M
 * frames above its RAM; frame by frame, that gap cost ~2 ms a create). */
static uint64_t next_populated(const struct guest_ram *ram, uint64_t f, uint64_t hi)
{
    if (hi > GUEST_RAM_FRAMES)
        hi = GUEST_RAM_FRAMES;
    while (f < hi) {
        const uint64_t *chunk = ram->chunks[f / GUEST_CHUNK_FRAMES];
        uint64_t bit = f % GUEST_CHUNK_FRAMES, w;

        if (!chunk) {
            f = (f / GUEST_CHUNK_FRAMES + 1) * GUEST_CHUNK_FRAMES;
            continue;
        }
        w = chunk[bit / 64] >> (bit % 64);
        if (w)
            return f + (uint64_t)__builtin_ctzll(w) < hi ? f + (uint64_t)__builtin_ctzll(w) : hi;
        f = (f | 63) + 1;
    }
    return hi;
}

/* The first overlay frame in [f, hi), else hi. */
static uint64_t next_overlay(const struct vrun_dom *rd, uint64_t f, uint64_t hi)
{
    for (unsigned i = 0; i < rd->noverlay; i++)
        if (rd->overlay[i].gfn >= f && rd->overlay[i].gfn < hi)
            hi = rd->overlay[i].gfn;
    return hi;
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
            rc = reg_add(rd, f, 1, rd->ram + (f << GUEST_PAGE_SHIFT));
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
            uint64_t end = hi < top ? hi : top;
            f = next_overlay(rd, f, next_populated(ram, f, end));
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

static bool in_regions(const struct vrun_dom *rd, uint64_t gfn)
{
    for (size_t i = 0; i < rd->nreg; i++)
        if (gfn >= rd->reg[i].gfn && gfn < rd->reg[i].gfn + rd->reg[i].n)
            return true;
    return false;
}

/* Show memfd frame mfn at guest frame gfn of the daemon's mapping. */
static int show_frame(struct vrun_dom *rd, uint64_t gfn, uint64_t mfn)
{
    void *at = rd->ram + (gfn << GUEST_PAGE_SHIFT);
    void *p = mmap(at, GUEST_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                   rd->d->ram.memfd, (off_t)(mfn << GUEST_PAGE_SHIFT));
    return p == at ? 0 : -errno;
}

/* Frames change without unmapping anything from the CPU (an unmap costs
 * the engine a flush of all translated code): a special frame is put at a
 * guest frame by mapping it over that frame in the daemon's view of guest
 * memory, which is what the vCPUs map; frames that were not mapped become
 * new regions.  Released frames stay mapped (they read as zeros). */
int vrun_physmap_changed(struct domain *d, uint64_t gfn, uint64_t n, uint64_t special_mfn)
{
    struct vrun_dom *rd = d->backend;
    int rc = 0;

    if (!rd || n == 0 || gfn >= GUEST_RAM_FRAMES || n > GUEST_RAM_FRAMES - gfn)
        return -EINVAL;
    if (special_mfn != ~0ull) {
        int o = overlay_at(rd, gfn);
        for (unsigned i = 0; o < 0 && i < rd->noverlay; i++)
            if (rd->overlay[i].mfn == special_mfn) { /* it moves */
                rc = show_frame(rd, rd->overlay[i].gfn, rd->overlay[i].gfn);
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
        rc = show_frame(rd, gfn, special_mfn);
        if (rc)
            return rc;
        n = 1;
    }
    for (uint64_t f = gfn; f < gfn + n && !rc;) {
        if (in_regions(rd, f) || (special_mfn == ~0ull && !guest_ram_populated(&rd->d->ram, f))) {
            f++;
            continue;
        }
        uint64_t e = f + 1;
        while (e < gfn + n && !in_regions(rd, e) &&
               (special_mfn != ~0ull || guest_ram_populated(&rd->d->ram, e)))
            e++;
        rc = reg_add(rd, f, e - f, rd->ram + (f << GUEST_PAGE_SHIFT));
        if (!rc)
            rc = map_region_all(rd, &rd->reg[rd->nreg - 1]);
        f = e;
    }
    if (rc)
        log_warn("domain %u: mapping frames %#llx+%llu: %d", d->domid, (unsigned long long)gfn,
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

void vrun_code_written(struct vrun_dom *rd, uint64_t gpa, uint64_t len)
{
    for (unsigned i = 0; i < rd->nvc; i++)
        if (rd->vc[i].hv)
            rd->ops->code_written(rd->vc[i].hv, gpa, len);
}
