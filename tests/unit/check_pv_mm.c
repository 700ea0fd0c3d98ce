/*
 * check_pv_mm.c: the PV machine-frame table and page-table validation
 * core alone (hypervisor/arch/x86/pv/pv_frames.c, pv_mm.c): two domains
 * with RAM in local buffers, real tables built and pinned, and hostile
 * updates (another domain's frame, writable mappings of tables, bad
 * flags, frames outside RAM, the hypervisor hole) refused with Xen's
 * errors and leaving both domains' frames and references as they were.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domain.h"
#include "hypercall.h"
#include "public/callback.h"
#include "public/memory.h"
#include "pv_desc.h"
#include "pv_domain.h"
#include "pv_frames.h"
#include "pv_hypercall.h"
#include "pv_mm.h"
#include "xenhv/pv_machine.h"

#define DOM_A     0x7001 /* not in the domain table */
#define DOM_B     0x7002
#define RAM_PAGES 64

static uint8_t *ram_a, *ram_b;
static uint64_t mfn_a[RAM_PAGES], mfn_b[RAM_PAGES];

static uint64_t *table(uint64_t mfn)
{
    return pv_frame_map(mfn);
}

static uint64_t pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << 12) | flags;
}

static void setup(void)
{
    ck_assert_int_eq(pv_frames_init(), 0);
    ram_a = calloc(RAM_PAGES, 4096);
    ram_b = calloc(RAM_PAGES, 4096);
    ck_assert_ptr_nonnull(ram_a);
    ck_assert_ptr_nonnull(ram_b);
    pv_frames_set_ram_base(DOM_A, ram_a);
    pv_frames_set_ram_base(DOM_B, ram_b);
    /* Interleaved, page by page, so a domain's frames are not one run. */
    for (unsigned i = 0; i < RAM_PAGES; i++) {
        ck_assert_int_eq(pv_frames_alloc(DOM_A, i, 0, &mfn_a[i]), 0);
        ck_assert_int_eq(pv_frames_alloc(DOM_B, i, 0, &mfn_b[i]), 0);
    }
}

static void teardown(void)
{
    for (unsigned i = 0; i < RAM_PAGES; i++) {
        pv_frame_unpin_dying(mfn_a[i]);
        pv_frame_unpin_dying(mfn_b[i]);
    }
    for (unsigned i = 0; i < RAM_PAGES; i++) {
        ck_assert_int_eq(pv_frame_free(mfn_a[i]), 0);
        ck_assert_int_eq(pv_frame_free(mfn_b[i]), 0);
    }
    pv_frames_set_ram_base(DOM_A, NULL);
    pv_frames_set_ram_base(DOM_B, NULL);
    free(ram_a);
    free(ram_b);
}

/* Domain d's tables in its frames 1..4 (L4, L3, L2, L1), mapping frames
 * 8..15 at virtual 0, writable; the tables themselves read-only. */
static void build_tables(const uint64_t *m)
{
    table(m[1])[0] = pte(m[2], 0x67);
    table(m[2])[0] = pte(m[3], 0x67);
    table(m[3])[0] = pte(m[4], 0x67);
    for (unsigned i = 8; i < 16; i++)
        table(m[4])[i] = pte(m[i], 0x67);
    for (unsigned i = 1; i <= 4; i++)
        table(m[4])[16 + i] = pte(m[i], 0x25);
}

static struct pv_frame snap_b[RAM_PAGES];
static uint8_t *ram_b_copy;

static void snapshot_b(void)
{
    for (unsigned i = 0; i < RAM_PAGES; i++)
        snap_b[i] = *pv_frame(mfn_b[i]);
    free(ram_b_copy);
    ram_b_copy = malloc(RAM_PAGES * 4096);
    memcpy(ram_b_copy, ram_b, RAM_PAGES * 4096);
}

static void assert_b_untouched(void)
{
    for (unsigned i = 0; i < RAM_PAGES; i++)
        ck_assert_mem_eq(&snap_b[i], pv_frame(mfn_b[i]), sizeof(struct pv_frame));
    ck_assert_mem_eq(ram_b_copy, ram_b, RAM_PAGES * 4096);
}

START_TEST(frames_are_machine_frames)
{
    /* mfn and pfn differ; M2P maps back; contents are the owner's. */
    ck_assert_uint_ne(mfn_a[5], 5);
    ck_assert_uint_ge(mfn_a[0], PV_FIRST_MFN);
    ck_assert_uint_eq(pv_m2p()[mfn_a[5]], 5);
    ck_assert_uint_eq(pv_m2p()[mfn_b[5]], 5);
    ck_assert_ptr_eq(pv_frame_map(mfn_a[5]), ram_a + 5 * 4096);
    ck_assert_ptr_eq(pv_frame_map(mfn_b[5]), ram_b + 5 * 4096);
    ck_assert(pv_frame_owned_by(mfn_a[5], DOM_A));
    ck_assert(!pv_frame_owned_by(mfn_a[5], DOM_B));
    ck_assert_ptr_null(pv_frame(PV_MAX_MFNS));
    ck_assert_ptr_null(pv_frame_map(1)); /* the hypervisor's */
    ck_assert_int_ge(pv_m2p_fd(), 0);
    /* The guest may rewrite its M2P entry; the memory stays put. */
    ck_assert_int_eq(pv_mmu_machphys_update(DOM_A, mfn_a[5], 40), 0);
    ck_assert_uint_eq(pv_m2p()[mfn_a[5]], 40);
    ck_assert_ptr_eq(pv_frame_map(mfn_a[5]), ram_a + 5 * 4096);
    ck_assert_int_eq(pv_mmu_machphys_update(DOM_A, mfn_b[5], 1), -EINVAL);
    ck_assert_uint_eq(pv_m2p()[mfn_b[5]], 5);
}
END_TEST

/* Walk va from an L4 as the CPU backend does, through pv_machine_to_gfn
 * and host memory: the entry's value, or 0. */
