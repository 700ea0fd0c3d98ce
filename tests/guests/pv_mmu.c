/*
 * pv_mmu.c: a 64-bit PV guest's page tables as Xen guards them, from the
 * inside: the read-only M2P, pinning and unpinning a table, and hostile
 * updates refused with Xen's errors while the tables stay as they were
 * (a writable mapping of a table in use, a frame outside RAM, a bad
 * update command, an update of a frame that is not the guest's, the
 * hypervisor hole).
 */
#include "guest.h"
#include "memory.h"

const char guest_name[] = "pv_mmu";

#define PTE_P  0x1ULL
#define PTE_RW 0x2ULL
#define PTE_US 0x4ULL
#define PTE_A  0x20ULL
#define PTE_D  0x40ULL
#define ADDR   0x000ffffffffff000ULL

struct machphys_mapping {
    xen_ulong_t v_start, v_end, max_mfn;
};

static uint8_t scratch[4096] __aligned(4096);
static const unsigned long *m2p;

static unsigned long mfn_of(const void *va)
{
    const unsigned long *p2m = (const unsigned long *)((start_info_t *)boot.start_info)->mfn_list;
    return p2m[(uintptr_t)va >> 12];
}

/* The kernel maps its frames at virtual = pseudo-physical: a table's
 * entries name machine frames, the M2P gives their pseudo-physical ones. */
static uint64_t *table_of(uint64_t entry)
{
    return (uint64_t *)(m2p[(entry & ADDR) >> 12] << 12);
}

/* Machine address of the L1 entry mapping va in the boot tables. */
static uint64_t l1_entry_ma(const void *va)
{
    uint64_t *t = (uint64_t *)((start_info_t *)boot.start_info)->pt_base;
    uintptr_t v = (uintptr_t)va;

    for (int level = 3; level >= 1; level--)
        t = table_of(t[(v >> (12 + 9 * level)) & 511]);
    return ((uint64_t)mfn_of(t) << 12) | (((v >> 12) & 511) * 8);
}

static long mmu_update1(uint64_t ptr, uint64_t val)
{
    struct mmu_update u = {ptr, val};
    return HC4(__HYPERVISOR_mmu_update, &u, 1, NULL, DOMID_SELF);
}

static long mmuext1(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op = {.cmd = cmd, .arg1.mfn = mfn};
    return HC4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
}

void guest_main(void)
{
    struct machphys_mapping mm;
    unsigned long smfn = mfn_of(scratch);
    uint64_t ro = ((uint64_t)smfn << 12) | PTE_P | PTE_US | PTE_A;
    uint64_t ma;

    guest_require_xen();
    CHECK(env_is_pv(), "not a PV guest");

    /* The M2P, read-only at the place Xen says. */
    EXPECT_RC(memory_op(XENMEM_machphys_mapping, &mm), 0, "XENMEM_machphys_mapping");
    CHECK(mm.v_start == 0xFFFF800000000000UL, "M2P at %#lx", (unsigned long)mm.v_start);
    m2p = (const unsigned long *)mm.v_start;
    CHECK(m2p[smfn] == (uintptr_t)scratch >> 12, "M2P[%#lx] is %#lx", smfn, m2p[smfn]);
    gprintf("pv_mmu: the M2P maps machine frames back: ok\n");

    /* Our own L1 entry for the scratch page, found through the tables. */
    ma = l1_entry_ma(scratch);
    EXPECT_RC(mmu_update1(ma, ro), 0, "mmu_update: the scratch page read-only");
    gprintf("pv_mmu: mmu_update of our own L1 entry: ok\n");

    /* Pinned as an L1 table, it cannot be mapped writable; unpinned it can. */
    EXPECT_RC(mmuext1(MMUEXT_PIN_L1_TABLE, smfn), 0, "pin the scratch page as an L1");
    EXPECT_RC(mmuext1(MMUEXT_PIN_L1_TABLE, smfn), -XEN_EINVAL, "pin it twice");
    EXPECT_RC(HC3(__HYPERVISOR_update_va_mapping, scratch, ro | PTE_RW, UVMF_INVLPG), -XEN_EBUSY,
              "writable mapping of a pinned table");
    EXPECT_RC(mmu_update1(ma, ro | PTE_RW), -XEN_EBUSY, "mmu_update: writable pinned table");
    EXPECT_RC(mmuext1(MMUEXT_PIN_L2_TABLE, smfn), -XEN_EINVAL, "pin an L1 as an L2");
    EXPECT_RC(mmuext1(MMUEXT_UNPIN_TABLE, smfn), 0, "unpin");
    EXPECT_RC(mmuext1(MMUEXT_UNPIN_TABLE, smfn), -XEN_EINVAL, "unpin twice");
    EXPECT_RC(HC3(__HYPERVISOR_update_va_mapping, scratch, ro | PTE_RW | PTE_D, UVMF_INVLPG), 0,
              "writable again once unpinned");
    scratch[1] = 0x5a;
    CHECK(scratch[1] == 0x5a, "the page is not writable again");
    gprintf("pv_mmu: a pinned table is never writable: ok\n");

    /* The kernel's own L1 table (in use through the base pointer). */
    uint64_t l1ma = l1_entry_ma(table_of(ma));
    uint64_t l1ro = *(volatile uint64_t *)((uintptr_t)table_of(l1ma) + (l1ma & 4095));
    EXPECT_RC(mmu_update1(l1ma, l1ro | PTE_RW), -XEN_EBUSY, "writable mapping of a table in use");
    EXPECT_RC(mmuext1(MMUEXT_PIN_L1_TABLE, (unsigned long)(l1ro >> 12) & 0xffffffffffUL), 0,
              "pin a table in use");
    EXPECT_RC(mmuext1(MMUEXT_UNPIN_TABLE, (unsigned long)(l1ro >> 12) & 0xffffffffffUL), 0,
              "unpin it");
    gprintf("pv_mmu: tables in use stay read-only: ok\n");

    /* Hostile updates. */
    EXPECT_RC(mmu_update1(ma, (0xfffffffffULL << 12) | PTE_P | PTE_US), -XEN_EPERM,
              "a frame outside RAM");
    EXPECT_RC(mmu_update1(ma | 7, 0), -XEN_ENOSYS, "an unknown update command");
    EXPECT_RC(mmu_update1((0xfffffffffULL << 12) | 8, 0), -XEN_EINVAL,
              "an update of a frame not ours");
    EXPECT_RC(HC3(__HYPERVISOR_update_va_mapping, 0xFFFF800000001000UL, 0, UVMF_INVLPG),
              -XEN_EINVAL, "update_va_mapping in the hypervisor's hole");
    CHECK(scratch[1] == 0x5a, "the scratch page changed");
    gprintf("pv_mmu: hostile updates refused: ok\n");
}
