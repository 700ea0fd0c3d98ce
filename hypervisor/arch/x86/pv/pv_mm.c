/*
 * pv_mm.c: typed references and page-table validation for PV guests (see
 * pv_mm.h).  A frame takes a page-table type before its entries are
 * checked, so a table reachable from itself through a lower level is a
 * type conflict, never a loop; levels strictly decrease, so recursion is
 * at most four deep.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "pv_mm.h"

#define ENTRIES 512

/* Bits a guest may set, per level (64-bit PV: no superpages, no global
 * bit above L1). */
#define L1_ALLOWED                                                                                 \
    (PV_PTE_P | PV_PTE_RW | PV_PTE_US | PV_PTE_PWT | PV_PTE_PCD | PV_PTE_A | PV_PTE_D |            \
     PV_PTE_PSE | PV_PTE_G | PV_PTE_AVAIL | PV_PTE_ADDR | PV_PTE_NX | PV_PTE_GUEST_KERNEL)
#define LN_ALLOWED                                                                                 \
    (PV_PTE_P | PV_PTE_RW | PV_PTE_US | PV_PTE_PWT | PV_PTE_PCD | PV_PTE_A | PV_PTE_D |            \
     PV_PTE_AVAIL | PV_PTE_ADDR | PV_PTE_NX)

/*
 * The guest kernel runs in ring 3, so its entries need the user bit, as
 * Xen's adjust_guest_lNe gives it: a present entry without it gets it
 * (an L1 entry also the guest-kernel marker, bit 52, and no global bit).
 * The user's own entries keep theirs; user mode runs on its own L4.
 */
uint64_t pv_adjust_entry(unsigned level, uint64_t e)
{
    if (!(e & PV_PTE_P) || (e & PV_PTE_US))
        return e;
    e |= PV_PTE_US;
    if (level == 1)
        e = (e | PV_PTE_GUEST_KERNEL) & ~PV_PTE_G;
    return e;
}

static bool is_table_type(unsigned type)
{
    return type >= PV_PGT_L1 && type <= PV_PGT_L4;
}

static unsigned table_level(unsigned type)
{
    return type - PV_PGT_L1 + 1;
}

static bool guest_slot(unsigned level, unsigned i)
{
    return level != 4 || i < PV_L4_HOLE_FIRST || i > PV_L4_HOLE_LAST;
}

int pv_get_page(uint64_t mfn, unsigned owner)
{
    struct pv_frame *f = pv_frame(mfn);

    if (!f || !(f->flags & PV_FRAME_ALLOCATED) || f->owner != owner || f->count == UINT32_MAX)
        return -EINVAL;
    f->count++;
    return 0;
}

void pv_put_page(uint64_t mfn)
{
    struct pv_frame *f = pv_frame(mfn);

    /* The allocation's own reference is dropped only by pv_frame_free. */
    if (f && f->count > 1)
        f->count--;
}

static void put_entries(const uint64_t *t, unsigned level, unsigned upto)
{
    for (unsigned i = 0; i < upto; i++)
        if (guest_slot(level, i))
            pv_put_entry(level, t[i]);
}

/* Check every entry of a frame becoming a level-`level' table. */
static int validate_table(uint64_t mfn, unsigned level, unsigned owner)
{
    uint64_t *t = pv_frame_map(mfn);
    unsigned i;
    int rc = 0;

    if (!t)
        return -EINVAL;
    for (i = 0; i < ENTRIES; i++) {
        if (!guest_slot(level, i))
            continue;
        rc = pv_get_entry(level, t[i], owner);
        if (rc)
            break;
        t[i] = pv_adjust_entry(level, t[i]);
    }
    if (rc)
        put_entries(t, level, i);
    else if (level == 4)
        /* The hypervisor's slots, as Xen fills them: the M2P. */
        for (i = PV_L4_HOLE_FIRST; i <= PV_L4_HOLE_LAST; i++)
            t[i] = i == PV_L4_HOLE_FIRST ? pv_m2p_l4e() : 0;
    /* The first bad entry's error, as Xen's alloc_lN_table returns it. */
    return rc;
}

#define SEG_S   (1ULL << 44)
#define SEG_P   (1ULL << 47)
#define SEG_DPL (3ULL << 45)
#define SEG_A   (1ULL << 40)

int pv_check_descriptor(uint64_t *d)
{
    if (!(*d & SEG_P))
        return 0;
    if (!(*d & SEG_S))
        return -EINVAL; /* system: LDT, TSS, gates */
    /* DPL 3 (Xen's fix-up), accessed: the CPU, which sets it on a load,
     * only reads the tables (they are read-only in the overlay). */
    *d |= SEG_DPL | SEG_A;
    return 0;
}

/* A frame becoming a GDT/LDT page: every descriptor checked (and fixed). */
static int validate_segdesc(uint64_t mfn)
{
    uint64_t *t = pv_frame_map(mfn);

    if (!t)
        return -EINVAL;
    for (unsigned i = 0; i < ENTRIES; i++) {
        uint64_t d = t[i];
        if (pv_check_descriptor(&d))
            return -EINVAL;
        t[i] = d;
    }
    return 0;
}

