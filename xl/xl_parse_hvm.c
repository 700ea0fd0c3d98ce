/*
 * xl_parse_hvm.c: the HVM keys that need more than a table row: bios,
 * viridian enlightenments, mmio_hole, vga, the vnc/sdl display, serial
 * and usbdevice (a string or a list), gfx_passthru, vendor_device, cpuid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xl_parse.h"

/* The below-4G MMIO hole of HVM guests: at least 256MiB, at most 3GiB. */
#define HVM_BELOW_4G_MMIO_START  0xF0000000ULL
#define HVM_BELOW_4G_MMIO_LENGTH ((1ULL << 32) - HVM_BELOW_4G_MMIO_START)
#define VIRIDIAN_WIDTH           64
#define HVM_MCA_CAP_LMCE         (1ULL << 0)

PARSE_HANDLER(parse_bios)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    const char *buf;
    (void)row;

    if (!xlu_cfg_get_string(ps->config, "bios", &buf, 0)) {
        if (libxl_bios_type_from_string(buf, &b->u.hvm.bios)) {
            fprintf(stderr, "ERROR: invalid value \"%s\" for \"bios\"\n", buf);
            return 1;
        }
    } else if (b->u.hvm.system_firmware) {
        fprintf(stderr, "WARNING: bios_path_override given without specific bios name\n");
    }
    return 0;
}

/* viridian = 1 (defaults), or a list of enlightenments, "all",
 * "defaults", and "!name" to turn one off. */
PARSE_HANDLER(parse_viridian)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    XLU_ConfigList *list;
    int n;
    (void)row;

    switch (xlu_cfg_get_list(ps->config, "viridian", &list, &n, 1)) {
    case 0:
        if (n) {
            libxl_bitmap_alloc(NULL, &b->u.hvm.viridian_enable, VIRIDIAN_WIDTH);
            libxl_bitmap_alloc(NULL, &b->u.hvm.viridian_disable, VIRIDIAN_WIDTH);
        }
        for (int i = 0; i < n; i++) {
            const char *buf = xlu_cfg_get_listitem(list, i);
            libxl_viridian_enlightenment v;
            if (!buf)
                continue;
            if (!strcmp(buf, "all")) {
                libxl_bitmap_set_any(&b->u.hvm.viridian_enable);
            } else if (!strcmp(buf, "defaults")) {
                libxl_defbool_set(&b->u.hvm.viridian, true);
            } else {
                libxl_bitmap *set = &b->u.hvm.viridian_enable, *reset = &b->u.hvm.viridian_disable;
                if (*buf == '!') {
                    set = &b->u.hvm.viridian_disable;
                    reset = &b->u.hvm.viridian_enable;
                    buf++;
                }
                if (libxl_viridian_enlightenment_from_string(buf, &v)) {
                    fprintf(stderr, "xl: unknown viridian enlightenment '%s'\n", buf);
                    return 3;
                }
                libxl_bitmap_set(set, (int)v);
                libxl_bitmap_reset(reset, (int)v);
            }
        }
        return 0;
    case ESRCH:
        return 0;
    case EINVAL:
        xlu_cfg_get_defbool(ps->config, "viridian", &b->u.hvm.viridian, 1);
        return 0;
    default:
        fprintf(stderr, "xl: Unable to parse viridian enlightenments.\n");
        return 3;
    }
}

PARSE_HANDLER(parse_mmio_hole)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    long l;
    (void)row;

    if (xlu_cfg_get_long(ps->config, "mmio_hole", &l, 0))
        return 0;
    b->u.hvm.mmio_hole_memkb = (uint64_t)l * 1024;
    uint64_t size = b->u.hvm.mmio_hole_memkb * 1024;
    if (size < HVM_BELOW_4G_MMIO_LENGTH || size > HVM_BELOW_4G_MMIO_START) {
        fprintf(stderr, "ERROR: invalid value %ld for \"mmio_hole\"\n", l);
        return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_altp2mhvm)
{
    (void)row;
    if (!xlu_cfg_get_defbool(ps->config, "altp2mhvm", &ps->d_config->b_info.u.hvm.altp2m, 0))
        fprintf(
            stderr,
            "WARNING: Specifying \"altp2mhvm\" is deprecated. Please use \"altp2m\" instead.\n");
    return 0;
}

