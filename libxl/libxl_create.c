/*
 * libxl_create.c: libxl_domain_create_new: defaults, createdomain with the
 * type's emulation flags, vCPUs and memory limits, the builder of the
 * domain's type, xenstore entries and introduction, the stored
 * configuration.  The domain is left paused.  Any failure destroys what
 * was made (domain, xenstore entries, stored config): nothing stays.
 * Asynchronous callers (ao_how) get the result through their callback or
 * an OPERATION_COMPLETE event.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_boot_config.h"
#include "libxl_bootloader.h"
#include "libxl_dom.h"
#include "libxl_types_internal.h"
#include "public/arch-x86/xen.h"

#define EMU_FULL_HVM (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI)
#define EMU_PVH      XEN_X86_EMU_LAPIC

static const struct {
    libxl_domain_type type;
    uint32_t cdf;
    uint32_t emulation;
    int (*build)(libxl_ctx *, uint32_t, libxl_domain_config *, libxl__dom_build *);
} domain_types[] = {
    {LIBXL_DOMAIN_TYPE_PVH, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, EMU_PVH, libxl__build_pvh},
    {LIBXL_DOMAIN_TYPE_HVM, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, EMU_FULL_HVM,
     libxl__build_hvm},
    {LIBXL_DOMAIN_TYPE_PV, 0, 0, libxl__build_pv},
};

/* The defaults libxl applies before building (the part used here). */
static int create_setdefault(libxl_ctx *ctx, libxl_domain_config *cfg)
{
    libxl_domain_create_info *c = &cfg->c_info;
    libxl_domain_build_info *b = &cfg->b_info;
    libxl_boot_report boot = {0};
    char *msg = NULL;
    int rc;

    if (c->type == LIBXL_DOMAIN_TYPE_INVALID)
        c->type = b->type != LIBXL_DOMAIN_TYPE_INVALID ? b->type : LIBXL_DOMAIN_TYPE_PVH;
    if (b->type == LIBXL_DOMAIN_TYPE_INVALID)
        libxl_domain_build_info_init_type(b, c->type);
    if (b->type != c->type) {
        LOG(ctx, ERROR, "c_info.type (%s) and b_info.type (%s) differ",
            libxl_domain_type_to_string(c->type), libxl_domain_type_to_string(b->type));
        return ERROR_INVAL;
    }
    /* A configuration built through the C API or JSON gets the same
     * deprecated-field and boot rules as one from xl.cfg (xl applied them
     * already; they are idempotent). */
    if ((rc = libxl__domain_build_info_resolve_deprecated(b, &msg))) {
        LOG(ctx, ERROR, "%s", msg ? msg : "conflicting deprecated build_info fields");
        free(msg);
        return rc;
    }
    if ((rc = libxl_domain_config_resolve_boot(cfg, NULL, &boot))) {
        LOG(ctx, ERROR, "%s", boot.error ? boot.error : "invalid boot configuration");
        return rc;
    }
    if (boot.warning)
        LOG(ctx, WARN, "%s", boot.warning);
    if (!c->name || !*c->name) {
        LOG(ctx, ERROR, "the domain needs a name");
        return ERROR_INVAL;
    }
    if (libxl_uuid_is_nil(&c->uuid))
        libxl_uuid_generate(&c->uuid);
    if (b->max_vcpus <= 0)
        b->max_vcpus = 1;
    if (b->max_memkb == LIBXL_MEMKB_DEFAULT)
        b->max_memkb = b->target_memkb != LIBXL_MEMKB_DEFAULT ? b->target_memkb : 32768;
    if (b->target_memkb == LIBXL_MEMKB_DEFAULT)
        b->target_memkb = b->max_memkb;
    if (b->target_memkb > b->max_memkb) {
        LOG(ctx, ERROR, "memory (%llu kB) is above maxmem (%llu kB)",
            (unsigned long long)b->target_memkb, (unsigned long long)b->max_memkb);
        return ERROR_INVAL;
    }
    if (c->type == LIBXL_DOMAIN_TYPE_HVM)
        libxl_defbool_setdefault(&b->u.hvm.pae, true);
    if (!b->event_channels)
        b->event_channels = 1023;
    return 0;
}

