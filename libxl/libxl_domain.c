/*
 * libxl_domain.c: controlling and listing domains: destroy, pause,
 * unpause, shutdown and reboot requests through control/shutdown, rename,
 * libxl_list_domain, libxl_domain_info, name <-> id.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_dom.h"
#include "public/hvm/params.h"
#include "public/sysctl.h"

int libxl__domctl_simple(libxl_ctx *ctx, uint32_t cmd, uint32_t domid)
{
    struct xen_domctl op = {.cmd = cmd, .domain = (domid_t)domid};
    return libxl__ctrl_domctl(ctx->ctrl, &op);
}

int libxl__domain_getinfo(libxl_ctx *ctx, uint32_t domid, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo, .domain = (domid_t)domid};
    int rc = libxl__ctrl_domctl(ctx->ctrl, &op);

    if (rc == -ESRCH || (!rc && op.domain != domid))
        return ERROR_DOMAIN_NOTFOUND;
    if (rc)
        return ERROR_FAIL;
    *info = op.u.getdomaininfo;
    return 0;
}

void libxl__dominfo_from_xen(const struct xen_domctl_getdomaininfo *x, libxl_dominfo *info)
{
    memcpy(info->uuid.uuid, x->handle, sizeof(info->uuid.uuid));
    info->domid = x->domain;
    info->ssidref = x->ssidref;
    info->dying = !!(x->flags & XEN_DOMINF_dying);
    info->paused = !!(x->flags & XEN_DOMINF_paused);
    info->blocked = !!(x->flags & XEN_DOMINF_blocked);
    info->running = !!(x->flags & XEN_DOMINF_running);
    info->shutdown = !!(x->flags & XEN_DOMINF_shutdown);
    info->shutdown_reason = info->shutdown
                                ? (libxl_shutdown_reason)((x->flags >> XEN_DOMINF_shutdownshift) &
                                                          XEN_DOMINF_shutdownmask)
                                : LIBXL_SHUTDOWN_REASON_UNKNOWN;
    info->current_memkb = x->tot_pages * 4;
    info->shared_memkb = x->shr_pages * 4;
    info->paged_memkb = x->paged_pages * 4;
    info->outstanding_memkb = x->outstanding_pages * 4;
    info->max_memkb = x->max_pages * 4;
    info->cpu_time = x->cpu_time;
    info->vcpu_max_id = x->max_vcpu_id;
    info->vcpu_online = x->nr_online_vcpus;
    info->cpupool = x->cpupool;
    info->gpaddr_bits = x->gpaddr_bits;
    info->domain_type = !(x->flags & XEN_DOMINF_hvm_guest) ? LIBXL_DOMAIN_TYPE_PV
                        : x->arch_config.emulation_flags == XEN_X86_EMU_LAPIC
                            ? LIBXL_DOMAIN_TYPE_PVH
                            : LIBXL_DOMAIN_TYPE_HVM;
}

int libxl_domain_info(libxl_ctx *ctx, libxl_dominfo *info, uint32_t domid)
{
    struct xen_domctl_getdomaininfo x;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)) || (rc = libxl__domain_getinfo(ctx, domid, &x)))
        return rc;
    if (info)
        libxl__dominfo_from_xen(&x, info);
    return 0;
}

libxl_dominfo *libxl_list_domain(libxl_ctx *ctx, int *nb_domain)
{
    libxl_dominfo *list = NULL;
    int n = 0;
    uint32_t next = 0;

    *nb_domain = 0;
    if (libxl__ctx_ensure(ctx))
        return NULL;
    for (;;) {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo, .domain = (domid_t)next};
        int rc = libxl__ctrl_domctl(ctx->ctrl, &op);
        if (rc == -ESRCH)
            break;
        if (rc) {
            LOGE(ctx, ERROR, -rc, "listing domains");
            libxl_dominfo_list_free(list, n);
            return NULL;
        }
        libxl_dominfo *nl = realloc(list, (size_t)(n + 1) * sizeof(*list));
        if (!nl) {
            libxl_dominfo_list_free(list, n);
            return NULL;
        }
        list = nl;
        libxl_dominfo_init(&list[n]);
        libxl__dominfo_from_xen(&op.u.getdomaininfo, &list[n]);
        n++;
        next = (uint32_t)op.domain + 1;
        if (next >= DOMID_FIRST_RESERVED)
            break;
    }
    if (!list)
        list = calloc(1, sizeof(*list));
    *nb_domain = n;
    return list;
}

/* As libxl 4.17's: every domain but stub domains (xenhv has none), by
 * uuid and id. */
