/*
 * libxl_info.c: host information: physinfo, the hypervisor's version
 * (xen_version sub-ops), free memory, and the hypervisor console ring
 * (`xl dmesg`).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_internal.h"
#include "public/sysctl.h"
#include "public/version.h"

int libxl_get_physinfo(libxl_ctx *ctx, libxl_physinfo *p)
{
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_physinfo};
    struct xen_sysctl_physinfo *x = &op.u.physinfo;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    rc = libxl__ctrl_sysctl(ctx->ctrl, &op);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "physinfo");
        return ERROR_FAIL;
    }
    p->threads_per_core = x->threads_per_core;
    p->cores_per_socket = x->cores_per_socket;
    p->max_cpu_id = x->max_cpu_id;
    p->nr_cpus = x->nr_cpus;
    p->cpu_khz = x->cpu_khz;
    p->total_pages = x->total_pages;
    p->free_pages = x->free_pages;
    p->scrub_pages = x->scrub_pages;
    p->outstanding_pages = x->outstanding_pages;
    p->max_possible_mfn = x->max_mfn;
    p->nr_nodes = x->nr_nodes;
    memcpy(p->hw_cap, x->hw_cap,
           sizeof(p->hw_cap) < sizeof(x->hw_cap) ? sizeof(p->hw_cap) : sizeof(x->hw_cap));
    p->cap_hvm = !!(x->capabilities & XEN_SYSCTL_PHYSCAP_hvm);
    p->cap_pv = !!(x->capabilities & XEN_SYSCTL_PHYSCAP_pv);
    p->cap_hvm_directio = !!(x->capabilities & XEN_SYSCTL_PHYSCAP_directio);
    p->cap_hap = !!(x->capabilities & XEN_SYSCTL_PHYSCAP_hap);
    p->cap_shadow = !!(x->capabilities & XEN_SYSCTL_PHYSCAP_shadow);
    p->cap_iommu_hap_pt_share = !!(x->capabilities & XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share);
    p->cap_vmtrace = !!(x->capabilities & XEN_SYSCTL_PHYSCAP_vmtrace);
    p->cap_vpmu = !!(x->capabilities & XEN_SYSCTL_PHYSCAP_vpmu);
    p->cap_gnttab_v1 = true;
    p->cap_gnttab_v2 = true;
    return 0;
}

int libxl_get_free_memory(libxl_ctx *ctx, uint64_t *memkb)
{
    libxl_physinfo p;
    int rc;

    libxl_physinfo_init(&p);
    rc = libxl_get_physinfo(ctx, &p);
    if (!rc)
        *memkb = p.free_pages * 4;
    libxl_physinfo_dispose(&p);
    return rc;
}

/* xen_version sub-op into a hypercall buffer of len bytes, copied out. */
static long xenver(libxl_ctx *ctx, unsigned cmd, void *out, size_t len)
{
    void *buf = len ? libxl__ctrl_buf_alloc(ctx->ctrl, len) : NULL;
    long rc;

    if (len && !buf)
        return -ENOMEM;
    rc = libxl__ctrl_hypercall(ctx->ctrl, __HYPERVISOR_xen_version, cmd, (uint64_t)(uintptr_t)buf,
                               0, 0, 0);
    if (rc >= 0 && len)
        memcpy(out, buf, len);
    libxl__ctrl_buf_free(ctx->ctrl, buf);
    return rc;
}

static libxl_version_info version_cache;
static int version_cached;

const libxl_version_info *libxl_get_version_info(libxl_ctx *ctx)
{
    libxl_version_info *v = &version_cache;
    xen_extraversion_t extra = {0};
    struct xen_compile_info ci;
    xen_capabilities_info_t caps = {0};
    xen_changeset_info_t cs = {0};
    xen_commandline_t cmdline = {0};
    long ver;

    if (version_cached)
        return v;
    if (libxl__ctx_ensure(ctx))
        return NULL;
    memset(&ci, 0, sizeof(ci));
    ver = xenver(ctx, XENVER_version, NULL, 0);
    if (ver < 0)
        return NULL;
    xenver(ctx, XENVER_extraversion, extra, sizeof(extra));
    xenver(ctx, XENVER_compile_info, &ci, sizeof(ci));
    xenver(ctx, XENVER_capabilities, caps, sizeof(caps));
    xenver(ctx, XENVER_changeset, cs, sizeof(cs));
    xenver(ctx, XENVER_commandline, cmdline, sizeof(cmdline));
    extra[sizeof(extra) - 1] = caps[sizeof(caps) - 1] = cs[sizeof(cs) - 1] = 0;
    cmdline[sizeof(cmdline) - 1] = 0;
    ci.compiler[sizeof(ci.compiler) - 1] = ci.compile_by[sizeof(ci.compile_by) - 1] = 0;
    ci.compile_domain[sizeof(ci.compile_domain) - 1] = 0;
    ci.compile_date[sizeof(ci.compile_date) - 1] = 0;
    libxl_version_info_init(v);
    v->xen_version_major = (int)(ver >> 16);
    v->xen_version_minor = (int)(ver & 0xffff);
    v->xen_version_extra = strdup(extra);
    v->compiler = strdup(ci.compiler);
    v->compile_by = strdup(ci.compile_by);
    v->compile_domain = strdup(ci.compile_domain);
    v->compile_date = strdup(ci.compile_date);
    v->capabilities = strdup(caps);
    v->changeset = strdup(cs);
    v->commandline = strdup(cmdline);
    v->pagesize = 4096;
    v->build_id = strdup("");
    version_cached = 1;
    return v;
}

int libxl_read_console_ring(libxl_ctx *ctx, int clear, char **text)
{
    const uint32_t size = 64 * 1024;
    char *buf;
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_readconsole};
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    buf = libxl__ctrl_buf_alloc(ctx->ctrl, size);
    if (!buf)
        return ERROR_NOMEM;
    op.u.readconsole.clear = (uint8_t) !!clear;
    op.u.readconsole.count = size;
    set_xen_guest_handle(op.u.readconsole.buffer, buf);
    rc = libxl__ctrl_sysctl(ctx->ctrl, &op);
    if (!rc) {
        uint32_t n = op.u.readconsole.count < size ? op.u.readconsole.count : size;
        *text = malloc(n + 1);
        if (*text) {
            memcpy(*text, buf, n);
            (*text)[n] = 0;
        } else {
            rc = -ENOMEM;
        }
    }
    libxl__ctrl_buf_free(ctx->ctrl, buf);
    return rc ? ERROR_FAIL : 0;
}

int libxl_send_debug_keys(libxl_ctx *ctx, char *keys)
{
    size_t n = strlen(keys);
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_debug_keys};
    char *buf;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    buf = libxl__ctrl_buf_alloc(ctx->ctrl, n + 1);
    if (!buf)
        return ERROR_NOMEM;
    memcpy(buf, keys, n);
    set_xen_guest_handle(op.u.debug_keys.keys, buf);
    op.u.debug_keys.nr_keys = (uint32_t)n;
    rc = libxl__ctrl_sysctl(ctx->ctrl, &op);
    libxl__ctrl_buf_free(ctx->ctrl, buf);
    return rc ? ERROR_FAIL : 0;
}

libxl_scheduler libxl_get_scheduler(libxl_ctx *ctx)
{
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_sched_id};

    if (libxl__ctx_ensure(ctx) || libxl__ctrl_sysctl(ctx->ctrl, &op))
        return LIBXL_SCHEDULER_CREDIT2; /* xenhv's one scheduler is credit2-like */
    return (libxl_scheduler)op.u.sched_id.sched_id;
}