static uint64_t walk(unsigned owner, uint64_t l4_mfn, uint64_t va, uint64_t *leaf)
{
    uint64_t mfn = l4_mfn, e = 0;

    for (int level = 3; level >= 0; level--) {
        uint64_t gfn = pv_machine_to_gfn(owner, mfn);
        if (gfn == ~0ULL)
            return 0;
        e = ((uint64_t *)pv_frame_map(mfn))[(va >> (12 + 9 * level)) & 511];
        if (!(e & PV_PTE_P))
            return 0;
        mfn = (e & PV_PTE_ADDR) >> 12;
    }
    *leaf = e;
    return mfn;
}

START_TEST(m2p_is_mapped_read_only)
{
    uint64_t leaf = 0, m;

    build_tables(mfn_a);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), 0);
    /* The M2P entry for one of A's frames, read through A's tables. */
    uint64_t va = PV_RO_MPT_VIRT_START + mfn_a[9] * 8;
    m = walk(DOM_A, mfn_a[1], va, &leaf);
    ck_assert_uint_eq(m, PV_XEN_MFN_BASE + (mfn_a[9] * 8 >> 12));
    ck_assert_uint_eq(leaf & PV_PTE_RW, 0);
    ck_assert_uint_ne(leaf & PV_PTE_US, 0);
    ck_assert_uint_eq(pv_machine_to_gfn(DOM_A, m), PV_XEN_WINDOW_GFN + (m - PV_XEN_MFN_BASE));
    ck_assert_uint_eq(((uint64_t *)pv_frame_map(m))[(va & 4095) / 8], 9);
    /* A's own frames reach the backend at their backing frames, B's not. */
    ck_assert_uint_eq(walk(DOM_A, mfn_a[1], 9 * 4096, &leaf), mfn_a[9]);
    ck_assert_uint_eq(pv_machine_to_gfn(DOM_A, mfn_a[9]), 9);
    ck_assert_uint_eq(pv_machine_to_gfn(DOM_A, mfn_b[9]), ~0ULL);
    ck_assert_uint_eq(pv_machine_to_gfn(DOM_A, PV_MAX_MFNS + 1), ~0ULL);
    /* The guest cannot map the M2P's frames itself. */
    ck_assert_int_eq(
        pv_mmu_normal_update(DOM_A, (mfn_a[4] << 12) + 70 * 8, pte(PV_XEN_MFN_BASE, 0x65), NULL),
        -EPERM);
}
END_TEST

START_TEST(aligned_runs)
{
    uint64_t m, before = pv_frames_in_use();

    ck_assert_int_eq(pv_frames_alloc(DOM_A, 512, 9, &m), 0);
    ck_assert_uint_eq(m & 511, 0);
    ck_assert_uint_eq(pv_frames_in_use(), before + 512);
    ck_assert_uint_eq(pv_m2p()[m + 511], 1023);
    for (unsigned i = 0; i < 512; i++)
        ck_assert_int_eq(pv_frame_free(m + i), 0);
    ck_assert_uint_eq(pv_frames_in_use(), before);
    ck_assert_int_eq(pv_frame_free(m), -EINVAL);
    ck_assert_int_eq(pv_frames_alloc(DOM_A, 0, 40, &m), -EINVAL);
    ck_assert_int_eq(pv_frames_alloc(PV_MAX_OWNERS, 0, 0, &m), -EINVAL);
}
END_TEST

START_TEST(pin_validates_and_types)
{
    build_tables(mfn_a);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), 0);
    ck_assert_uint_eq(pv_frame(mfn_a[1])->type, PV_PGT_L4);
    ck_assert_uint_eq(pv_frame(mfn_a[2])->type, PV_PGT_L3);
    ck_assert_uint_eq(pv_frame(mfn_a[3])->type, PV_PGT_L2);
    ck_assert_uint_eq(pv_frame(mfn_a[4])->type, PV_PGT_L1);
    ck_assert_uint_eq(pv_frame(mfn_a[8])->type, PV_PGT_WRITABLE);
    ck_assert_uint_eq(pv_frame(mfn_a[4])->count, 3); /* alloc, L2 entry, RO map */
    /* Pinned twice, unpinned when not pinned: refused. */
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), -EINVAL);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[2], 4), -EINVAL); /* an L3 */
    ck_assert_int_eq(pv_unpin_table(DOM_A, mfn_a[2]), -EINVAL);
    ck_assert_int_eq(pv_unpin_table(DOM_B, mfn_a[1]), -EINVAL);
    /* Unpinning drops every reference the tables took. */
    ck_assert_int_eq(pv_unpin_table(DOM_A, mfn_a[1]), 0);
    for (unsigned i = 0; i < RAM_PAGES; i++) {
        ck_assert_uint_eq(pv_frame(mfn_a[i])->count, 1);
        ck_assert_uint_eq(pv_frame(mfn_a[i])->type_count, 0);
        ck_assert_uint_eq(pv_frame(mfn_a[i])->type, PV_PGT_NONE);
    }
}
END_TEST

START_TEST(table_mapped_writable_is_refused)
{
    int flush = 0;

    build_tables(mfn_a);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), 0);
    /* Map the pinned L2 writable through the L1: -EBUSY, entry unchanged. */
    uint64_t before = table(mfn_a[4])[30];
    ck_assert_int_eq(
        pv_mmu_normal_update(DOM_A, (mfn_a[4] << 12) + 30 * 8, pte(mfn_a[3], 0x67), &flush),
        -EBUSY);
    ck_assert_uint_eq(table(mfn_a[4])[30], before);
    ck_assert_int_eq(flush, 0);
    /* Read-only is fine, and takes a general reference only. */
    ck_assert_int_eq(
        pv_mmu_normal_update(DOM_A, (mfn_a[4] << 12) + 30 * 8, pte(mfn_a[3], 0x65), &flush), 0);
    ck_assert_int_eq(flush, 1);
    ck_assert_uint_eq(table(mfn_a[4])[30], pte(mfn_a[3], 0x65));
    /* An L1 mapping itself writable: refused. */
    ck_assert_int_eq(
        pv_mmu_normal_update(DOM_A, (mfn_a[4] << 12) + 31 * 8, pte(mfn_a[4], 0x67), NULL), -EBUSY);
    /* A frame mapped writable cannot become a table. */
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[8], 1), -EINVAL);
    ck_assert_uint_eq(pv_frame(mfn_a[8])->type, PV_PGT_WRITABLE);
    /* Plain writes into a pinned table's frame go through validation:
     * an L2 slot cannot point at a frame mapped writable. */
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[3] << 12) + 8, pte(mfn_a[8], 0x67), NULL),
                     -EINVAL);
    ck_assert_uint_eq(table(mfn_a[3])[1], 0);
    /* Removing the entry drops its reference. */
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[4] << 12) + 30 * 8, 0, NULL), 0);
    ck_assert_uint_eq(pv_frame(mfn_a[3])->count, 3); /* alloc, L3 entry, its RO map */
}
END_TEST

