/*
 * libxl_dom_layout.c: the domain builder's pure layout computations
 * (libxl_dom_layout.h): where a PV guest's boot data goes and its initial
 * page tables, the 64-bit PV hypercall page, the HVM/PVH memory map.
 */
#include <string.h>

#include "libxl_dom.h"
#include "libxl_dom_layout.h"
#include "public/xen.h"

#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define FOUR_GB        (UINT64_C(1) << 32)

#define PV_PTE_FLAGS 0x67ull /* present, rw, user, accessed, dirty */
#define PV_PTE_RW    0x02ull

/* Page-table pages needed to map [start, end) with 4 levels. */
uint64_t libxl__pv_count_tables(uint64_t start, uint64_t end, uint64_t *l3, uint64_t *l2,
                                uint64_t *l1)
{
    uint64_t last = end - 1;
    *l3 = (last >> 39) - (start >> 39) + 1;
    *l2 = (last >> 30) - (start >> 30) + 1;
    *l1 = (last >> 21) - (start >> 21) + 1;
    return 1 + *l3 + *l2 + *l1;
}

/* A 64-bit PV guest's hypercall page: one 32-byte stub per hypercall. */
void libxl__pv_fill_hypercall_page(uint8_t *p)
{
    memset(p, 0xcc, LIBXL__PAGE_SIZE);
    for (uint32_t i = 0; i < LIBXL__PAGE_SIZE / 32; i++, p += 32) {
        p[0] = 0x51;              /* push %rcx */
        p[1] = 0x41, p[2] = 0x53; /* push %r11 */
        if (i == __HYPERVISOR_iret) {
            p[3] = 0x50; /* push %rax */
            p[4] = 0xb8; /* mov $iret,%eax */
            memcpy(p + 5, &i, 4);
            p[9] = 0x0f, p[10] = 0x05; /* syscall (does not return) */
            continue;
        }
        p[3] = 0xb8; /* mov $i,%eax */
        memcpy(p + 4, &i, 4);
        p[8] = 0x0f, p[9] = 0x05;   /* syscall */
        p[10] = 0x41, p[11] = 0x5b; /* pop %r11 */
        p[12] = 0x59;               /* pop %rcx */
        p[13] = 0xc3;               /* ret */
    }
}

uint64_t libxl__pv_va(const struct libxl__pv_layout *l, uint64_t pfn)
{
    return l->vbase + (pfn << LIBXL__PAGE_SHIFT);
}

int libxl__pv_layout(const libxl__elf_info *info, size_t ramdisk_len, uint64_t nr_pages,
                     struct libxl__pv_layout *l)
{
    uint64_t next, l3, l2, l1;

    memset(l, 0, sizeof(*l));
    l->vbase = info->virt_base;
    l->nr_pages = nr_pages;
    next = ALIGN_UP(info->phys_end, LIBXL__PAGE_SIZE) >> LIBXL__PAGE_SHIFT;
    if (ramdisk_len) {
        l->ramdisk_pfn = next;
        l->ramdisk_len = ramdisk_len;
        next += ALIGN_UP(ramdisk_len, LIBXL__PAGE_SIZE) >> LIBXL__PAGE_SHIFT;
    }
    l->p2m_pfn = next;
    l->p2m_pages = ALIGN_UP(nr_pages * 8, LIBXL__PAGE_SIZE) >> LIBXL__PAGE_SHIFT;
    next += l->p2m_pages;
    l->start_info_pfn = next++;
    l->store_pfn = next++;
    l->console_pfn = next++;
    l->pt_pfn = next;
    /* The tables map themselves and the stack: grow until stable. */
    for (l->pt_pages = 1;;) {
        uint64_t end =
            ALIGN_UP(libxl__pv_va(l, l->pt_pfn + l->pt_pages + 1) + 512 * 1024, 1u << 22);
        uint64_t need = libxl__pv_count_tables(l->vbase, end, &l3, &l2, &l1);
        if (need <= l->pt_pages) {
            l->map_end = end;
            break;
        }
        l->pt_pages = need;
    }
    l->stack_pfn = l->pt_pfn + l->pt_pages;
    if (((l->map_end - l->vbase) >> LIBXL__PAGE_SHIFT) > nr_pages)
        return -1;
    return 0;
}

