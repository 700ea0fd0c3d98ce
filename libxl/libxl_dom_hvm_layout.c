/*
 * libxl_dom_hvm_layout.c: the memory layout and boot state HVM and PVH
 * domains share, as Xen's libxenguest builds them: RAM below the MMIO
 * hole (and above 4 GiB for the rest), the image at its physical
 * addresses, the module (ramdisk) after it, then one hvm_start_info
 * (version 1) followed by the command line, the module list and the
 * memory map; for PVH, ACPI tables at 0xfc000000 as libxl places them (an ACPI
 * range in the map, the RSDP in the start info; libxl_acpi.c); the eight
 * special pages below 0xff000 (xenstore and console
 * rings among them) announced through HVM params; vCPU 0 in flat 32-bit
 * protected mode, paging off, %ebx = the start info, set with
 * XEN_DOMCTL_sethvmcontext.
 */
#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_dom.h"
#include "libxl_dom_layout.h"
#include "public/arch-x86/hvm/save.h"
#include "public/hvm/params.h"
#include "public/hvm/start_info.h"

#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define FOUR_GB        (UINT64_C(1) << 32)

/* vCPU 0 as libxenguest starts an HVM/PVH BSP. */
static int set_bsp_state(libxl_ctx *ctx, uint32_t domid, uint64_t entry, uint64_t start_info)
{
    struct {
        struct hvm_save_descriptor hd;
        struct hvm_save_header h;
        struct hvm_save_descriptor cd;
        struct hvm_hw_cpu cpu;
        struct hvm_save_descriptor md;
        struct hvm_hw_mtrr mtrr;
        struct hvm_save_descriptor ed;
    } __attribute__((packed)) blob;
    unsigned a = 0, b, c, d;

    memset(&blob, 0, sizeof(blob));
    __get_cpuid(1, &a, &b, &c, &d);
    blob.hd = (struct hvm_save_descriptor){HVM_SAVE_CODE_HEADER, 0, sizeof(blob.h)};
    blob.h.magic = HVM_FILE_MAGIC;
    blob.h.version = HVM_FILE_VERSION;
    blob.h.cpuid = a;
    blob.cd = (struct hvm_save_descriptor){HVM_SAVE_CODE_CPU, 0, sizeof(blob.cpu)};
    blob.cpu.rip = entry;
    blob.cpu.rbx = start_info;
    blob.cpu.rflags = 0x2;
    blob.cpu.cr0 = 0x11; /* PE | ET: protected mode, paging off */
    blob.cpu.dr6 = 0xffff0ff0;
    blob.cpu.dr7 = 0x400;
    blob.cpu.cs_limit = blob.cpu.ds_limit = blob.cpu.es_limit = blob.cpu.ss_limit = ~0u;
    blob.cpu.fs_limit = blob.cpu.gs_limit = ~0u;
    blob.cpu.tr_limit = 0x67;
    blob.cpu.cs_arbytes = 0xc9b; /* 32-bit code, present, DPL 0, 4K granularity */
    blob.cpu.ds_arbytes = blob.cpu.es_arbytes = blob.cpu.ss_arbytes = 0xc93;
    blob.cpu.fs_arbytes = blob.cpu.gs_arbytes = 0xc93;
    blob.cpu.tr_arbytes = 0x8b;
    blob.cpu.ldtr_arbytes = 0x10000; /* unusable */
    blob.md = (struct hvm_save_descriptor){HVM_SAVE_CODE_MTRR, 0, sizeof(blob.mtrr)};
    blob.mtrr.msr_pat_cr = 0x0007040600070406ull;
    blob.mtrr.msr_mtrr_cap = 0x508;      /* WC, fixed, 8 variable */
    blob.mtrr.msr_mtrr_def_type = 0x806; /* enabled, write-back */
    blob.ed = (struct hvm_save_descriptor){HVM_SAVE_CODE_END, 0, 0};
    return libxl__set_hvm_context(ctx, domid, &blob, sizeof(blob));
}

