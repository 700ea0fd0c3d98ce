/*
 * libxl_boot_config.h: the rules for how a domain boots, decided in libxl
 * so that a configuration from xl.cfg and one from JSON get the same
 * checks: kernel/ramdisk/cmdline, firmware= and bootloader=, which
 * combinations are errors, and the firmware aliases.
 */
#ifndef LIBXL_BOOT_CONFIG_H
#define LIBXL_BOOT_CONFIG_H

#include "libxl.h"

/* What the rules said about a configuration (static strings, NULL when
 * nothing): error is set when the function fails; warning when it
 * changed the configuration. */
typedef struct {
    const char *error;
    const char *warning;
} libxl_boot_report;

/*
 * Applies firmware (xl.cfg's firmware=, NULL when not given) and the boot
 * rules to d_config, whose c_info.type and b_info are filled in:
 *
 *  HVM:  a kernel named "hvmloader" is dropped (a warning: use
 *        firmware_override);  firmware "bios", "seabios", "rombios",
 *        "ovmf" (any case) set b_info.u.hvm.bios, "uefi" means ovmf,
 *        "bios" the default; anything else is a firmware image path
 *        (b_info.u.hvm.firmware).
 *  PV, PVH: firmware must be pvgrub32 or pvgrub64 (or a prefix of one),
 *        which boots FIRMWAREDIR/<firmware>.bin as the kernel; it cannot
 *        be combined with kernel=.  Then a kernel or a bootloader is
 *        required.
 *
 * Returns 0, ERROR_INVAL (report->error says why) or ERROR_NOMEM.
 */
int libxl_domain_config_resolve_boot(libxl_domain_config *d_config, const char *firmware,
                                     libxl_boot_report *report);

/* Where firmware images live (pvgrub: FIRMWAREDIR/pvgrub64.bin). */
const char *libxl_firmware_dir(void);

#endif /* LIBXL_BOOT_CONFIG_H */
