/*
 * hvm/start_info.h: the PVH start-of-day structure (Xen 4.17 public ABI):
 * at a PVH kernel's PHYS32 entry %ebx holds the physical address of a
 * struct hvm_start_info.  Version 1 adds the memory map.  Written here
 * from Xen's published interface.
 */
#ifndef XEN_PUBLIC_HVM_START_INFO_H
#define XEN_PUBLIC_HVM_START_INFO_H

#include <stdint.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

struct hvm_start_info {
    uint32_t magic;          /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;        /* 0 or 1 */
    uint32_t flags;          /* SIF_* */
    uint32_t nr_modules;     /* entries in the module list */
    uint64_t modlist_paddr;  /* struct hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;  /* NUL-terminated command line, or 0 */
    uint64_t rsdp_paddr;     /* ACPI RSDP, or 0 */
    uint64_t memmap_paddr;   /* version 1: struct hvm_memmap_table_entry[] */
    uint32_t memmap_entries; /* version 1 */
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type; /* XEN_HVM_MEMMAP_TYPE_* (the e820 types) */
    uint32_t reserved;
};

#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

#endif
