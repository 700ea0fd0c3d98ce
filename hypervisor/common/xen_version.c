/*
 * xen_version.c: HYPERVISOR_xen_version, every sub-op: one row each.
 * xenhv reports itself as Xen 4.17 with its own extra version.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "hypercall.h"
#include "public/features.h"
#include "public/version.h"

#define XENHV_XEN_MAJOR     4
#define XENHV_XEN_MINOR     17
#define XENHV_EXTRAVERSION  ".0-xenhv"
#define XENHV_PV_VIRT_START 0xffff800000000000UL

/* A sub-op: at most one fixed-size struct out (or in/out), filled by fn;
 * fn's return value is the hypercall's. */
struct version_row {
    const char *name;
    size_t size;
    bool copy_in;
    unsigned callers;
    long (*fn)(struct hc_caller *c, void *buf);
};

static long v_version(struct hc_caller *c, void *buf)
{
    return (XENHV_XEN_MAJOR << 16) | XENHV_XEN_MINOR;
}

static long v_extraversion(struct hc_caller *c, void *buf)
{
    strncpy(buf, XENHV_EXTRAVERSION, sizeof(xen_extraversion_t) - 1);
    return 0;
}

static long v_compile_info(struct hc_caller *c, void *buf)
{
    struct xen_compile_info *ci = buf;

    snprintf(ci->compiler, sizeof(ci->compiler), "gcc %s", __VERSION__);
    snprintf(ci->compile_by, sizeof(ci->compile_by), "xenhv");
    snprintf(ci->compile_domain, sizeof(ci->compile_domain), "%s", PACKAGE_VERSION);
    snprintf(ci->compile_date, sizeof(ci->compile_date), "%s", __DATE__);
    return 0;
}

static long v_capabilities(struct hc_caller *c, void *buf)
{
    char *caps = buf;

    caps[0] = '\0';
#ifdef CONFIG_PV
    strcat(caps, "xen-3.0-x86_64 ");
#endif
#ifdef CONFIG_HVM
    strcat(caps, "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ");
#endif
    if (caps[0])
        caps[strlen(caps) - 1] = '\0';
    return 0;
}

static long v_changeset(struct hc_caller *c, void *buf)
{
    snprintf(buf, sizeof(xen_changeset_info_t), "xenhv %s", PACKAGE_VERSION);
    return 0;
}

static long v_platform_parameters(struct hc_caller *c, void *buf)
{
    ((struct xen_platform_parameters *)buf)->virt_start = XENHV_PV_VIRT_START;
    return 0;
}

static long v_get_features(struct hc_caller *c, void *buf)
{
    struct xen_feature_info *fi = buf;

    if (fi->submap_idx >= XENFEAT_NR_SUBMAPS)
        return -EINVAL;
    fi->submap = 0;
    if (c->kind == CALLER_HVM)
        fi->submap |= (1u << XENFEAT_auto_translated_physmap) |
                      (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock);
    else
        fi->submap |=
            (1u << XENFEAT_writable_descriptor_tables) | (1u << XENFEAT_mmu_pt_update_preserve_ad);
    fi->submap |= 1u << XENFEAT_gnttab_map_avail_bits;
    if (c->d->is_privileged)
        fi->submap |= 1u << XENFEAT_dom0;
    return 0;
}

static long v_pagesize(struct hc_caller *c, void *buf)
{
    return XEN_PAGE_SIZE;
}

static long v_guest_handle(struct hc_caller *c, void *buf)
{
    memcpy(buf, c->d->handle, sizeof(xen_domain_handle_t));
    return 0;
}

static long v_commandline(struct hc_caller *c, void *buf)
{
    if (!c->d->is_privileged)
        return -EPERM;
    ((char *)buf)[0] = '\0';
    return 0;
}

static const struct version_row version_table[] = {
    [XENVER_version] = {"version", 0, false, CALLERS_ALL, v_version},
    [XENVER_extraversion] = {"extraversion", sizeof(xen_extraversion_t), false, CALLERS_ALL,
                             v_extraversion},
    [XENVER_compile_info] = {"compile_info", sizeof(struct xen_compile_info), false, CALLERS_ALL,
                             v_compile_info},
    [XENVER_capabilities] = {"capabilities", sizeof(xen_capabilities_info_t), false, CALLERS_ALL,
                             v_capabilities},
    [XENVER_changeset] = {"changeset", sizeof(xen_changeset_info_t), false, CALLERS_ALL,
                          v_changeset},
    [XENVER_platform_parameters] = {"platform_parameters", sizeof(struct xen_platform_parameters),
                                    false, CALLERS_ALL, v_platform_parameters},
    [XENVER_get_features] = {"get_features", sizeof(struct xen_feature_info), true, CALLERS_ALL,
                             v_get_features},
    [XENVER_pagesize] = {"pagesize", 0, false, CALLERS_ALL, v_pagesize},
    [XENVER_guest_handle] = {"guest_handle", sizeof(xen_domain_handle_t), false, CALLERS_ALL,
                             v_guest_handle},
    [XENVER_commandline] = {"commandline", sizeof(xen_commandline_t), false, CALLERS_ALL,
                            v_commandline},
};

/* XENVER_build_id: variable length; xenhv has no build id. */
static long v_build_id(struct hc_caller *c, uint64_t arg)
{
    struct xen_build_id bid;
    int rc;

    if (!c->d->is_privileged)
        return -EPERM;
    rc = c->copy_from(c, arg, &bid, sizeof(bid));
    if (rc)
        return rc;
    return -ENODATA;
}

long do_xen_version(struct hc_caller *c, const uint64_t args[5])
{
    union {
        xen_capabilities_info_t caps;
        xen_commandline_t cmdline;
        struct xen_compile_info ci;
        uint8_t raw[1024];
    } buf;
    const struct version_row *row;
    long ret;
    int rc;

    if (args[0] == XENVER_build_id)
        return (CALLERS_TOOLSTACK & (1u << c->kind)) ? v_build_id(c, args[1]) : -ENOSYS;
    if (args[0] >= sizeof(version_table) / sizeof(version_table[0]))
        return -ENOSYS;
    row = &version_table[args[0]];
    if (!row->fn || !(row->callers & (1u << c->kind)))
        return -ENOSYS;
    memset(&buf, 0, sizeof(buf));
    if (row->copy_in) {
        rc = c->copy_from(c, args[1], &buf, row->size);
        if (rc)
            return rc;
    }
    ret = row->fn(c, &buf);
    if (ret < 0 || !row->size)
        return ret;
    rc = c->copy_to(c, args[1], &buf, row->size);
    return rc ? rc : ret;
}
