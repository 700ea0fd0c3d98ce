/*
 * libxl_firmware.h (internal): where libxl finds the files it runs or
 * loads that are not named by the user: firmware images (hvmloader,
 * seabios.bin, ovmf.bin, pvgrub*.bin) on the firmware search path, and
 * the project's own programs (xenhv-pygrub) in the build tree or bindir.
 */
#ifndef LIBXL_FIRMWARE_H
#define LIBXL_FIRMWARE_H

#include <stddef.h>

#include "libxl_internal.h"

/* The top of the build tree the running program sits in (its directory,
 * or up to three levels above, holding hypervisor/ and libxl/); 0, or -1
 * when the program is not in a build tree. */
int libxl__build_tree_top(char *out, size_t len);

/*
 * The firmware search path, in order: each directory of
 * $XENHV_FIRMWARE_PATH (colon-separated), the build tree's
 * hypervisor/firmware (when running from a build tree), then FIRMWAREDIR
 * (./configure --with-firmware-dir).  Finds NAME (a bare file name) in
 * the first directory holding a readable file of that name; *path gets
 * a malloc'd path.  A missing file is ERROR_INVAL with a logged message
 * naming every path tried (for WHAT, e.g. "firmware=ovmf").
 */
int libxl__firmware_find(libxl_ctx *ctx, const char *what, const char *name, char **path);

/* The images the domain's firmware settings come to, resolved to files
 * (malloc'd, NULL when that part does not apply). */
typedef struct libxl__firmware_files {
    char *kernel;          /* PV/PVH: a pvgrub image found on the path */
    char *hvm_loader;      /* HVM: hvmloader or the firmware= image */
    char *system_firmware; /* HVM with hvmloader: seabios.bin / ovmf.bin */
} libxl__firmware_files;

/* Resolves cfg's firmware (not modifying cfg); a missing file is an error
 * naming the paths searched. */
int libxl__firmware_resolve(libxl_ctx *ctx, const libxl_domain_config *cfg,
                            libxl__firmware_files *out);
void libxl__firmware_files_dispose(libxl__firmware_files *f);

#endif