START_TEST(other_domains_frames_are_refused)
{
    build_tables(mfn_a);
    build_tables(mfn_b);
    ck_assert_int_eq(pv_pin_table(DOM_B, mfn_b[1], 4), 0);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), 0);
    snapshot_b();
    /* A maps B's data frame (writable, read-only), B's table, B's L1 as its L1. */
    uint64_t p = (mfn_a[4] << 12) + 40 * 8;
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, p, pte(mfn_b[8], 0x67), NULL), -EBUSY);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, p, pte(mfn_b[8], 0x65), NULL), -EBUSY);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, p, pte(mfn_b[4], 0x65), NULL), -EBUSY);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[3] << 12) + 8, pte(mfn_b[4], 0x67), NULL),
                     -EINVAL);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[1] << 12) + 8, pte(mfn_b[2], 0x67), NULL),
                     -EINVAL);
    /* A writes into B's frames (a table, a data frame), pins B's L4. */
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_b[4] << 12) + 8, pte(mfn_a[8], 0x67), NULL),
                     -EINVAL);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_b[9] << 12), 0x41414141, NULL), -EINVAL);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_b[1], 4), -EINVAL);
    ck_assert_int_eq(pv_unpin_table(DOM_A, mfn_b[1]), -EINVAL);
    ck_assert_int_eq(pv_frame_free(mfn_b[8]), -EBUSY); /* B still maps it */
    /* A table of A's frames naming one of B's: pin fails, A unchanged. */
    table(mfn_a[6])[7] = pte(mfn_b[8], 0x67);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[6], 1), -EBUSY);
    ck_assert_uint_eq(pv_frame(mfn_a[6])->type_count, 0);
    ck_assert_uint_eq(pv_frame(mfn_a[6])->count, 1);
    assert_b_untouched();
    ck_assert_uint_eq(table(mfn_a[4])[40], 0);
}
END_TEST

START_TEST(frames_outside_ram_and_bad_entries)
{
    uint64_t p = (mfn_a[4] << 12) + 50 * 8;

    build_tables(mfn_a);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), 0);
    snapshot_b();
    /* Beyond the machine space, and a free frame inside it. */
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, p, pte(PV_MAX_MFNS + 5, 0x67), NULL), -EPERM);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, p, pte(PV_MAX_MFNS - 1, 0x65), NULL), -EPERM);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, p, pte(3, 0x65), NULL), -EPERM);
    /* The update's own address: unaligned, outside, unowned. */
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, p + 4, 0, NULL), -EINVAL);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (PV_MAX_MFNS + 1) << 12, 0, NULL), -EINVAL);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, ~7ULL, 0, NULL), -EINVAL);
    /* Reserved bits: a superpage at L2, global above L1, bits 52-62. */
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[3] << 12) + 8, pte(mfn_a[32], 0xe7), NULL),
                     -EINVAL);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[3] << 12) + 8, pte(mfn_a[7], 0x167), NULL),
                     -EINVAL);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, p, pte(mfn_a[9], 0x65) | (1ULL << 55), NULL),
                     -EINVAL);
    /* The hypervisor hole in the L4 is not the guest's. */
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[1] << 12) + 256 * 8, 0, NULL), -EINVAL);
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[1] << 12) + 271 * 8, 0, NULL), -EINVAL);
    ck_assert_int_eq(
        pv_mmu_normal_update(DOM_A, (mfn_a[1] << 12) + 272 * 8, pte(mfn_a[5], 0x67), NULL), 0);
    ck_assert_uint_eq(pv_frame(mfn_a[5])->type, PV_PGT_L3);
    ck_assert_uint_eq(table(mfn_a[4])[50], 0);
    assert_b_untouched();
}
END_TEST

START_TEST(hole_entries_are_ignored_and_loops_refused)
{
    /* Garbage in the hole slots does not stop an L4 being pinned. */
    table(mfn_a[1])[260] = 0xdeadbeefdeadbe07ULL;
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), 0);
    ck_assert_uint_eq(table(mfn_a[1])[260], 0);
    ck_assert_uint_eq(table(mfn_a[1])[256], pv_m2p_l4e());
    ck_assert_int_eq(pv_unpin_table(DOM_A, mfn_a[1]), 0);
    /* An L4 naming itself as its L3 (a linear table): refused, undone. */
    table(mfn_a[1])[0] = pte(mfn_a[2], 0x67);
    table(mfn_a[2])[0] = pte(mfn_a[3], 0x67);
    table(mfn_a[1])[1] = pte(mfn_a[1], 0x65);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), -EINVAL);
    for (unsigned i = 1; i <= 3; i++) {
        ck_assert_uint_eq(pv_frame(mfn_a[i])->count, 1);
        ck_assert_uint_eq(pv_frame(mfn_a[i])->type_count, 0);
    }
    /* An L3 naming its L4 as an L2. */
    table(mfn_a[1])[1] = 0;
    table(mfn_a[2])[1] = pte(mfn_a[1], 0x67);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 4), -EINVAL);
    ck_assert_uint_eq(pv_frame(mfn_a[3])->type_count, 0);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 5), -EINVAL);
    ck_assert_int_eq(pv_pin_table(DOM_A, mfn_a[1], 0), -EINVAL);
}
END_TEST

