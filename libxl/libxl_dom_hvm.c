/*
 * libxl_dom_hvm.c: building a full HVM domain: its firmware is
 * b_info.u.hvm.firmware (xl.cfg's firmware_override or a firmware image
 * path) or else the bundled hvmloader (FIRMWAREDIR/hvmloader); it is
 * loaded at its physical addresses and entered at its ELF entry in flat
 * 32-bit protected mode, as Xen enters hvmloader, with an hvm_start_info
 * (command line and ramdisk as modules when given) at %ebx.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "libxl_boot_config.h"
#include "libxl_dom.h"

int libxl__build_hvm(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg, libxl__dom_build *st)
{
    libxl_domain_build_info *b = &cfg->b_info;
    char bundled[PATH_MAX];
    const char *fw = b->u.hvm.firmware;

    if (!fw && b->kernel)
        fw = b->kernel; /* an HVM "kernel" entered as firmware */
    if (!fw) {
        snprintf(bundled, sizeof(bundled), "%s/hvmloader", libxl_firmware_dir());
        if (access(bundled, R_OK)) {
            LOG(ctx, ERROR,
                "domain %u: no firmware: %s is not installed; give firmware_override "
                "or firmware=<path>",
                domid, bundled);
            return ERROR_INVAL;
        }
        fw = bundled;
    }
    return libxl__hvm_build_image(ctx, domid, cfg, fw, LIBXL__ELF_MODE_PLAIN, st);
}