libxl_vminfo *libxl_list_vm(libxl_ctx *ctx, int *nb_vm)
{
    int n;
    libxl_dominfo *doms = libxl_list_domain(ctx, &n);
    libxl_vminfo *vms = doms ? calloc((size_t)n + 1, sizeof(*vms)) : NULL;

    *nb_vm = 0;
    for (int i = 0; vms && i < n; i++) {
        libxl_vminfo_init(&vms[i]);
        vms[i].uuid = doms[i].uuid;
        vms[i].domid = doms[i].domid;
    }
    if (vms)
        *nb_vm = n;
    libxl_dominfo_list_free(doms, n);
    return vms;
}

void libxl_vminfo_list_free(libxl_vminfo *list, int nb_vm)
{
    for (int i = 0; list && i < nb_vm; i++)
        libxl_vminfo_dispose(&list[i]);
    free(list);
}

void libxl_dominfo_list_free(libxl_dominfo *list, int nb_domain)
{
    for (int i = 0; i < nb_domain; i++)
        libxl_dominfo_dispose(&list[i]);
    free(list);
}

int libxl__domain_path(libxl_ctx *ctx, uint32_t domid, char *out, size_t len)
{
    (void)ctx;
    return snprintf(out, len, "/local/domain/%u", domid) < (int)len ? 0 : ERROR_FAIL;
}

char *libxl_domid_to_name(libxl_ctx *ctx, uint32_t domid)
{
    char path[64], *name = NULL;

    if (libxl__ctx_ensure(ctx))
        return NULL;
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    if (libxl__xs_read(ctx->xs, 0, path, &name)) {
        /* dom0's name is written by the host's start-up scripts on Xen. */
        if (domid == 0 && !libxl_domain_info(ctx, NULL, 0))
            return strdup("Domain-0");
        return NULL;
    }
    return name;
}

int libxl_name_to_domid(libxl_ctx *ctx, const char *name, uint32_t *domid)
{
    int n, rc = ERROR_INVAL;
    libxl_dominfo *list = libxl_list_domain(ctx, &n);

    if (!list)
        return ERROR_NOMEM;
    for (int i = 0; i < n; i++) {
        char *dn = libxl_domid_to_name(ctx, list[i].domid);
        bool match = dn && !strcmp(dn, name);
        free(dn);
        if (match) {
            *domid = list[i].domid;
            rc = 0;
            break;
        }
    }
    libxl_dominfo_list_free(list, n);
    return rc;
}

static int domain_destroy(libxl_ctx *ctx, uint32_t domid)
{
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    if (domid == 0) {
        LOG(ctx, ERROR, "cannot destroy the privileged domain 0");
        return ERROR_INVAL;
    }
    if ((rc = libxl_domain_info(ctx, NULL, domid))) {
        LOG(ctx, ERROR, "non-existent domain %u", domid);
        return rc;
    }
    libxl__domctl_simple(ctx, XEN_DOMCTL_pausedomain, domid);
    libxl__xs_domain_remove(ctx, domid);
    rc = libxl__domctl_simple(ctx, XEN_DOMCTL_destroydomain, domid);
    if (rc && rc != -ESRCH) {
        LOGE(ctx, ERROR, -rc, "domain %u: destroydomain", domid);
        return ERROR_FAIL;
    }
    return 0;
}

static int pause_op(libxl_ctx *ctx, uint32_t domid, uint32_t cmd)
{
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    if ((rc = libxl_domain_info(ctx, NULL, domid)))
        return rc;
    rc = libxl__domctl_simple(ctx, cmd, domid);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "domain %u: %s", domid,
             cmd == XEN_DOMCTL_pausedomain ? "pause" : "unpause");
        return libxl__errno_to_error(rc);
    }
    return 0;
}

int libxl_domain_destroy(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, domain_destroy(ctx, domid));
}