int pv_get_page_type(uint64_t mfn, unsigned owner, enum pv_page_type type)
{
    struct pv_frame *f;
    int rc = pv_get_page(mfn, owner);

    if (rc)
        return rc;
    f = pv_frame(mfn);
    if (f->type_count) {
        if (f->type != type || f->type_count == UINT32_MAX) {
            pv_put_page(mfn);
            return -EINVAL;
        }
        f->type_count++;
        return 0;
    }
    /* Take the type first: a path back to this frame is a conflict. */
    f->type = (uint8_t)type;
    f->type_count = 1;
    if (is_table_type(type) || type == PV_PGT_SEG_DESC) {
        rc = type == PV_PGT_SEG_DESC ? validate_segdesc(mfn)
                                     : validate_table(mfn, table_level(type), owner);
        if (rc) {
            f->type_count = 0;
            f->type = PV_PGT_NONE;
            pv_put_page(mfn);
        }
    }
    return rc;
}

void pv_put_page_type(uint64_t mfn)
{
    struct pv_frame *f = pv_frame(mfn);

    if (!f || !f->type_count)
        return;
    if (f->type_count == 1 && is_table_type(f->type)) {
        uint64_t *t = pv_frame_map(mfn);
        unsigned level = table_level(f->type);
        /* The entries' references go while the frame is still typed, so
         * nothing can re-take it half-way. */
        if (t)
            put_entries(t, level, ENTRIES);
    }
    if (--f->type_count == 0)
        f->type = PV_PGT_NONE;
    pv_put_page(mfn);
}

int pv_get_entry(unsigned level, uint64_t e, unsigned owner)
{
    uint64_t mfn = (e & PV_PTE_ADDR) >> 12;
    struct pv_frame *f;
    int rc;

    if (!(e & PV_PTE_P))
        return 0;
    if (level < 1 || level > 4)
        return -EINVAL;
    if (e & ~(level == 1 ? L1_ALLOWED : LN_ALLOWED))
        return -EINVAL;
    if (level > 1)
        return pv_get_page_type(mfn, owner, (enum pv_page_type)(PV_PGT_L1 + level - 2));
    f = pv_frame(mfn);
    if (!f || !(f->flags & PV_FRAME_ALLOCATED))
        return -EPERM;
    if (e & PV_PTE_RW)
        rc = pv_get_page_type(mfn, owner, PV_PGT_WRITABLE);
    else
        rc = pv_get_page(mfn, owner);
    return rc ? -EBUSY : 0;
}

void pv_put_entry(unsigned level, uint64_t e)
{
    uint64_t mfn = (e & PV_PTE_ADDR) >> 12;

    if (!(e & PV_PTE_P))
        return;
    if (level > 1 || (e & PV_PTE_RW))
        pv_put_page_type(mfn);
    else
        pv_put_page(mfn);
}

int pv_mmu_normal_update(unsigned owner, uint64_t ptr, uint64_t val, int *flush)
{
    uint64_t mfn = ptr >> 12, *slot, old;
    unsigned idx = (unsigned)((ptr & 0xfff) >> 3), level;
    struct pv_frame *f;
    int rc;

    if (ptr & 7)
        return -EINVAL;
    rc = pv_get_page(mfn, owner);
    if (rc)
        return rc;
    f = pv_frame(mfn);
    slot = (uint64_t *)pv_frame_map(mfn) + idx;
    if (!is_table_type(f->type)) {
        /* An ordinary frame: written as through a writable mapping. */
        rc = pv_get_page_type(mfn, owner, PV_PGT_WRITABLE);
        if (!rc) {
            memcpy(slot, &val, sizeof(val));
            pv_put_page_type(mfn);
        }
        goto out;
    }
    level = table_level(f->type);
    if (!guest_slot(level, idx)) {
        rc = -EINVAL;
        goto out;
    }
    old = *slot;
    rc = pv_get_entry(level, val, owner);
    if (rc)
        goto out;
    *slot = pv_adjust_entry(level, val);
    pv_put_entry(level, old);
    if (flush)
        *flush = 1;
out:
    pv_put_page(mfn);
    return rc;
}

int pv_mmu_machphys_update(unsigned owner, uint64_t mfn, uint64_t pfn)
{
    if (!pv_frame_owned_by(mfn, owner))
        return -EINVAL;
    pv_m2p()[mfn] = pfn;
    return 0;
}

int pv_pin_table(unsigned owner, uint64_t mfn, unsigned level)
{
    struct pv_frame *f;
    int rc;

    if (level < 1 || level > 4)
        return -EINVAL;
    rc = pv_get_page_type(mfn, owner, (enum pv_page_type)(PV_PGT_L1 + level - 1));
    if (rc)
        return rc;
    f = pv_frame(mfn);
    if (f->flags & PV_FRAME_PINNED) {
        pv_put_page_type(mfn);
        return -EINVAL;
    }
    f->flags |= PV_FRAME_PINNED;
    return 0;
}

int pv_unpin_table(unsigned owner, uint64_t mfn)
{
    struct pv_frame *f;

    if (!pv_frame_owned_by(mfn, owner))
        return -EINVAL;
    f = pv_frame(mfn);
    if (!(f->flags & PV_FRAME_PINNED))
        return -EINVAL;
    f->flags &= ~PV_FRAME_PINNED;
    pv_put_page_type(mfn);
    return 0;
}

int pv_set_baseptr(unsigned owner, uint64_t *cur_mfn, uint64_t new_mfn)
{
    int rc;

    if (new_mfn) {
        rc = pv_get_page_type(new_mfn, owner, PV_PGT_L4);
        if (rc)
            return rc;
    }
    if (*cur_mfn)
        pv_put_page_type(*cur_mfn);
    *cur_mfn = new_mfn;
    return 0;
}

void pv_frame_unpin_dying(uint64_t mfn)
{
    struct pv_frame *f = pv_frame(mfn);

    if (f && (f->flags & PV_FRAME_PINNED)) {
        f->flags &= ~PV_FRAME_PINNED;
        pv_put_page_type(mfn);
    }
}
