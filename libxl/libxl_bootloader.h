/*
 * libxl_bootloader.h (internal): what the create path calls around the
 * domain builder so that the boot files are known: the bootloader's
 * kernel, ramdisk and command line (bootloader=, PV and PVH) or the
 * firmware files (libxl_firmware.h) are put into b_info for the build,
 * and afterwards the caller's b_info is put back and the bootloader's
 * temporary files are removed.
 */
#ifndef LIBXL_BOOTLOADER_H
#define LIBXL_BOOTLOADER_H

#include <stdbool.h>

#include "libxl_firmware.h"

typedef struct libxl__boot_files {
    char *outdir;                     /* RUNDIR/bootloader.D.d: ours, removed by _done */
    char *outfile;                    /* RUNDIR/bootloader.D.out */
    char *kernel, *ramdisk, *cmdline; /* the bootloader's results */
    libxl__firmware_files fw;
    /* The caller's b_info values while ours are in place. */
    bool swapped;
    char *saved_kernel, *saved_ramdisk, *saved_cmdline, *saved_hvm_firmware;
} libxl__boot_files;

/*
 * Runs the bootloader (bootloader= on a PV/PVH domain) or resolves the
 * firmware, and puts the results into cfg->b_info (kernel, ramdisk,
 * cmdline; u.hvm.firmware).  domid names the temporary files.  On failure
 * nothing is left (no files, cfg as given) and the reason is logged.
 * libxl__boot_files_done must follow a success, after the build.
 */
int libxl__boot_files_prepare(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                              libxl__boot_files *bf);
/* Puts cfg->b_info back as the caller gave it and removes the files. */
void libxl__boot_files_done(libxl_ctx *ctx, libxl_domain_config *cfg, libxl__boot_files *bf);

/* The bootloader program a bootloader= value runs (malloc'd in *path):
 * "pygrub" and "xenhv-pygrub" are the project's xenhv-pygrub (the build
 * tree's, else BINDIR's); an absolute path is itself; another name is
 * looked up in BINDIR. */
int libxl__bootloader_program(libxl_ctx *ctx, const char *bootloader, char **path);

#endif