PARSE_HANDLER(parse_ms_vm_genid)
{
    libxl_ms_vm_genid *id = &ps->d_config->b_info.u.hvm.ms_vm_genid;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_string(ps->config, "ms_vm_genid", &buf, 0) || !strcmp(buf, "none"))
        return 0;
    if (!strcmp(buf, "generate")) {
        libxl_uuid u;
        libxl_uuid_generate(&u);
        memcpy(id->bytes, libxl_uuid_bytearray(&u), sizeof(id->bytes));
        return 0;
    }
    fprintf(stderr, "ERROR: \"ms_vm_genid\" option must be \"generate\" or \"none\"\n");
    return 1;
}

PARSE_HANDLER(parse_mca_caps)
{
    XLU_ConfigList *list;
    int n;
    (void)row;

    switch (xlu_cfg_get_list(ps->config, "mca_caps", &list, &n, 1)) {
    case 0:
        for (int i = 0; i < n; i++) {
            const char *buf = xlu_cfg_get_listitem(list, i);
            if (buf && !strcmp(buf, "lmce")) {
                ps->d_config->b_info.u.hvm.mca_caps |= HVM_MCA_CAP_LMCE;
            } else {
                fprintf(stderr, "ERROR: unrecognized MCA capability '%s'.\n", buf ? buf : "");
                return 3;
            }
        }
        return 0;
    case ESRCH:
        return 0;
    default:
        fprintf(stderr, "ERROR: unable to parse mca_caps.\n");
        return 3;
    }
}

static void top_level_vnc(XLU_Config *config, libxl_vnc_info *vnc)
{
    long l;
    xlu_cfg_get_defbool(config, "vnc", &vnc->enable, 0);
    xlu_cfg_replace_string(config, "vnclisten", &vnc->listen, 0);
    xlu_cfg_replace_string(config, "vncpasswd", &vnc->passwd, 0);
    if (!xlu_cfg_get_long(config, "vncdisplay", &l, 0))
        vnc->display = (int)l;
    xlu_cfg_get_defbool(config, "vncunused", &vnc->findunused, 0);
}

static void top_level_sdl(XLU_Config *config, libxl_sdl_info *sdl)
{
    xlu_cfg_get_defbool(config, "sdl", &sdl->enable, 0);
    xlu_cfg_get_defbool(config, "opengl", &sdl->opengl, 0);
    xlu_cfg_replace_string(config, "display", &sdl->display, 0);
    xlu_cfg_replace_string(config, "xauthority", &sdl->xauthority, 0);
}

/* vnc=, sdl= and friends: a framebuffer device for a PV guest without
 * vfb=, the emulated display of an HVM guest. */
PARSE_HANDLER(parse_display)
{
    libxl_domain_config *d = ps->d_config;
    long l;
    (void)row;

    if (d->c_info.type == LIBXL_DOMAIN_TYPE_PV && !d->num_vfbs) {
        if (xlu_cfg_get_long(ps->config, "vnc", &l, 0) || !l)
            return 0;
        d->vfbs = xl_array_extend(d->vfbs, &d->num_vfbs, sizeof(*d->vfbs));
        libxl_device_vfb *vfb = &d->vfbs[d->num_vfbs - 1];
        libxl_device_vfb_init(vfb);
        vfb->devid = d->num_vfbs - 1;
        d->vkbs = xl_array_extend(d->vkbs, &d->num_vkbs, sizeof(*d->vkbs));
        libxl_device_vkb *vkb = &d->vkbs[d->num_vkbs - 1];
        libxl_device_vkb_init(vkb);
        vkb->devid = d->num_vkbs - 1;
        top_level_vnc(ps->config, &vfb->vnc);
        top_level_sdl(ps->config, &vfb->sdl);
        xlu_cfg_replace_string(ps->config, "keymap", &vfb->keymap, 0);
    } else if (d->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
        top_level_vnc(ps->config, &d->b_info.u.hvm.vnc);
        top_level_sdl(ps->config, &d->b_info.u.hvm.sdl);
    }
    return 0;
}