/* Devices xenhv has no backend for yet.  The domain is created without
 * them; each kind present is named once, so that a guest missing a
 * device is no mystery.  (Disks: libxl_disk.c names those it leaves out.) */
static const struct {
    const char *kind;
    size_t count;
} unbacked_devices[] = {
    {"vif", offsetof(libxl_domain_config, num_nics)},
    {"pci", offsetof(libxl_domain_config, num_pcidevs)},
    {"dtdev", offsetof(libxl_domain_config, num_dtdevs)},
    {"vfb", offsetof(libxl_domain_config, num_vfbs)},
    {"vkb", offsetof(libxl_domain_config, num_vkbs)},
    {"vtpm", offsetof(libxl_domain_config, num_vtpms)},
    {"p9", offsetof(libxl_domain_config, num_p9s)},
    {"pvcalls", offsetof(libxl_domain_config, num_pvcallsifs)},
    {"vdispl", offsetof(libxl_domain_config, num_vdispls)},
    {"vsnd", offsetof(libxl_domain_config, num_vsnds)},
    {"channel", offsetof(libxl_domain_config, num_channels)},
    {"usbctrl", offsetof(libxl_domain_config, num_usbctrls)},
    {"usbdev", offsetof(libxl_domain_config, num_usbdevs)},
};

static void warn_unbacked_devices(libxl_ctx *ctx, const libxl_domain_config *cfg)
{
    for (size_t i = 0; i < sizeof(unbacked_devices) / sizeof(unbacked_devices[0]); i++) {
        int n = *(const int *)((const char *)cfg + unbacked_devices[i].count);
        if (n > 0)
            LOG(ctx, WARN,
                "%s devices (%d) are not supported by xenhv yet: "
                "domain %s is created without them",
                unbacked_devices[i].kind, n, cfg->c_info.name);
    }
}

static int name_in_use(libxl_ctx *ctx, const char *name)
{
    uint32_t other;
    return libxl_name_to_domid(ctx, name, &other) == 0;
}

