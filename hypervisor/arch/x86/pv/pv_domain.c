/*
 * pv_domain.c: a PV domain's machine frames (see pv_domain.h): every
 * guest frame populated gets a machine frame from the global table, in
 * the p2m here and the M2P there; releasing a frame still mapped or used
 * as a page table is refused; the domain going away drops its pins and
 * base pointers first, so every frame comes back.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "pv_domain.h"
#include "pv_frames.h"
#include "pv_hypercall.h"
#include "pv_mm.h"
#include "xenhv/pv_machine.h"

#define P2M_BYTES (GUEST_MEMFD_FRAMES * sizeof(uint64_t))
#define RAM_BYTES (GUEST_MEMFD_FRAMES * GUEST_PAGE_SIZE)

static void release_frames(struct pv_domain *pd, uint64_t gpfn, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        uint64_t mfn = pd->p2m[gpfn + i];
        if (mfn && !pv_frame_free(mfn))
            pd->p2m[gpfn + i] = 0;
    }
}

/* An aligned power-of-two run with no frames yet: one machine extent
 * (as Xen gives an extent of order k 2^k contiguous frames). */
static bool contiguous(struct pv_domain *pd, uint64_t gpfn, uint64_t n)
{
    uint64_t mfn;
    unsigned order = 0;

    if (n & (n - 1) || gpfn & (n - 1))
        return false;
    while ((1ULL << order) < n)
        order++;
    for (uint64_t i = 0; i < n; i++)
        if (pd->p2m[gpfn + i])
            return false;
    if (pv_frames_alloc(pd->d->domid, gpfn, order, &mfn))
        return false;
    for (uint64_t i = 0; i < n; i++)
        pd->p2m[gpfn + i] = mfn + i;
    return true;
}

static int machine_populated(void *priv, uint64_t gpfn, uint64_t n)
{
    struct pv_domain *pd = priv;

    if (gpfn + n > PV_GFN_LIMIT && (gpfn < GUEST_RAM_FRAMES || gpfn + n > GUEST_MEMFD_FRAMES))
        return -EINVAL; /* RAM stays below the backend's windows; special frames */
    if (contiguous(pd, gpfn, n))
        return 0;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t mfn;
        int rc;

        if (pd->p2m[gpfn + i])
            continue; /* populated before: keeps its frame */
        rc = pv_frames_alloc(pd->d->domid, gpfn + i, 0, &mfn);
        if (rc) {
            release_frames(pd, gpfn, i);
            return rc;
        }
        pd->p2m[gpfn + i] = mfn;
    }
    return 0;
}

static int machine_releasing(void *priv, uint64_t gpfn, uint64_t n)
{
    struct pv_domain *pd = priv;

    /* All or nothing: any frame still referenced keeps them all. */
    for (uint64_t i = 0; i < n; i++) {
        const struct pv_frame *f = pv_frame(pd->p2m[gpfn + i]);
        if (f && (f->count != 1 || f->type_count))
            return -EBUSY;
    }
    release_frames(pd, gpfn, n);
    return 0;
}

static const struct guest_ram_machine machine_hooks = {
    .populated = machine_populated,
    .releasing = machine_releasing,
};

