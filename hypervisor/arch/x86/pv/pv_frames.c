/*
 * pv_frames.c: the global machine frame table, the frame allocator and
 * the M2P table (see pv_frames.h).
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pv_frames.h"

#define PAGE_SHIFT 12

static struct pv_frame *frames; /* PV_MAX_MFNS entries, sparse */
static uint64_t *m2p;           /* the hypervisor frames, mapped read-write */
static int m2p_fd = -1;
static void *ram_base[PV_MAX_OWNERS];
static uint64_t alloc_hint = PV_FIRST_MFN;
static uint64_t in_use;

/* Read-only, user (a 64-bit PV kernel runs in ring 3), no execute; A and
 * D already set, so the CPU never writes these tables. */
#define XEN_PTE_RO (0x1ULL | 0x4ULL | 0x20ULL | 0x40ULL | (1ULL << 63))

static void build_m2p_tables(uint64_t *base)
{
    uint64_t *l3 = base + PV_M2P_L3 * 512, *l2 = base + PV_M2P_L2 * 512;

    l3[0] = ((PV_XEN_MFN_BASE + PV_M2P_L2) << PAGE_SHIFT) | XEN_PTE_RO;
    for (uint64_t i = 0; i < PV_M2P_FRAMES / 512; i++) {
        uint64_t *l1 = base + (PV_M2P_L1 + i) * 512;
        l2[i] = ((PV_XEN_MFN_BASE + PV_M2P_L1 + i) << PAGE_SHIFT) | XEN_PTE_RO;
        for (uint64_t j = 0; j < 512; j++)
            l1[j] = ((PV_XEN_MFN_BASE + i * 512 + j) << PAGE_SHIFT) | XEN_PTE_RO;
    }
}

/* Xen's reserved GDT page (entries from FIRST_RESERVED_GDT_ENTRY, 7168 =
 * selector 0xe000): its ring-0 code/data (unusable from ring 3), the ring-3
 * flat selectors every PV guest may load (0xe023 compat code, 0xe02b
 * data, 0xe033 64-bit code) and ring-0 compat code.  Accessed bits set,
 * so the CPU never writes the page. */
static void build_reserved_gdt(uint64_t *gdt)
{
    gdt[1] = 0x00af9b000000ffffULL; /* 0xe008 ring 0 code, 64-bit */
    gdt[2] = 0x00cf93000000ffffULL; /* 0xe010 ring 0 data */
    gdt[4] = 0x00cffb000000ffffULL; /* 0xe023 ring 3 code, compatibility */
    gdt[5] = 0x00cff3000000ffffULL; /* 0xe02b ring 3 data */
    gdt[6] = 0x00affb000000ffffULL; /* 0xe033 ring 3 code, 64-bit */
    gdt[7] = 0x00cf9b000000ffffULL; /* 0xe038 ring 0 code, compatibility */
}