int libxl__hvm_build_common(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                            const libxl__hvm_image *img, libxl__dom_build *st)
{
    libxl_domain_build_info *b = &cfg->b_info;
    bool full_hvm = cfg->c_info.type == LIBXL_DOMAIN_TYPE_HVM;
    uint64_t pages = b->target_memkb >> 2;
    uint64_t low_pages, high_pages, special_pfn = LIBXL__HVM_SPECIAL_PFN(0);
    uint64_t module_gpa = 0, si_gpa, cursor, ram_top, acpi_gpa = 0;
    size_t cmdline_len = img->cmdline ? strlen(img->cmdline) + 1 : 0;
    struct hvm_memmap_table_entry map[8];
    unsigned nmap;
    libxl__guest_mem mem = {0};
    uint8_t *special = NULL;
    libxl__elf_err err;
    int rc;

    if (pages < 256) {
        LOG(ctx, ERROR, "domain %u: memory must be at least 1 MiB", domid);
        return ERROR_INVAL;
    }
    low_pages = pages < special_pfn ? pages : special_pfn;
    if (low_pages > (LIBXL__HVM_MMIO_HOLE_START >> LIBXL__PAGE_SHIFT))
        low_pages = LIBXL__HVM_MMIO_HOLE_START >> LIBXL__PAGE_SHIFT;
    high_pages = pages - low_pages;
    ram_top = low_pages << LIBXL__PAGE_SHIFT;
    if (!full_hvm) { /* PVH: ACPI tables where libxl puts them, apart from RAM */
        acpi_gpa = LIBXL__PVH_ACPI_INFO_GPA;
        if (b->max_vcpus > LIBXL__ACPI_MAX_VCPUS) {
            LOG(ctx, ERROR, "domain %u: a PVH domain has at most %u vCPUs here (maxvcpus=%d)",
                domid, LIBXL__ACPI_MAX_VCPUS, b->max_vcpus);
            return ERROR_INVAL;
        }
    }

    /* RAM (full HVM leaves the VGA hole unpopulated, as Xen does). */
    if (full_hvm) {
        rc = libxl__dom_populate(ctx, domid, 0, 0xa0);
        if (!rc)
            rc = libxl__dom_populate(ctx, domid, 0x100, low_pages - 0x100);
    } else {
        rc = libxl__dom_populate(ctx, domid, 0, low_pages);
    }
    if (!rc && high_pages)
        rc = libxl__dom_populate(ctx, domid, FOUR_GB >> LIBXL__PAGE_SHIFT, high_pages);
    if (!rc)
        rc = libxl__dom_populate(ctx, domid, special_pfn, LIBXL__HVM_NR_SPECIAL_PAGES);
    if (!rc && acpi_gpa)
        rc = libxl__dom_populate(ctx, domid, acpi_gpa >> LIBXL__PAGE_SHIFT, LIBXL__PVH_ACPI_PAGES);
    if (rc)
        return rc;
    if (full_hvm) {
        mem.hole_start = 0xa0000;
        mem.hole_end = 0x100000;
    }
    rc = libxl__guest_mem_map(ctx, domid, low_pages, &mem);
    if (rc)
        return rc;
    for (unsigned i = 0; i < img->info->nr_segs; i++) {
        const libxl__elf_seg *sg = &img->info->segs[i];
        if (!libxl__guest_range_ok(&mem, sg->paddr - img->info->paddr_offset, sg->memsz)) {
            LOG(ctx, ERROR, "domain %u: segment %u [0x%llx, +0x%llx) is outside the guest's RAM",
                domid, sg->index, (unsigned long long)sg->paddr, (unsigned long long)sg->memsz);
            rc = ERROR_INVAL;
            goto out;
        }
    }

    /* The image at its physical addresses (checked against RAM first). */
    libxl__elf_dest dest = {.buf = mem.ram, .base = 0, .size = low_pages << LIBXL__PAGE_SHIFT};
    rc = libxl__elf_load(img->elf, img->elf_size, img->info, &dest, &err);
    if (rc) {
        LOG(ctx, ERROR, "domain %u: loading the image: %s", domid, err.msg);
        rc = ERROR_INVAL;
        goto out;
    }
    cursor = ALIGN_UP(img->info->phys_end, LIBXL__PAGE_SIZE);
    if (img->module) {
        void *p = libxl__guest_ptr(&mem, cursor, img->module_size);
        if (!p) {
            LOG(ctx, ERROR, "domain %u: the ramdisk (%zu bytes) does not fit in memory", domid,
                img->module_size);
            rc = ERROR_INVAL;
            goto out;
        }
        memcpy(p, img->module, img->module_size);
        module_gpa = cursor;
        cursor = ALIGN_UP(cursor + img->module_size, LIBXL__PAGE_SIZE);
    }

    /* hvm_start_info, command line, module list, memory map. */
    nmap = libxl__hvm_build_memmap(map, 8, full_hvm, ram_top, high_pages << LIBXL__PAGE_SHIFT,
                                   acpi_gpa ? LIBXL__PVH_ACPI_PAGES << LIBXL__PAGE_SHIFT : 0);
    si_gpa = cursor;
    uint64_t cmd_gpa = si_gpa + sizeof(struct hvm_start_info);
    uint64_t mod_gpa = ALIGN_UP(cmd_gpa + cmdline_len, 8);
    uint64_t map_gpa = mod_gpa + (img->module ? sizeof(struct hvm_modlist_entry) : 0);
    uint64_t si_len = map_gpa + nmap * sizeof(struct hvm_memmap_table_entry) - si_gpa;
    struct hvm_start_info *si =
        si_gpa + si_len <= ram_top ? libxl__guest_ptr(&mem, si_gpa, si_len) : NULL;
    if (!si) {
        LOG(ctx, ERROR, "domain %u: no room for the start info after the image", domid);
        rc = ERROR_INVAL;
        goto out;
    }
    memset(si, 0, si_len);
    si->magic = XEN_HVM_START_MAGIC_VALUE;
    si->version = 1;
    if (cmdline_len) {
        memcpy((uint8_t *)si + (cmd_gpa - si_gpa), img->cmdline, cmdline_len);
        si->cmdline_paddr = cmd_gpa;
    }
    if (img->module) {
        struct hvm_modlist_entry *m = (void *)((uint8_t *)si + (mod_gpa - si_gpa));
        m->paddr = module_gpa;
        m->size = img->module_size;
        si->nr_modules = 1;
        si->modlist_paddr = mod_gpa;
    }
    memcpy((uint8_t *)si + (map_gpa - si_gpa), map, nmap * sizeof(map[0]));
    si->memmap_paddr = map_gpa;
    si->memmap_entries = nmap;
    if (acpi_gpa) {
        bool online[LIBXL__ACPI_MAX_VCPUS];
        uint64_t rsdp;
        unsigned n = b->max_vcpus > 0 ? (unsigned)b->max_vcpus : 1;
        uint64_t tables_gpa = acpi_gpa + LIBXL__PAGE_SIZE; /* after the (zero) info page */
        size_t tables_size = (LIBXL__PVH_ACPI_PAGES - 1) << LIBXL__PAGE_SHIFT;
        uint8_t *acpi =
            libxl__dom_map(ctx, domid, acpi_gpa >> LIBXL__PAGE_SHIFT, LIBXL__PVH_ACPI_PAGES);
        for (unsigned i = 0; i < n; i++)
            online[i] = !b->avail_vcpus.size || libxl_bitmap_test(&b->avail_vcpus, i);
        rc = acpi ? 0 : ERROR_FAIL;
        if (acpi) {
            memset(acpi, 0, LIBXL__PVH_ACPI_PAGES << LIBXL__PAGE_SHIFT);
            if (libxl__acpi_pvh_build(acpi + LIBXL__PAGE_SIZE, tables_size, tables_gpa, n, online,
                                      &rsdp))
                rc = ERROR_FAIL;
            libxl__dom_unmap(ctx, acpi, LIBXL__PVH_ACPI_PAGES);
        }
        if (rc) {
            LOG(ctx, ERROR, "domain %u: cannot build the ACPI tables", domid);
            goto out;
        }
        si->rsdp_paddr = rsdp;
    }

    /* Special pages: zeroed; xenstore and console rings with their ports. */
    special = libxl__dom_map(ctx, domid, special_pfn, LIBXL__HVM_NR_SPECIAL_PAGES);
    if (!special) {
        rc = ERROR_FAIL;
        goto out;
    }
    memset(special, 0, LIBXL__HVM_NR_SPECIAL_PAGES << LIBXL__PAGE_SHIFT);
    st->store_pfn = LIBXL__HVM_SPECIAL_PFN(LIBXL__HVM_SPECIALPAGE_XENSTORE);
    st->console_pfn = LIBXL__HVM_SPECIAL_PFN(LIBXL__HVM_SPECIALPAGE_CONSOLE);
    rc = libxl__evtchn_alloc_unbound(ctx, domid, 0, &st->store_port);
    if (!rc)
        rc = libxl__evtchn_alloc_unbound(ctx, domid, 0, &st->console_port);
    if (!rc)
        rc = libxl__hvm_param_set(ctx, domid, HVM_PARAM_STORE_PFN, st->store_pfn);
    if (!rc)
        rc = libxl__hvm_param_set(ctx, domid, HVM_PARAM_STORE_EVTCHN, st->store_port);
    if (!rc)
        rc = libxl__hvm_param_set(ctx, domid, HVM_PARAM_CONSOLE_PFN, st->console_pfn);
    if (!rc)
        rc = libxl__hvm_param_set(ctx, domid, HVM_PARAM_CONSOLE_EVTCHN, st->console_port);
    if (!rc && full_hvm) {
        rc = libxl__hvm_param_set(ctx, domid, HVM_PARAM_PAE_ENABLED,
                                  libxl_defbool_val(b->u.hvm.pae));
        if (!rc)
            rc = libxl__hvm_param_set(
                ctx, domid, HVM_PARAM_IDENT_PT,
                (uint64_t)LIBXL__HVM_SPECIAL_PFN(LIBXL__HVM_SPECIALPAGE_IDENT_PT)
                    << LIBXL__PAGE_SHIFT);
    }
    if (!rc)
        rc = set_bsp_state(ctx, domid, img->entry, si_gpa);
out:
    libxl__dom_unmap(ctx, special, LIBXL__HVM_NR_SPECIAL_PAGES);
    libxl__guest_mem_unmap(ctx, &mem);
    return rc;
}

int libxl__hvm_build_image(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                           const char *path, libxl__elf_mode mode, libxl__dom_build *st)
{
    libxl_domain_build_info *b = &cfg->b_info;
    libxl__kernel k;
    void *ramdisk = NULL;
    size_t ramdisk_size = 0;
    int rc;

    rc = libxl__kernel_read(ctx, path, mode, &k);
    if (rc)
        return rc;
    if (b->ramdisk) {
        rc = libxl__file_read(ctx, b->ramdisk, true, &ramdisk, &ramdisk_size);
        if (rc)
            goto out;
    }
    libxl__hvm_image img = {
        .entry = k.info.entry,
        .elf = k.elf,
        .elf_size = k.elf_size,
        .info = &k.info,
        .module = ramdisk,
        .module_size = ramdisk_size,
        .cmdline = b->cmdline,
    };
    rc = libxl__hvm_build_common(ctx, domid, cfg, &img, st);
out:
    free(ramdisk);
    libxl__kernel_free(&k);
    return rc;
}
