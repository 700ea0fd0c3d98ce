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

    if (!b->kernel) {
        LOG(ctx, ERROR, "domain %u: a PVH domain needs a kernel", domid);
        return ERROR_INVAL;
    }
    return libxl__hvm_build_image(ctx, domid, cfg, b->kernel, LIBXL__ELF_MODE_PVH, st);
}
