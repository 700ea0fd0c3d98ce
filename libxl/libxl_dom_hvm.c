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
    libxl__kernel k;
    void *ramdisk = NULL;
    size_t ramdisk_size = 0;
    int rc;

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
    rc = libxl__kernel_read(ctx, fw, LIBXL__ELF_MODE_PLAIN, &k);
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