int pv_frames_init(void)
{
    void *f, *m;
    int fd;

    if (frames)
        return 0;
    f = mmap(NULL, PV_MAX_MFNS * sizeof(*frames), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (f == MAP_FAILED)
        return -errno;
    fd = memfd_create("xenhv-m2p", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0 || ftruncate(fd, (off_t)PV_XEN_BYTES) < 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
        goto fail;
    m = mmap(NULL, PV_XEN_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (m == MAP_FAILED)
        goto fail;
    build_m2p_tables(m);
    build_reserved_gdt((uint64_t *)m + PV_XEN_GDT_PAGE * 512);
    /* Never-used entries read 0; freed ones PV_INVALID_PFN.  A guest
     * only looks up frames it owns. */
    frames = f;
    m2p = m;
    m2p_fd = fd;
    return 0;
fail : {
    int err = -errno;
    if (fd >= 0)
        close(fd);
    munmap(f, PV_MAX_MFNS * sizeof(*frames));
    return err;
}
}

int pv_m2p_fd(void)
{
    return m2p_fd;
}

uint64_t *pv_m2p(void)
{
    return m2p;
}

void *pv_xen_frames(void)
{
    return m2p;
}

uint64_t pv_m2p_l4e(void)
{
    return ((PV_XEN_MFN_BASE + PV_M2P_L3) << PAGE_SHIFT) | XEN_PTE_RO;
}

uint64_t pv_machine_to_gfn(unsigned owner, uint64_t mfn)
{
    const struct pv_frame *f;

    if (mfn >= PV_XEN_MFN_BASE && mfn < PV_XEN_MFN_BASE + PV_XEN_FRAMES)
        return PV_XEN_WINDOW_GFN + (mfn - PV_XEN_MFN_BASE);
    f = pv_frame(mfn);
    if (!f || !(f->flags & PV_FRAME_ALLOCATED) || f->owner != owner)
        return ~0ULL;
    if (f->backing >= (1ULL << 24)) /* a special frame (after the guest frames) */
        return PV_SPECIAL_WINDOW_GFN + (f->backing - (1ULL << 24));
    return f->backing;
}

struct pv_frame *pv_frame(uint64_t mfn)
{
    if (!frames || mfn >= PV_MAX_MFNS)
        return NULL;
    return &frames[mfn];
}

bool pv_frame_owned_by(uint64_t mfn, unsigned owner)
{
    const struct pv_frame *f = pv_frame(mfn);

    return f && (f->flags & PV_FRAME_ALLOCATED) && f->owner == owner;
}

static bool run_free(uint64_t mfn, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (frames[mfn + i].count || (frames[mfn + i].flags & PV_FRAME_ALLOCATED))
            return false;
    return true;
}

int pv_frames_alloc(unsigned owner, uint64_t pfn, unsigned order, uint64_t *mfn)
{
    uint64_t n, start, m;

    if (!frames || owner >= PV_MAX_OWNERS || order > 18 || pfn + (1ULL << order) > UINT32_MAX)
        return -EINVAL;
    n = 1ULL << order;
    /* First fit from the hint, then from the bottom. */
    for (int pass = 0; pass < 2; pass++) {
        start = pass ? PV_FIRST_MFN : alloc_hint;
        start = (start + n - 1) & ~(n - 1);
        for (m = start; m + n <= PV_MAX_MFNS; m += n) {
            if (!run_free(m, n))
                continue;
            for (uint64_t i = 0; i < n; i++) {
                frames[m + i] = (struct pv_frame){.count = 1,
                                                  .backing = (uint32_t)(pfn + i),
                                                  .owner = (uint16_t)owner,
                                                  .flags = PV_FRAME_ALLOCATED};
                m2p[m + i] = pfn + i;
            }
            in_use += n;
            alloc_hint = m + n;
            *mfn = m;
            return 0;
        }
    }
    return -ENOMEM;
}

int pv_frame_free(uint64_t mfn)
{
    struct pv_frame *f = pv_frame(mfn);

    if (!f || !(f->flags & PV_FRAME_ALLOCATED))
        return -EINVAL;
    if (f->count != 1 || f->type_count)
        return -EBUSY;
    *f = (struct pv_frame){.owner = PV_OWNER_NONE};
    m2p[mfn] = PV_INVALID_PFN;
    in_use--;
    if (mfn < alloc_hint)
        alloc_hint = mfn;
    return 0;
}

void pv_frames_set_ram_base(unsigned owner, void *base)
{
    if (owner < PV_MAX_OWNERS)
        ram_base[owner] = base;
}

void *pv_frame_map(uint64_t mfn)
{
    const struct pv_frame *f = pv_frame(mfn);

    if (mfn >= PV_XEN_MFN_BASE && mfn < PV_XEN_MFN_BASE + PV_XEN_FRAMES && m2p)
        return (char *)m2p + ((mfn - PV_XEN_MFN_BASE) << PAGE_SHIFT);
    if (!f || !(f->flags & PV_FRAME_ALLOCATED) || f->owner >= PV_MAX_OWNERS || !ram_base[f->owner])
        return NULL;
    return (char *)ram_base[f->owner] + ((uint64_t)f->backing << PAGE_SHIFT);
}

uint64_t pv_frames_in_use(void)
{
    return in_use;
}