START_TEST(base_pointers)
{
    uint64_t kernel = 0, user = 0;

    build_tables(mfn_a);
    ck_assert_int_eq(pv_set_baseptr(DOM_A, &kernel, mfn_a[1]), 0);
    ck_assert_uint_eq(pv_frame(mfn_a[1])->type, PV_PGT_L4);
    /* The same L4 as the user table: a second typed reference. */
    ck_assert_int_eq(pv_set_baseptr(DOM_A, &user, mfn_a[1]), 0);
    ck_assert_uint_eq(pv_frame(mfn_a[1])->type_count, 2);
    /* Not an L4, not ours: refused, the old one kept. */
    ck_assert_int_eq(pv_set_baseptr(DOM_A, &kernel, mfn_a[2]), -EINVAL);
    ck_assert_int_eq(pv_set_baseptr(DOM_A, &kernel, mfn_b[1]), -EINVAL);
    ck_assert_uint_eq(kernel, mfn_a[1]);
    /* In use, unpinned: still no writable mapping of it. */
    ck_assert_int_eq(
        pv_mmu_normal_update(DOM_A, (mfn_a[4] << 12) + 60 * 8, pte(mfn_a[1], 0x67), NULL), -EBUSY);
    ck_assert_int_eq(pv_set_baseptr(DOM_A, &user, 0), 0);
    ck_assert_int_eq(pv_set_baseptr(DOM_A, &kernel, 0), 0);
    ck_assert_uint_eq(pv_frame(mfn_a[1])->type_count, 0);
    ck_assert_uint_eq(pv_frame(mfn_a[8])->count, 1);
    /* Now it may be mapped writable (as a plain frame). */
    ck_assert_int_eq(pv_mmu_normal_update(DOM_A, (mfn_a[6] << 12), pte(mfn_a[1], 0x67), NULL), 0);
}
END_TEST

/* A PV domain of the real core: populate, release, destroy. */
START_TEST(domain_machine_frames)
{
    struct xen_domctl_createdomain cfg = {.max_vcpus = 1, .max_grant_frames = 4};
    domid_t id = 0;
    struct domain *d;
    uint64_t in_use = pv_frames_in_use(), m;

    pv_machine_set_ops(&pv_machine_impl);
    ck_assert_int_eq(domain_create(&id, &cfg), 0);
    d = domain_lookup(id);
    ck_assert_ptr_nonnull(d->pv);
    /* Shared info: a machine frame of the domain's, reported as such. */
    ck_assert(pv_frame_owned_by(d->shared_info_mfn, id));
    ck_assert_ptr_eq(pv_frame_map(d->shared_info_mfn), pv_dom(d)->ram + GUEST_RAM_FRAMES * 4096);
    d->ram.max_pages = 1024;
    ck_assert_int_eq(guest_ram_populate_run(&d->ram, 0, 0, 64), 0);
    ck_assert_int_eq(guest_ram_populate(&d->ram, 512, 9), 0);
    /* Shared info and the grant frames have machine frames too. */
    ck_assert_uint_eq(pv_frames_in_use(), in_use + 1 + d->gnttab.nr_frames + 64 + 512);
    for (uint64_t g = 0; g < 64; g++) {
        m = pv_domain_p2m(d, g);
        ck_assert(pv_frame_owned_by(m, id));
        ck_assert_uint_eq(pv_m2p()[m], g);
        ck_assert_uint_eq(pv_domain_machine_to_gfn(d, m), g);
    }
    /* A populated run is one machine extent; a lone frame is not at its pfn. */
    for (uint64_t g = 1; g < 64; g++)
        ck_assert_uint_eq(pv_domain_p2m(d, g), pv_domain_p2m(d, 0) + g);
    ck_assert_uint_ne(pv_domain_p2m(d, 5), 5);
    /* Past max_pages: nothing taken. */
    ck_assert_int_eq(guest_ram_populate(&d->ram, 2048, 9), -ENOMEM);
    ck_assert_uint_eq(pv_domain_p2m(d, 2048), 0);
    /* Written through the frame table, read in the domain's memory. */
    memcpy(pv_frame_map(pv_domain_p2m(d, 7)), "pv", 3);
    uint8_t *p = guest_ram_map(&d->ram, 7, 1);
    ck_assert_str_eq((char *)p, "pv");
    guest_ram_unmap(p, 1);
    /* A pinned table's frame cannot be released; unpinned it can. */
    m = pv_domain_p2m(d, 3);
    ck_assert_int_eq(pv_pin_table(id, m, 1), 0);
    ck_assert_int_eq(guest_ram_release(&d->ram, 3, 0), -EBUSY);
    ck_assert(guest_ram_populated(&d->ram, 3));
    ck_assert_int_eq(pv_unpin_table(id, m), 0);
    ck_assert_int_eq(guest_ram_release(&d->ram, 3, 0), 0);
    ck_assert_uint_eq(pv_domain_p2m(d, 3), 0);
    ck_assert(!pv_frame_owned_by(m, id));
    /* Destroyed with a table pinned and a base pointer: all frames back. */
    ck_assert_int_eq(pv_pin_table(id, pv_domain_p2m(d, 4), 4), 0);
    ck_assert_int_eq(pv_set_baseptr(id, &pv_dom(d)->vcpu[0].kernel_l4, pv_domain_p2m(d, 5)), 0);
    ck_assert_int_eq(domain_unlink(d), 0);
    domain_free(d);
    ck_assert_uint_eq(pv_frames_in_use(), in_use);
}
END_TEST

/* A PV guest's hypercalls, through the real dispatch table; the guest's
 * memory is a local buffer at GBUF. */
#define GBUF      0x40000000ULL
#define GBUF_SIZE 65536
static uint8_t gbuf[GBUF_SIZE];

static int gbuf_from(struct hc_caller *c, uint64_t a, void *out, size_t len)
{
    if (a < GBUF || a - GBUF > GBUF_SIZE || len > GBUF_SIZE - (a - GBUF))
        return -EFAULT;
    memcpy(out, gbuf + (a - GBUF), len);
    return 0;
}