int libxl_domain_pause(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, pause_op(ctx, domid, XEN_DOMCTL_pausedomain));
}

int libxl_domain_unpause(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, pause_op(ctx, domid, XEN_DOMCTL_unpausedomain));
}

/* Write value to the guest's control/<node> (its PV control interface). */
static int control_write(libxl_ctx *ctx, uint32_t domid, const char *node, const char *value)
{
    char path[96];
    int rc;

    snprintf(path, sizeof(path), "/local/domain/%u/control/%s", domid, node);
    rc = libxl__xs_write(ctx->xs, 0, path, value);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "domain %u: writing control/%s", domid, node);
        return ERROR_FAIL;
    }
    return 0;
}

/* Write cmd to control/shutdown, as libxl does.  The guest must have the
 * PV control interface: PV and PVH guests always have it, an HVM guest
 * only once its PV drivers set up the event callback
 * (HVM_PARAM_CALLBACK_IRQ), else ERROR_NOPARAVIRT. */
static int shutdown_request(libxl_ctx *ctx, uint32_t domid, const char *cmd)
{
    libxl_dominfo info;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    libxl_dominfo_init(&info);
    rc = libxl_domain_info(ctx, &info, domid);
    if (rc)
        return rc;
    if (info.domain_type == LIBXL_DOMAIN_TYPE_HVM) {
        uint64_t callback = 0;
        if (libxl__hvm_param_get(ctx, domid, HVM_PARAM_CALLBACK_IRQ, &callback) || !callback)
            return ERROR_NOPARAVIRT;
    }
    return control_write(ctx, domid, "shutdown", cmd);
}

int libxl_domain_shutdown(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, shutdown_request(ctx, domid, "poweroff"));
}

int libxl_domain_reboot(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, shutdown_request(ctx, domid, "reboot"));
}

int libxl_send_sysrq(libxl_ctx *ctx, uint32_t domid, char sysrq)
{
    char letter[2] = {sysrq, '\0'};
    int rc = libxl__ctx_ensure(ctx);

    return rc ? rc : control_write(ctx, domid, "sysrq", letter);
}

int libxl_domain_rename(libxl_ctx *ctx, uint32_t domid, const char *old_name, const char *new_name)
{
    char path[96], vmpath[96], *cur = NULL, *vm = NULL;
    uint32_t other;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    if (!new_name || !*new_name) {
        LOG(ctx, ERROR, "new domain name is empty");
        return ERROR_INVAL;
    }
    if (!libxl_name_to_domid(ctx, new_name, &other)) {
        if (other == domid)
            return 0;
        LOG(ctx, ERROR, "domain with name \"%s\" already exists.", new_name);
        return ERROR_INVAL;
    }
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    if (libxl__xs_read(ctx->xs, 0, path, &cur)) {
        LOG(ctx, ERROR, "domain %u has no name (not a domain?)", domid);
        return ERROR_DOMAIN_NOTFOUND;
    }
    if (old_name && strcmp(cur, old_name)) {
        LOG(ctx, ERROR, "domain %u is called \"%s\", not \"%s\"", domid, cur, old_name);
        free(cur);
        return ERROR_INVAL;
    }
    free(cur);
    rc = libxl__xs_write(ctx->xs, 0, path, new_name);
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    if (!rc && !libxl__xs_read(ctx->xs, 0, path, &vm)) {
        snprintf(vmpath, sizeof(vmpath), "%s/name", vm);
        libxl__xs_write(ctx->xs, 0, vmpath, new_name);
        free(vm);
    }
    return rc ? ERROR_FAIL : 0;
}

uint32_t libxl_vm_get_start_time(libxl_ctx *ctx, uint32_t domid)
{
    char path[96], *vm = NULL, *v = NULL;
    uint32_t t = (uint32_t)-1;

    if (libxl__ctx_ensure(ctx))
        return t;
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    if (libxl__xs_read(ctx->xs, 0, path, &vm))
        return t;
    snprintf(path, sizeof(path), "%s/start_time", vm);
    if (!libxl__xs_read(ctx->xs, 0, path, &v))
        t = (uint32_t)strtoul(v, NULL, 10);
    free(vm);
    free(v);
    return t;
}