/* Build the page tables at pt_pfn mapping [vbase, map_end) -> pfn 0... */
void libxl__pv_page_tables(uint8_t *ram, const struct libxl__pv_layout *l, const uint64_t *p2m)
{
    uint64_t l3, l2, l1;
    libxl__pv_count_tables(l->vbase, l->map_end, &l3, &l2, &l1);
    uint64_t l4_pfn = l->pt_pfn, l3_pfn = l4_pfn + 1, l2_pfn = l3_pfn + l3, l1_pfn = l2_pfn + l2;
    uint64_t *pt = (uint64_t *)(ram + (l->pt_pfn << LIBXL__PAGE_SHIFT));

    memset(pt, 0, l->pt_pages << LIBXL__PAGE_SHIFT);
    for (uint64_t va = l->vbase; va < l->map_end; va += LIBXL__PAGE_SIZE) {
        uint64_t pfn = (va - l->vbase) >> LIBXL__PAGE_SHIFT;
        uint64_t i3 = (va >> 39) - (l->vbase >> 39), i2 = (va >> 30) - (l->vbase >> 30);
        uint64_t i1 = (va >> 21) - (l->vbase >> 21);
        uint64_t *l4t = (uint64_t *)(ram + (l4_pfn << LIBXL__PAGE_SHIFT));
        uint64_t *l3t = (uint64_t *)(ram + ((l3_pfn + i3) << LIBXL__PAGE_SHIFT));
        uint64_t *l2t = (uint64_t *)(ram + ((l2_pfn + i2) << LIBXL__PAGE_SHIFT));
        uint64_t *l1t = (uint64_t *)(ram + ((l1_pfn + i1) << LIBXL__PAGE_SHIFT));
#define MFN(p) (p2m ? p2m[p] : (p))
        uint64_t pte = (MFN(pfn) << LIBXL__PAGE_SHIFT) | PV_PTE_FLAGS;

        l4t[(va >> 39) & 511] = (MFN(l3_pfn + i3) << LIBXL__PAGE_SHIFT) | PV_PTE_FLAGS;
        l3t[(va >> 30) & 511] = (MFN(l2_pfn + i2) << LIBXL__PAGE_SHIFT) | PV_PTE_FLAGS;
        l2t[(va >> 21) & 511] = (MFN(l1_pfn + i1) << LIBXL__PAGE_SHIFT) | PV_PTE_FLAGS;
#undef MFN
        if (pfn >= l->pt_pfn && pfn < l->pt_pfn + l->pt_pages)
            pte &= ~PV_PTE_RW; /* Xen insists: page tables read-only */
        l1t[(va >> 12) & 511] = pte;
    }
}

static int memmap_add(struct hvm_memmap_table_entry *map, unsigned *n, unsigned max, uint64_t addr,
                      uint64_t size, uint32_t type)
{
    if (*n >= max)
        return ERROR_FAIL;
    map[*n].addr = addr;
    map[*n].size = size;
    map[*n].type = type;
    map[*n].reserved = 0;
    (*n)++;
    return 0;
}

/* The guest's memory map.  Full HVM keeps the legacy VGA/ROM hole. */
unsigned libxl__hvm_build_memmap(struct hvm_memmap_table_entry *map, unsigned max, bool vga_hole,
                                 uint64_t low_bytes, uint64_t high_bytes, uint64_t acpi_bytes)
{
    unsigned n = 0;
    uint64_t special = (uint64_t)LIBXL__HVM_SPECIAL_PFN(0) << LIBXL__PAGE_SHIFT;

    if (vga_hole && low_bytes > 0x100000) {
        memmap_add(map, &n, max, 0, 0xa0000, XEN_HVM_MEMMAP_TYPE_RAM);
        memmap_add(map, &n, max, 0xa0000, 0x60000, XEN_HVM_MEMMAP_TYPE_RESERVED);
        memmap_add(map, &n, max, 0x100000, low_bytes - 0x100000, XEN_HVM_MEMMAP_TYPE_RAM);
    } else {
        memmap_add(map, &n, max, 0, low_bytes, XEN_HVM_MEMMAP_TYPE_RAM);
    }
    if (acpi_bytes)
        memmap_add(map, &n, max, LIBXL__PVH_ACPI_INFO_GPA, acpi_bytes, XEN_HVM_MEMMAP_TYPE_ACPI);
    memmap_add(map, &n, max, special, (uint64_t)LIBXL__HVM_NR_SPECIAL_PAGES << LIBXL__PAGE_SHIFT,
               XEN_HVM_MEMMAP_TYPE_RESERVED);
    if (high_bytes)
        memmap_add(map, &n, max, FOUR_GB, high_bytes, XEN_HVM_MEMMAP_TYPE_RAM);
    return n;
}
