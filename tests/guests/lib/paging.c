/*
 * paging.c: frames and second mappings.  64-bit HVM/PVH guests run on the
 * identity map the entry code built (2 MiB pages over the first 16 GiB)
 * plus one page table of 4 KiB alias slots at ALIAS_BASE.  PV guests run
 * on the builder's page tables (kernel at virtual 0, so virtual address =
 * pseudo-physical address) and map alias slots with update_va_mapping.
 * hvm32 runs without paging: identity only, no aliases.
 */
#include "guest.h"
#include "memory.h"

#define PTE_P  0x1ULL
#define PTE_RW 0x2ULL
#define PTE_US 0x4ULL

#if defined(GUEST_PV)
static uint8_t alias_area[16][4096] __aligned(4096);

uint64_t virt_to_frame(const void *va)
{
    const unsigned long *p2m = (const unsigned long *)((start_info_t *)boot.start_info)->mfn_list;

    return p2m[(uintptr_t)va >> 12];
}

void *map_frame(unsigned int slot, uint64_t frame, int writable)
{
    unsigned long va;
    uint64_t pte = (frame << 12) | PTE_P | PTE_US | (writable ? PTE_RW : 0);

    if (slot >= 16)
        return NULL;
    va = (unsigned long)alias_area[slot];
    if (HC3(__HYPERVISOR_update_va_mapping, va, pte, UVMF_INVLPG))
        return NULL;
    return (void *)va;
}

void *frame_to_virt(uint64_t frame, unsigned int pv_slot)
{
    return map_frame(pv_slot, frame, 1);
}

#elif defined(__x86_64__)
#define ALIAS_PDPT_INDEX 64
#define ALIAS_BASE       ((uintptr_t)ALIAS_PDPT_INDEX << 30)
extern uint64_t boot_pdpt[512];
static uint64_t alias_pd[512] __aligned(4096);
static uint64_t alias_pt[512] __aligned(4096);

uint64_t virt_to_frame(const void *va)
{
    return (uintptr_t)va >> 12;
}

void *map_frame(unsigned int slot, uint64_t frame, int writable)
{
    uintptr_t va = ALIAS_BASE + slot * 4096UL;

    if (slot >= 16)
        return NULL;
    if (!boot_pdpt[ALIAS_PDPT_INDEX]) {
        alias_pd[0] = (uintptr_t)alias_pt | PTE_P | PTE_RW;
        boot_pdpt[ALIAS_PDPT_INDEX] = (uintptr_t)alias_pd | PTE_P | PTE_RW;
    }
    alias_pt[slot] = (frame << 12) | PTE_P | (writable ? PTE_RW : 0);
    __asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory");
    return (void *)va;
}

void *frame_to_virt(uint64_t frame, unsigned int pv_slot)
{
    (void)pv_slot;
    if (frame >= (16ULL << 30) >> 12)
        return NULL;
    return (void *)(uintptr_t)(frame << 12);
}

#else /* hvm32: paging off */
uint64_t virt_to_frame(const void *va)
{
    return (uintptr_t)va >> 12;
}

void *map_frame(unsigned int slot, uint64_t frame, int writable)
{
    (void)slot, (void)frame, (void)writable;
    return NULL;
}

void *frame_to_virt(uint64_t frame, unsigned int pv_slot)
{
    (void)pv_slot;
    if (frame >= 1ULL << 20)
        return NULL;
    return (void *)(uintptr_t)(frame << 12);
}
#endif

/* Grant frame 0 where the guest writes its entries: on PV the machine
 * frame GNTTABOP_setup_table gave, in an alias slot; on HVM/PVH placed at
 * hvm_page's frame with XENMEM_add_to_physmap. */
void *grant_table_map(uint64_t setup_frame, void *hvm_page)
{
    struct xen_add_to_physmap xatp = {.domid = DOMID_SELF,
                                      .space = XENMAPSPACE_grant_table,
                                      .idx = 0,
                                      .gpfn = (xen_pfn_t)virt_to_frame(hvm_page)};

    if (env_is_pv())
        return map_frame(ALIAS_SLOT_GNTTAB, setup_frame, 1);
    return memory_op(XENMEM_add_to_physmap, &xatp) == 0 ? hvm_page : NULL;
}