static int gbuf_to(struct hc_caller *c, uint64_t a, const void *in, size_t len)
{
    if (a < GBUF || a - GBUF > GBUF_SIZE || len > GBUF_SIZE - (a - GBUF))
        return -EFAULT;
    memcpy(gbuf + (a - GBUF), in, len);
    return 0;
}

static long hc(struct hc_caller *c, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    const uint64_t args[5] = {a0, a1, a2, a3, 0};
    return hypercall_dispatch(c, op, args);
}

START_TEST(pv_hypercalls)
{
    struct xen_domctl_createdomain cfg = {.max_vcpus = 2, .max_grant_frames = 4};
    domid_t id = 0;
    struct domain *d;
    struct pv_vcpu *pv;
    uint64_t m[32];
    uint64_t in_use = pv_frames_in_use();

    pv_machine_set_ops(&pv_machine_impl);
    ck_assert_int_eq(domain_create(&id, &cfg), 0);
    d = domain_lookup(id);
    d->ram.max_pages = 64;
    ck_assert_int_eq(guest_ram_populate_run(&d->ram, 0, 0, 32), 0);
    for (unsigned i = 0; i < 32; i++)
        m[i] = pv_domain_p2m(d, i);
    /* The fixture's domain A (not in the domain table) has mfn_a[]. */
    struct hc_caller c = {
        .kind = CALLER_PV, .d = d, .v = d->vcpus[0], .copy_from = gbuf_from, .copy_to = gbuf_to};
    pv = &pv_dom(d)->vcpu[0];
    ck_assert_ptr_nonnull(c.v);
    build_tables(m);

    /* mmuext: pin the L4, make it the base pointer. */
    struct mmuext_op *ops = (void *)gbuf;
    ops[0] = (struct mmuext_op){.cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = m[1]};
    ops[1] = (struct mmuext_op){.cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = m[1]};
    ops[2] = (struct mmuext_op){.cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = m[1]}; /* again */
    uint32_t *done = (uint32_t *)(gbuf + 4096);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 3, GBUF + 4096, DOMID_SELF), -EINVAL);
    ck_assert_uint_eq(*done, 2);
    ck_assert_uint_eq(pv->kernel_l4, m[1]);
    ck_assert(pv->pending & PV_PENDING_BASEPTR);
    ck_assert_uint_eq(pv_frame(m[1])->type_count, 2);
    /* Another domain's frame as base pointer; a foreign domid. */
    ops[0] = (struct mmuext_op){.cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = mfn_a[1]};
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 1, 0, DOMID_SELF), -EINVAL);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 1, 0, DOM_A), -EPERM);
    ck_assert_uint_eq(pv->kernel_l4, m[1]);
    ops[0] = (struct mmuext_op){.cmd = 99};
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 1, 0, DOMID_SELF), -ENOSYS);

    /* mmu_update: stops at the first bad request, says how far it got. */
    struct mmu_update *req = (void *)gbuf;
    req[0] = (struct mmu_update){(m[4] << 12) + 100 * 8, pte(m[20], 0x67)};
    req[1] = (struct mmu_update){(m[4] << 12) + 101 * 8, pte(mfn_a[9], 0x67)};
    req[2] = (struct mmu_update){(m[4] << 12) + 102 * 8, pte(m[21], 0x67)};
    pv->pending = 0;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmu_update, GBUF, 3, GBUF + 4096, DOMID_SELF), -EBUSY);
    ck_assert_uint_eq(*done, 1);
    ck_assert_uint_eq(table(m[4])[100], pte(m[20], 0x67));
    ck_assert_uint_eq(table(m[4])[101], 0);
    ck_assert_uint_eq(table(m[4])[102], 0);
    ck_assert(pv->pending & PV_PENDING_TLB_FLUSH);
    req[0] = (struct mmu_update){(m[5] << 12) | MMU_MACHPHYS_UPDATE, 77};
    req[1] = (struct mmu_update){(m[5] << 12) | 7, 0};
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmu_update, GBUF, 2, 0, DOMID_SELF), -ENOSYS);
    ck_assert_uint_eq(pv_m2p()[m[5]], 77);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmu_update, GBUF + GBUF_SIZE - 8, 1, 0, DOMID_SELF),
                     -EFAULT);

    /* update_va_mapping: the L1 entry of va in the current tables. */
    ck_assert_int_eq(
        hc(&c, __HYPERVISOR_update_va_mapping, 0x18000, pte(m[22], 0x67), UVMF_INVLPG, 0), 0);
    ck_assert_uint_eq(table(m[4])[0x18], pte(m[22], 0x67));
    ck_assert_int_eq(hc(&c, __HYPERVISOR_update_va_mapping, 0x19000, pte(mfn_a[9], 0x65), 0, 0),
                     -EBUSY);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_update_va_mapping, 0x19000, pte(m[3], 0x67), 0, 0),
                     -EBUSY); /* the L2, writable */
    ck_assert_int_eq(hc(&c, __HYPERVISOR_update_va_mapping, 0x40000000, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_update_va_mapping, PV_RO_MPT_VIRT_START, 0, 0, 0),
                     -EINVAL);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_update_va_mapping, 0x0000900000000000ULL, 0, 0, 0),
                     -EINVAL); /* not canonical */

    /* Traps, callbacks, stack, segments, debug registers, assists. */
    struct trap_info *ti = (void *)gbuf;
    memset(gbuf, 0, 4096);
    ti[0] = (struct trap_info){.vector = 14, .flags = 0, .cs = FLAT_KERNEL_CS, .address = 0x1000};
    ti[1] = (struct trap_info){.vector = 0x80, .flags = 3, .cs = FLAT_KERNEL_CS, .address = 0x2000};
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_trap_table, GBUF, 0, 0, 0), 0);
    ck_assert(pv->traps[14].set && pv->traps[14].address == 0x1000);
    ck_assert_uint_eq(pv->traps[0x80].flags, 3);
    ck_assert(!pv->traps[13].set);
    ti[0].address = PV_RO_MPT_VIRT_START;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_trap_table, GBUF, 0, 0, 0), -EINVAL);
    struct callback_register *cb = (void *)gbuf;
    *cb = (struct callback_register){
        .type = CALLBACKTYPE_event, .flags = CALLBACKF_mask_events, .address = 0x3000};
    ck_assert_int_eq(hc(&c, __HYPERVISOR_callback_op, CALLBACKOP_register, GBUF, 0, 0), 0);
    ck_assert_uint_eq(pv->event_cb, 0x3000);
    ck_assert(pv->event_cb_mask);
    cb->type = 6; /* not a callback */
    ck_assert_int_eq(hc(&c, __HYPERVISOR_callback_op, CALLBACKOP_register, GBUF, 0, 0), -EINVAL);
    cb->type = CALLBACKTYPE_event;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_callback_op, CALLBACKOP_unregister, GBUF, 0, 0), -EINVAL);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_callbacks, 0x4000, 0x5000, 0x6000, 0), 0);
    ck_assert_uint_eq(pv->syscall_cb, 0x6000);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_stack_switch, FLAT_KERNEL_SS, 0x7ff0, 0, 0), 0);
    ck_assert_uint_eq(pv->kernel_sp, 0x7ff0);
    /* Linux passes __KERNEL_DS (RPL 0): Xen gives it the kernel's ring. */
    ck_assert_int_eq(hc(&c, __HYPERVISOR_stack_switch, 0x18, 0x7fe0, 0, 0), 0);
    ck_assert_uint_eq(pv->kernel_ss, 0x1b);
    ck_assert_uint_eq(pv->kernel_sp, 0x7fe0);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_segment_base, SEGBASE_FS, 0x123000, 0, 0), 0);
    ck_assert_uint_eq(pv->fs_base, 0x123000);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, 1ULL << 60, 0, 0),
                     -EINVAL);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_debugreg, 0, 0x1000, 0, 0), 0);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_get_debugreg, 0, 0, 0, 0), 0x1000);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_debugreg, 7, 0x20003, 0, 0), -EPERM); /* I/O */
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_debugreg, 1, PV_RO_MPT_VIRT_START, 0, 0), -EPERM);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_get_debugreg, 9, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0), 0);
    ck_assert(pv->fpu_ts);
    ck_assert_int_eq(
        hc(&c, __HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_writable_pagetables, 0, 0),
        0);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_vm_assist, VMASST_CMD_enable, 40, 0, 0), -EINVAL);

    /* multicall: each result written back; no nesting. */
    multicall_entry_t *mc = (void *)gbuf;
    memset(gbuf, 0, 4096);
    mc[0] = (multicall_entry_t){.op = __HYPERVISOR_stack_switch, .args = {FLAT_KERNEL_SS, 0x9000}};
    mc[1] = (multicall_entry_t){.op = __HYPERVISOR_multicall, .args = {GBUF, 1}};
    mc[2] = (multicall_entry_t){.op = __HYPERVISOR_set_debugreg, .args = {5, 0}};
    ck_assert_int_eq(hc(&c, __HYPERVISOR_multicall, GBUF, 3, 0, 0), 0);
    ck_assert_int_eq((long)mc[0].result, 0);
    ck_assert_int_eq((long)mc[1].result, -EINVAL);
    ck_assert_int_eq((long)mc[2].result, -EINVAL);
    ck_assert_uint_eq(pv->kernel_sp, 0x9000);

    /* GDT frames: checked descriptors, typed, never writable meanwhile. */
    uint64_t *gdt = table(m[25]);
    memset(gdt, 0, 4096);
    gdt[1] = 0x00af9a000000ffffULL; /* 64-bit code, DPL 0: raised to 3 */
    gdt[2] = 0x0000890000000067ULL; /* a TSS: refused */
    uint64_t *fl = (uint64_t *)gbuf;
    fl[0] = m[25];
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_gdt, GBUF, 512, 0, 0), -EINVAL);
    ck_assert_uint_eq(pv_frame(m[25])->type_count, 0);
    gdt[2] = 0;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_gdt, GBUF, 512, 0, 0), 0);
    ck_assert_uint_eq(pv_frame(m[25])->type, PV_PGT_SEG_DESC);
    ck_assert_uint_eq((gdt[1] >> 45) & 3, 3);
    ck_assert_uint_eq(pv->pending & PV_PENDING_DESC, PV_PENDING_DESC);
    /* What the CPU sees: the frame as GDT page 0, zeros after it, Xen's
     * reserved page (flat selectors) as page 14; GDTR there. */
    struct hval_state st = {0};
    pv_desc_refresh(id, 0, pv, &st);
    ck_assert_uint_eq(st.gdtr.base, PV_GDT_LDT_VIRT_START);
    ck_assert_uint_eq(st.gdtr.limit, 0xefff);
    ck_assert_uint_eq(pv->overlay.la, PV_GDT_LDT_VIRT_START);
    ck_assert_uint_eq(pv->overlay.gpa[0], pv_machine_to_gfn(id, m[25]) << 12);
    ck_assert_uint_eq(pv->overlay.gpa[1], (PV_XEN_WINDOW_GFN + PV_XEN_ZERO) << 12);
    ck_assert_uint_eq(pv->overlay.gpa[14], (PV_XEN_WINDOW_GFN + PV_XEN_GDT_PAGE) << 12);
    ck_assert_uint_eq(pv->overlay.gpa[PV_LDT_PAGE], ~0ULL);
    ck_assert_uint_eq(st.ldtr.selector, 0);
    /* Selector loads at CPL 3: the guest's code (DPL fixed to 3), Xen's
     * flat ring-3 selectors; not Xen's ring-0 ones, not a null or zero
     * descriptor for CS/SS, not past the limit. */
    struct hval_segment seg;
    ck_assert_int_eq(pv_desc_load(pv, 0x0b, PV_SEG_CS, &seg), 0);
    ck_assert_uint_eq(seg.attr & (HVAL_SEG_L | HVAL_SEG_P), HVAL_SEG_L | HVAL_SEG_P);
    ck_assert_uint_eq(HVAL_SEG_DPL(seg.attr), 3);
    ck_assert_int_eq(pv_desc_load(pv, 0x08, PV_SEG_CS, &seg), -EINVAL); /* RPL 0 */
    ck_assert_int_eq(pv_desc_load(pv, 0xe033, PV_SEG_CS, &seg), 0);
    ck_assert_int_eq(pv_desc_load(pv, 0xe02b, PV_SEG_SS, &seg), 0);
    ck_assert_int_eq(pv_desc_load(pv, 0xe02b, PV_SEG_DATA, &seg), 0);
    ck_assert_int_eq(pv_desc_load(pv, 0xe00b, PV_SEG_CS, &seg), -EINVAL);
    ck_assert_int_eq(pv_desc_load(pv, 0xe013, PV_SEG_DATA, &seg), -EINVAL);
    ck_assert_int_eq(pv_desc_load(pv, 0x13, PV_SEG_SS, &seg), -EINVAL);
    ck_assert_int_eq(pv_desc_load(pv, 0x1003, PV_SEG_DATA, &seg), -EINVAL);
    ck_assert_int_eq(pv_desc_load(pv, 0x0b, PV_SEG_SS, &seg), -EINVAL);
    ck_assert_int_eq(pv_desc_load(pv, 0, PV_SEG_DATA, &seg), 0);
    ck_assert_int_eq(pv_desc_load(pv, 0, PV_SEG_SS, &seg), -EINVAL);
    ck_assert_int_eq(pv_desc_load(pv, 0xf003, PV_SEG_DATA, &seg), -EINVAL);
    ck_assert_int_eq(pv_desc_load(pv, 0x07, PV_SEG_DATA, &seg), -EINVAL); /* no LDT */
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_gdt, GBUF, 8000, 0, 0), -EINVAL);
    ck_assert_int_eq(
        hc(&c, __HYPERVISOR_update_va_mapping, 0x1a000, pte(m[25], 0x67), UVMF_INVLPG, 0), -EBUSY);
    ck_assert_int_eq(
        hc(&c, __HYPERVISOR_update_descriptor, (m[25] << 12) + 24, 0x0000890000000067ULL, 0, 0),
        -EINVAL);
    ck_assert_int_eq(
        hc(&c, __HYPERVISOR_update_descriptor, (m[25] << 12) + 24, 0x00cf92000000ffffULL, 0, 0), 0);
    ck_assert_uint_eq(gdt[3], 0x00cf92000000ffffULL | (3ULL << 45) | (1ULL << 40));
    ck_assert_int_eq(pv_desc_load(pv, 0x1b, PV_SEG_SS, &seg), 0);
    ck_assert_uint_eq(seg.limit, 0xffffffff);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_update_descriptor, (m[25] << 12) + 20, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_update_descriptor, mfn_a[9] << 12, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(hc(&c, __HYPERVISOR_set_gdt, GBUF, 0, 0, 0), 0); /* none */
    ck_assert_uint_eq(pv_frame(m[25])->type_count, 0);

    /* MMUEXT_SET_LDT: its pages found through the kernel's tables now; a
     * page mapped writable stays absent; bad bases and counts refused. */
    uint64_t *ldt = table(m[26]);
    memset(ldt, 0, 4096);
    ldt[0] = 0x00cff2000000ffffULL;
    ck_assert_int_eq(
        hc(&c, __HYPERVISOR_update_va_mapping, 0x1b000, pte(m[26], 0x25), UVMF_INVLPG, 0), 0);
    ck_assert_int_eq(
        hc(&c, __HYPERVISOR_update_va_mapping, 0x1c000, pte(m[27], 0x67), UVMF_INVLPG, 0), 0);
    ops[0] =
        (struct mmuext_op){.cmd = MMUEXT_SET_LDT, .arg1.linear_addr = 0x1b000, .arg2.nr_ents = 600};
    pv->pending = 0;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 1, 0, DOMID_SELF), 0);
    ck_assert(pv->pending & PV_PENDING_DESC);
    ck_assert_uint_eq(pv->ldt_frames[0], m[26]);
    ck_assert_uint_eq(pv->ldt_frames[1], 0); /* 0x1c000: writable */
    ck_assert_uint_eq(pv_frame(m[26])->type, PV_PGT_SEG_DESC);
    ck_assert_uint_eq(ldt[0] & (1ULL << 40), 1ULL << 40); /* checked (accessed) */
    pv_desc_refresh(id, 0, pv, &st);
    ck_assert_uint_eq(pv->overlay.gpa[PV_LDT_PAGE], pv_machine_to_gfn(id, m[26]) << 12);
    ck_assert_uint_eq(pv->overlay.gpa[PV_LDT_PAGE + 1], ~0ULL);
    ck_assert_uint_eq(st.ldtr.base, PV_GDT_LDT_VIRT_START + PV_LDT_PAGE * 4096ULL);
    ck_assert_uint_eq(st.ldtr.limit, 600 * 8 - 1);
    ck_assert_int_eq(pv_desc_load(pv, 0x07, PV_SEG_DATA, &seg), 0);
    ck_assert_int_eq(pv_desc_load(pv, 0x0f, PV_SEG_DATA, &seg), -EINVAL);         /* zero */
    ck_assert_int_eq(pv_desc_load(pv, 512 << 3 | 7, PV_SEG_DATA, &seg), -EINVAL); /* absent */
    ck_assert_int_eq(
        hc(&c, __HYPERVISOR_update_va_mapping, 0x1b000, pte(m[26], 0x67), UVMF_INVLPG, 0), -EBUSY);
    ops[0].arg1.linear_addr = 0x1b008;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 1, 0, DOMID_SELF), -EINVAL);
    ops[0].arg1.linear_addr = PV_GDT_LDT_VIRT_START;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 1, 0, DOMID_SELF), -EINVAL);
    ops[0].arg1.linear_addr = 0x1b000;
    ops[0].arg2.nr_ents = 8193;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 1, 0, DOMID_SELF), -EINVAL);
    ck_assert_uint_eq(pv->ldt_frames[0], m[26]); /* a refused call keeps the LDT */
    ops[0] = (struct mmuext_op){.cmd = MMUEXT_SET_LDT};
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmuext_op, GBUF, 1, 0, DOMID_SELF), 0);
    ck_assert_uint_eq(pv_frame(m[26])->type_count, 0);
    pv_desc_refresh(id, 0, pv, &st);
    ck_assert_uint_eq(st.ldtr.selector, 0);
    ck_assert_int_eq(pv_desc_load(pv, 0x07, PV_SEG_DATA, &seg), -EINVAL);

    /* Where the M2P is, and its frames: reading them gives the table. */
    uint64_t *mm = (uint64_t *)gbuf;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_memory_op, XENMEM_machphys_mapping, GBUF, 0, 0), 0);
    ck_assert_uint_eq(mm[0], PV_RO_MPT_VIRT_START);
    ck_assert_uint_eq(mm[1], PV_RO_MPT_VIRT_START + PV_M2P_BYTES);
    ck_assert_uint_eq(mm[2], PV_MAX_MFNS - 1);
    struct {
        uint32_t max;
        uint64_t list;
        uint32_t nr;
    } *ml = (void *)gbuf;
    *ml = (typeof(*ml)){.max = 1000, .list = GBUF + 4096};
    ck_assert_int_eq(hc(&c, __HYPERVISOR_memory_op, XENMEM_machphys_mfn_list, GBUF, 0, 0), 0);
    ck_assert_uint_eq(ml->nr, PV_M2P_FRAMES / 512);
    uint64_t chunk = ((uint64_t *)(gbuf + 4096))[m[7] * 8 / (2 << 20)];
    ck_assert_uint_eq(((uint64_t *)pv_frame_map(chunk + (m[7] * 8 % (2 << 20)) / 4096))[m[7] % 512],
                      7);

    /* Not for other callers: an HVM caller has none of these. */
    c.kind = CALLER_HVM;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_mmu_update, GBUF, 0, 0, DOMID_SELF), -ENOSYS);

    ck_assert_int_eq(domain_unlink(d), 0);
    domain_free(d);
    ck_assert_uint_eq(pv_frames_in_use(), in_use);
}
END_TEST