PARSE_HANDLER(parse_vga)
{
    static const struct {
        const char *name;
        libxl_vga_interface_type kind;
    } kinds[] = {
        {"stdvga", LIBXL_VGA_INTERFACE_TYPE_STD},
        {"cirrus", LIBXL_VGA_INTERFACE_TYPE_CIRRUS},
        {"none", LIBXL_VGA_INTERFACE_TYPE_NONE},
        {"qxl", LIBXL_VGA_INTERFACE_TYPE_QXL},
    };
    libxl_vga_interface_info *vga = &ps->d_config->b_info.u.hvm.vga;
    const char *buf;
    long l;
    (void)row;

    if (!xlu_cfg_get_string(ps->config, "vga", &buf, 0)) {
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
            if (!strcmp(buf, kinds[i].name)) {
                vga->kind = kinds[i].kind;
                return 0;
            }
        fprintf(stderr, "Unknown vga \"%s\" specified\n", buf);
        return 1;
    }
    if (!xlu_cfg_get_long(ps->config, "stdvga", &l, 0))
        vga->kind = l ? LIBXL_VGA_INTERFACE_TYPE_STD : LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
    return 0;
}

PARSE_HANDLER(parse_hdtype)
{
    const char *buf;
    (void)row;
    if (!xlu_cfg_get_string(ps->config, "hdtype", &buf, 0) &&
        libxl_hdtype_from_string(buf, &ps->d_config->b_info.u.hvm.hdtype)) {
        fprintf(stderr, "ERROR: invalid value \"%s\" for \"hdtype\"\n", buf);
        return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_gfx_passthru)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    const char *buf;
    long l;
    (void)row;

    if (!xlu_cfg_get_long(ps->config, "gfx_passthru", &l, 1)) {
        libxl_defbool_set(&b->u.hvm.gfx_passthru, l != 0);
    } else if (!xlu_cfg_get_string(ps->config, "gfx_passthru", &buf, 0)) {
        if (libxl_gfx_passthru_kind_from_string(buf, &b->u.hvm.gfx_passthru_kind)) {
            fprintf(stderr, "ERROR: invalid value \"%s\" for \"gfx_passthru\"\n", buf);
            return 1;
        }
        libxl_defbool_set(&b->u.hvm.gfx_passthru, true);
    }
    return 0;
}

/* serial= and usbdevice=: a list, or one string. */
PARSE_HANDLER(parse_string_or_list)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    int serial = !strcmp(row->key, "serial");
    libxl_string_list *list = serial ? &b->u.hvm.serial_list : &b->u.hvm.usbdevice_list;
    char **one = serial ? &b->u.hvm.serial : &b->u.hvm.usbdevice;

    switch (xlu_cfg_get_list_as_string_list(ps->config, row->key, list, 1)) {
    case 0:
    case ESRCH:
        return 0;
    case EINVAL:
        if (!xlu_cfg_replace_string(ps->config, row->key, one, 0))
            return 0;
        /* fall through */
    default:
        fprintf(stderr, "xl: Unable to parse %s.\n", row->key);
        return 3;
    }
}

PARSE_HANDLER(parse_vnc_display_check)
{
    libxl_vnc_info *vnc = &ps->d_config->b_info.u.hvm.vnc;
    (void)row;
    if (vnc->listen && vnc->display && strchr(vnc->listen, ':')) {
        fprintf(stderr, "ERROR: Display specified both in vnclisten and vncdisplay!\n");
        return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_vendor_device)
{
    const char *buf;
    (void)row;
    if (!xlu_cfg_get_string(ps->config, "vendor_device", &buf, 0) &&
        libxl_vendor_device_from_string(buf, &ps->d_config->b_info.u.hvm.vendor_device)) {
        fprintf(stderr, "xl: unknown vendor_device '%s'\n", buf);
        return 3;
    }
    return 0;
}
