/*
 * libxl_dom_pvh.c: building a PVH domain: the kernel is loaded at its
 * physical addresses and entered at XEN_ELFNOTE_PHYS32_ENTRY, the ramdisk
 * is its one module, the command line and memory map go in the
 * hvm_start_info (libxl_dom_hvm_layout.c).
 */
#include <stdlib.h>

#include "libxl_dom.h"

int libxl__build_pvh(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg, libxl__dom_build *st)
{
    libxl_domain_build_info *b = &cfg->b_info;
    libxl__kernel k;
    void *ramdisk = NULL;
    size_t ramdisk_size = 0;
    int rc;

    if (!b->kernel) {
        LOG(ctx, ERROR, "domain %u: a PVH domain needs a kernel", domid);
        return ERROR_INVAL;
    }
    rc = libxl__kernel_read(ctx, b->kernel, LIBXL__ELF_MODE_PVH, &k);
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