/* The toolstack's populate_physmap returns machine frames for a PV
 * domain, and decrease_reservation takes them, as on Xen. */
START_TEST(toolstack_sees_machine_frames)
{
    struct xen_domctl_createdomain cfg = {.max_vcpus = 1, .max_grant_frames = 4};
    domid_t id = 0;
    struct domain *d;

    pv_machine_set_ops(&pv_machine_impl);
    if (!domain_lookup(0))
        ck_assert_int_eq(domain_create_dom0(), 0);
    ck_assert_int_eq(domain_create(&id, &cfg), 0);
    d = domain_lookup(id);
    d->ram.max_pages = 16;
    struct hc_caller c = {.kind = CALLER_TOOLSTACK,
                          .d = domain_lookup(0),
                          .copy_from = gbuf_from,
                          .copy_to = gbuf_to};
    struct xen_memory_reservation *r = (void *)gbuf;
    xen_pfn_t *list = (xen_pfn_t *)(gbuf + 4096);
    for (unsigned i = 0; i < 8; i++)
        list[i] = 100 + i;
    *r = (struct xen_memory_reservation){.nr_extents = 8, .domid = id};
    set_xen_guest_handle(r->extent_start, (xen_pfn_t *)(uintptr_t)(GBUF + 4096));
    ck_assert_int_eq(hc(&c, __HYPERVISOR_memory_op, XENMEM_populate_physmap, GBUF, 0, 0), 8);
    for (unsigned i = 0; i < 8; i++) {
        ck_assert_uint_eq(list[i], pv_domain_p2m(d, 100 + i));
        ck_assert_uint_eq(pv_m2p()[list[i]], 100 + i);
    }
    /* The toolstack decreases by guest frame (as it maps them); the guest
     * by machine frame, and one not its own stops the list. */
    list[0] = 104;
    r->nr_extents = 1;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_memory_op, XENMEM_decrease_reservation, GBUF, 0, 0), 1);
    ck_assert(!guest_ram_populated(&d->ram, 104));
    c = (struct hc_caller){
        .kind = CALLER_PV, .d = d, .v = d->vcpus[0], .copy_from = gbuf_from, .copy_to = gbuf_to};
    r->domid = DOMID_SELF;
    list[0] = pv_domain_p2m(d, 103);
    list[1] = mfn_a[3];
    r->nr_extents = 2;
    ck_assert_int_eq(hc(&c, __HYPERVISOR_memory_op, XENMEM_decrease_reservation, GBUF, 0, 0), 1);
    ck_assert(!guest_ram_populated(&d->ram, 103));
    ck_assert(pv_frame_owned_by(mfn_a[3], DOM_A));
    ck_assert_int_eq(domain_unlink(d), 0);
    domain_free(d);
}
END_TEST

static Suite *pv_mm_suite(void)
{
    Suite *s = suite_create("pv_mm");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, frames_are_machine_frames);
    tcase_add_test(tc, aligned_runs);
    tcase_add_test(tc, m2p_is_mapped_read_only);
    tcase_add_test(tc, pin_validates_and_types);
    tcase_add_test(tc, table_mapped_writable_is_refused);
    tcase_add_test(tc, other_domains_frames_are_refused);
    tcase_add_test(tc, frames_outside_ram_and_bad_entries);
    tcase_add_test(tc, hole_entries_are_ignored_and_loops_refused);
    tcase_add_test(tc, base_pointers);
    suite_add_tcase(s, tc);
    tc = tcase_create("domain");
    tcase_add_checked_fixture(tc, setup, teardown); /* domain A: another domain's frames */
    tcase_add_test(tc, domain_machine_frames);
    tcase_add_test(tc, pv_hypercalls);
    tcase_add_test(tc, toolstack_sees_machine_frames);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pv_mm_suite());
    int failed;

    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
