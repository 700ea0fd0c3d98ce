/*
 * libxl_soft_reset.c: libxl_domain_soft_reset, what on_soft_reset=
 * soft-reset does for a domain that shut down with SHUTDOWN_soft_reset
 * (e.g. before kexec): the same domain goes on with its memory and vCPU 0
 * where it was.  Xen 4.17's libxl does it by saving the domain and
 * restoring it into itself; here the hypervisor resets the domain in
 * place (XEN_DOMCTL_soft_reset: event channels, grant table, vcpu_info
 * registrations, the other vCPUs) and libxl sets the rings up again as
 * the builder first did: new xenstore and console event channels (HVM
 * params and xenstore nodes), a cleared console ring, XS_INTRODUCE again
 * so that xenstored follows the new channel.  HVM containers only (HVM
 * and PVH), as xl.cfg(5) says of soft-reset.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libxl_dom.h"
#include "public/hvm/params.h"
#include "public/io/console.h"
#include "public/sched.h"

static int soft_reset(libxl_ctx *ctx, uint32_t domid)
{
    struct xen_domctl_getdomaininfo info;
    uint64_t store_pfn = 0, console_pfn = 0;
    uint32_t store_port, console_port;
    char path[128];
    int rc, e;

    if ((rc = libxl__domain_getinfo(ctx, domid, &info)))
        return rc;
    if (!(info.flags & XEN_DOMINF_hvm_guest)) {
        LOG(ctx, ERROR, "domain %u: soft reset is for HVM and PVH guests only", domid);
        return ERROR_INVAL;
    }
    if (!(info.flags & XEN_DOMINF_shutdown) || ((info.flags >> XEN_DOMINF_shutdownshift) &
                                                XEN_DOMINF_shutdownmask) != SHUTDOWN_soft_reset) {
        LOG(ctx, ERROR, "domain %u: not shut down for a soft reset", domid);
        return ERROR_INVAL;
    }
    if (libxl__hvm_param_get(ctx, domid, HVM_PARAM_STORE_PFN, &store_pfn) ||
        libxl__hvm_param_get(ctx, domid, HVM_PARAM_CONSOLE_PFN, &console_pfn))
        return ERROR_FAIL;
    e = libxl__domctl_simple(ctx, XEN_DOMCTL_soft_reset, domid);
    if (e) {
        LOGE(ctx, ERROR, -e, "domain %u: soft reset", domid);
        return ERROR_FAIL;
    }
    if ((rc = libxl__evtchn_alloc_unbound(ctx, domid, 0, &store_port)) ||
        (rc = libxl__evtchn_alloc_unbound(ctx, domid, 0, &console_port)))
        return rc;
    if (console_pfn) {
        struct xencons_interface *ring = libxl__dom_map(ctx, domid, console_pfn, 1);
        if (ring) {
            memset(ring, 0, LIBXL__PAGE_SIZE);
            libxl__dom_unmap(ctx, ring, 1);
        }
    }
    if ((rc = libxl__hvm_param_set(ctx, domid, HVM_PARAM_STORE_EVTCHN, store_port)) ||
        (rc = libxl__hvm_param_set(ctx, domid, HVM_PARAM_CONSOLE_EVTCHN, console_port)))
        return rc;
    snprintf(path, sizeof(path), "/local/domain/%u/store/port", domid);
    libxl__xs_printf(ctx->xs, 0, path, "%u", store_port);
    snprintf(path, sizeof(path), "/local/domain/%u/console/port", domid);
    libxl__xs_printf(ctx->xs, 0, path, "%u", console_port);
    if (store_pfn && libxl__xs_introduce(ctx->xs, domid, store_pfn, store_port)) {
        LOG(ctx, ERROR, "domain %u: introducing it to xenstored again", domid);
        return ERROR_FAIL;
    }
    return 0;
}

int libxl_domain_soft_reset(libxl_ctx *ctx, libxl_domain_config *d_config, uint32_t domid,
                            const libxl_asyncop_how *ao_how,
                            const libxl_asyncprogress_how *aop_console_how)
{
    int rc;

    (void)d_config; /* the domain keeps its configuration */
    (void)aop_console_how;
    if ((rc = libxl__ctx_ensure(ctx)))
        return libxl__ao_done(ctx, ao_how, domid, rc);
    if (libxl__domctl_simple(ctx, XEN_DOMCTL_pausedomain, domid)) {
        rc = ERROR_DOMAIN_NOTFOUND;
        return libxl__ao_done(ctx, ao_how, domid, rc);
    }
    rc = soft_reset(ctx, domid);
    if (rc)
        LOG(ctx, ERROR, "domain %u: soft reset failed (it stays paused)", domid);
    else
        libxl__domctl_simple(ctx, XEN_DOMCTL_unpausedomain, domid);
    return libxl__ao_done(ctx, ao_how, domid, rc);
}