static int create_domain_sync(libxl_ctx *ctx, libxl_domain_config *cfg, uint32_t *domid_out)
{
    const libxl_domain_build_info *b = &cfg->b_info;
    struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};
    struct xen_domctl_createdomain *cd = &op.u.createdomain;
    libxl__dom_build st = {0};
    uint32_t domid = ~0u;
    size_t t;
    int rc;

    *domid_out = ~0u;
    if ((rc = libxl__ctx_ensure(ctx)) || (rc = create_setdefault(ctx, cfg)))
        return rc;
    for (t = 0; t < sizeof(domain_types) / sizeof(domain_types[0]); t++)
        if (domain_types[t].type == cfg->c_info.type)
            break;
    if (t == sizeof(domain_types) / sizeof(domain_types[0])) {
        LOG(ctx, ERROR, "unsupported domain type %d", cfg->c_info.type);
        return ERROR_INVAL;
    }
    if (name_in_use(ctx, cfg->c_info.name)) {
        LOG(ctx, ERROR, "domain with name \"%s\" already exists.", cfg->c_info.name);
        return ERROR_INVAL;
    }
    if ((rc = libxl__disk_check(ctx, cfg)))
        return rc;
    warn_unbacked_devices(ctx, cfg);

    /* Held from birth: a creator that dies midway leaves nothing. */
    rc = libxl__ctrl_hold_creates(ctx->ctrl);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "asking xenhv to hold the new domain");
        return ERROR_FAIL;
    }
    memcpy(cd->handle, cfg->c_info.uuid.uuid, sizeof(cd->handle));
    cd->flags = domain_types[t].cdf;
    cd->arch.emulation_flags = domain_types[t].emulation;
    cd->max_vcpus = (uint32_t)b->max_vcpus;
    cd->max_evtchn_port = b->event_channels;
    cd->max_grant_frames =
        b->max_grant_frames == LIBXL_MAX_GRANT_DEFAULT ? 64 : (int32_t)b->max_grant_frames;
    cd->max_maptrack_frames =
        b->max_maptrack_frames == LIBXL_MAX_GRANT_DEFAULT ? 1024 : (int32_t)b->max_maptrack_frames;
    cd->grant_opts = XEN_DOMCTL_GRANT_version(b->max_grant_version > 0 ? b->max_grant_version : 1);
    rc = libxl__ctrl_domctl(ctx->ctrl, &op);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "creating the domain");
        return ERROR_FAIL;
    }
    domid = op.domain;
    *domid_out = domid;

    struct xen_domctl mv = {.cmd = XEN_DOMCTL_max_vcpus, .domain = (domid_t)domid};
    mv.u.max_vcpus.max = (uint32_t)b->max_vcpus;
    struct xen_domctl mm = {.cmd = XEN_DOMCTL_max_mem, .domain = (domid_t)domid};
    mm.u.max_mem.max_memkb = b->max_memkb + LIBXL__MAXMEM_CONSTANT;
    if ((rc = libxl__ctrl_domctl(ctx->ctrl, &mv)) || (rc = libxl__ctrl_domctl(ctx->ctrl, &mm))) {
        LOGE(ctx, ERROR, -rc, "domain %u: setting vCPUs and memory limits", domid);
        rc = ERROR_FAIL;
        goto fail;
    }
    /* cpus= / cpus_soft=: each vCPU's affinity, as libxl's build_pre. */
    for (int i = 0; i < b->max_vcpus; i++) {
        const libxl_bitmap *hard = i < b->num_vcpu_hard_affinity ? &b->vcpu_hard_affinity[i] : NULL;
        const libxl_bitmap *soft = i < b->num_vcpu_soft_affinity ? &b->vcpu_soft_affinity[i] : NULL;
        if ((hard || soft) && libxl_set_vcpuaffinity(ctx, domid, (uint32_t)i, hard, soft)) {
            LOG(ctx, ERROR, "setting affinity failed on vcpu `%d'", i);
            rc = ERROR_FAIL;
            goto fail;
        }
    }
    /* bootloader= / firmware= give the builder its files (then removed). */
    libxl__boot_files bf;
    rc = libxl__boot_files_prepare(ctx, domid, cfg, &bf);
    if (rc)
        goto fail;
    rc = domain_types[t].build(ctx, domid, cfg, &st);
    libxl__boot_files_done(ctx, cfg, &bf);
    if (rc)
        goto fail;
    rc = libxl__xs_domain_create(ctx, domid, cfg, &st); /* with the stored config */
    if (rc)
        goto fail;
    /* Complete: from here on it outlives this process (see libxl_ctrl.h). */
    rc = libxl__ctrl_domain_release(ctx->ctrl, domid);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "domain %u: releasing it", domid);
        rc = ERROR_FAIL;
        goto fail;
    }
    return 0;
fail:
    libxl__xs_domain_remove(ctx, domid);
    libxl__domctl_simple(ctx, XEN_DOMCTL_destroydomain, domid);
    *domid_out = ~0u;
    return rc;
}

struct create_async {
    libxl_ctx *ctx;
    libxl_domain_config *cfg;
    uint32_t *domid;
    libxl_asyncop_how how;
};

static void *create_thread(void *p)
{
    struct create_async *a = p;
    int rc = create_domain_sync(a->ctx, a->cfg, a->domid);
    libxl__ao_complete(a->ctx, &a->how, *a->domid, rc);
    free(a);
    return NULL;
}

int libxl_domain_create_new(libxl_ctx *ctx, libxl_domain_config *d_config, uint32_t *domid,
                            const libxl_asyncop_how *ao_how,
                            const libxl_asyncprogress_how *aop_console_how)
{
    struct create_async *a;
    pthread_t th;

    (void)aop_console_how;
    if (!ao_how)
        return create_domain_sync(ctx, d_config, domid);
    a = calloc(1, sizeof(*a));
    if (!a)
        return ERROR_NOMEM;
    *a = (struct create_async){ctx, d_config, domid, *ao_how};
    if (pthread_create(&th, NULL, create_thread, a)) {
        free(a);
        return ERROR_FAIL;
    }
    pthread_detach(th);
    return 0;
}
