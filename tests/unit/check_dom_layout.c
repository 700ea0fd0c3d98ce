/*
 * check_dom_layout.c: the domain builder's pure layout computations
 * (libxl_dom_layout.c): the x86-64 PV layout (order of the boot data,
 * the 4 MiB-aligned initial mapping, too little memory refused), its page
 * tables walked like a CPU would, the 64-bit PV hypercall page as Xen
 * fills it, and the HVM/PVH memory map.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_dom_layout.h"
#include "public/xen.h"

static libxl__elf_info kernel_info(uint64_t vbase, uint64_t phys_end)
{
    libxl__elf_info info;
    memset(&info, 0, sizeof(info));
    info.virt_base = vbase;
    info.phys_start = 0;
    info.phys_end = phys_end;
    return info;
}

/* The PTE a 4-level walk from the tables at pt_pfn finds for va. */
static uint64_t walk(const uint8_t *ram, uint64_t pt_pfn, uint64_t va)
{
    uint64_t table = pt_pfn << 12, e = 0;
    for (int level = 3; level >= 0; level--) {
        memcpy(&e, ram + table + ((va >> (12 + 9 * level)) & 511) * 8, 8);
        if (!(e & 1))
            return 0;
        table = e & 0x000ffffffffff000ull;
    }
    return e;
}

START_TEST(pv_layout_order)
{
    libxl__elf_info info = kernel_info(0, 0x5800);
    struct libxl__pv_layout l;

    ck_assert_int_eq(libxl__pv_layout(&info, 10000, 16384, &l), 0);
    ck_assert_uint_eq(l.ramdisk_pfn, 6); /* after the kernel's last page */
    ck_assert_uint_eq(l.p2m_pfn, 6 + 3); /* ramdisk: 3 pages */
    ck_assert_uint_eq(l.p2m_pages, 32);  /* 16384 entries of 8 bytes */
    ck_assert_uint_eq(l.start_info_pfn, l.p2m_pfn + l.p2m_pages);
    ck_assert_uint_eq(l.store_pfn, l.start_info_pfn + 1);
    ck_assert_uint_eq(l.console_pfn, l.store_pfn + 1);
    ck_assert_uint_eq(l.pt_pfn, l.console_pfn + 1);
    ck_assert_uint_eq(l.stack_pfn, l.pt_pfn + l.pt_pages);
    ck_assert_uint_eq(l.map_end % (4u << 20), 0);
    ck_assert(l.map_end >= ((l.stack_pfn + 1) << 12) + 512 * 1024);
    uint64_t l3, l2, l1;
    ck_assert_uint_eq(libxl__pv_count_tables(0, l.map_end, &l3, &l2, &l1), l.pt_pages);
}
END_TEST

START_TEST(pv_layout_high_virt_base)
{
    libxl__elf_info info = kernel_info(0xffffffff80000000ull, 0x200000);
    struct libxl__pv_layout l;

    ck_assert_int_eq(libxl__pv_layout(&info, 0, 65536, &l), 0);
    ck_assert_uint_eq(libxl__pv_va(&l, l.start_info_pfn),
                      0xffffffff80000000ull + (l.start_info_pfn << 12));
}
END_TEST

START_TEST(pv_layout_too_small)
{
    libxl__elf_info info = kernel_info(0, 0x300000);
    struct libxl__pv_layout l;

    ck_assert_int_eq(libxl__pv_layout(&info, 0, 512, &l), -1); /* 2 MiB of RAM */
}
END_TEST

START_TEST(pv_page_tables_map_everything)
{
    libxl__elf_info info = kernel_info(0, 0x8000);
    struct libxl__pv_layout l;
    uint64_t nr = 8192;
    uint8_t *ram = calloc(nr, 4096);

    ck_assert_ptr_nonnull(ram);
    ck_assert_int_eq(libxl__pv_layout(&info, 0, nr, &l), 0);
    libxl__pv_page_tables(ram, &l, NULL);
    for (uint64_t va = 0; va < l.map_end; va += 4096) {
        uint64_t pfn = va >> 12, pte = walk(ram, l.pt_pfn, va);
        ck_assert_msg(pte & 1, "va 0x%llx not mapped", (unsigned long long)va);
        ck_assert_uint_eq(pte >> 12 & 0xffffffffffull, pfn);
        bool table = pfn >= l.pt_pfn && pfn < l.pt_pfn + l.pt_pages;
        ck_assert_msg(!!(pte & 2) == !table, "va 0x%llx: writable %d", (unsigned long long)va,
                      !!(pte & 2));
    }
    ck_assert_uint_eq(walk(ram, l.pt_pfn, l.map_end), 0);
    free(ram);
}
END_TEST

START_TEST(pv_hypercall_page)
{
    uint8_t page[4096];
    static const uint8_t stub7[] = {0x51, 0x41, 0x53, 0xb8, 7,    0,    0,
                                    0,    0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3};
    static const uint8_t iret[] = {0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05};

    libxl__pv_fill_hypercall_page(page);
    ck_assert_mem_eq(page + 7 * 32, stub7, sizeof(stub7));
    ck_assert_mem_eq(page + __HYPERVISOR_iret * 32, iret, sizeof(iret));
    ck_assert_uint_eq(page + 7 * 32 + sizeof(stub7) < page + 8 * 32, 1);
    for (unsigned k = sizeof(stub7); k < 32; k++)
        ck_assert_uint_eq(page[7 * 32 + k], 0xcc); /* int3 between stubs */
}
END_TEST

START_TEST(hvm_memmap)
{
    struct hvm_memmap_table_entry map[8];
    unsigned n = libxl__hvm_build_memmap(map, 8, false, 64 << 20, 0, 0);

    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(map[0].addr, 0);
    ck_assert_uint_eq(map[0].size, 64 << 20);
    ck_assert_uint_eq(map[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
    ck_assert_uint_eq(map[1].addr, 0xfeff8000);
    ck_assert_uint_eq(map[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);

    n = libxl__hvm_build_memmap(map, 8, true, 0xf0000000ull, 1ull << 30, 0);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(map[1].addr, 0xa0000);
    ck_assert_uint_eq(map[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
    ck_assert_uint_eq(map[2].addr, 0x100000);
    ck_assert_uint_eq(map[2].size, 0xf0000000ull - 0x100000);
    ck_assert_uint_eq(map[4].addr, 1ull << 32);
    ck_assert_uint_eq(map[4].size, 1ull << 30);

    /* PVH: the ACPI pages at libxl's 0xfc000000, between RAM and the
     * special pages, RAM itself whole. */
    n = libxl__hvm_build_memmap(map, 8, false, 64 << 20, 0, 2 * 4096);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(map[0].size, 64 << 20);
    ck_assert_uint_eq(map[1].addr, 0xfc000000);
    ck_assert_uint_eq(map[1].size, 2 * 4096);
    ck_assert_uint_eq(map[1].type, XEN_HVM_MEMMAP_TYPE_ACPI);
    ck_assert_uint_eq(map[2].addr, 0xfeff8000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dom_layout");
    TCase *tc = tcase_create("layout");

    tcase_add_test(tc, pv_layout_order);
    tcase_add_test(tc, pv_layout_high_virt_base);
    tcase_add_test(tc, pv_layout_too_small);
    tcase_add_test(tc, pv_page_tables_map_everything);
    tcase_add_test(tc, pv_hypercall_page);
    tcase_add_test(tc, hvm_memmap);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