int pv_domain_init(struct domain *d)
{
    struct pv_domain *pd;
    uint64_t mfn;
    int rc = pv_frames_init();

    if (rc)
        return rc;
    pd = calloc(1, sizeof(*pd));
    if (!pd)
        return -ENOMEM;
    pd->d = d;
    pd->p2m = mmap(NULL, P2M_BYTES, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    pd->ram =
        mmap(NULL, RAM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, d->ram.memfd, 0);
    if (pd->p2m == MAP_FAILED || pd->ram == MAP_FAILED) {
        rc = -ENOMEM;
        goto fail;
    }
    pv_frames_set_ram_base(d->domid, pd->ram);
    /* The shared-info page: a machine frame backed by its special frame. */
    rc = pv_frames_alloc(d->domid, GUEST_SPECIAL_MFN(GUEST_SPECIAL_SHARED_INFO), 0, &mfn);
    if (rc)
        goto fail;
    pd->p2m[GUEST_SPECIAL_MFN(GUEST_SPECIAL_SHARED_INFO)] = mfn;
    d->shared_info_mfn = mfn;
    d->pv = pd;
    d->ram.machine = &machine_hooks;
    d->ram.machine_priv = pd;
    return 0;
fail:
    pv_frames_set_ram_base(d->domid, NULL);
    if (pd->p2m != MAP_FAILED && pd->p2m)
        munmap(pd->p2m, P2M_BYTES);
    if (pd->ram != MAP_FAILED && pd->ram)
        munmap(pd->ram, RAM_BYTES);
    free(pd);
    return rc;
}

/* Every frame with a machine frame: f(pd, gpfn). */
static void each_frame(struct pv_domain *pd, void (*f)(struct pv_domain *, uint64_t))
{
    for (uint64_t g = 0; g < GUEST_MEMFD_FRAMES; g++) {
        if (g < GUEST_RAM_FRAMES && !guest_ram_populated(&pd->d->ram, g)) {
            /* Skip unpopulated chunks whole. */
            if (!pd->d->ram.chunks[g / GUEST_CHUNK_FRAMES])
                g = (g / GUEST_CHUNK_FRAMES + 1) * GUEST_CHUNK_FRAMES - 1;
            if (!pd->p2m[g])
                continue;
        }
        if (pd->p2m[g])
            f(pd, g);
    }
}

static void unpin(struct pv_domain *pd, uint64_t g)
{
    pv_frame_unpin_dying(pd->p2m[g]);
}

static void free_frame(struct pv_domain *pd, uint64_t g)
{
    if (!pv_frame_free(pd->p2m[g]))
        pd->p2m[g] = 0;
}

void pv_domain_fini(struct domain *d)
{
    struct pv_domain *pd = d->pv;

    if (!pd)
        return;
    for (unsigned i = 0; i < DOMAIN_MAX_VCPUS; i++) {
        pv_vcpu_drop_gdt(d->domid, &pd->vcpu[i]);
        pv_set_baseptr(d->domid, &pd->vcpu[i].kernel_l4, 0);
        pv_set_baseptr(d->domid, &pd->vcpu[i].user_l4, 0);
    }
    each_frame(pd, unpin);
    each_frame(pd, free_frame);
    d->ram.machine = NULL;
    pv_frames_set_ram_base(d->domid, NULL);
    munmap(pd->p2m, P2M_BYTES);
    munmap(pd->ram, RAM_BYTES);
    free(pd);
    d->pv = NULL;
}

uint64_t pv_domain_p2m(const struct domain *d, uint64_t gpfn)
{
    const struct pv_domain *pd = d->pv;

    return pd && gpfn < GUEST_MEMFD_FRAMES ? pd->p2m[gpfn] : 0;
}

uint64_t pv_domain_machine_to_gfn(void *d, uint64_t mfn)
{
    return pv_machine_to_gfn(((struct domain *)d)->domid, mfn);
}

static uint64_t gfn_to_mfn(struct domain *d, uint64_t gfn)
{
    uint64_t mfn = pv_domain_p2m(d, gfn);

    return mfn ? mfn : ~0ULL;
}

static uint64_t mfn_to_gfn(struct domain *d, uint64_t mfn)
{
    return pv_machine_to_gfn(d->domid, mfn);
}

const struct pv_machine_ops pv_machine_impl = {
    .domain_init = pv_domain_init,
    .domain_fini = pv_domain_fini,
    .hypercalls = pv_hypercall_table,
    .gfn_to_mfn = gfn_to_mfn,
    .mfn_to_gfn = mfn_to_gfn,
    .memory_op = pv_memory_op,
};
