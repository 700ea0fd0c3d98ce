/*
 * libxl_boot_config.c: the boot rules of a domain configuration (see
 * libxl_boot_config.h): firmware aliases per domain type, and which of
 * kernel=, firmware= and bootloader= may go together.  The outcome for
 * every combination is what xl 4.17 decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_boot_config.h"

/* Debian's Xen 4.17 firmware directory: a pvgrub kernel path in the JSON
 * reads the same as real xl's. */
#ifndef LIBXL_FIRMWARE_DIR
#define LIBXL_FIRMWARE_DIR "/usr/lib/xen-4.17/boot"
#endif

const char *libxl_firmware_dir(void)
{
    return LIBXL_FIRMWARE_DIR;
}

/* s is a prefix of word (the empty string is a prefix of everything). */
static int prefix_of(const char *s, const char *word)
{
    return !strncmp(s, word, strlen(s));
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int resolve_hvm(libxl_domain_build_info *b, const char *firmware, libxl_boot_report *r)
{
    if (b->kernel && !strcmp(base_name(b->kernel), "hvmloader")) {
        r->warning =
            "WARNING: you seem to be using \"kernel\" directive to override HVM guest firmware. "
            "Ignore that. Use \"firmware_override\" instead if you really want a non-default "
            "firmware";
        free(b->kernel);
        b->kernel = NULL;
    }
    if (!firmware || !libxl_bios_type_from_string(firmware, &b->u.hvm.bios))
        return 0;
    if (prefix_of(firmware, "uefi")) {
        b->u.hvm.bios = LIBXL_BIOS_TYPE_OVMF;
    } else if (!prefix_of(firmware, "bios")) {
        /* A path to a firmware image. */
        char *copy = strdup(firmware);
        if (!copy)
            return ERROR_NOMEM;
        free(b->u.hvm.firmware);
        b->u.hvm.firmware = copy;
    }
    /* "bios": the default, chosen later from the device model. */
    return 0;
}

static int resolve_pv(libxl_domain_build_info *b, const char *firmware, libxl_boot_report *r)
{
    if (firmware) {
        if (b->kernel) {
            r->error = "ERROR: both kernel and firmware specified";
            return ERROR_INVAL;
        }
        if (!prefix_of(firmware, "pvgrub32") && !prefix_of(firmware, "pvgrub64")) {
            r->error = "ERROR: only pvgrub{32|64} supported as firmware options";
            return ERROR_INVAL;
        }
        size_t n = strlen(LIBXL_FIRMWARE_DIR) + strlen(firmware) + sizeof("/.bin");
        b->kernel = malloc(n);
        if (!b->kernel)
            return ERROR_NOMEM;
        snprintf(b->kernel, n, "%s/%s.bin", LIBXL_FIRMWARE_DIR, firmware);
    }
    if (!b->bootloader && !b->kernel) {
        r->error = "Neither kernel nor bootloader specified";
        return ERROR_INVAL;
    }
    return 0;
}

int libxl_domain_config_resolve_boot(libxl_domain_config *d_config, const char *firmware,
                                     libxl_boot_report *report)
{
    libxl_boot_report ignored;
    libxl_boot_report *r = report ? report : &ignored;

    r->error = r->warning = NULL;
    switch (d_config->c_info.type) {
    case LIBXL_DOMAIN_TYPE_HVM:
        return resolve_hvm(&d_config->b_info, firmware, r);
    case LIBXL_DOMAIN_TYPE_PV:
    case LIBXL_DOMAIN_TYPE_PVH:
        return resolve_pv(&d_config->b_info, firmware, r);
    default:
        r->error = "unknown domain type";
        return ERROR_INVAL;
    }
}
