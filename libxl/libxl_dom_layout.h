/*
 * libxl_dom_layout.h: the domain builder's pure layout computations
 * (internal; no context, no I/O, tested alone by tests/unit/check_dom_layout):
 * the x86-64 PV layout and its initial page tables, the 64-bit PV
 * hypercall page, and the HVM/PVH memory map.
 */
#ifndef LIBXL_DOM_LAYOUT_H
#define LIBXL_DOM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libxl_elf.h"
#include "public/hvm/start_info.h"

/* Where the PV builder puts things, in pfns from the virtual base. */
struct libxl__pv_layout {
    uint64_t vbase;    /* virtual base: pfn 0 */
    uint64_t nr_pages; /* RAM */
    uint64_t ramdisk_pfn, ramdisk_len;
    uint64_t p2m_pfn, p2m_pages;
    uint64_t start_info_pfn, store_pfn, console_pfn;
    uint64_t pt_pfn, pt_pages;
    uint64_t stack_pfn;
    uint64_t map_end; /* virtual end of the initial mapping */
};

/* Page-table pages needed to map [start, end) with 4 levels (and each
 * level's count). */
uint64_t libxl__pv_count_tables(uint64_t start, uint64_t end, uint64_t *l3, uint64_t *l2,
                                uint64_t *l1);
/* Lay out a kernel (as parsed), a ramdisk of ramdisk_len bytes and the
 * boot data in nr_pages of RAM: 0, or -1 when they do not fit. */
int libxl__pv_layout(const libxl__elf_info *info, size_t ramdisk_len, uint64_t nr_pages,
                     struct libxl__pv_layout *l);
uint64_t libxl__pv_va(const struct libxl__pv_layout *l, uint64_t pfn);
/* Write the page tables into ram (guest frame 0 at ram) mapping
 * [vbase, map_end) to pfn 0..., the table pages read-only. */
/* Entries name machine frames: p2m[pfn] (NULL: the identity). */
void libxl__pv_page_tables(uint8_t *ram, const struct libxl__pv_layout *l, const uint64_t *p2m);
/* A 64-bit PV guest's hypercall page, as Xen fills it. */
void libxl__pv_fill_hypercall_page(uint8_t *page);

/*
 * Where a PVH guest's ACPI tables go, as libxl does on Xen: at
 * ACPI_INFO_PHYSICAL_ADDRESS, apart from RAM, an (unused, zero) info page
 * then the tables, the whole range an ACPI entry of the memory map.
 */
#define LIBXL__PVH_ACPI_INFO_GPA 0xfc000000u
#define LIBXL__PVH_ACPI_PAGES    2

/* The HVM/PVH memory map: RAM below (low_bytes) and above 4 GiB
 * (high_bytes), PVH's ACPI tables (acpi_bytes at LIBXL__PVH_ACPI_INFO_GPA,
 * none if 0), the special pages reserved, full HVM's VGA hole; in address
 * order. */
unsigned libxl__hvm_build_memmap(struct hvm_memmap_table_entry *map, unsigned max, bool vga_hole,
                                 uint64_t low_bytes, uint64_t high_bytes, uint64_t acpi_bytes);

/* A PVH guest's ACPI tables (libxl_acpi.c) in one page at gpa (below
 * 4 GiB, 16-aligned): RSDP, RSDT, XSDT, FADT (hardware-reduced), empty
 * DSDT, MADT with a local APIC per vCPU (online[i]: enabled).  Returns 0
 * and the RSDP's address, or -1 if the arguments do not fit. */
#define LIBXL__ACPI_MAX_VCPUS 128 /* APIC IDs 2 * vCPU in 8 bits */
size_t libxl__acpi_pvh_size(unsigned nr_vcpus);
int libxl__acpi_pvh_build(uint8_t *buf, size_t size, uint64_t gpa, unsigned nr_vcpus,
                          const bool *online, uint64_t *rsdp_gpa);

#endif
